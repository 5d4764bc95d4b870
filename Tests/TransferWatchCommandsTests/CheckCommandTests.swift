import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

/// `transferwatch check` as a process against moto with the repository's shipped rules: quiet after
/// provisioning, `stalled-counter` naming the missing employees a day later, `stale-server` three days after
/// provisioning; exit 1 while anything fires, 2 on a broken rule file. The pipeline is `status`'s, with its
/// three valid employees only (a broken record would fire `provisioning-incomplete` at provisioning).
@Suite(.requiresMoto, .serialized) struct CheckCommandTests {
    func makePipeline(rulesFolder: String) async throws -> StatusCommandTests.Pipeline {
        try await StatusCommandTests.makePipeline(rulesFolder: rulesFolder, brokenEmployee: false)
    }

    static func shippedRules() throws -> String {
        try #require(RepositoryPaths.root()).appendingPathComponent("rules").path
    }

    @Test func shippedRulesFireStalledCounterThenStaleServer() async throws {
        let pipeline = try await makePipeline(rulesFolder: try Self.shippedRules())
        defer { pipeline.moto.stop() }

        let provision = try await pipeline.run(["provision"], now: "2026-11-28T00:00:05Z")
        #expect(provision.status == 0, "\(provision.standardError)")
        _ = try await pipeline.s3.putObject(bucket: "invoices-incoming", key: "alice/a.pdf", body: Data("%PDF".utf8))
        let copy = try await pipeline.run(
            ["copy", "--bucket", "invoices-incoming", "--key", "alice/a.pdf"], now: "2026-11-28T10:00:00Z")
        #expect(copy.status == 0, "\(copy.standardError)")

        // Right after the copy: nothing is wrong yet.
        let quiet = try await pipeline.run(["check"], now: "2026-11-28T11:00:00Z")
        #expect(quiet.status == 0, "\(quiet.standardOutput)\(quiet.standardError)")
        #expect(quiet.standardOutput.hasPrefix("OK: "), "\(quiet.standardOutput)")

        // A day later nobody else has delivered: stalled-counter names bob and carol.
        let stalled = try await pipeline.run(["check", "--json"], now: "2026-11-29T10:00:00Z")
        #expect(stalled.status == 1, "\(stalled.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(stalled.standardOutput.utf8)) as? [String: Any])
        let firing = try #require(report["firing"] as? [[String: Any]])
        #expect(firing.map { $0["alert"] as? String } == ["stalled-counter"], "\(firing)")
        let annotations = try #require(firing.first?["annotations"] as? [String: String])
        #expect(annotations["description"]?.contains("Missing: bob, carol") == true, "\(annotations)")
        #expect(firing.first?["severity"] as? String == "warning")

        // Three days after provisioning the server is still online: stale-server, with its ID, age and cost.
        let stale = try await pipeline.run(["check"], now: "2026-12-01T00:00:05Z")
        #expect(stale.status == 1, "\(stale.standardError)")
        let lines = stale.standardOutput.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("FIRING stale-server [warning] ") }, "\(lines)")
        #expect(header.contains("server=s-"), "\(header)")
        #expect(lines.contains { $0.contains("online for 3d") && $0.contains("$21.60 so far") }, "\(lines)")
        #expect(!lines.contains { $0.hasPrefix("FIRING stalled-counter") }, "the window has closed: \(lines)")
    }

    @Test func aBrokenRuleFileIsExitTwoWithItsPosition() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-check-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
        groups:
          - name: server
            kind: state
            interval: 1m
            rules:
              - alert: stale-server
                expr: server.age > "x"
                severity: warning
        """.write(to: folder.appendingPathComponent("server.yaml"), atomically: true, encoding: .utf8)
        let pipeline = try await makePipeline(rulesFolder: folder.path)
        defer { pipeline.moto.stop() }
        let result = try await pipeline.run(["check"], now: "2026-11-29T10:00:00Z")
        #expect(result.status == 2)
        #expect(result.errorLines.first?.hasPrefix("\(folder.path)/server.yaml:7:") == true, "\(result.standardError)")
    }
}
