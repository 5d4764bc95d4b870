import Foundation
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The SNS client over a scripted transport: form bodies (attribute flattening), XML results and errors,
/// local validation of what SNS would refuse, throttling, and subscription pagination.
@Suite struct SNSClientTests {
    static let topicARN = "arn:aws:sns:us-east-1:123456789012:oncall"

    @Test func publishFlattensMessageAttributesAndReturnsTheMessageID() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>8cb4d4b2-38c2-4658-8e7d-e85e54b71177</MessageId></PublishResult><ResponseMetadata><RequestId>AllvpfA8</RequestId></ResponseMetadata></PublishResponse>"#
            )
        ])
        let id = try await makeClient(transport).publish(
            topicARN: Self.topicARN, message: "copy failed: alice/inv 1.pdf", subject: "copy-failed",
            messageAttributes: [
                "severity": .string("critical"), "count": .number("3"),
                "raw": .binary(Data([0xFF, 0x00])),
            ])
        #expect(id == "8cb4d4b2-38c2-4658-8e7d-e85e54b71177")
        let request = try #require(transport.requests.first)
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(request.headers["Authorization"]?.contains("/us-east-1/sns/aws4_request") == true)
        #expect(
            queryFormPairs(request) == [
                ["Action", "Publish"], ["Version", "2010-03-31"], ["TopicArn", Self.topicARN],
                ["Message", "copy failed: alice/inv 1.pdf"],
                ["Subject", "copy-failed"],
                ["MessageAttributes.entry.1.Name", "count"], ["MessageAttributes.entry.1.Value.DataType", "Number"],
                ["MessageAttributes.entry.1.Value.StringValue", "3"],
                ["MessageAttributes.entry.2.Name", "raw"], ["MessageAttributes.entry.2.Value.DataType", "Binary"],
                ["MessageAttributes.entry.2.Value.BinaryValue", "/wA="],
                ["MessageAttributes.entry.3.Name", "severity"], ["MessageAttributes.entry.3.Value.DataType", "String"],
                ["MessageAttributes.entry.3.Value.StringValue", "critical"],
            ])
        // Reserved characters are percent-encoded on the wire.
        #expect(
            String(decoding: request.body, as: UTF8.self).hasPrefix(
                "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aoncall&Message=copy%20failed%3A%20alice%2Finv%201.pdf&"
            ))
    }

    struct ValidationCase: Sendable, CustomTestStringConvertible {
        var name: String
        var message: String
        var subject: String?
        var attributes: [String: SNSMessageAttribute] = [:]
        /// `nil` when the publish must be sent.
        var problem: String?
        var testDescription: String { name }
    }

    static let validationCases: [ValidationCase] = [
        .init(name: "subject of 99 characters", message: "m", subject: String(repeating: "s", count: 99), problem: nil),
        .init(
            name: "subject of 100 characters", message: "m", subject: String(repeating: "s", count: 100),
            problem: "the subject is 100 characters; it must be shorter than 100"),
        .init(
            name: "subject with a line feed", message: "m", subject: "copy\nfailed",
            problem: "the subject contains a line break or control character"),
        .init(
            name: "subject with a carriage return", message: "m", subject: "copy\r",
            problem: "the subject contains a line break or control character"),
        .init(
            name: "subject with a tab", message: "m", subject: "a\tb",
            problem: "the subject contains a line break or control character"),
        .init(
            name: "subject with a Unicode line separator", message: "m", subject: "a\u{2028}b",
            problem: "the subject contains a line break or control character"),
        .init(name: "empty subject", message: "m", subject: "", problem: "the subject is empty"),
        .init(
            name: "message of exactly 262,144 bytes", message: String(repeating: "x", count: 262_144), subject: nil,
            problem: nil),
        .init(
            name: "message of 262,145 bytes", message: String(repeating: "x", count: 262_145), subject: nil,
            problem: "the message is 262145 bytes; SNS takes at most 262144"),
        // 131,073 two-byte characters: few enough characters, too many bytes.
        .init(
            name: "message over the limit in UTF-8 bytes", message: String(repeating: "é", count: 131_073),
            subject: nil,
            problem: "the message is 262146 bytes; SNS takes at most 262144"),
        .init(name: "empty message", message: "", subject: nil, problem: "the message is empty"),
        .init(
            name: "unknown attribute type", message: "m", subject: nil,
            attributes: ["a": SNSMessageAttribute(dataType: "Date", stringValue: "x")],
            problem: "message attribute 'a' has data type 'Date'; use String, String.Array, Number or Binary"),
        .init(
            name: "custom attribute type suffix", message: "m", subject: nil,
            attributes: ["a": SNSMessageAttribute(dataType: "Number.float", stringValue: "1.5")], problem: nil),
        .init(
            name: "string attribute without a value", message: "m", subject: nil,
            attributes: ["a": SNSMessageAttribute(dataType: "String")],
            problem: "message attribute 'a' has no value"),
    ]

    @Test(arguments: validationCases) func publishRefusesLocallyWhatSNSWouldRefuse(_ testCase: ValidationCase)
        async throws
    {
        let transport = ScriptedTransport(handler: { _ in
            .xml(200, "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>")
        })
        let sns = makeClient(transport)
        if let problem = testCase.problem {
            let error = try #require(
                await #expect(throws: AWSError.self) {
                    try await sns.publish(
                        topicARN: Self.topicARN, message: testCase.message, subject: testCase.subject,
                        messageAttributes: testCase.attributes)
                })
            #expect(error.code == "ParamValidationError")
            #expect(error.kind == .invalidRequest)
            #expect(error.message == "\(problem)")
            #expect(error.attempts == 0)
            #expect(transport.requests.isEmpty)
        } else {
            let id = try await sns.publish(
                topicARN: Self.topicARN, message: testCase.message, subject: testCase.subject,
                messageAttributes: testCase.attributes)
            #expect(id == "m-1")
            #expect(transport.requests.count == 1)
        }
    }

    @Test func aMissingTopicIsTheXMLErrorNotFound() async throws {
        // Captured from moto 5.2.1.
        let transport = ScriptedTransport([
            .xml(
                404,
                #"<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>VUbMwiQQ</RequestId></ErrorResponse>"#
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).publish(topicARN: Self.topicARN + "-nope", message: "m")
            })
        #expect(error.code == "NotFound")
        #expect(error.statusCode == 404)
        #expect(error.message == "Topic does not exist")
        #expect(error.requestID == "VUbMwiQQ")
        #expect(error.isNotFound)
        #expect(error.attempts == 1)
        #expect(
            error.description
                == "SNS.Publish failed: NotFound (HTTP 404, request VUbMwiQQ) after 1 attempt: Topic does not exist")
    }

    @Test func throttledWith429IsRetriedWithBackoff() async throws {
        let throttled = ScriptedTransport.Step.xml(
            429,
            #"<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttled</Code><Message>Rate exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"#
        )
        let transport = ScriptedTransport([
            throttled, throttled,
            .xml(200, "<PublishResponse><PublishResult><MessageId>m-9</MessageId></PublishResult></PublishResponse>"),
        ])
        let sleeper = RecordingSleeper()
        let id = try await makeClient(transport, sleeper: sleeper).publish(topicARN: Self.topicARN, message: "m")
        #expect(id == "m-9")
        #expect(transport.requests.count == 3)
        #expect(sleeper.delays == [.milliseconds(500), .milliseconds(1000)])
    }

    @Test func anAuthorizationErrorIsNotRetried() async throws {
        let transport = ScriptedTransport([
            .xml(
                403,
                "<ErrorResponse><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>not allowed to publish</Message></Error><RequestId>r-2</RequestId></ErrorResponse>"
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).publish(topicARN: Self.topicARN, message: "m")
            })
        #expect(error.isAccessDenied)
        #expect(error.attempts == 1)
    }

    @Test func createTopicReturnsTheARN() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:123456789012:oncall</TopicArn></CreateTopicResult><ResponseMetadata><RequestId>itRF</RequestId></ResponseMetadata></CreateTopicResponse>"#
            )
        ])
        let arn = try await makeClient(transport).createTopic(name: "oncall", attributes: ["DisplayName": "On call"])
        #expect(arn == Self.topicARN)
        #expect(
            queryFormPairs(transport.requests[0]) == [
                ["Action", "CreateTopic"], ["Version", "2010-03-31"], ["Name", "oncall"],
                ["Attributes.entry.1.key", "DisplayName"], ["Attributes.entry.1.value", "On call"],
            ])
    }

    @Test func aResultWithoutItsElementIsMalformed() async throws {
        let transport = ScriptedTransport([.xml(200, "<CreateTopicResponse><CreateTopicResult/></CreateTopicResponse>")]
        )
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(transport).createTopic(name: "oncall") })
        #expect(error.kind == .malformedResponse)
        #expect(error.message == "the CreateTopic response has no TopicArn")
    }

    @Test func subscribeAsksForRawDeliveryAndTheSubscriptionARN() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<SubscribeResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><SubscribeResult><SubscriptionArn>arn:aws:sns:us-east-1:123456789012:oncall:11652cd4</SubscriptionArn></SubscribeResult><ResponseMetadata><RequestId>jrFZ</RequestId></ResponseMetadata></SubscribeResponse>"#
            )
        ])
        let arn = try await makeClient(transport).subscribe(
            topicARN: Self.topicARN, protocol: "sqs", endpoint: "arn:aws:sqs:us-east-1:123456789012:alerts",
            attributes: ["RawMessageDelivery": "true", "FilterPolicy": #"{"severity":["critical"]}"#])
        #expect(arn == "arn:aws:sns:us-east-1:123456789012:oncall:11652cd4")
        #expect(
            queryFormPairs(transport.requests[0]) == [
                ["Action", "Subscribe"], ["Version", "2010-03-31"], ["TopicArn", Self.topicARN], ["Protocol", "sqs"],
                ["Endpoint", "arn:aws:sqs:us-east-1:123456789012:alerts"],
                ["Attributes.entry.1.key", "FilterPolicy"],
                ["Attributes.entry.1.value", #"{"severity":["critical"]}"#],
                ["Attributes.entry.2.key", "RawMessageDelivery"], ["Attributes.entry.2.value", "true"],
                ["ReturnSubscriptionArn", "true"],
            ])
    }

    @Test func listSubscriptionsByTopicFollowsNextToken() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListSubscriptionsByTopicResult><Subscriptions><member><SubscriptionArn>arn:aws:sns:us-east-1:123456789012:oncall:1</SubscriptionArn><Owner>123456789012</Owner><Protocol>sqs</Protocol><Endpoint>arn:aws:sqs:us-east-1:123456789012:alerts</Endpoint><TopicArn>arn:aws:sns:us-east-1:123456789012:oncall</TopicArn></member></Subscriptions><NextToken>page-2</NextToken></ListSubscriptionsByTopicResult></ListSubscriptionsByTopicResponse>"#
            ),
            .xml(
                200,
                #"<ListSubscriptionsByTopicResponse><ListSubscriptionsByTopicResult><Subscriptions><member><SubscriptionArn>PendingConfirmation</SubscriptionArn><Owner>123456789012</Owner><Protocol>email</Protocol><Endpoint>ops@example.com</Endpoint><TopicArn>arn:aws:sns:us-east-1:123456789012:oncall</TopicArn></member></Subscriptions></ListSubscriptionsByTopicResult></ListSubscriptionsByTopicResponse>"#
            ),
        ])
        let subscriptions = try await makeClient(transport).listSubscriptionsByTopic(topicARN: Self.topicARN)
        #expect(
            subscriptions == [
                SNSSubscription(
                    subscriptionARN: "arn:aws:sns:us-east-1:123456789012:oncall:1", owner: "123456789012",
                    protocol: "sqs",
                    endpoint: "arn:aws:sqs:us-east-1:123456789012:alerts", topicARN: Self.topicARN),
                SNSSubscription(
                    subscriptionARN: "PendingConfirmation", owner: "123456789012", protocol: "email",
                    endpoint: "ops@example.com",
                    topicARN: Self.topicARN),
            ])
        #expect(queryFormPairs(transport.requests[1]).last == ["NextToken", "page-2"])
        #expect(queryFormPairs(transport.requests[0]).count == 3)
    }

    @Test func aRepeatedNextTokenStopsThePagination() async throws {
        let transport = ScriptedTransport(handler: { _ in
            .xml(
                200,
                "<ListSubscriptionsByTopicResponse><ListSubscriptionsByTopicResult><Subscriptions/><NextToken>same</NextToken></ListSubscriptionsByTopicResult></ListSubscriptionsByTopicResponse>"
            )
        })
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).listSubscriptionsByTopic(topicARN: Self.topicARN)
            })
        #expect(error.code == "PaginationLoop")
        #expect(transport.requests.count == 2)
    }

    @Test func operationsDeclareTheirIAMActions() {
        let actions = Dictionary(uniqueKeysWithValues: SNSClient.Operations.all.map { ($0.name, $0.iamActions) })
        #expect(actions["Publish"] == ["sns:Publish"])
        #expect(actions["Subscribe"] == ["sns:Subscribe"])
        #expect(actions["CreateTopic"] == ["sns:CreateTopic"])
        #expect(actions["ListSubscriptionsByTopic"] == ["sns:ListSubscriptionsByTopic"])
    }

    // MARK: Helpers

    private func makeClient(_ transport: ScriptedTransport, sleeper: RecordingSleeper = RecordingSleeper()) -> SNSClient
    {
        var context = TestContexts.make(
            endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport, sleeper: sleeper)
        context.retry = RetryStrategy(maxAttempts: 3, sleeper: sleeper, random: FixedRandom(0.5))
        return SNSClient(context: context)
    }
}

/// A form body as its decoded `[name, value]` pairs, in order.
func queryFormPairs(_ request: HTTPRequest) -> [[String]] {
    String(decoding: request.body, as: UTF8.self).split(separator: "&").map { pair in
        pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
            String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
        }
    }
}
