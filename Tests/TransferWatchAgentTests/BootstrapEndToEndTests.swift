import Foundation
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchTestSupport
import TransferWatchWorkflows

/// `transferwatch bootstrap` as a process against moto: creates everything, then finds everything; the bucket
/// notification really delivers uploads to the queue.
@Suite(.requiresMoto) struct BootstrapEndToEndTests {
    @Test func createsWhatIsMissingThenFindsItAllAndUploadsReachTheQueue() async throws {
        let fixture = try await AgentFixture.start(agent: "  maxReceiveCount: 3")
        defer { fixture.stop() }

        let first = try await fixture.cli(["bootstrap"])
        #expect(first.status == 0, "\(first.standardError)")
        let created = first.standardOutput.split(separator: "\n").map(String.init)
        #expect(created.contains("created bucket invoices-incoming"), "\(first.standardOutput)")
        #expect(created.contains("created bucket invoices-archive"))
        #expect(created.contains("created table SFTPUsers"))
        #expect(created.contains("created table TransferWatchState"))
        #expect(created.contains("created dead-letter queue invoice-uploads-dlq"))
        #expect(created.contains("created queue invoice-uploads"))
        #expect(created.contains("created redrive policy invoice-uploads (maxReceiveCount 3 to invoice-uploads-dlq)"))
        #expect(created.contains { $0.hasPrefix("created queue policy invoice-uploads") })
        #expect(created.contains("created notification invoices-incoming (ObjectCreated to invoice-uploads)"))
        #expect(
            created.contains {
                $0 == "ensured topic oncall (arn:aws:sns:us-east-1:123456789012:oncall)"
            })

        // The queue's redrive policy points at the dead-letter queue.
        let attributes = try await fixture.sqs.getQueueAttributes(queueURL: fixture.queueURL)
        let redrive = try #require(attributes.redrivePolicy)
        #expect(redrive.maxReceiveCount == 3)
        #expect(redrive.deadLetterTargetARN.hasSuffix(":invoice-uploads-dlq"))

        // Again: nothing is created.
        let second = try await fixture.cli(["bootstrap", "--json"])
        #expect(second.status == 0, "\(second.standardError)")
        let steps = try #require(
            try JSONSerialization.jsonObject(with: Data(second.standardOutput.utf8)) as? [[String: Any]])
        #expect(steps.count == created.count)
        #expect(
            steps.allSatisfy { ["existed", "ensured"].contains($0["outcome"] as? String) }, "\(second.standardOutput)")

        // moto in server mode delivers S3 notifications to SQS: an upload's event arrives (after the
        // s3:TestEvent S3 sends when the notification is configured).
        try await fixture.upload("alice/2026-11/invoice.pdf")
        var found: [S3ObjectEvent] = []
        var ignored: [String] = []
        let arrived = await eventually(timeout: .seconds(30)) {
            for message in try await fixture.sqs.receiveMessage(
                queueURL: fixture.queueURL, maxMessages: 10, waitTimeSeconds: 1)
            {
                let batch = S3EventParser.parse(Data(message.body.utf8), source: message.messageID)
                found += batch.objects
                ignored += batch.ignored.map(\.reason)
                try await fixture.sqs.deleteMessage(queueURL: fixture.queueURL, receiptHandle: message.receiptHandle)
            }
            return !found.isEmpty
        }
        #expect(arrived)
        #expect(found.map(\.key) == ["alice/2026-11/invoice.pdf"])
        #expect(found.first?.bucket == "invoices-incoming")
        #expect(ignored == ["s3:TestEvent"])
    }

    @Test func agentOptionsAreValidated() async throws {
        let rate = try await CLIProcess.run(["agent", "--clock-rate", "0"])
        #expect(rate.status == 2)
        #expect(
            rate.errorLines.first?.contains("--clock-rate must be a positive number") == true, "\(rate.standardError)")
        let missing = try await CLIProcess.run(["--config", "/nonexistent/transferwatch.yaml", "agent"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nonexistent/transferwatch.yaml"), "\(missing.standardError)")
    }

    @Test func aMissingConfigurationIsAUsageError() async throws {
        let result = try await CLIProcess.run(["--config", "/nonexistent/transferwatch.yaml", "bootstrap"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("/nonexistent/transferwatch.yaml"), "\(result.standardError)")
    }

    @Test func anUnreachableEndpointFailsWithExitOne() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-boot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("transferwatch.yaml")
        try """
        region: us-east-1
        endpoint: http://127.0.0.1:9
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        aws: {maxAttempts: 1}
        """.write(to: config, atomically: true, encoding: .utf8)
        let result = try await CLIProcess.run(["--config", config.path, "bootstrap"], environment: AgentFixture.environment)
        #expect(result.status == 1, "\(result.standardError)")
        #expect(
            result.errorLines.last?.hasPrefix("error: bootstrap stopped at bucket invoices-incoming:") == true,
            "\(result.standardError)")
    }
}
