import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport

/// ``S3Client`` against moto: every call on the wire, with awkward keys, multipart copies, pagination,
/// notifications to SQS, presigned URLs and real error answers.
///
/// One moto serves the whole suite (see ``S3MotoScope``); each test makes its own uniquely named buckets, so
/// the tests run in parallel without resetting the emulator.
@Suite(.requiresMoto, .s3MotoScope) struct S3IntegrationTests {
    // MARK: - Round trips with awkward keys

    /// One key that must survive put/head/get/copy/list/delete unchanged.
    struct KeyCase: Sendable, CustomTestStringConvertible {
        var name: String
        var key: String
        var testDescription: String { name }
    }

    static let awkwardKeys: [KeyCase] = [
        KeyCase(name: "spaces", key: "invoices/2026 08/invoice 17.csv"),
        KeyCase(name: "plus signs", key: "a+b/c+d.csv"),
        KeyCase(name: "percent signs", key: "100%/50%25 off.csv"),
        KeyCase(name: "tildes", key: "~user/x~y.csv"),
        KeyCase(name: "unicode", key: "ü/日本語/façade – 😀.csv"),
        KeyCase(name: "reserved characters", key: "x=y&z;a,b@c:d$e!f'(g)*.csv"),
        KeyCase(name: "nested folders", key: "a/b/c/d/e/f/g/h.csv"),
        KeyCase(name: "1,024-byte key", key: "long/" + String(repeating: "k", count: 1015) + "ü.c"),
    ]

    @Test(arguments: awkwardKeys)
    func objectsRoundTripWithAwkwardKeys(_ testCase: KeyCase) async throws {
        let s3 = try makeS3()
        let source = try await makeBucket(s3)
        let destination = try await makeBucket(s3)
        let key = testCase.key
        let body = Data("invoice,amount\n\(testCase.name),42\n".utf8)

        let putETag = try await s3.putObject(
            bucket: source, key: key, body: body, contentType: "text/csv; charset=utf-8",
            metadata: ["client-id": "acme-42", "batch": "7"])
        #expect(putETag.normalized == Hex.encode(MD5.hash(body)))

        let head = try #require(try await s3.headObject(bucket: source, key: key))
        #expect(head.contentLength == Int64(body.count))
        #expect(head.eTag == putETag)
        #expect(head.contentType == "text/csv; charset=utf-8")
        #expect(head.metadata == ["client-id": "acme-42", "batch": "7"])
        #expect(head.lastModified != nil)

        let (getMetadata, getBody) = try await s3.getObject(bucket: source, key: key)
        #expect(getBody == body)
        #expect(getMetadata.eTag == putETag)

        let copy = try await s3.copyObject(
            sourceBucket: source, sourceKey: key, destinationBucket: destination, destinationKey: key,
            ifSourceETagMatches: head.eTag)
        #expect(copy.eTag == putETag)
        #expect(copy.lastModified != nil)
        let copied = try #require(try await s3.headObject(bucket: destination, key: key))
        #expect(copied.contentType == "text/csv; charset=utf-8")
        #expect(copied.metadata == ["client-id": "acme-42", "batch": "7"])
        #expect(try await s3.getObject(bucket: destination, key: key).body == body)

        let listed = try await s3.listAllObjects(bucket: source)
        #expect(listed.map(\.key) == [key])
        #expect(listed.first?.size == Int64(body.count))
        #expect(listed.first?.eTag == putETag)
        #expect(try await s3.listObjectsV2(bucket: source, prefix: key).objects.map(\.key) == [key])

        try await s3.deleteObject(bucket: source, key: key)
        try await s3.deleteObject(bucket: destination, key: key)
        #expect(try await s3.headObject(bucket: source, key: key) == nil)
        #expect(try await s3.headObject(bucket: destination, key: key) == nil)
    }

