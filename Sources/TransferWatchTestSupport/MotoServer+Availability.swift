import Foundation
import Testing

/// Whether this machine can run the emulator tier, and the Swift Testing trait that acts on it.
///
/// Mark every suite that starts a ``MotoServer`` with ``Testing/Trait/requiresMoto``:
///
/// ```swift
/// @Suite(.requiresMoto) struct SQSIntegrationTests { ... }
/// ```
///
/// | moto available | `TRANSFERWATCH_REQUIRE_EMULATOR=1` | result |
/// | --- | --- | --- |
/// | yes | either | the tests run |
/// | no | not set | the tests are skipped, and a warning banner is printed to stderr once |
/// | no | set (as `make test` does) | the tests run, and ``MotoServer/start(verifySignatures:fixesGzipBodies:logger:)`` fails with the reason |
///
/// So a developer without `.venv` still gets a green `swift test` (with a loud warning), while CI, which
/// runs `make test`, can never go green without the emulator.
extension MotoServer {
    /// Set to `1` to turn "moto is missing" from a skip into a failure.
    package static let requireEmulatorEnvironmentKey = "TRANSFERWATCH_REQUIRE_EMULATOR"

    /// The result of probing for a usable Python with moto.
    package enum Availability: Sendable, Equatable {
        /// The interpreter can run the launcher; `version` is what `moto_launcher.py --check` printed.
        case available(python: URL, version: String)
        /// It cannot; the reason names what is missing.
        case unavailable(reason: String)
    }

    /// Whether moto can run here, probed once per process (about one second: it imports moto).
    package static let availability: Availability = probeAvailability(
        python: RepositoryPaths.testPython()
    )

    /// `true` when ``availability`` is ``Availability/available(python:version:)``.
    package static var isAvailable: Bool {
        if case .available = availability { return true }
        return false
    }

    /// `true` when `TRANSFERWATCH_REQUIRE_EMULATOR` is `1`: a missing moto must fail the tests.
    package static var isRequired: Bool {
        ProcessInfo.processInfo.environment[requireEmulatorEnvironmentKey] == "1"
    }

    /// Decides whether an emulator test runs; prints the warning banner (once) when it is skipped.
    ///
    /// - Returns: `true` when moto is available or required (so a missing moto fails loudly).
    package static func shouldRunEmulatorTests() -> Bool {
        if isAvailable || isRequired { return true }
        _ = skipWarning
        return false
    }

    /// Printed to stderr the first time an emulator test is skipped.
    private static let skipWarning: Void = {
        let reason: String
        switch availability {
        case .available: reason = ""
        case .unavailable(let why): reason = why
        }
        let rule = String(repeating: "=", count: 100)
        let banner = """
            \(rule)
            WARNING: moto emulator NOT AVAILABLE: \(reason)
            WARNING: every integration test marked .requiresMoto is SKIPPED.
            WARNING: run `make venv` (or set TRANSFERWATCH_PYTHON); `make test` makes this a failure.
            \(rule)

            """
        FileHandle.standardError.write(Data(banner.utf8))
    }()

    /// Runs `moto_launcher.py --check` with `python`.
    ///
    /// - Parameter python: The interpreter, or `nil` when none was found.
    /// - Returns: What the launcher reported.
    package static func probeAvailability(python: URL?) -> Availability {
        guard let python else {
            return .unavailable(reason: MotoServerError.pythonNotFound.description)
        }
        guard let launcher = try? launcherScript() else {
            return .unavailable(reason: MotoServerError.missingResource("Resources/moto_launcher.py").description)
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [launcher.path, "--check"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .unavailable(reason: "cannot run \(python.path): \(error)")
        }
        let data = (try? output.fileHandleForReading.readToEnd()) ?? Data()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            return .unavailable(reason: "\(python.path): \(text)")
        }
        return .available(python: python, version: text)
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs a test or suite only where moto can run, unless `TRANSFERWATCH_REQUIRE_EMULATOR=1` demands it.
    ///
    /// See ``MotoServer/shouldRunEmulatorTests()``: skipped tests print a warning banner; with the variable
    /// set, they run and fail on ``MotoServer/start(verifySignatures:fixesGzipBodies:logger:)``.
    package static var requiresMoto: Self {
        .enabled(
            if: MotoServer.shouldRunEmulatorTests(),
            "moto emulator not available: run `make venv` or set TRANSFERWATCH_PYTHON"
        )
    }
}
