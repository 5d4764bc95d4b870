import Foundation
import Testing
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The copy workflow's record, and the answers moto cannot give (it ignores `x-amz-copy-source-if-match`, and
/// never returns a copy that differs from its source), played by a scripted transport: no emulator, no sleeps.
@Suite struct CopyWorkflowUnitTests {
    // MARK: - The step record

    /// `--json` prints the record: its field names and values are a contract for rules, metrics and scripts.
    @Test func encodesTheRecordWithStableFieldNames() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let json = String(decoding: try encoder.encode(Self.movedRecord), as: UTF8.self)
        #expect(
            json == """
                {"bytes":1024,"counted":true,"delivery":"counted",\
                "destination":{"bucket":"invoices-archive","eTag":"0cc175b9c0f1b6a831c399e269772661","key":"2026\\/11\\/alice\\/a.pdf","size":1024},\
                "finishedAt":"2026-11-29T10:00:01Z","latencyMilliseconds":120,"multipart":false,"notes":[],"origin":"Records[0]",\
                "requests":3,"result":"moved",\
                "source":{"bucket":"invoices-incoming","eTag":"0cc175b9c0f1b6a831c399e269772661","key":"alice\\/a.pdf","size":1024},\
                "startedAt":"2026-11-29T10:00:00Z","uploader":"alice","verdicts":[],"window":"2026-11","windowComplete":false}
                """)

        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var failed = Self.movedRecord
        failed.result = .failed
        failed.errorCode = "AccessDenied"
        failed.errorMessage = "S3.CopyObject failed: AccessDenied (403)"
        failed.attempts = 1
        failed.multipart = true
        failed.parts = 3
        failed.notes = ["a note"]
        for record in [Self.movedRecord, failed] {
            #expect(try decoder.decode(CopyStepRecord.self, from: encoder.encode(record)) == record)
        }
        #expect(String(decoding: try encoder.encode(failed), as: UTF8.self).contains(#""errorCode":"AccessDenied""#))
    }

    struct SummaryCase: Sendable, CustomTestStringConvertible {
        var name: String
        var change: @Sendable (inout CopyStepRecord) -> Void
        var summary: String
        var testDescription: String { name }
    }

    static let summaries: [SummaryCase] = [
        SummaryCase(
            name: "moved and counted", change: { _ in },
            summary:
                "moved invoices-incoming/alice/a.pdf -> invoices-archive/2026/11/alice/a.pdf (1024 bytes, counted, 3 requests)"
        ),
        SummaryCase(
            name: "moved, completing the window",
            change: {
                $0.windowComplete = true
                $0.requests = 4
            },
            summary:
                "moved invoices-incoming/alice/a.pdf -> invoices-archive/2026/11/alice/a.pdf (1024 bytes, counted, window 2026-11 complete, 4 requests)"
        ),
        SummaryCase(
            name: "already moved",
            change: {
                $0.result = .alreadyMoved
                $0.delivery = "alreadyCounted"
                $0.counted = false
                $0.bytes = 0
            },
            summary:
                "alreadyMoved invoices-incoming/alice/a.pdf -> invoices-archive/2026/11/alice/a.pdf (0 bytes, alreadyCounted, 3 requests)"
        ),
        SummaryCase(
            name: "moved without a delivery outcome",
            change: { $0.delivery = nil },
            summary:
                "moved invoices-incoming/alice/a.pdf -> invoices-archive/2026/11/alice/a.pdf (1024 bytes, not counted, 3 requests)"
        ),
        SummaryCase(
            name: "failed once",
            change: {
                $0.result = .failed
                $0.errorCode = "AccessDenied"
                $0.errorMessage = "S3.CopyObject failed: AccessDenied (403)"
                $0.attempts = 1
            },
            summary:
                "FAILED invoices-incoming/alice/a.pdf -> invoices-archive/2026/11/alice/a.pdf: AccessDenied: S3.CopyObject failed: AccessDenied (403) (after 1 attempt)"
        ),
        SummaryCase(
            name: "failed after retries",
            change: {
                $0.result = .failed
                $0.errorCode = "SlowDown"
                $0.errorMessage = nil
                $0.attempts = 3
            },
            summary:
                "FAILED invoices-incoming/alice/a.pdf -> invoices-archive/2026/11/alice/a.pdf: SlowDown (after 3 attempts)"
        ),
        SummaryCase(
            name: "failed with no code",
            change: { $0.result = .failed },
            summary: "FAILED invoices-incoming/alice/a.pdf -> invoices-archive/2026/11/alice/a.pdf: Error"),
    ]

    @Test(arguments: summaries)
    func summarisesTheRecordInOneLine(_ testCase: SummaryCase) {
        var record = Self.movedRecord
        testCase.change(&record)
        #expect(record.summary == testCase.summary)
        #expect(record.isFailure == (record.result == .failed))
    }

    // MARK: - Answers moto cannot give

    /// The source changed after the event (S3 answers 412 to `x-amz-copy-source-if-match`): `superseded`, no
    /// delete, nothing counted; the newer upload's own event will move it.
    @Test func aSourceReplacedAfterTheEventIsSupersededAndKept() async throws {
        let transport = ScriptedTransport(handler: { request in
            if request.method == "PUT", request.headers["x-amz-copy-source"] != nil {
                return .xml(
                    412,
                    "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>"
                )
            }
            return .xml(
                500, "<Error><Code>Unexpected</Code><Message>\(request.method) \(request.path)</Message></Error>")
        })
        let record = try await makeWorkflow(transport).run(Self.event)

        #expect(record.result == .superseded)
        #expect(!record.isFailure)
        #expect(!record.counted)
        #expect(
            record.notes == ["the source changed after the event (ETag no longer 0cc175b9c0f1b6a831c399e269772661)"])
        #expect(transport.requests.map(\.method) == ["PUT"])
        #expect(
            transport.requests.first?.headers["x-amz-copy-source-if-match"] == #""0cc175b9c0f1b6a831c399e269772661""#)
        #expect(record.requests == 1)
    }

    /// A destination that does not match the source after the copy (here: one byte short, another ETag) fails
    /// as `DestinationMismatch`; the source is not deleted and nothing is counted.
    @Test func aDestinationThatDoesNotMatchTheSourceFailsAndDeletesNothing() async throws {
        let transport = ScriptedTransport(handler: { request in
            switch request.method {
            case "PUT":
                return .xml(
                    200,
                    #"<CopyObjectResult><ETag>"ffffffffffffffffffffffffffffffff"</ETag><LastModified>2026-11-29T10:00:00.000Z</LastModified></CopyObjectResult>"#
                )
            case "HEAD":
                return .status(
                    200, headers: [("Content-Length", "1023"), ("ETag", #""ffffffffffffffffffffffffffffffff""#)])
            default:
                return .xml(
                    500, "<Error><Code>Unexpected</Code><Message>\(request.method) \(request.path)</Message></Error>")
            }
        })
        let record = try await makeWorkflow(transport).run(Self.event)

        #expect(record.result == .failed)
        #expect(record.errorCode == "DestinationMismatch")
        #expect(record.errorMessage == "the destination has 1023 bytes, the source 1024")
        #expect(record.destination.size == 1023)
        #expect(!record.counted)
        #expect(transport.requests.map(\.method) == ["PUT", "HEAD"])
        #expect(record.requests == 2)
    }

    // MARK: - Helpers

    static let event = S3ObjectEvent(
        bucket: "invoices-incoming", key: "alice/a.pdf", size: 1024, eTag: "0cc175b9c0f1b6a831c399e269772661",
        eventTime: date("2026-11-29T10:00:00Z"))

    static var movedRecord: CopyStepRecord {
        var record = CopyStepRecord(
            source: .init(
                bucket: "invoices-incoming", key: "alice/a.pdf", size: 1024, eTag: "0cc175b9c0f1b6a831c399e269772661"),
            destination: .init(
                bucket: "invoices-archive", key: "2026/11/alice/a.pdf", size: 1024,
                eTag: "0cc175b9c0f1b6a831c399e269772661"),
            startedAt: date("2026-11-29T10:00:00Z"))
        record.uploader = "alice"
        record.window = "2026-11"
        record.result = .moved
        record.delivery = "counted"
        record.counted = true
        record.bytes = 1024
        record.latencyMilliseconds = 120
        record.requests = 3
        record.origin = "Records[0]"
        record.finishedAt = date("2026-11-29T10:00:01Z")
        return record
    }

    private func makeWorkflow(_ transport: ScriptedTransport) -> CopyWorkflow {
        let context = TestContexts.make(
            endpoint: URL(string: "http://127.0.0.1:9")!, transport: transport, maxAttempts: 1)
        return CopyWorkflow(
            s3: S3Client(context: context),
            ledger: DeliveryLedger(
                dynamo: DynamoDBClient(context: context), stateTable: "state", employeesTable: "employees",
                logger: quietLogger()),
            settings: .init(
                sourceBucket: "invoices-incoming", destinationBucket: "invoices-archive",
                calendar: WorkflowFixture.calendar),
            now: { date("2026-11-29T10:00:00Z") }, logger: quietLogger())
    }
}
