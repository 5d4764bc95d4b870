import Foundation
import Testing
import TransferWatchTestSupport

/// `transferwatch rules lint` as a process: every problem on stdout as `file:line:col: error: message`, exit 2;
/// a one-line summary and exit 0 for good files; no AWS credentials needed.
@Suite struct RulesCommandTests {
    static let goodCopyRules = """
        groups:
          - name: copy
            kind: step
            workflow: copy
            rules:
              - alert: copy-failed
                expr: result == "failed"
                severity: critical
                annotations:
                  summary: "Copy of {{ source.key }} failed"
        """

    static let goodStateRules = """
        groups:
          - name: server
            kind: state
            rules:
              - alert: stale-server
                expr: server != null and server.age > 2d
                for: 5m
                severity: warning
              - alert: month-end
                expr: dayOfMonth(now) >= 28
                severity: info
        """

    static let brokenRules = """
        groups:
          - name: copy
            kind: step
            workflow: copy
            rules:
              - alert: copy-failed
                expr: result == "failed"
                for: 5m
                severity: urgent
              - alert: copy-failed
                expr: bytes > "x"
                severity: critical
        """

    @Test func lintPrintsASummaryAndExitsZeroForGoodFiles() async throws {
        let folder = try makeFolder(["copy.yaml": Self.goodCopyRules, "state.yml": Self.goodStateRules])
        let result = try await CLIProcess.run(["rules", "lint", folder.path])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput == "2 rule files, 3 rules: OK\n")
    }

    @Test func lintPrintsEveryProblemSortedAndExitsTwo() async throws {
        let folder = try makeFolder(["copy.yaml": Self.goodCopyRules, "broken.yaml": Self.brokenRules])
        let result = try await CLIProcess.run(["rules", "lint", folder.path])
        #expect(result.status == 2)
        let broken = folder.appendingPathComponent("broken.yaml").path
        let copy = folder.appendingPathComponent("copy.yaml").path
        #expect(
            result.standardOutput.split(separator: "\n").map(String.init) == [
                "\(broken):8:14: error: 'for' is not allowed in a step rule: a step rule fires once per step",
                "\(broken):9:19: error: invalid severity 'urgent': must be critical, warning or info",
                "\(broken):11:21: error: type error: cannot compare number with string (\"x\")",
                "\(copy):6:16: error: duplicate alert 'copy-failed' with severity 'critical' (first defined at \(broken):10:16): rules that share an alert name must differ in severity",
            ])
    }

    @Test func lintSkipsTestsFoldersAndOtherFiles() async throws {
        let folder = try makeFolder([
            "copy.yaml": Self.goodCopyRules,
            "README.md": "not a rule file",
            "tests/copy-test.yaml": "tests: [not, rules]",
        ])
        let result = try await CLIProcess.run(["rules", "lint", folder.path])
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(result.standardOutput == "1 rule file, 1 rule: OK\n")
    }

    @Test func lintAcceptsSingleFilesAndReportsYAMLSyntax() async throws {
        let folder = try makeFolder(["bad.yaml": "groups:\n  - name: [copy\n"])
        let file = folder.appendingPathComponent("bad.yaml").path
        let result = try await CLIProcess.run(["rules", "lint", file])
        #expect(result.status == 2)
        #expect(result.standardOutput.hasPrefix("\(file):3:1: error: YAML syntax: "))
    }

    @Test func lintDefaultsToTheConfiguredRulesFolder() async throws {
        let folder = try makeFolder([
            "transferwatch.yaml": """
            region: eu-west-1
            environment: staging
            buckets: {source: invoices-incoming, destination: invoices-archive}
            tables: {employees: SFTPUsers, state: TransferWatchState}
            rules: alerting/
            sftp:
              timezone: Europe/Berlin
            """,
            "alerting/state.yaml": Self.goodStateRules,
        ])
        let result = try await CLIProcess.run(
            ["--config", folder.appendingPathComponent("transferwatch.yaml").path, "rules", "lint"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput == "1 rule file, 2 rules: OK\n")
    }

    @Test func lintOfAMissingPathIsAUsageError() async throws {
        let result = try await CLIProcess.run(["rules", "lint", "/nonexistent/rules"])
        #expect(result.status == 2)
        #expect(result.errorLines == ["error: /nonexistent/rules: no such file or folder"])
    }

    // MARK: Helpers

    /// A fresh temporary folder holding `files` (relative paths to contents).
    private func makeFolder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-rules-\(UUID().uuidString)")
        for (path, text) in files {
            let file = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return folder
    }
}
