import Foundation
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport

/// The SQS client over a scripted transport: the query-compatible JSON requests, error codes from
/// `x-amzn-query-error`, MD5 verification, long-poll deadlines, batches and throttling.
@Suite struct SQSClientTests {
    static let queueURL = "https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads"

    @Test func createQueueSendsAQueryCompatibleJSONRequest() async throws {
        let transport = ScriptedTransport([
            .json(200, #"{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads"}"#)
        ])
        let redrive = SQSRedrivePolicy(
            deadLetterTargetARN: "arn:aws:sqs:us-east-1:123456789012:invoice-uploads-dlq", maxReceiveCount: 5)
        let url = try await makeClient(transport).createQueue(
            name: "invoice-uploads",
            attributes: [
                SQSClient.QueueAttribute.redrivePolicy: redrive.jsonString,
                SQSClient.QueueAttribute.visibilityTimeout: "60",
            ])
        #expect(url == Self.queueURL)
        let request = try #require(transport.requests.first)
        #expect(request.headers["X-Amz-Target"] == "AmazonSQS.CreateQueue")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.0")
        #expect(request.headers["x-amzn-query-mode"] == "true")
        #expect(request.headers["Authorization"]?.contains("/us-east-1/sqs/aws4_request") == true)
        #expect(
            body(request)
                == #"{"Attributes":{"RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:invoice-uploads-dlq\",\"maxReceiveCount\":\"5\"}","VisibilityTimeout":"60"},"QueueName":"invoice-uploads"}"#
        )
    }

    @Test func aMissingQueueHasTheLegacyCodeFromTheQueryErrorHeader() async throws {
        // As moto 5.2.1 and AWS answer: the JSON type is QueueDoesNotExist, the header carries the legacy code.
        let transport = ScriptedTransport([
            .json(
                400,
                #"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."}"#,
                headers: [
                    ("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"),
                    ("x-amzn-RequestId", "MwXsVHOF"),
                ])
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(transport).getQueueURL(name: "nope") })
        #expect(error.code == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(error.isNotFound)
        #expect(error.message == "The specified queue does not exist.")
        #expect(error.requestID == "MwXsVHOF")
        #expect(error.attempts == 1)
        #expect(body(transport.requests[0]) == #"{"QueueName":"nope"}"#)
        #expect(transport.requests[0].headers["X-Amz-Target"] == "AmazonSQS.GetQueueUrl")
    }

    @Test func requestThrottledIsRetriedWithBackoff() async throws {
        let throttled = ScriptedTransport.Step.json(
            403, #"{"__type": "com.amazonaws.sqs#RequestThrottled", "message": "Request is throttled."}"#,
            headers: [("x-amzn-query-error", "RequestThrottled;Sender")])
        let transport = ScriptedTransport([throttled, throttled, .json(200, "{}")])
        let sleeper = RecordingSleeper()
        let messages = try await makeClient(transport, sleeper: sleeper).receiveMessage(queueURL: Self.queueURL)
        #expect(messages.isEmpty)
        #expect(transport.requests.count == 3)
        #expect(sleeper.delays == [.milliseconds(500), .milliseconds(1000)])
    }

