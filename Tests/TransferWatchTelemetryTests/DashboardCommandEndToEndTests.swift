import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// `transferwatch dashboards lint` and `dashboards publish` as processes.
@Suite struct DashboardCommandEndToEndTests {
    @Test func lintAcceptsTheShippedDashboard() async throws {
        let folder = DashboardLinterTests.repository.appendingPathComponent("dashboards").path
        let result = try await CLIProcess.run(["dashboards", "lint", folder])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput == "1 dashboard file: OK\n")
    }

    @Test func lintPrintsEveryProblemWithItsPositionAndExits2() async throws {
        let workspace = try AlarmCommandEndToEndTests.Workspace(endpoint: URL(string: "http://127.0.0.1:9")!)
        let bad = workspace.dashboards.appendingPathComponent("bad.json")
        try """
        {"widgets": [
          {"type": "metric", "properties": {"region": "${region}", "metrics": [
            ["${namespace}", "CopyFailures", "Environment", "${environment}"],
            ["${namespace}", "CopyFailed", "Stage", "${stage}"]
          ]}}
        ]}
        """.write(to: bad, atomically: true, encoding: .utf8)
        let broken = workspace.dashboards.appendingPathComponent("broken.json")
        try #"{"widgets": [}"#.write(to: broken, atomically: true, encoding: .utf8)
        let result = try await workspace.run(["dashboards", "lint"])
        #expect(result.status == 2)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(result.standardOutput)")
        #expect(
            lines.first?.hasPrefix(
                "\(bad.path):3:22: error: widgets[0].properties.metrics[0]: unknown metric 'CopyFailures'") == true)
        #expect(
            lines.contains(
                "\(bad.path):4:5: error: widgets[0].properties.metrics[1]: metric CopyFailed is missing its dimension 'Environment' (its dimensions: Environment)"
            ))
        #expect(
            lines.contains(
                "\(bad.path):4:36: error: widgets[0].properties.metrics[1]: metric CopyFailed has no dimension 'Stage' (its dimensions: Environment)"
            ))
        #expect(
            lines.contains(
                "\(bad.path):4:46: error: unknown placeholder '${stage}' (known: ${environment}, ${namespace}, ${region})"
            ))
        #expect(lines.last == "\(broken.path):1:14: error: invalid JSON: expected a value, found '}'")

        // publish lints first and sends nothing.
        let publish = try await workspace.run(["dashboards", "publish"])
        #expect(publish.status == 2)
        #expect(publish.standardOutput.contains("unknown metric 'CopyFailures'"))
    }

    @Test func aMissingPathIsAUsageError() async throws {
        let result = try await CLIProcess.run(["dashboards", "lint", "/nonexistent/dashboards"])
        #expect(result.status == 2)
        #expect(result.errorLines == ["error: /nonexistent/dashboards: no such file or folder"])
    }
}

/// `dashboards publish` against moto: a dry run sends nothing; a real run stores the substituted body.
@Suite(.requiresMoto) struct DashboardPublishEndToEndTests {
    @Test func publishSendsTheSubstitutedDashboard() async throws {
        let moto = try await MotoServer.start(logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { moto.stop() }
        let cloudWatch = CloudWatchClient(context: TestContexts.make(endpoint: moto.endpoint))
        let workspace = try AlarmCommandEndToEndTests.Workspace(endpoint: moto.endpoint)
        let shipped = DashboardLinterTests.repository.appendingPathComponent("dashboards/transferwatch.json")
        let copy = workspace.dashboards.appendingPathComponent("transferwatch.json")
        try FileManager.default.copyItem(at: shipped, to: copy)

        let dryRun = try await workspace.run(["dashboards", "publish", "--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun.standardError)")
        #expect(
            dryRun.standardOutput.hasPrefix("would publish transferwatch-e2e from \(copy.path) ("),
            "\(dryRun.standardOutput)")
        #expect(dryRun.standardOutput.hasSuffix("Dry run: nothing was published.\n"))
        #expect(try await cloudWatch.listDashboards().isEmpty)

        let publish = try await workspace.run(["dashboards", "publish"])
        #expect(publish.status == 0, "\(publish.standardError)")
        #expect(
            publish.standardOutput.hasPrefix("published transferwatch-e2e from \(copy.path) ("),
            "\(publish.standardOutput)")
        let stored = try await cloudWatch.getDashboard(name: "transferwatch-e2e")
        let text = try String(contentsOf: shipped, encoding: .utf8)
            .replacingOccurrences(of: "${namespace}", with: "TransferWatch")
            .replacingOccurrences(of: "${region}", with: "us-east-1")
            .replacingOccurrences(of: "${environment}", with: "e2e")
        #expect(
            try DashboardPublishIntegrationTests.object(stored.body) == DashboardPublishIntegrationTests.object(text))
    }
}
