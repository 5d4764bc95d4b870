import Foundation
import Testing
@testable import TransferWatchAWS
import TransferWatchTestSupport

/// ReceiveMessage's hand-written decoding against the `JSONDecoder` path it replaced: equal answers (rendered to
/// exact bytes) or both failing on a corpus, every truncation failing, and seeded mutations that never disagree
/// except on the leniencies DynamoDBDecodingDifferentialTests documents.
@Suite struct SQSDecodingDifferentialTests {
    typealias Outcome = DynamoDBDecodingDifferentialTests.Outcome

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var testDescription: String { name }
        init(_ name: String, _ json: String) {
            self.name = name
            bytes = Array(json.utf8)
        }
    }

    /// Ten messages as SQS's JSON protocol writes them: S3 event bodies, system and message attributes.
    static let tenMessages: String = {
        let messages = (0..<10).map { index in
            let body = #"{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"inbox\"},\"object\":{\"key\":\"alice/invoice-\#(index).pdf\",\"size\":\#(index * 1000)}}}]}"#
            return #"{"MessageId":"5fea7756-0ea4-451a-a703-a558b933e2\#(index)0","ReceiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a\#(index)/Vn+u1==","MD5OfBody":"fafb00f5732ab283681e124bf8747ed1","Body":"\#(body)","Attributes":{"ApproximateReceiveCount":"\#(index + 1)","SentTimestamp":"1795000000000","SenderId":"AIDAEXAMPLE","ApproximateFirstReceiveTimestamp":"1795000000123"},"MD5OfMessageAttributes":"d25a6aea97eb8f585bfa92d314504a92","MessageAttributes":{"uploader":{"DataType":"String","StringValue":"alice"},"blob":{"DataType":"Binary","BinaryValue":"AAEC"},"n":{"DataType":"Number.int","StringValue":"12","StringListValues":[],"BinaryListValues":[]}}}"#
        }
        return #"{"Messages":["# + messages.joined(separator: ",") + "]}"
    }()

    static let valid: [Case] = [
        Case("ten realistic messages", tenMessages),
        Case("no messages (a long poll that timed out)", "{}"),
        Case("empty body", ""),
        Case("messages null", #"{"Messages":null}"#),
        Case("messages empty", #"{"Messages":[]}"#),
        Case("only the required members", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r"}]}"#),
        Case("optional members null", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","Body":null,"MD5OfBody":null,"Attributes":null,"MessageAttributes":null,"MD5OfMessageAttributes":null}]}"#),
        Case("repeated members keep the first", #"{"Messages":[{"MessageId":"m","MessageId":5,"ReceiptHandle":"r","Body":"a","Body":"b","Attributes":{"x":"1","x":2}}],"Messages":7}"#),
        Case("a repeated member after null keeps null", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","Body":null,"Body":"late"}]}"#),
        Case("escapes and unicode in a body", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","Body":"\"\\\/\b\f\n\r\t\u0000\u00e9\ud83d\ude00 é 中"}]}"#),
        Case("attribute with only a DataType", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","MessageAttributes":{"a":{"DataType":"String"}}}]}"#),
        Case("attribute values null", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":null,"StringValue":null}}}]}"#),
        Case("empty binary", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":""}}}]}"#),
        Case("unknown members skipped", #"{"X":{"y":[1,2.5e3,true,null]},"Messages":[{"Z":[{}],"MessageId":"m","ReceiptHandle":"r"}]}"#),
    ]

    static let invalid: [Case] = [
        Case("not JSON", "<ReceiveMessageResponse/>"),
        Case("top-level array", "[]"),
        Case("messages an object", #"{"Messages":{}}"#),
        Case("a message that is null", #"{"Messages":[null]}"#),
        Case("no MessageId", #"{"Messages":[{"ReceiptHandle":"r"}]}"#),
        Case("no ReceiptHandle", #"{"Messages":[{"MessageId":"m"}]}"#),
        Case("MessageId null", #"{"Messages":[{"MessageId":null,"ReceiptHandle":"r"}]}"#),
        Case("a numeric body", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","Body":5}]}"#),
        Case("a numeric system attribute", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","Attributes":{"SentTimestamp":1}}]}"#),
        Case("a null system attribute", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","Attributes":{"SentTimestamp":null}}]}"#),
        Case("an attribute without a DataType", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","MessageAttributes":{"a":{"StringValue":"x"}}}]}"#),
        Case("binary not base64", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"%%"}}}]}"#),
        Case("a lone surrogate in a body", #"{"Messages":[{"MessageId":"m","ReceiptHandle":"r","Body":"\udc00"}]}"#),
        Case("trailing garbage", #"{"Messages":[]}]"#),
    ]

    @Test(arguments: valid)
    func bothDecodeAValidAnswerToTheSameMessages(_ testCase: Case) {
        let legacy = Self.legacyOutcome(testCase.bytes)
        #expect(!legacy.isFailure, "the corpus case must be valid for JSONDecoder: \(legacy)")
        #expect(Self.newOutcome(testCase.bytes) == legacy)
    }

    @Test(arguments: invalid)
    func bothRefuseAnInvalidAnswer(_ testCase: Case) {
        #expect(Self.legacyOutcome(testCase.bytes).isFailure)
        #expect(Self.newOutcome(testCase.bytes).isFailure)
    }

    @Test(arguments: valid.filter { $0.bytes.count > 2 })
    func everyTruncationFails(_ testCase: Case) async {
        var accepted: [Int] = []
        for length in 1..<testCase.bytes.count {
            await yieldNowAndThen(length)
            let prefix = Array(testCase.bytes[0..<length])
            if !Self.newOutcome(prefix).isFailure { accepted.append(length) }
            #expect(Self.legacyOutcome(prefix).isFailure, "JSONDecoder accepted \(length) bytes")
        }
        #expect(accepted.isEmpty, "prefixes accepted: \(accepted.prefix(10))")
    }

    @Test func seededMutationsNeverDisagreeExceptForKnownLeniencies() async {
        let random = SeededRandomSource(seed: 7)
        var compared = 0
        for testCase in Self.valid where testCase.bytes.count > 2 {
            for round in 0..<(testCase.bytes.count > 1_000 ? 1_500 : 400) {
                await yieldNowAndThen(round)
                let bytes = mutatedJSON(testCase.bytes, random: random)
                let new = Self.newOutcome(bytes)
                let legacy = Self.legacyOutcome(bytes)
                compared += 1
                if case .failed(let message) = new, !legacy.isFailure {
                    #expect(
                        DynamoDBDecodingDifferentialTests.isKnownLeniency(bytes, reason: message),
                        "refused a document JSONDecoder accepts: \(message)\n\(String(decoding: bytes, as: UTF8.self))")
                } else {
                    #expect(new == legacy, "mutated:\n\(String(decoding: bytes, as: UTF8.self))\nnew: \(new)\nold: \(legacy)")
                }
            }
        }
        #expect(compared > 5_000)
    }

    @Test func aMalformedReceiveIsAMalformedResponseNamingTheByte() async throws {
        let transport = ScriptedTransport([.json(200, #"{"Messages":[{"ReceiptHandle":"r"}]}"#)])
        let context = TestContexts.make(endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport)
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await SQSClient(context: context).receiveMessage(queueURL: "http://127.0.0.1:1/1/q", maxMessages: 10)
            })
        #expect(error.kind == .malformedResponse)
        #expect(error.message == "could not decode the ReceiveMessage response: byte 13: a message without its MessageId")
    }

    // MARK: Helpers

    static func newOutcome(_ bytes: [UInt8]) -> Outcome {
        do throws(JSONReaderError) {
            return .value(render(try SQSClient.decodeReceiveMessageOutput(Data(bytes))))
        } catch {
            return .failed(error.description)
        }
    }

    static func legacyOutcome(_ bytes: [UInt8]) -> Outcome {
        do {
            let data = bytes.isEmpty ? Data("{}".utf8) : Data(bytes)
            return .value(render(try AWSJSON.decoder.decode(ReceiveMessageOutput.self, from: data)))
        } catch {
            return .failed("\(error)")
        }
    }

    /// Every field in a fixed order, absent ones as `<none>`, strings byte for byte.
    static func render(_ output: ReceiveMessageOutput) -> [UInt8] {
        var json = JSONWriter()
        func optional(_ value: String?, _ json: inout JSONWriter) { json.string(value ?? "<none>") }
        json.array { json in
            guard let messages = output.messages else { return json.string("<no messages>") }
            for message in messages {
                json.string(message.messageId)
                json.string(message.receiptHandle)
                optional(message.md5OfBody, &json)
                optional(message.body, &json)
                optional(message.md5OfMessageAttributes, &json)
                if let attributes = message.attributes {
                    json.object { json in for key in attributes.keys.sorted() { json.member(key) { $0.string(attributes[key]!) } } }
                } else {
                    json.string("<no attributes>")
                }
                if let attributes = message.messageAttributes {
                    json.object { json in
                        for key in attributes.keys.sorted() {
                            let value = attributes[key]!
                            json.member(key) { json in
                                json.string(value.dataType)
                                optional(value.stringValue, &json)
                                optional(value.binaryValue?.base64EncodedString(), &json)
                            }
                        }
                    }
                } else {
                    json.string("<no message attributes>")
                }
            }
        }
        return json.bytes
    }
}
