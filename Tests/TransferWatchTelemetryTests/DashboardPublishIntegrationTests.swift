import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTelemetry
import TransferWatchTestSupport

/// Publishing the shipped dashboard to moto's CloudWatch and reading it back with GetDashboard.
@Suite(.requiresMoto) struct DashboardPublishIntegrationTests {
    @Test func theShippedDashboardIsPublishedAndReadBackUnchanged() async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let cloudWatch = CloudWatchClient(context: TestContexts.make(endpoint: moto.endpoint))
        let file = DashboardLinterTests.repository.appendingPathComponent("dashboards/transferwatch.json")
        let template = DashboardTemplate(
            file: "dashboards/transferwatch.json", text: try String(contentsOf: file, encoding: .utf8))
        let publisher = DashboardPublisher(
            cloudWatch: cloudWatch, namespace: "TransferWatch", region: "eu-west-1", environment: "test",
            logger: Self.logger)

        let dryRun = await publisher.publish([template], dryRun: true)
        #expect(
            dryRun.map(\.summary).first?.hasPrefix(
                "would publish transferwatch-test from dashboards/transferwatch.json (") == true)
        #expect(try await cloudWatch.listDashboards().isEmpty, "a dry run sends nothing")

        let results = await publisher.publish([template], dryRun: false)
        #expect(results.map(\.error) == [nil])
        #expect(results.first?.dashboardName == "transferwatch-test")
        let stored = try await cloudWatch.getDashboard(name: "transferwatch-test")
        let expected = template.body(namespace: "TransferWatch", region: "eu-west-1", environment: "test")
        #expect(try Self.object(stored.body) == Self.object(expected))
        #expect(!stored.body.contains("${"), "every placeholder substituted")
        let document = try JSONScanner.parse(stored.body)
        let firstMetric = document["widgets"]?.array?[1]["properties"]?["metrics"]?.array?.first?.array
        #expect(
            firstMetric?.prefix(4).compactMap(\.string) == ["TransferWatch", "UploadsDelivered", "Environment", "test"])
        #expect(document["widgets"]?.array?[1]["properties"]?["region"]?.string == "eu-west-1")

        // Publishing again replaces it in place.
        _ = await publisher.publish([template], dryRun: false)
        #expect(try await cloudWatch.listDashboards().map(\.name) == ["transferwatch-test"])
    }

    static let logger = Logger(label: "dashboards.test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A JSON text as a Foundation object, compared semantically (key order and spacing ignored).
    static func object(_ text: String) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    }
}