    @Test func getQueueAttributesDecodesCountsArnAndRedrivePolicy() async throws {
        // Captured from moto 5.2.1 (maxReceiveCount comes back as a number there, as a string from AWS).
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"Attributes": {"ApproximateNumberOfMessages": "7", "ApproximateNumberOfMessagesDelayed": "1", "ApproximateNumberOfMessagesNotVisible": "2", "QueueArn": "arn:aws:sqs:us-east-1:123456789012:q", "RedrivePolicy": "{\"deadLetterTargetArn\": \"arn:aws:sqs:us-east-1:123456789012:dlq\", \"maxReceiveCount\": 3}", "VisibilityTimeout": "30"}}"#
            )
        ])
        let attributes = try await makeClient(transport).getQueueAttributes(queueURL: Self.queueURL)
        #expect(
            body(transport.requests[0])
                == #"{"AttributeNames":["All"],"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads"}"#
        )
        #expect(attributes.approximateNumberOfMessages == 7)
        #expect(attributes.approximateNumberOfMessagesNotVisible == 2)
        #expect(attributes.approximateNumberOfMessagesDelayed == 1)
        #expect(attributes.visibilityTimeout == 30)
        #expect(attributes.queueARN == "arn:aws:sqs:us-east-1:123456789012:q")
        #expect(
            attributes.redrivePolicy
                == SQSRedrivePolicy(deadLetterTargetARN: "arn:aws:sqs:us-east-1:123456789012:dlq", maxReceiveCount: 3))
    }

    @Test(arguments: [
        (#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:dlq","maxReceiveCount":"10"}"#, 10),
        (#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:dlq","maxReceiveCount":4}"#, 4),
    ]) func redrivePoliciesParseWithEitherCountForm(_ json: String, _ count: Int) {
        #expect(
            SQSRedrivePolicy(json: json)
                == SQSRedrivePolicy(deadLetterTargetARN: "arn:aws:sqs:us-east-1:1:dlq", maxReceiveCount: count))
    }

    @Test func malformedRedrivePoliciesAreNil() {
        #expect(SQSRedrivePolicy(json: "not json") == nil)
        #expect(SQSRedrivePolicy(json: #"{"maxReceiveCount":"3"}"#) == nil)
        #expect(SQSRedrivePolicy(json: #"{"deadLetterTargetArn":"arn","maxReceiveCount":"x"}"#) == nil)
    }

    @Test func sendMessageSendsBodyDelayAndAttributesAndChecksTheDigests() async throws {
        // Digests as moto 5.2.1 computed them for this body and attribute.
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"MD5OfMessageBody": "5d41402abc4b2a76b9719d911017c592", "MD5OfMessageAttributes": "0a77b0642718c3d9dd47090567d11e0d", "MessageId": "8e3307ca-64d7-4c92-a292-c4a1dd772622"}"#
            )
        ])
        let sent = try await makeClient(transport).sendMessage(
            queueURL: Self.queueURL, body: "hello", delaySeconds: 5, attributes: ["k": .string("v")])
        #expect(
            sent
                == SQSSentMessage(
                    messageID: "8e3307ca-64d7-4c92-a292-c4a1dd772622", md5OfBody: "5d41402abc4b2a76b9719d911017c592"))
        #expect(transport.requests[0].headers["X-Amz-Target"] == "AmazonSQS.SendMessage")
        #expect(
            body(transport.requests[0])
                == #"{"DelaySeconds":5,"MessageAttributes":{"k":{"DataType":"String","StringValue":"v"}},"MessageBody":"hello","QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads"}"#
        )
    }

    @Test func aSendWhoseBodyDigestDiffersIsAnError() async throws {
        let transport = ScriptedTransport([
            .json(200, #"{"MD5OfMessageBody": "00000000000000000000000000000000", "MessageId": "m-1"}"#)
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).sendMessage(queueURL: Self.queueURL, body: "hello")
            })
        #expect(error.code == "MD5Mismatch")
        #expect(
            error.message
                == "message m-1: body MD5 is 5d41402abc4b2a76b9719d911017c592 but SQS says 00000000000000000000000000000000"
        )
    }

    @Test func messageAttributeDigestsFollowSQSsEncoding() {
        // moto 5.2.1 (and AWS) give 0a77b0642718c3d9dd47090567d11e0d for {"k": String "v"}.
        #expect(SQSClient.md5OfMessageAttributes(["k": .string("v")]) == "0a77b0642718c3d9dd47090567d11e0d")
        // Order-independent: attributes are sorted by name before hashing.
        let both: [String: SQSMessageAttribute] = ["b": .number("2"), "a": .binary(Data([1, 2]))]
        #expect(
            SQSClient.md5OfMessageAttributes(both)
                == SQSClient.md5OfMessageAttributes(["a": .binary(Data([1, 2])), "b": .number("2")]))
        #expect(
            SQSClient.md5OfMessageAttributes(both)
                != SQSClient.md5OfMessageAttributes(["a": .string("\u{1}\u{2}"), "b": .number("2")]))
        #expect(SQSClient.md5OfBody("") == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test func receiveMessageDecodesBodiesHandlesAndSystemAttributes() async throws {
        // Captured from moto 5.2.1.
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"Messages": [{"MessageId": "8e3307ca-64d7-4c92-a292-c4a1dd772622", "ReceiptHandle": "slpubkuzzizf", "MD5OfBody": "5d41402abc4b2a76b9719d911017c592", "Body": "hello", "Attributes": {"SenderId": "AIDAIT2UOQQY3AUEKVGXU", "SentTimestamp": "1795889766148", "ApproximateReceiveCount": "2", "ApproximateFirstReceiveTimestamp": "1795889766165"}, "MD5OfMessageAttributes": "0a77b0642718c3d9dd47090567d11e0d", "MessageAttributes": {"k": {"StringValue": "v", "DataType": "String"}}}, {"MessageId": "7dd51d46", "ReceiptHandle": "uuqjnsfu", "MD5OfBody": "0cc175b9c0f1b6a831c399e269772661", "Body": "a", "Attributes": {"SentTimestamp": "1795889766156", "ApproximateReceiveCount": "1"}}]}"#
            )
        ])
        let messages = try await makeClient(transport).receiveMessage(
            queueURL: Self.queueURL, maxMessages: 10, waitTimeSeconds: 20,
            visibilityTimeout: 120)
        #expect(
            body(transport.requests[0])
                == #"{"MaxNumberOfMessages":10,"MessageAttributeNames":["All"],"MessageSystemAttributeNames":["All"],"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads","VisibilityTimeout":120,"WaitTimeSeconds":20}"#
        )
        #expect(transport.requests[0].headers["X-Amz-Target"] == "AmazonSQS.ReceiveMessage")
        #expect(messages.count == 2)
        let first = try #require(messages.first)
        #expect(first.messageID == "8e3307ca-64d7-4c92-a292-c4a1dd772622")
        #expect(first.receiptHandle == "slpubkuzzizf")
        #expect(first.body == "hello")
        #expect(first.approximateReceiveCount == 2)
        #expect(first.sentTimestamp == Date(timeIntervalSince1970: 1_795_889_766.148))
        #expect(first.approximateFirstReceiveTimestamp == Date(timeIntervalSince1970: 1_795_889_766.165))
        #expect(first.messageAttributes == ["k": .string("v")])
        #expect(messages[1].approximateReceiveCount == 1)
        #expect(messages[1].messageAttributes.isEmpty)
    }

    @Test func anEmptyReceiveHasNoMessagesKey() async throws {
        let transport = ScriptedTransport([.json(200, "{}")])
        let messages = try await makeClient(transport).receiveMessage(queueURL: Self.queueURL, waitTimeSeconds: 1)
        #expect(messages.isEmpty)
    }

    @Test(arguments: [
        (
            #"{"Messages": [{"MessageId": "m-1", "ReceiptHandle": "h", "MD5OfBody": "5d41402abc4b2a76b9719d911017c592", "Body": "hellO"}]}"#,
            "message m-1: body MD5 is"
        ),
        (
            #"{"Messages": [{"MessageId": "m-2", "ReceiptHandle": "h", "MD5OfBody": "5d41402abc4b2a76b9719d911017c592", "Body": "hello", "MD5OfMessageAttributes": "0a77b0642718c3d9dd47090567d11e0d", "MessageAttributes": {"k": {"StringValue": "w", "DataType": "String"}}}]}"#,
            "message m-2: attributes MD5 is"
        ),
    ]) func aReceivedMessageThatDoesNotMatchItsDigestIsAnError(_ response: String, _ messagePrefix: String) async throws
    {
        let transport = ScriptedTransport([.json(200, response)])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).receiveMessage(queueURL: Self.queueURL)
            })
        #expect(error.code == "MD5Mismatch")
        #expect(error.kind == .malformedResponse)
        #expect(error.message.hasPrefix(messagePrefix))
    }

    @Test(arguments: [
        (Optional(20), 5, 30), (Optional(1), 5, 11), (Optional(0), 60, 60), (nil, 5, 30), (Optional(20), 120, 120),
    ])
    func aLongPollsDeadlineOutlastsItsWait(_ wait: Int?, _ contextTimeout: Int, _ expected: Int) async throws {
        let transport = TimeoutRecordingTransport()
        let sqs = makeClient(transport, timeout: .seconds(contextTimeout))
        _ = try await sqs.receiveMessage(queueURL: Self.queueURL, waitTimeSeconds: wait)
        #expect(transport.timeouts == [.seconds(expected)])
        #expect(transport.timeouts[0] > .seconds(wait ?? 20))
    }

    @Test func otherCallsKeepTheContextsDeadline() async throws {
        let transport = TimeoutRecordingTransport()
        try await makeClient(transport, timeout: .seconds(5)).deleteMessage(queueURL: Self.queueURL, receiptHandle: "h")
        #expect(transport.timeouts == [.seconds(5)])
    }

    @Test(arguments: [(0, 1, 0), (11, 1, 0), (1, 21, 0), (1, -1, 0), (1, 1, 43_201)])
    func receiveRefusesOutOfRangeParametersWithoutSending(_ maxMessages: Int, _ wait: Int, _ visibility: Int)
        async throws
    {
        let transport = ScriptedTransport([])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).receiveMessage(
                    queueURL: Self.queueURL, maxMessages: maxMessages, waitTimeSeconds: wait,
                    visibilityTimeout: visibility)
            })
        #expect(error.code == "ParamValidationError")
        #expect(error.kind == .invalidRequest)
        #expect(error.attempts == 0)
        #expect(transport.requests.isEmpty)
    }

    @Test func sendMessageBatchReportsEachEntry() async throws {
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"Successful": [{"Id": "1", "MessageId": "7dd51d46", "MD5OfMessageBody": "0cc175b9c0f1b6a831c399e269772661"}], "Failed": [{"Id": "2", "SenderFault": true, "Code": "InvalidMessageContents", "Message": "Invalid characters found."}]}"#
            )
        ])
        let result = try await makeClient(transport).sendMessageBatch(
            queueURL: Self.queueURL,
            entries: [
                SQSSendBatchEntry(id: "1", body: "a"), SQSSendBatchEntry(id: "2", body: "\u{0}", delaySeconds: 10),
            ])
        #expect(transport.requests[0].headers["X-Amz-Target"] == "AmazonSQS.SendMessageBatch")
        #expect(
            body(transport.requests[0])
                == #"{"Entries":[{"Id":"1","MessageBody":"a"},{"DelaySeconds":10,"Id":"2","MessageBody":"\u0000"}],"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads"}"#
        )
        #expect(
            result.successful == [
                SQSSentMessage(id: "1", messageID: "7dd51d46", md5OfBody: "0cc175b9c0f1b6a831c399e269772661")
            ])
        #expect(
            result.failed == [
                SQSBatchFailure(
                    id: "2", code: "InvalidMessageContents", message: "Invalid characters found.", senderFault: true)
            ])
        #expect(!result.isComplete)
    }

    @Test func deleteMessageBatchReportsPerEntryFailures() async throws {
        // Captured from moto 5.2.1: one good handle, one bogus.
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"Successful": [{"Id": "x"}], "Failed": [{"Id": "y", "SenderFault": true, "Code": "ReceiptHandleIsInvalid", "Message": "The input receipt handle \"bogus\" is not a valid receipt handle."}]}"#
            )
        ])
        let result = try await makeClient(transport).deleteMessageBatch(
            queueURL: Self.queueURL,
            entries: [
                SQSDeleteBatchEntry(id: "x", receiptHandle: "slpubkuzzizf"),
                SQSDeleteBatchEntry(id: "y", receiptHandle: "bogus"),
            ])
        #expect(transport.requests[0].headers["X-Amz-Target"] == "AmazonSQS.DeleteMessageBatch")
        #expect(
            body(transport.requests[0])
                == #"{"Entries":[{"Id":"x","ReceiptHandle":"slpubkuzzizf"},{"Id":"y","ReceiptHandle":"bogus"}],"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads"}"#
        )
        #expect(result.successful == ["x"])
        #expect(result.failed.map(\.code) == ["ReceiptHandleIsInvalid"])
        #expect(result.failed.first?.senderFault == true)
        #expect(result.failed.first?.id == "y")
    }

    @Test(arguments: [
        ([String](), "a batch holds 1 to 10 entries, not 0"),
        ((0..<11).map(String.init), "a batch holds 1 to 10 entries, not 11"),
        (["a", "a"], "batch entry IDs must be distinct"),
        (["a b"], "batch entry ID 'a b' must be 1 to 80 letters, digits, '-' or '_'"),
    ]) func batchesWithBadEntryIDsAreRefused(_ ids: [String], _ message: String) async throws {
        let transport = ScriptedTransport([])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).deleteMessageBatch(
                    queueURL: Self.queueURL, entries: ids.map { SQSDeleteBatchEntry(id: $0, receiptHandle: "h") })
            })
        #expect(error.message == message)
        #expect(error.kind == .invalidRequest)
        #expect(transport.requests.isEmpty)
    }

    @Test func changeVisibilityPurgeAndDeleteSendTheirTargets() async throws {
        let transport = ScriptedTransport(handler: { _ in .json(200, "{}") })
        let sqs = makeClient(transport)
        try await sqs.changeMessageVisibility(queueURL: Self.queueURL, receiptHandle: "h", visibilityTimeout: 0)
        try await sqs.deleteMessage(queueURL: Self.queueURL, receiptHandle: "h")
        try await sqs.purgeQueue(queueURL: Self.queueURL)
        try await sqs.setQueueAttributes(queueURL: Self.queueURL, attributes: ["DelaySeconds": "0"])
        #expect(
            transport.requests.map { $0.headers["X-Amz-Target"] } == [
                "AmazonSQS.ChangeMessageVisibility", "AmazonSQS.DeleteMessage", "AmazonSQS.PurgeQueue",
                "AmazonSQS.SetQueueAttributes",
            ])
        #expect(
            body(transport.requests[0])
                == #"{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads","ReceiptHandle":"h","VisibilityTimeout":0}"#
        )
        #expect(
            body(transport.requests[1])
                == #"{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads","ReceiptHandle":"h"}"#
        )
        #expect(
            body(transport.requests[3])
                == #"{"Attributes":{"DelaySeconds":"0"},"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads"}"#
        )
    }

    @Test func aVisibilityChangeOfAMessageNotInFlightIsNotRetried() async throws {
        let transport = ScriptedTransport([
            .json(
                400,
                #"{"__type":"com.amazonaws.sqs#MessageNotInflight","message":"The message referred to isn't in flight."}"#,
                headers: [("x-amzn-query-error", "AWS.SimpleQueueService.MessageNotInflight;Sender")])
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).changeMessageVisibility(
                    queueURL: Self.queueURL, receiptHandle: "h", visibilityTimeout: 30)
            })
        #expect(error.code == "AWS.SimpleQueueService.MessageNotInflight")
        #expect(error.attempts == 1)
    }

    @Test func operationsDeclareTheirIAMActions() {
        let actions = Dictionary(uniqueKeysWithValues: SQSClient.Operations.all.map { ($0.name, $0.iamActions) })
        #expect(actions["ReceiveMessage"] == ["sqs:ReceiveMessage"])
        #expect(actions["GetQueueUrl"] == ["sqs:GetQueueUrl"])
        #expect(actions["SendMessageBatch"] == ["sqs:SendMessage"])
        #expect(actions["DeleteMessageBatch"] == ["sqs:DeleteMessage"])
        #expect(actions["ChangeMessageVisibility"] == ["sqs:ChangeMessageVisibility"])
        #expect(SQSClient.Operations.all.count == 12)
    }

    // MARK: Helpers

    private func makeClient(
        _ transport: any HTTPTransport, sleeper: RecordingSleeper = RecordingSleeper(),
        timeout: Duration = .seconds(30)
    ) -> SQSClient {
        var context = TestContexts.make(
            endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport, sleeper: sleeper, timeout: timeout)
        context.retry = RetryStrategy(maxAttempts: 3, sleeper: sleeper, random: FixedRandom(0.5))
        return SQSClient(context: context)
    }

    private func body(_ request: HTTPRequest) -> String { String(decoding: request.body, as: UTF8.self) }
}

/// Answers `{}` to everything and remembers each request's deadline.
private final class TimeoutRecordingTransport: HTTPTransport {
    private let recorded = Locked<[Duration]>([])

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        recorded.withLock { $0.append(timeout) }
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/x-amz-json-1.0"], body: Data("{}".utf8))
    }

    var timeouts: [Duration] { recorded.withLock { $0 } }
}