    @Test func keysWithControlCharactersSurviveAURLEncodedListing() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let keys = ["ctl/bell\u{07}", "ctl/tab\there", "ctl/unit\u{1F}sep"]
        for key in keys { try await s3.putObject(bucket: bucket, key: key, body: Data(key.utf8)) }
        let listed = try await s3.listAllObjects(bucket: bucket, prefix: "ctl/")
        #expect(listed.map(\.key) == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        for key in keys { #expect(try await s3.getObject(bucket: bucket, key: key).body == Data(key.utf8)) }
    }

    @Test func zeroByteObjectsRoundTrip() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let eTag = try await s3.putObject(bucket: bucket, key: "empty/marker.done", body: Data())
        #expect(eTag.normalized == "d41d8cd98f00b204e9800998ecf8427e")
        let head = try #require(try await s3.headObject(bucket: bucket, key: "empty/marker.done"))
        #expect(head.contentLength == 0)
        #expect(try await s3.getObject(bucket: bucket, key: "empty/marker.done").body.isEmpty)
        let copy = try await s3.copyObject(
            sourceBucket: bucket, sourceKey: "empty/marker.done", destinationBucket: bucket,
            destinationKey: "empty/copy")
        #expect(copy.eTag == eTag)
        #expect(try await s3.listAllObjects(bucket: bucket).map(\.size) == [0, 0])
    }

    @Test func rangedGetReturnsTheRequestedBytes() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let body = Data((0..<100).map { UInt8($0) })
        try await s3.putObject(bucket: bucket, key: "bytes.bin", body: body)
        let (metadata, slice) = try await s3.getObject(bucket: bucket, key: "bytes.bin", range: 10...19)
        #expect(slice == body[10...19])
        #expect(metadata.contentLength == 10)
        #expect(metadata.contentRange == "bytes 10-19/100")
    }

    // MARK: - CopyObject metadata and preconditions

    @Test func copyReplacesContentTypeAndMetadataWhenAsked() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        try await s3.putObject(
            bucket: bucket, key: "in/a.csv", body: Data("x".utf8), contentType: "text/csv", metadata: ["stage": "inbox"]
        )
        _ = try await s3.copyObject(
            sourceBucket: bucket, sourceKey: "in/a.csv", destinationBucket: bucket, destinationKey: "out/a.csv",
            metadataDirective: .replace, contentType: "application/vnd.ms-excel",
            metadata: ["stage": "archived", "by": "tw"])
        let replaced = try #require(try await s3.headObject(bucket: bucket, key: "out/a.csv"))
        #expect(replaced.contentType == "application/vnd.ms-excel")
        #expect(replaced.metadata == ["stage": "archived", "by": "tw"])
        let original = try #require(try await s3.headObject(bucket: bucket, key: "in/a.csv"))
        #expect(original.metadata == ["stage": "inbox"])
    }

    @Test func copyWithAMatchingSourceETagSucceeds() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let eTag = try await s3.putObject(bucket: bucket, key: "src", body: Data("v1".utf8))
        let copy = try await s3.copyObject(
            sourceBucket: bucket, sourceKey: "src", destinationBucket: bucket, destinationKey: "dst",
            ifSourceETagMatches: S3ETag(eTag.normalized))
        #expect(copy.eTag == eTag)
    }

    /// S3 answers 412 `PreconditionFailed` when the source changed; moto 5.2.1 does not implement
    /// `x-amz-copy-source-if-match` (only `-if-none-match`) and copies anyway. The header is checked on the wire
    /// in `S3ClientTests`, and the 412 decoding with a real S3 body in `S3ClientErrorTests`; this test turns red
    /// as soon as moto starts enforcing the precondition, so the known issue gets removed.
    @Test func copyWithAStaleSourceETagFailsWithPreconditionFailed() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let stale = try await s3.putObject(bucket: bucket, key: "src", body: Data("v1".utf8))
        try await s3.putObject(bucket: bucket, key: "src", body: Data("v2".utf8))
        await withKnownIssue("moto 5.2.1 ignores x-amz-copy-source-if-match") {
            let error = try await #require(throws: AWSError.self) {
                _ = try await s3.copyObject(
                    sourceBucket: bucket, sourceKey: "src", destinationBucket: bucket, destinationKey: "dst",
                    ifSourceETagMatches: stale)
            }
            #expect(error.code == "PreconditionFailed")
            #expect(error.statusCode == 412)
        }
    }

    @Test func copyOfAMissingSourceIsNoSuchKey() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let error = try await #require(throws: AWSError.self) {
            _ = try await s3.copyObject(
                sourceBucket: bucket, sourceKey: "no such/key", destinationBucket: bucket, destinationKey: "dst")
        }
        #expect(error.code == "NoSuchKey")
        #expect(error.statusCode == 404)
        #expect(error.requestID?.isEmpty == false)
        #expect(error.attempts == 1)
    }

    // MARK: - Multipart copy

    @Test func multipartCopyOfTwelveMebibytesInFiveMebibyteRanges() async throws {
        let s3 = try makeS3()
        let source = try await makeBucket(s3)
        let destination = try await makeBucket(s3)
        let size = 12 * 1024 * 1024
        let random = SeededRandomSource(seed: 2026)
        var words = (0..<size / 8).map { _ in random.next() }
        let body = words.withUnsafeMutableBytes { Data($0) }
        let sourceETag = try await s3.putObject(bucket: source, key: "big/source file.bin", body: body)

        let uploadID = try await s3.createMultipartUpload(
            bucket: destination, key: "big/copy+of file.bin", contentType: "application/octet-stream",
            metadata: ["origin": "multipart"])
        #expect(try await s3.listMultipartUploads(bucket: destination).map(\.uploadID) == [uploadID])

        let partSize = S3Client.MultipartLimits.minimumPartSize
        var parts: [S3CompletedPart] = []
        var offset: Int64 = 0
        var partNumber = 1
        while offset < Int64(size) {
            let last = min(offset + partSize, Int64(size)) - 1
            parts.append(
                try await s3.uploadPartCopy(
                    sourceBucket: source, sourceKey: "big/source file.bin", destinationBucket: destination,
                    destinationKey: "big/copy+of file.bin", range: offset...last, partNumber: partNumber,
                    uploadID: uploadID, ifSourceETagMatches: sourceETag))
            offset = last + 1
            partNumber += 1
        }
        #expect(parts.map(\.partNumber) == [1, 2, 3])

        let completed = try await s3.completeMultipartUpload(
            bucket: destination, key: "big/copy+of file.bin", uploadID: uploadID,
            parts: parts.reversed())
        #expect(completed.eTag.partCount == 3)
        #expect(completed.eTag.normalized.hasSuffix("-3"))

        let head = try #require(try await s3.headObject(bucket: destination, key: "big/copy+of file.bin"))
        #expect(head.contentLength == Int64(size))
        #expect(head.eTag == completed.eTag)
        #expect(head.contentType == "application/octet-stream")
        #expect(head.metadata == ["origin": "multipart"])
        #expect(try await s3.getObject(bucket: destination, key: "big/copy+of file.bin").body == body)
        #expect(try await s3.listMultipartUploads(bucket: destination).isEmpty)
    }

    @Test func abortedUploadsDisappearAndCannotBeAbortedTwice() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let first = try await s3.createMultipartUpload(bucket: bucket, key: "orphans/one")
        let second = try await s3.createMultipartUpload(bucket: bucket, key: "orphans/two words")
        let listed = try await s3.listMultipartUploads(bucket: bucket, prefix: "orphans/")
        #expect(Set(listed.map(\.uploadID)) == [first, second])
        #expect(Set(listed.map(\.key)) == ["orphans/one", "orphans/two words"])

        for upload in listed {
            try await s3.abortMultipartUpload(bucket: bucket, key: upload.key, uploadID: upload.uploadID)
        }
        #expect(try await s3.listMultipartUploads(bucket: bucket).isEmpty)

        let error = try await #require(throws: AWSError.self) {
            try await s3.abortMultipartUpload(bucket: bucket, key: "orphans/one", uploadID: first)
        }
        #expect(error.code == "NoSuchUpload")
        #expect(error.statusCode == 404)
    }

    @Test func completingWithAnUnknownPartIsInvalidPart() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let uploadID = try await s3.createMultipartUpload(bucket: bucket, key: "k")
        let error = try await #require(throws: AWSError.self) {
            _ = try await s3.completeMultipartUpload(
                bucket: bucket, key: "k", uploadID: uploadID,
                parts: [S3CompletedPart(partNumber: 1, eTag: S3ETag("\"0123456789abcdef0123456789abcdef\""))])
        }
        #expect(error.code == "InvalidPart")
        #expect(error.statusCode == 400)
        #expect(error.attempts == 1)
    }

    // MARK: - Listing

    @Test func listObjectsV2PaginatesSevenObjectsTwoAtATime() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let keys = ["p/1", "p/2 two", "p/3+three", "p/4", "p/5/nested", "p/6~", "p/7ü"]
        for key in keys.shuffled() { try await s3.putObject(bucket: bucket, key: key, body: Data(key.utf8)) }
        try await s3.putObject(bucket: bucket, key: "q/outside", body: Data())

        var pages: [S3ObjectPage] = []
        var token: String?
        repeat {
            let page = try await s3.listObjectsV2(bucket: bucket, prefix: "p/", continuationToken: token, maxKeys: 2)
            pages.append(page)
            token = page.nextContinuationToken
            #expect(pages.count <= 4)
        } while token != nil && pages.count <= 4
        #expect(pages.map { $0.objects.count } == [2, 2, 2, 1])
        #expect(pages.map(\.isTruncated) == [true, true, true, false])
        #expect(pages.flatMap(\.objects).map(\.key) == keys)
        #expect(pages.flatMap(\.objects).map(\.size) == keys.map { Int64($0.utf8.count) })

        #expect(try await s3.listAllObjects(bucket: bucket, prefix: "p/", pageSize: 2).map(\.key) == keys)
        var streamed: [String] = []
        for try await object in s3.objects(bucket: bucket, prefix: "p/", pageSize: 3) { streamed.append(object.key) }
        #expect(streamed == keys)

        let afterFour = try await s3.listObjectsV2(bucket: bucket, prefix: "p/", startAfter: "p/4")
        #expect(afterFour.objects.map(\.key) == ["p/5/nested", "p/6~", "p/7ü"])
        let folders = try await s3.listObjectsV2(bucket: bucket, prefix: "p/", delimiter: "/")
        #expect(folders.commonPrefixes == ["p/5/"])
        #expect(folders.objects.count == 6)
    }

    // MARK: - Buckets and errors

    @Test func bucketsAreCreatedIdempotentlyCheckedAndDeleted() async throws {
        let s3 = try makeS3()
        let bucket = "tw-s3-\(UUID().uuidString.prefix(8).lowercased())"
        #expect(try await s3.headBucket(bucket) == false)
        try await s3.createBucket(bucket)
        try await s3.createBucket(bucket)
        #expect(try await s3.headBucket(bucket) == true)
        try await s3.deleteBucket(bucket)
        #expect(try await s3.headBucket(bucket) == false)
    }

    @Test func bucketsOutsideUSEast1AreCreatedWithALocationConstraint() async throws {
        let s3 = try makeS3(region: "eu-west-1")
        let bucket = try await makeBucket(s3)
        #expect(try await s3.headBucket(bucket))
        try await s3.putObject(bucket: bucket, key: "k", body: Data("eu".utf8))
        #expect(try await s3.getObject(bucket: bucket, key: "k").body == Data("eu".utf8))
    }

    @Test func aMissingBucketIsNoSuchBucketWithARequestID() async throws {
        let s3 = try makeS3()
        let missing = "tw-missing-\(UUID().uuidString.prefix(8).lowercased())"
        let error = try await #require(throws: AWSError.self) { _ = try await s3.listObjectsV2(bucket: missing) }
        #expect(error.kind == .service)
        #expect(error.code == "NoSuchBucket")
        #expect(error.statusCode == 404)
        #expect(error.message == "The specified bucket does not exist")
        #expect(error.requestID?.isEmpty == false)
        #expect(error.isNotFound)
        #expect(error.attempts == 1)
        let put = try await #require(throws: AWSError.self) {
            try await s3.putObject(bucket: missing, key: "k", body: Data())
        }
        #expect(put.code == "NoSuchBucket")
        #expect(try await s3.headObject(bucket: missing, key: "k") == nil)
    }

    @Test func aMissingKeyIsNoSuchKeyOnGetNilOnHeadAndFineOnDelete() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let error = try await #require(throws: AWSError.self) {
            _ = try await s3.getObject(bucket: bucket, key: "nope/a b")
        }
        #expect(error.code == "NoSuchKey")
        #expect(error.requestID?.isEmpty == false)
        #expect(try await s3.headObject(bucket: bucket, key: "nope/a b") == nil)
        try await s3.deleteObject(bucket: bucket, key: "nope/a b")
    }

    @Test func deletingANonEmptyBucketIsBucketNotEmpty() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        try await s3.putObject(bucket: bucket, key: "k", body: Data("x".utf8))
        let error = try await #require(throws: AWSError.self) { try await s3.deleteBucket(bucket) }
        #expect(error.code == "BucketNotEmpty")
        #expect(error.statusCode == 409)
    }

    // MARK: - Notifications

    @Test func objectCreatedEventsReachAnSQSQueue() async throws {
        let moto = try #require(S3MotoScope.server)
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let sqs = AWSClient(service: .sqs, context: TestContexts.make(endpoint: moto.endpoint))
        let queueName = "tw-uploads-\(UUID().uuidString.prefix(8).lowercased())"
        let created = try await sqs.jsonCall(
            AWSOperation(.sqs, "CreateQueue"), body: Self.json(["QueueName": queueName]))
        let queueURL = try #require(Self.object(created)["QueueUrl"] as? String)
        let attributes = try await sqs.jsonCall(
            AWSOperation(.sqs, "GetQueueAttributes"),
            body: Self.json(["QueueUrl": queueURL, "AttributeNames": ["QueueArn"]]))
        let queueARN = try #require((Self.object(attributes)["Attributes"] as? [String: Any])?["QueueArn"] as? String)

        try await s3.putBucketNotificationConfiguration(
            bucket: bucket, queueARN: queueARN, prefix: "in/", id: "transferwatch-uploads")
        #expect(
            try await s3.getBucketNotificationConfiguration(bucket: bucket) == [
                S3QueueNotification(
                    id: "transferwatch-uploads", queueARN: queueARN, events: ["s3:ObjectCreated:*"], prefix: "in/")
            ])

        try await s3.putObject(bucket: bucket, key: "in/invoice 17+a.csv", body: Data("x".utf8))
        try await s3.putObject(bucket: bucket, key: "elsewhere/ignored.csv", body: Data("x".utf8))

        var records: [[String: Any]] = []
        for _ in 0..<5 where records.isEmpty {
            let received = try await sqs.jsonCall(
                AWSOperation(.sqs, "ReceiveMessage"),
                body: Self.json(["QueueUrl": queueURL, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1]))
            for message in try Self.object(received)["Messages"] as? [[String: Any]] ?? [] {
                let body = try #require(message["Body"] as? String)
                let event = try Self.object(Data(body.utf8))
                records += event["Records"] as? [[String: Any]] ?? []  // the s3:TestEvent has no Records
            }
        }
        let record = try #require(records.first)
        #expect(records.count == 1)
        #expect((record["eventName"] as? String)?.hasPrefix("ObjectCreated:") == true)
        let object = try #require((record["s3"] as? [String: Any])?["object"] as? [String: Any])
        let bucketName = ((record["s3"] as? [String: Any])?["bucket"] as? [String: Any])?["name"] as? String
        #expect(bucketName == bucket)
        let encodedKey = try #require(object["key"] as? String)
        #expect(URIEncoding.decode(encodedKey, plusAsSpace: true) == "in/invoice 17+a.csv")
    }

    // MARK: - Presigned URLs

    @Test func aPresignedGETFetchedWithThePlainTransportReturnsTheObject() async throws {
        let s3 = try makeS3()
        let bucket = try await makeBucket(s3)
        let key = "shared/report 2026+ü.csv"
        try await s3.putObject(bucket: bucket, key: key, body: Data("presigned,ok\n".utf8), contentType: "text/csv")
        let url = try await s3.presignedURL(bucket: bucket, key: key, expires: .seconds(900))
        #expect(url.contains("X-Amz-Signature="))
        #expect(url.contains("X-Amz-Expires=900"))

        let components = try #require(URLComponents(string: url))
        let request = HTTPRequest(
            method: "GET", scheme: try #require(components.scheme), host: try #require(components.host),
            port: components.port,
            path: components.percentEncodedPath, query: components.percentEncodedQuery ?? "")
        #expect(request.url == url)
        let response = try await TestContexts.sharedTransport.send(request, timeout: .seconds(30))
        #expect(response.status == 200)
        #expect(response.body == Data("presigned,ok\n".utf8))
        #expect(response.headers["Content-Type"] == "text/csv")
    }

    // MARK: - Helpers

    func makeS3(region: String = "us-east-1") throws -> S3Client {
        let moto = try #require(S3MotoScope.server, "the suite's moto did not start")
        return S3Client(context: TestContexts.make(endpoint: moto.endpoint, region: region))
    }

    /// A new bucket with a unique name (`tw-s3-<8 hex>`).
    func makeBucket(_ s3: S3Client) async throws -> String {
        let bucket = "tw-s3-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucket)
        return bucket
    }

    static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// Starts one moto for a whole suite and hands it to every test through ``server`` (and, when it verifies
