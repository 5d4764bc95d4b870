import Foundation
import Testing
import TransferWatchAgent
import TransferWatchTestSupport
import TransferWatchWorkflows

/// `/status` rendered by a real headless Chromium (Debian's `chromium-headless-shell`, installed by
/// `make deps`): the DOM it builds and a screenshot in `.build/screenshots/` to look at.
///
/// Not skipped when Chromium is missing: without it this fails, naming the package to install.
@Suite(.serialized) struct StatusPageBrowserTests {
    static func chromium() -> URL? {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["TRANSFERWATCH_CHROMIUM"], !configured.isEmpty {
            candidates.append(configured)
        }
        candidates += ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map(URL.init(fileURLWithPath:))
    }

    static func render(_ url: String, _ mode: [String]) async throws -> HTTPTestProcess.Result {
        let browser = try #require(
            chromium(),
            "no headless Chromium: run `make deps` (apt package chromium-headless-shell) or set TRANSFERWATCH_CHROMIUM")
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("tw-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try await HTTPTestProcess.run(
            browser,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--user-data-dir=\(profile.path)", "--window-size=1280,1900",
            ] + mode + [url])
    }

    static func screenshotPath(_ name: String) throws -> URL {
        let directory = try #require(RepositoryPaths.root()).appendingPathComponent(".build/screenshots")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: file)
        return file
    }

    @Test func chromiumRendersTheStatusPageSafely() async throws {
        let server = try StatusFixtures.startServer()
        defer { server.server.stop() }
        let url = "http://127.0.0.1:\(server.port)/status"

        let dom = try await Self.render(url, ["--dump-dom"])
        #expect(dom.status == 0, "\(dom.standardError)")
        let html = String(decoding: dom.standardOutput, as: UTF8.self)
        #expect(html.contains("<title>1 FIRING · TransferWatch · test · 2026-11: 8/12 delivered</title>"))
        #expect(html.contains("role=\"progressbar\""))
        #expect(html.contains("⚠ 1 alert firing: stalled-counter"))
        // The XSS username is text in the DOM Chromium built, not an element.
        #expect(html.contains("<li>&lt;img src=x onerror=\"document.title='pwned'\"&gt;</li>"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("pwned</title>"))

        let file = try Self.screenshotPath("status.png")
        let shot = try await Self.render(url, ["--screenshot=\(file.path)"])
        #expect(shot.status == 0, "\(shot.standardError)")
        let png = try Data(contentsOf: file)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(png.count > 20_000, "a page with content, not a blank image")
    }

    @Test func chromiumRendersTheWindowWithoutAServer() async throws {
        var status = StatusFixtures.status(server: false)
        status.alerts = []
        let server = try StatusFixtures.startServer(status: status)
        defer { server.server.stop() }
        let url = "http://127.0.0.1:\(server.port)/status"
        let dom = try await Self.render(url, ["--dump-dom"])
        #expect(dom.status == 0, "\(dom.standardError)")
        let html = String(decoding: dom.standardOutput, as: UTF8.self)
        #expect(html.contains("No server: none is provisioned for this window."))
        #expect(html.contains("✓ All clear: no alerts firing"))
        let file = try Self.screenshotPath("status-no-server.png")
        let shot = try await Self.render(url, ["--screenshot=\(file.path)"])
        #expect(shot.status == 0, "\(shot.standardError)")
        #expect(FileManager.default.fileExists(atPath: file.path))
    }
}
