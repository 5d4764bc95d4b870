import ArgumentParser
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchWorkflows

/// `transferwatch copy`: the copy workflow for one object, or for every record of an S3 event.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Move uploads from the source bucket to the destination bucket, counting each employee's delivery once.",
        discussion: """
            Give either --bucket and --key, or --event with a file (or - for stdin) holding an S3 event
            notification: plain, inside an SQS message body, or inside an SNS notification. Every record is
            processed; a broken record is reported on stderr and does not stop the others.
            Exit status: 0 all moved (or already moved); 1 a record failed; 2 no record could be read.
            """
    )

    @ParentCommand var root: TransferWatchCommand

    @Option(name: .long, help: "The bucket of one object to move.") var bucket: String?
    @Option(name: .long, help: "The key of one object to move (as stored, not URL-encoded).") var key: String?
    @Option(name: .long, help: ArgumentHelp("An S3 event file, or - for standard input.", valueName: "file")) var event: String?
    @Flag(name: .long, help: "Print the step records as JSON.") var json = false

    func validate() throws {
        switch (bucket, key, event) {
        case (.some, .some, nil), (nil, nil, .some): break
        case (.some, nil, _), (nil, .some, _): throw ValidationError("--bucket and --key go together")
        case (.some, .some, .some): throw ValidationError("give either --bucket/--key or --event, not both")
        case (nil, nil, nil): throw ValidationError("give --bucket and --key, or --event FILE|-")
        }
    }

    func run() async throws {
        let context = try CommandContext.make(global: root.global)
        var workflow = CopyWorkflow.make(context: context)
        workflow.stepRules = try StepRulesLoader.load(context: context)
        let outcomes = CopyOutcomeLog(dynamo: DynamoDBClient(context: context.aws), table: context.configuration.tables.state)
        let counter = OutcomeCounter()
        workflow.failureLog = outcomes
        workflow.successCounter = counter
        var records: [CopyStepRecord] = []
        var batch = S3EventBatch()
        if let bucket, let key {
            records.append(try await workflow.run(bucket: bucket, key: key))
        } else if let event {
            let data: Data
            do {
                data = event == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: event))
            } catch {
                throw CommandFailure.usage("error: \(event): cannot read the event file (\((error as NSError).localizedDescription))")
            }
            batch = S3EventParser.parse(data, source: event == "-" ? "stdin" : event)
            records = try await workflow.run(batch.objects, concurrency: context.configuration.copy.concurrency)
        }
        for error in batch.errors { TransferWatchCommand.printError("error: \(error)") }
        for ignored in batch.ignored { context.logger.info("event record ignored", metadata: ["event.record": "\(ignored.origin)", "reason": "\(ignored.reason)"]) }
        if json {
            print(CopyReport(records: records, errors: batch.errors, ignored: batch.ignored.map(\.reason)).json())
        } else {
            for record in records {
                print(record.summary)
                for note in record.notes { print("  note: \(note)") }
                for line in StepRulesLoader.describe(record.verdicts) { print(line) }
            }
        }
        for record in records where record.isFailure { TransferWatchCommand.printError("error: \(record.summary)") }
        var flushFailed = false
        do {
            try await counter.flush(to: outcomes)
        } catch {
            flushFailed = true
            TransferWatchCommand.printError("error: the successful copies could not be counted in the state table: \(error)")
        }
        if records.isEmpty && !batch.errors.isEmpty { throw CommandFailure(status: 2, message: "") }
        if records.contains(where: \.isFailure) || !batch.errors.isEmpty || flushFailed { throw CommandFailure.failed() }
        if records.contains(where: { !$0.verdicts.firing.isEmpty }) { throw CommandFailure.failed() }
    }
}

/// `copy --json`: the step records, the broken records and what was ignored.
struct CopyReport: Encodable {
    var records: [CopyStepRecord]
    var errors: [S3EventError]
    var ignored: [String]

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension S3EventError: Encodable {
    private enum CodingKeys: String, CodingKey { case source, path, message }
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(path, forKey: .path)
        try container.encode(message, forKey: .message)
    }
}

extension CopyWorkflow {
    /// The workflow as the configuration describes it.
    static func make(context: CommandContext) -> CopyWorkflow {
        let configuration = context.configuration
        let dynamo = DynamoDBClient(context: context.aws)
        let ledger = DeliveryLedger(dynamo: dynamo, stateTable: configuration.tables.state, employeesTable: configuration.tables.employees,
                                    logger: context.logger)
        let settings = CopyWorkflow.Settings(
            sourceBucket: configuration.buckets.source, destinationBucket: configuration.buckets.destination,
            destinationKey: configuration.destinationKey,
            calendar: DeliveryWindowCalendar(provision: configuration.sftp.provision, timeZone: configuration.sftp.timezone),
            multipartThreshold: Int64(configuration.copy.multipartThreshold.bytes), partSize: Int64(configuration.copy.partSize.bytes),
            partConcurrency: configuration.copy.partConcurrency)
        return CopyWorkflow(s3: S3Client(context: context.aws), ledger: ledger, settings: settings, now: context.now, logger: context.logger)
    }
}