/// signatures, an IAM access key allowed everything through ``credentials``).
struct S3MotoScope: SuiteTrait, TestScoping {
    /// The suite's moto while its tests run.
    @TaskLocal static var server: MotoServer?
    /// The access key for a signature-verifying moto.
    @TaskLocal static var credentials: MotoCredentials?

    var verifySignatures = false

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    )
        async throws
    {
        let moto = try await MotoServer.start(
            verifySignatures: verifySignatures, logger: Logger(label: "transferwatch.test.s3.moto"))
        defer { moto.stop() }
        let credentials = verifySignatures ? try await moto.makeCredentials(userName: "transferwatch-s3-tests") : nil
        try await Self.$server.withValue(moto) {
            try await Self.$credentials.withValue(credentials) { try await function() }
        }
    }
}

extension Trait where Self == S3MotoScope {
    /// One moto for the suite (see ``S3MotoScope``).
    static var s3MotoScope: Self { S3MotoScope() }

    /// One moto for the suite, verifying every request's signature.
    static func s3MotoScope(verifySignatures: Bool) -> Self { S3MotoScope(verifySignatures: verifySignatures) }
}

/// ``S3Client`` against a moto that verifies every SigV4 signature (its own suite, because verification is
/// server-wide): the wire request of every operation must be signed exactly as it travels, and a wrong secret
/// must be refused.
///
/// moto 5.2.1 recomputes S3 signatures from a re-quoted URL, so it refuses *any* client's signature for keys
/// with `+`, `%`, `=`, `&` or non-ASCII characters (boto3 1.43.11 gets the same `SignatureDoesNotMatch`).
/// Those keys are checked against botocore's own signer in ``S3BotocoreSigningTests`` instead, and recorded
/// here as a known issue that turns red once moto verifies them. Presigned URLs are not tried here: a verifying
/// moto 5.2.1 answers 500 to any request without an `Authorization` header; they are compared with botocore's
/// and fetched from the non-verifying moto instead.
@Suite(.requiresMoto, .s3MotoScope(verifySignatures: true)) struct S3SignedIntegrationTests {
    static let verifiableKeys: [S3IntegrationTests.KeyCase] = [
        .init(name: "spaces", key: "invoices/2026 08/invoice 17.csv"),
        .init(name: "tildes", key: "~user/x~y.csv"),
        .init(name: "nested folders", key: "a/b/c/d/e/f/g/h.csv"),
        .init(name: "1,024-byte key", key: "long/" + String(repeating: "k", count: 1019)),
    ]

    @Test(arguments: verifiableKeys)
    func everyOperationIsSignedAsItTravels(_ testCase: S3IntegrationTests.KeyCase) async throws {
        let s3 = try makeSignedS3()
        let bucket = "tw-sig-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucket)
        #expect(try await s3.headBucket(bucket))
        let body = Data(testCase.key.utf8)
        let copyKey = "copy/" + testCase.name.filter(\.isLetter)
        try await s3.putObject(
            bucket: bucket, key: testCase.key, body: body, contentType: "text/plain", metadata: ["k": "v"])
        #expect(try await s3.headObject(bucket: bucket, key: testCase.key)?.contentLength == Int64(body.count))
        #expect(try await s3.getObject(bucket: bucket, key: testCase.key, range: 0...3).body == body.prefix(4))
        _ = try await s3.copyObject(
            sourceBucket: bucket, sourceKey: testCase.key, destinationBucket: bucket, destinationKey: copyKey)
        #expect(try await s3.listAllObjects(bucket: bucket, prefix: "", pageSize: 1).count == 2)
        let uploadID = try await s3.createMultipartUpload(bucket: bucket, key: testCase.key)
        let part = try await s3.uploadPartCopy(
            sourceBucket: bucket, sourceKey: testCase.key, destinationBucket: bucket,
            destinationKey: testCase.key, range: 0...3, partNumber: 1, uploadID: uploadID)
        #expect(try await s3.listMultipartUploads(bucket: bucket).count == 1)
        _ = try await s3.completeMultipartUpload(bucket: bucket, key: testCase.key, uploadID: uploadID, parts: [part])
        #expect(try await s3.getObject(bucket: bucket, key: testCase.key).body == body.prefix(4))
        try await s3.putBucketNotificationConfiguration(
            bucket: bucket, queueARN: "arn:aws:sqs:us-east-1:123456789012:none")
        #expect(try await s3.getBucketNotificationConfiguration(bucket: bucket).count == 1)
        try await s3.deleteObject(bucket: bucket, key: testCase.key)
        try await s3.deleteObject(bucket: bucket, key: copyKey)
        try await s3.deleteBucket(bucket)
    }

    @Test(arguments: [
        S3IntegrationTests.KeyCase(name: "plus signs", key: "a+b.csv"),
        S3IntegrationTests.KeyCase(name: "percent signs", key: "100%.csv"),
        S3IntegrationTests.KeyCase(name: "unicode", key: "ü.csv"),
        S3IntegrationTests.KeyCase(name: "reserved characters", key: "x=y&z.csv"),
    ])
    func motoRefusesCorrectSignaturesForSomeKeys(_ testCase: S3IntegrationTests.KeyCase) async throws {
        let s3 = try makeSignedS3()
        let bucket = "tw-sig-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucket)
        await withKnownIssue(
            "moto 5.2.1 verifies S3 signatures against a re-quoted URL; boto3 is refused for these keys too"
        ) {
            try await s3.putObject(bucket: bucket, key: testCase.key, body: Data("x".utf8))
        }
    }

    @Test func aWrongSecretIsRefusedWithSignatureDoesNotMatch() async throws {
        let moto = try #require(S3MotoScope.server)
        let good = try makeSignedS3()
        let bucket = "tw-sig-\(UUID().uuidString.prefix(8).lowercased())"
        try await good.createBucket(bucket)
        let credentials = try #require(S3MotoScope.credentials)
        let forged = AWSCredentials(
            accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey + "x")
        let bad = S3Client(context: TestContexts.make(endpoint: moto.endpoint, credentials: forged))
        let error = try await #require(throws: AWSError.self) {
            try await bad.putObject(bucket: bucket, key: "k", body: Data("x".utf8))
        }
        #expect(error.code == "SignatureDoesNotMatch")
        #expect(error.statusCode == 403)
        #expect(error.isSignatureFailure)
        #expect(error.attempts == 1)
        #expect(!"\(error)".contains(forged.secretAccessKey))
    }

    func makeSignedS3() throws -> S3Client {
        let moto = try #require(S3MotoScope.server, "the suite's moto did not start")
        let credentials = try #require(S3MotoScope.credentials, "the suite's IAM key was not created")
        let aws = AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey)
        return S3Client(context: TestContexts.make(endpoint: moto.endpoint, credentials: aws))
    }
}

