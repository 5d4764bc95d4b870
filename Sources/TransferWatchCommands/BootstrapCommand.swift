import ArgumentParser
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchAgent

/// `transferwatch bootstrap`: creates the configured resources that are missing (idempotent).
struct BootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Create what is missing: buckets, tables, queue and dead-letter queue, bucket notification, topic.",
        discussion: """
            Each resource is checked first and created only when missing; the output has one line per resource,
            saying whether it was created, updated or existed. The queue gets a redrive policy to <queue>-dlq
            (agent.maxReceiveCount receives) and a policy letting S3 send the source bucket's ObjectCreated
            events to it. Exit status: 0 done; 1 an AWS call failed (what was done before is printed);
            2 configuration error.
            """
    )

    @ParentCommand var root: TransferWatchCommand

    @Flag(name: .long, help: "Print the steps as JSON.") var json = false

    func run() async throws {
        let context = try CommandContext.make(global: root.global, label: "transferwatch.bootstrap")
        let bootstrapper = Bootstrapper(
            configuration: context.configuration, s3: S3Client(context: context.aws),
            dynamo: DynamoDBClient(context: context.aws), sqs: SQSClient(context: context.aws),
            sns: SNSClient(context: context.aws), logger: context.logger)
        do {
            printSteps(try await bootstrapper.run())
        } catch {
            printSteps(error.steps)
            throw CommandFailure.failed("error: \(error)")
        }
    }

    private func printSteps(_ steps: [Bootstrapper.Step]) {
        if json {
            print(StepRecordJSON.encode(steps))
        } else {
            for step in steps { print(step) }
        }
    }
}
