import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// S3's failures: error documents, body-less HEAD errors, the 200-with-error and truncated-200 answers of
/// CopyObject / UploadPartCopy / CompleteMultipartUpload (retried like a 500, as botocore does), throttling,
/// and secrets kept out of errors.
@Suite struct S3ClientErrorTests {
    // MARK: - Error documents

    @Test func noSuchKeyDecodesEveryField() async throws {
        let body = S3Bodies.error(
            "NoSuchKey", "The resource you requested does not exist", extra: "<Resource>/bkt/missing.csv</Resource>")
        let transport = ScriptedTransport.s3(.s3Status(404, headers: [("x-amz-request-id", "HEADERID")], body: body))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).getObject(bucket: "bkt", key: "missing.csv")
        }
        #expect(error.kind == .service)
        #expect(error.service == "S3")
        #expect(error.operation == "GetObject")
        #expect(error.statusCode == 404)
        #expect(error.code == "NoSuchKey")
        #expect(error.message == "The resource you requested does not exist")
        #expect(error.requestID == "4442587FB7D0A2F9")
        #expect(error.attempts == 1)
        #expect(error.isNotFound)
        #expect(error.body == Data(body.utf8))
        #expect(
            error.description
                == "S3.GetObject failed: NoSuchKey (HTTP 404, request 4442587FB7D0A2F9) after 1 attempt: The resource you requested does not exist"
        )
        #expect(transport.requests.count == 1)
    }

    /// One error document per row: the code and status it must decode to, and whether it is retried.
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var code: String
        var status: Int
        var message: String
        var isRetried: Bool
        var testDescription: String { "\(status) \(code)" }
    }

    @Test(arguments: [
        ErrorCase(code: "AccessDenied", status: 403, message: "Access Denied", isRetried: false),
        ErrorCase(code: "NoSuchBucket", status: 404, message: "The specified bucket does not exist", isRetried: false),
        ErrorCase(
            code: "PreconditionFailed", status: 412,
            message: "At least one of the pre-conditions you specified did not hold", isRetried: false),
        ErrorCase(
            code: "InvalidRequest", status: 400,
            message: "The specified copy source is larger than the maximum allowable size", isRetried: false),
        ErrorCase(code: "SlowDown", status: 503, message: "Please reduce your request rate.", isRetried: true),
        ErrorCase(
            code: "InternalError", status: 500, message: "We encountered an internal error. Please try again.",
            isRetried: true),
        ErrorCase(
            code: "RequestTimeout", status: 400,
            message: "Your socket connection to the server was not read from or written to within the timeout period.",
            isRetried: true),
    ])
    func errorDocumentsDecodeAndRetryAsTheStandardModeSays(_ testCase: ErrorCase) async throws {
        let sleeper = RecordingSleeper()
        let reply = ScriptedTransport.Step.s3Status(
            testCase.status, body: S3Bodies.error(testCase.code, testCase.message))
        let transport = ScriptedTransport.s3(reply, reply, reply)
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport, sleeper: sleeper).copyObject(
                sourceBucket: "a", sourceKey: "k", destinationBucket: "b", destinationKey: "k")
        }
        #expect(error.code == testCase.code)
        #expect(error.statusCode == testCase.status)
        #expect(error.message == testCase.message)
        #expect(error.requestID == "4442587FB7D0A2F9")
        #expect(error.attempts == (testCase.isRetried ? 3 : 1))
        #expect(transport.requests.count == (testCase.isRetried ? 3 : 1))
        #expect(sleeper.delays.count == (testCase.isRetried ? 2 : 0))
    }

    @Test func slowDownIsRetriedUntilItSucceeds() async throws {
        let sleeper = RecordingSleeper()
        let transport = ScriptedTransport.s3(
            .s3Status(503, body: S3Bodies.error("SlowDown", "Please reduce your request rate.")),
            .s3OK(headers: [("ETag", "\"5d41402abc4b2a76b9719d911017c592\"")]))
        let eTag = try await makeS3(transport, sleeper: sleeper).putObject(
            bucket: "bkt", key: "k", body: Data("hello".utf8))
        #expect(eTag.normalized == "5d41402abc4b2a76b9719d911017c592")
        #expect(transport.requests.count == 2)
        #expect(sleeper.delays.count == 1)
        #expect(transport.requests.allSatisfy { $0.body == Data("hello".utf8) })
    }

    @Test func aRegionRedirectNamesTheBucketsRegion() async throws {
        let body = S3Bodies.error(
            "PermanentRedirect",
            "The bucket you are attempting to access must be addressed using the specified endpoint. "
                + "Please send all future requests to this endpoint.",
            extra: "<Endpoint>bkt.s3.eu-west-1.amazonaws.com</Endpoint><Bucket>bkt</Bucket>")
        let transport = ScriptedTransport.s3(
            .s3Status(301, headers: [("x-amz-bucket-region", "eu-west-1")], body: body))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).listObjectsV2(bucket: "bkt")
        }
        #expect(error.code == "PermanentRedirect")
        #expect(
            error.message.hasSuffix(
                "Please send all future requests to this endpoint.; the bucket is in region eu-west-1"))
    }

    // MARK: - HEAD: no body, only a status

    @Test func headObjectForbiddenIsAccessDeniedWithTheHeaderRequestID() async throws {
        let transport = ScriptedTransport.s3(.s3Status(403, headers: [("x-amz-request-id", "HEAD403ID")]))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).headObject(bucket: "bkt", key: "secret.csv")
        }
        #expect(error.code == "AccessDenied")
        #expect(error.isAccessDenied)
        #expect(!error.isNotFound)
        #expect(error.statusCode == 403)
        #expect(error.requestID == "HEAD403ID")
        #expect(error.operation == "HeadObject")
        #expect(
            error.message
                == "Forbidden (HEAD answers carry no error body; for a missing key this also means s3:ListBucket is not granted)"
        )
        #expect(transport.requests.count == 1)
    }

    @Test(arguments: [(400, "BadRequest"), (412, "PreconditionFailed"), (405, "MethodNotAllowed")])
    func otherBodylessHeadErrorsAreNamedFromTheirStatus(status: Int, code: String) async throws {
        let transport = ScriptedTransport.s3(.s3Status(status))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).headObject(bucket: "bkt", key: "k")
        }
        #expect(error.code == code)
        #expect(error.statusCode == status)
    }

    @Test func bodylessHeadServiceUnavailableIsRetried() async throws {
        let transport = ScriptedTransport.s3(
            .s3Status(503), .s3OK(headers: [("Content-Length", "5"), ("ETag", "\"e\"")]))
        let metadata = try await makeS3(transport).headObject(bucket: "bkt", key: "k")
        #expect(metadata?.contentLength == 5)
        #expect(transport.requests.count == 2)
    }

    @Test func headBucketAnswersExistenceAndThrowsOnForbidden() async throws {
        let transport = ScriptedTransport.s3(
            .s3OK(headers: [("x-amz-bucket-region", "us-east-1")]), .s3Status(404), .s3Status(403),
            .s3Status(301, headers: [("x-amz-bucket-region", "ap-southeast-2")]))
        let s3 = makeS3(transport)
        #expect(try await s3.headBucket("mine") == true)
        #expect(try await s3.headBucket("absent") == false)
        let forbidden = try await #require(throws: AWSError.self) { _ = try await s3.headBucket("theirs") }
        #expect(forbidden.code == "AccessDenied")
        #expect(forbidden.message == "Forbidden (the answer carried no error body)")
        let moved = try await #require(throws: AWSError.self) { _ = try await s3.headBucket("elsewhere") }
        #expect(moved.code == "PermanentRedirect")
        #expect(moved.message == "the bucket is in region ap-southeast-2")
        #expect(transport.requests.map(\.method) == ["HEAD", "HEAD", "HEAD", "HEAD"])
    }

    @Test func createBucketTreatsAlreadyOwnedAsSuccessButNotAlreadyExists() async throws {
        let transport = ScriptedTransport.s3(
            .s3Status(
                409,
                body: S3Bodies.error(
                    "BucketAlreadyOwnedByYou",
                    "Your previous request to create the named bucket succeeded and you already own it.")),
            .s3Status(409, body: S3Bodies.error("BucketAlreadyExists", "The requested bucket name is not available.")))
        let s3 = makeS3(transport, region: "eu-west-1")
        try await s3.createBucket("mine")
        let error = try await #require(throws: AWSError.self) { try await s3.createBucket("taken") }
        #expect(error.code == "BucketAlreadyExists")
        #expect(error.statusCode == 409)
    }

    @Test func deletingAMissingKeyIsNotAnError() async throws {
        let transport = ScriptedTransport.s3(.s3Status(204))
        try await makeS3(transport).deleteObject(bucket: "bkt", key: "never-existed")
        #expect(transport.requests.count == 1)
    }

    // MARK: - 200 with an error, or cut short

    static let internalErrorIn200 = S3Bodies.error(
        "InternalError", "We encountered an internal error. Please try again.",
        requestID: "656c76696e6727732072657175657374")
    static let truncatedCopyResult = """
        <?xml version="1.0" encoding="UTF-8"?>
        <CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;9b2c
        """

    @Test func copyObject200WithAnErrorBodyIsRetriedThenSucceeds() async throws {
        let sleeper = RecordingSleeper()
        let transport = ScriptedTransport.s3(
            .s3OK(body: Self.internalErrorIn200), .s3OK(body: S3Bodies.copyObjectResult))
        let result = try await makeS3(transport, sleeper: sleeper).copyObject(
            sourceBucket: "src", sourceKey: "a b", destinationBucket: "dst",
            destinationKey: "a b")
        #expect(result.eTag.normalized == "9b2cf535f27731c974343645a3985328")
        #expect(transport.requests.count == 2)
        #expect(sleeper.delays.count == 1)
        #expect(transport.requests.map { $0.headers["x-amz-copy-source"] } == ["src/a%20b", "src/a%20b"])
    }

    @Test func copyObject200WithAnErrorBodyEveryTimeFailsAsA500AfterThreeAttempts() async throws {
        let transport = ScriptedTransport.s3(
            .s3OK(body: Self.internalErrorIn200), .s3OK(body: Self.internalErrorIn200),
            .s3OK(body: Self.internalErrorIn200))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).copyObject(
                sourceBucket: "src", sourceKey: "k", destinationBucket: "dst", destinationKey: "k")
        }
        #expect(error.code == "InternalError")
        #expect(error.statusCode == 500)
        #expect(error.requestID == "656c76696e6727732072657175657374")
        #expect(
            error.message
                == "We encountered an internal error. Please try again. (an error inside an HTTP 200 answer; treated as HTTP 500)"
        )
        #expect(error.attempts == 3)
        #expect(transport.requests.count == 3)
    }

    @Test func aTruncated200BodyIsRetriedThenSucceeds() async throws {
        let transport = ScriptedTransport.s3(
            .s3OK(body: Self.truncatedCopyResult, headers: [("x-amz-request-id", "TRUNC1")]),
            .s3OK(body: S3Bodies.copyObjectResult))
        let result = try await makeS3(transport).copyObject(
            sourceBucket: "src", sourceKey: "k", destinationBucket: "dst", destinationKey: "k")
        #expect(result.lastModified == Date(timeIntervalSince1970: 1_255_369_830))
        #expect(transport.requests.count == 2)
    }

    @Test func aTruncated200BodyThatNeverRecoversIsAnInternalError() async throws {
        let transport = ScriptedTransport.s3(
            .s3OK(body: Self.truncatedCopyResult, headers: [("x-amz-request-id", "TRUNC1")]),
            .s3OK(body: "   \n  "), .s3OK(body: Self.truncatedCopyResult, headers: [("x-amz-request-id", "TRUNC3")]))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).copyObject(
                sourceBucket: "src", sourceKey: "k", destinationBucket: "dst", destinationKey: "k")
        }
        #expect(error.code == "InternalError")
        #expect(error.statusCode == 500)
        #expect(error.requestID == "TRUNC3")
        #expect(error.message.hasPrefix("S3 answered HTTP 200 with a body that is not complete XML ("))
        #expect(error.message.hasSuffix("); treated as HTTP 500 and retried"))
        #expect(error.attempts == 3)
    }

    /// The three operations that can fail after `200 OK` all go through the same check.
    @Test(arguments: [
        "UploadPartCopy", "CompleteMultipartUpload", "CopyObject", "ListObjectsV2", "CreateMultipartUpload",
    ])
    func everyXMLOperationRetriesA200WithAnError(operation: String) async throws {
        let success: String =
            switch operation {
            case "UploadPartCopy": S3Bodies.copyPartResult
            case "CompleteMultipartUpload": S3Bodies.completeMultipartUploadResult
            case "CreateMultipartUpload": S3Bodies.initiateMultipartUploadResult
            case "ListObjectsV2": S3Bodies.emptyListPage
            default: S3Bodies.copyObjectResult
            }
        let transport = ScriptedTransport.s3(
            .s3OK(body: Self.internalErrorIn200), .s3OK(body: Self.truncatedCopyResult), .s3OK(body: success))
        let s3 = makeS3(transport)
        switch operation {
        case "UploadPartCopy":
            let part = try await s3.uploadPartCopy(
                sourceBucket: "s", sourceKey: "k", destinationBucket: "d", destinationKey: "k",
                range: 0...5_242_879, partNumber: 1, uploadID: "u")
            #expect(part.eTag.normalized == "b0c6f0e7e054ab8fa2536a2677f8734d")
        case "CompleteMultipartUpload":
            let result = try await s3.completeMultipartUpload(
                bucket: "d", key: "k", uploadID: "u",
                parts: [S3CompletedPart(partNumber: 1, eTag: S3ETag("\"a\""))])
            #expect(result.eTag.partCount == 3)
        case "CreateMultipartUpload":
            #expect(try await s3.createMultipartUpload(bucket: "d", key: "k").isEmpty == false)
        case "ListObjectsV2":
            #expect(try await s3.listObjectsV2(bucket: "d").objects.isEmpty)
        default:
            _ = try await s3.copyObject(sourceBucket: "s", sourceKey: "k", destinationBucket: "d", destinationKey: "k")
        }
        #expect(transport.requests.count == 3)
        #expect(Set(transport.requests.map(\.method)).count == 1)
    }

    @Test func getObjectBodiesAreNeverMistakenForErrors() async throws {
        let transport = ScriptedTransport.s3(
            .s3OK(body: Self.internalErrorIn200), .s3OK(body: Self.truncatedCopyResult))
        let s3 = makeS3(transport)
        let (_, xmlLooking) = try await s3.getObject(bucket: "bkt", key: "error.xml")
        #expect(xmlLooking == Data(Self.internalErrorIn200.utf8))
        let (_, truncated) = try await s3.getObject(bucket: "bkt", key: "partial.xml")
        #expect(truncated == Data(Self.truncatedCopyResult.utf8))
        #expect(transport.requests.count == 2)
    }

    @Test func aConnectionResetDuringUploadPartCopyIsRetried() async throws {
        let transport = ScriptedTransport.s3(
            .fail(TransportError(.connectionReset, "Connection reset by peer")), .s3OK(body: S3Bodies.copyPartResult))
        let part = try await makeS3(transport).uploadPartCopy(
            sourceBucket: "s", sourceKey: "k", destinationBucket: "d", destinationKey: "k",
            partNumber: 1, uploadID: "u")
        #expect(part.partNumber == 1)
        #expect(transport.requests.count == 2)
    }

    @Test func noSuchUploadOnAbortIsNotFound() async throws {
        let body = S3Bodies.error(
            "NoSuchUpload",
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            extra: "<UploadId>u-1</UploadId>")
        let transport = ScriptedTransport.s3(.s3Status(404, body: body))
        let error = try await #require(throws: AWSError.self) {
            try await makeS3(transport).abortMultipartUpload(bucket: "b", key: "k", uploadID: "u-1")
        }
        #expect(error.code == "NoSuchUpload")
        #expect(error.isNotFound)
    }

    // MARK: - Secrets

    @Test func signatureMismatchErrorsKeepNoSignatureOrSecret() async throws {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "SESSIONTOKENVALUE123")
        let body = S3Bodies.error(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            extra: "<AWSAccessKeyId>AKIDEXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256</StringToSign>"
                + "<SignatureProvided>0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef</SignatureProvided>"
                + "<CanonicalRequest>GET</CanonicalRequest>")
        let transport = ScriptedTransport.s3(.s3Status(403, body: body))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport, credentials: credentials).getObject(bucket: "bkt", key: "k")
        }
        #expect(error.code == "SignatureDoesNotMatch")
        #expect(error.isSignatureFailure)
        let sent = try #require(transport.requests.first)
        let signature = try #require(sent.headers["Authorization"]?.components(separatedBy: "Signature=").last)
        let everything = "\(error) \(String(decoding: error.body ?? Data(), as: UTF8.self)) \(error.message)"
        #expect(!everything.contains(signature))
        #expect(!everything.contains("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
        #expect(everything.contains("<SignatureProvided><redacted></SignatureProvided>"))
        #expect(!everything.contains(credentials.secretAccessKey))
        #expect(!everything.contains("SESSIONTOKENVALUE123"))
        #expect(!everything.contains("AWS4-HMAC-SHA256 Credential="))
    }
}