/// Differential signing: each operation's wire request, recorded from ``S3Client`` with a recording transport,
/// is signed again by botocore 1.43's own `S3SigV4Auth` / `S3SigV4QueryAuth` (``BotocoreSigner``, clock frozen),
/// and both must agree, for every awkward key, on AWS (virtual-hosted, https, session token) and on an emulator
/// (path-style). Runs where the emulator tier's Python (with botocore) is installed.
@Suite(.requiresMoto) struct S3BotocoreSigningTests {
    @Test(arguments: S3IntegrationTests.awkwardKeys, [true, false])
    func everyOperationSignsAsBotocoreDoes(_ testCase: S3IntegrationTests.KeyCase, onAWS: Bool) async throws {
        let transport = RecordingS3Transport()
        let region = onAWS ? "eu-west-1" : "us-east-1"
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: onAWS ? "FwoGZXIvYXdzEBYaDH+/token=" : nil)
        let now = Date(timeIntervalSince1970: 1_785_000_000)
        var context = TestContexts.make(
            endpoint: URL(string: "http://127.0.0.1:4566")!, region: region, credentials: credentials,
            transport: transport, maxAttempts: 1, now: { now })
        if onAWS { context.endpoints = EndpointResolver(region: region) }
        let s3 = S3Client(context: context)
        let key = testCase.key
        let sourceKey = "src/" + key.prefix(200)
        // Every call fails on the recording transport's 500; only the requests matter here.
        _ = try? await s3.putObject(
            bucket: "in-box", key: key, body: Data("body \(key)".utf8), contentType: "text/csv",
            metadata: ["client-id": "acme"])
        _ = try? await s3.headObject(bucket: "in-box", key: key)
        _ = try? await s3.getObject(bucket: "in-box", key: key, range: 0...99)
        _ = try? await s3.copyObject(
            sourceBucket: "in-box", sourceKey: sourceKey, destinationBucket: "archive", destinationKey: key,
            metadataDirective: .replace, contentType: "text/csv", metadata: ["stage": "done"],
            ifSourceETagMatches: S3ETag("\"9b2cf535f27731c974343645a3985328\""))
        _ = try? await s3.uploadPartCopy(
            sourceBucket: "in-box", sourceKey: sourceKey, destinationBucket: "archive", destinationKey: key,
            range: 0...5_242_879, partNumber: 7, uploadID: "VXBsb2FkIElE+/=")
        _ = try? await s3.completeMultipartUpload(
            bucket: "archive", key: key, uploadID: "VXBsb2FkIElE+/=",
            parts: [S3CompletedPart(partNumber: 1, eTag: S3ETag("\"a\""))])
        _ = try? await s3.listObjectsV2(
            bucket: "in-box", prefix: key, continuationToken: "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=",
            maxKeys: 2, startAfter: key)
        try? await s3.deleteObject(bucket: "in-box", key: key)
        let presigned = try await s3.presignedURL(bucket: "in-box", key: key, expires: .seconds(3600))
        let sent = transport.requests
        #expect(sent.map(\.method) == ["PUT", "HEAD", "GET", "PUT", "PUT", "POST", "GET", "DELETE"])

