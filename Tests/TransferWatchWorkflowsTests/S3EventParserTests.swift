import Foundation
import Testing
@testable import TransferWatchWorkflows

/// S3 event notifications as they arrive: plain, through SQS, through SNS, and broken.
@Suite struct S3EventParserTests {
    static func record(key: String, bucket: String = "invoices-incoming", name: String = "ObjectCreated:Put", size: Any = 1024) -> String {
        let sizeText = size is String ? "\"\(size)\"" : "\(size)"
        return """
        {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-11-28T10:00:00.000Z","eventName":"\(name)",
         "s3":{"s3SchemaVersion":"1.0","bucket":{"name":"\(bucket)","arn":"arn:aws:s3:::\(bucket)"},
               "object":{"key":"\(key)","size":\(sizeText),"eTag":"0123456789abcdef0123456789abcdef","sequencer":"0055AED6DCD90281E5"}}}
        """
    }

    static func event(_ records: String...) -> String { #"{"Records":["# + records.joined(separator: ",") + "]}" }

    static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]), as: UTF8.self)
    }

    @Test(arguments: [
        ("alice/invoice+2026-11.pdf", "alice/invoice 2026-11.pdf"),
        ("alice/a%2Bb.pdf", "alice/a+b.pdf"),
        ("bob/%C3%A9t%C3%A9+%E2%82%AC.pdf", "bob/été €.pdf"),
        ("carol/100%25.pdf", "carol/100%.pdf"),
        ("dave/x%7Ey.pdf", "dave/x~y.pdf"),
        ("erin/nested/deep/file.pdf", "erin/nested/deep/file.pdf"),
    ])
    func decodesKeysExactlyAsS3EncodesThem(raw: String, decoded: String) {
        let batch = S3EventParser.parse(Data(Self.event(Self.record(key: raw)).utf8), source: "event.json")
        #expect(batch.errors.isEmpty)
        #expect(batch.objects.map(\.key) == [decoded])
        #expect(batch.objects.first?.bucket == "invoices-incoming")
        #expect(batch.objects.first?.size == 1024)
        #expect(batch.objects.first?.origin == "Records[0]")
    }

    @Test func readsEveryRecordAndReportsBrokenOnesByPosition() {
        let input = Self.event(
            Self.record(key: "alice/a.pdf"),
            #"{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"invoices-incoming"},"object":{"size":3}}}"#,
            Self.record(key: "bob/b.pdf", size: "-1"),
            Self.record(key: "carol/c.pdf", name: "ObjectRemoved:Delete"),
            Self.record(key: "dave/d.pdf", name: "ObjectCreated:CompleteMultipartUpload"),
            "42"
        )
        let batch = S3EventParser.parse(Data(input.utf8), source: "events.json")
        #expect(batch.objects.map(\.key) == ["alice/a.pdf", "dave/d.pdf"])
        #expect(batch.objects.map(\.origin) == ["Records[0]", "Records[4]"])
        #expect(batch.errors.map(\.description) == [
            "events.json: Records[1].s3.object.key: missing",
            "events.json: Records[2].s3.object.size: not a non-negative integer",
            "events.json: Records[5]: expected a JSON object",
        ])
        #expect(batch.ignored.map(\.reason) == ["ObjectRemoved:Delete"])
    }

    @Test func unwrapsSQSAndSNSEnvelopes() throws {
        let s3 = Self.event(Self.record(key: "alice/a+b.pdf"))
        let sns = #"{"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:123456789012:uploads","Message":"# + Self.jsonString(s3) + "}"
        let sqsMessage = #"{"MessageId":"q-1","ReceiptHandle":"rh","Body":"# + Self.jsonString(sns) + "}"
        let lambdaSQS = #"{"Records":[{"messageId":"q-2","eventSource":"aws:sqs","body":"# + Self.jsonString(s3) + "}]}"
        let lambdaSNS = #"{"Records":[{"EventSource":"aws:sns","Sns":{"Message":"# + Self.jsonString(s3) + "}}]}"
        for (name, input) in [("plain", s3), ("sns", sns), ("sqs+sns", sqsMessage), ("lambda sqs", lambdaSQS), ("lambda sns", lambdaSNS), ("sqs body string", Self.jsonString(s3))] {
            let batch = S3EventParser.parse(Data(input.utf8), source: name)
            #expect(batch.errors.isEmpty, "\(name): \(batch.errors)")
            #expect(batch.objects.map(\.key) == ["alice/a b.pdf"], "\(name)")
        }
        let nested = S3EventParser.parse(Data(sqsMessage.utf8), source: "q")
        #expect(nested.objects.first?.origin == "Body.Message.Records[0]")
    }

    @Test func acknowledgesAndIgnoresTheTestEvent() {
        let test = #"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-28T10:00:00.000Z","Bucket":"invoices-incoming","RequestId":"R","HostId":"H"}"#
        let batch = S3EventParser.parse(Data(test.utf8), source: "t")
        #expect(batch.objects.isEmpty && batch.errors.isEmpty)
        #expect(batch.ignored.map(\.reason) == ["s3:TestEvent"])
        let viaSNS = #"{"Type":"Notification","Message":"# + Self.jsonString(test) + "}"
        #expect(S3EventParser.parse(Data(viaSNS.utf8), source: "t").ignored.map(\.reason) == ["s3:TestEvent"])
    }

    @Test(arguments: [
        ("", "event.json: $: not valid JSON"),
        ("{", "event.json: $: not valid JSON"),
        ("[]", "event.json: $: expected a JSON object"),
        (#"{"foo":1}"#, "event.json: $: no Records: not an S3, SQS or SNS event"),
        (#"{"Type":"Notification","Message":"{broken"}"#, "event.json: Message: not valid JSON"),
        (#"{"Records":[{"eventVersion":"3.0","eventSource":"aws:s3","eventName":"ObjectCreated:Put"}]}"#, "event.json: Records[0].eventVersion: unsupported event version '3.0' (expected 2.x)"),
    ])
    func reportsMalformedInputInOneLine(input: String, expected: String) {
        let batch = S3EventParser.parse(Data(input.utf8), source: "event.json")
        #expect(batch.objects.isEmpty)
        #expect(batch.errors.count == 1)
        #expect(batch.errors.first.map { $0.description.hasPrefix(expected) } == true, "\(batch.errors)")
        #expect(batch.errors.allSatisfy { !$0.description.contains("\n") })
    }

    @Test func refusesKeysOverS3sLimit() {
        let long = String(repeating: "a", count: 1025)
        let batch = S3EventParser.parse(Data(Self.event(Self.record(key: long)).utf8), source: "e")
        #expect(batch.errors.map(\.path) == ["Records[0].s3.object.key"])
        let exact = String(repeating: "b", count: 1024)
        #expect(S3EventParser.parse(Data(Self.event(Self.record(key: exact)).utf8), source: "e").objects.count == 1)
    }
}
