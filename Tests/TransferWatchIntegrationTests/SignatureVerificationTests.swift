import Foundation
import Logging
import Testing
@testable import TransferWatchAWS
import TransferWatchTestSupport

/// Our signatures, checked for real: moto with SigV4 verification on (`INITIAL_NO_AUTH_ACTION_COUNT`) accepts
/// every service's request signed with a valid key, and refuses a wrong secret with a clear signature error.
@Suite(.requiresMoto, .serialized) struct SignatureVerificationTests {
    /// One read-only call per service, through the protocol layer each service uses.
    struct Probe: Sendable, CustomTestStringConvertible {
        var name: String
        var call: @Sendable (AWSClient.Context) async throws -> Void
        var testDescription: String { name }
    }

    static let probes: [Probe] = [
        Probe(name: "DynamoDB ListTables (JSON 1.0)") { context in
            _ = try await AWSClient(service: .dynamoDB, context: context).jsonCall(AWSOperation(.dynamoDB, "ListTables"), body: Data("{}".utf8))
        },
        Probe(name: "SQS ListQueues (JSON 1.0, query-compatible)") { context in
            _ = try await AWSClient(service: .sqs, context: context).jsonCall(AWSOperation(.sqs, "ListQueues"), body: Data("{}".utf8))
        },
        Probe(name: "Transfer ListServers (JSON 1.1)") { context in
            _ = try await TransferClient(context: context).listServers()
        },
        Probe(name: "CloudWatch ListMetrics (JSON 1.0, query-compatible)") { context in
            _ = try await CloudWatchClient(context: context).listMetrics(namespace: "TransferWatch")
        },
        Probe(name: "CloudWatch PutMetricData, gzip-compressed body") { context in
            var context = context
            context.minCompressionSize = 0
            let data = (0..<50).map { index in
                CloudWatchClient.MetricDatum(name: "Signed", value: .single(Double(index)), unit: .count, timestamp: Date())
            }
            try await CloudWatchClient(context: context).putMetricData(namespace: "TransferWatch", data: data)
        },
        Probe(name: "SNS ListTopics (Query)") { context in
            _ = try await AWSClient(service: .sns, context: context).queryCall(AWSOperation(.sns, "ListTopics"), [])
        },
        Probe(name: "STS GetCallerIdentity (Query)") { context in
            _ = try await AWSClient(service: .sts, context: context).queryCall(AWSOperation(.sts, "GetCallerIdentity"), [])
        },
        Probe(name: "IAM ListUsers (Query, global)") { context in
            _ = try await AWSClient(service: .iam, context: context).queryCall(AWSOperation(.iam, "ListUsers"), [])
        },
        Probe(name: "S3 ListBuckets (REST-XML)") { context in
            let client = AWSClient(service: .s3, context: context)
            let operation = AWSOperation(.s3, "ListBuckets", iam: ["s3:ListAllMyBuckets"])
            _ = try await client.send(operation, HTTPRequest(method: "GET", endpoint: client.endpoint), signing: .s3) {
                AWSClient.decodeXMLError($0, service: .s3, operation: operation)
            }
        },
    ]

    @Test(arguments: probes) func validSignaturesAreAcceptedAndWrongSecretsRefused(_ probe: Probe) async throws {
        let moto = try await MotoServer.start(verifySignatures: true, logger: Logger(label: "moto"))
        defer { moto.stop() }
        let key = try await moto.makeCredentials()
        let good = AWSCredentials(accessKeyID: key.accessKeyID, secretAccessKey: key.secretAccessKey)
        try await probe.call(TestContexts.make(endpoint: moto.endpoint, credentials: good))

        let wrong = AWSCredentials(accessKeyID: key.accessKeyID, secretAccessKey: key.secretAccessKey + "x")
        let error = try #require(await #expect(throws: AWSError.self) {
            try await probe.call(TestContexts.make(endpoint: moto.endpoint, credentials: wrong))
        })
        #expect(error.isSignatureFailure, "\(probe.name): \(error)")
        #expect(error.attempts == 1, "a refused signature is not retried")
        #expect(error.statusCode == 403 || error.statusCode == 400)
        #expect(!"\(error)".contains(wrong.secretAccessKey))
    }

    @Test func s3KeysWithSpacesTildesAndFoldersVerify() async throws {
        let moto = try await MotoServer.start(verifySignatures: true, logger: Logger(label: "moto"))
        defer { moto.stop() }
        let key = try await moto.makeCredentials()
        let context = TestContexts.make(endpoint: moto.endpoint, credentials: AWSCredentials(accessKeyID: key.accessKeyID, secretAccessKey: key.secretAccessKey))
        let client = AWSClient(service: .s3, context: context)
        func call(_ method: String, _ path: String, body: Data = Data(), name: String) async throws -> HTTPResponse {
            let operation = AWSOperation(.s3, name)
            return try await client.send(operation, HTTPRequest(method: method, endpoint: client.endpoint, path: path, body: body), signing: .s3) {
                AWSClient.decodeXMLError($0, service: .s3, operation: operation)
            }
        }
        _ = try await call("PUT", "/signed-bucket", name: "CreateBucket")
        for raw in ["alice/invoice 2026-11.pdf", "bob/x~y/z.pdf", "carol/deep/nested/folder/file.pdf"] {
            let path = "/signed-bucket/" + URIEncoding.encode(raw, keepSlash: true)
            _ = try await call("PUT", path, body: Data("invoice \(raw)".utf8), name: "PutObject")
            let fetched = try await call("GET", path, name: "GetObject")
            #expect(fetched.bodyText == "invoice \(raw)")
        }
    }
}