        let signingHeaders: Set<String> = [
            "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
        ]
        var botocoreRequests = sent.map { request in
            BotocoreSigningRequest(
                method: request.method, url: request.url,
                headers: request.headers.fields.filter { !signingHeaders.contains($0.name.lowercased()) },
                body: request.body,
                service: "s3", region: region, accessKeyID: credentials.accessKeyID,
                secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.sessionToken, timestamp: now, mode: .s3)
        }
        let presignedBase = try #require(presigned.split(separator: "?", maxSplits: 1).first)
        botocoreRequests.append(
            BotocoreSigningRequest(
                url: String(presignedBase), service: "s3", region: region, accessKeyID: credentials.accessKeyID,
                secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken, timestamp: now,
                mode: .presignS3, expires: 3600))
        let botocore = try Self.oracle.get().sign(botocoreRequests)
        #expect(botocore.count == sent.count + 1)
        for (request, expected) in zip(sent, botocore) {
            #expect(request.headers["Authorization"] == expected.authorization, "\(request.method) \(request.url)")
        }
        #expect(presigned == botocore.last?.url)
    }

    /// One botocore process for the suite (it ends when the test process does).
    static let oracle = Result { try BotocoreSigner() }
}

/// Records requests and answers each with a 500 (the differential test needs only what was sent).
final class RecordingS3Transport: HTTPTransport {
    private let sent = Locked<[HTTPRequest]>([])

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        sent.withLock { $0.append(request) }
        return HTTPResponse(status: 500)
    }

    var requests: [HTTPRequest] { sent.withLock { $0 } }
}
