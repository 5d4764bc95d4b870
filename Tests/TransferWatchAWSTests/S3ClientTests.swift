import Foundation
import Logging
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// The exact wire request of each S3 operation: method, addressing, key encoding, query, headers, body and
/// signature (checked against the project's derived SigV4 vectors).
@Suite struct S3ClientTests {
    // MARK: - Key encoding in the path

    /// One object key and the path it must go on the wire as (path-style, bucket `bkt`).
    struct KeyCase: Sendable, CustomTestStringConvertible {
        var name: String
        var key: String
        var path: String
        var testDescription: String { name }
    }

    static let keyCases: [KeyCase] = [
        KeyCase(
            name: "plain nested folders", key: "inbox/2026/08/invoice-17.csv", path: "/bkt/inbox/2026/08/invoice-17.csv"
        ),
        KeyCase(name: "space is %20, never +", key: "invoice 17.csv", path: "/bkt/invoice%2017.csv"),
        KeyCase(name: "plus is %2B", key: "a+b.csv", path: "/bkt/a%2Bb.csv"),
        KeyCase(name: "percent is encoded once", key: "100%.csv", path: "/bkt/100%25.csv"),
        KeyCase(name: "already-encoded-looking text is encoded again", key: "a%20b", path: "/bkt/a%2520b"),
        KeyCase(name: "tilde is kept", key: "~user/x~y", path: "/bkt/~user/x~y"),
        KeyCase(name: "unicode is UTF-8 %XX", key: "ü/日本.csv", path: "/bkt/%C3%BC/%E6%97%A5%E6%9C%AC.csv"),
        KeyCase(name: "empty segment kept", key: "a//b", path: "/bkt/a//b"),
        KeyCase(name: "leading slash kept", key: "/lead", path: "/bkt//lead"),
        KeyCase(name: "dot-dot kept as is", key: "a/../b", path: "/bkt/a/../b"),
        KeyCase(name: "single dot kept as is", key: "./x", path: "/bkt/./x"),
        KeyCase(name: "trailing slash kept", key: "folder/", path: "/bkt/folder/"),
        KeyCase(
            name: "reserved characters encoded", key: "x=y&z?#;:@,$'()*!",
            path: "/bkt/x%3Dy%26z%3F%23%3B%3A%40%2C%24%27%28%29%2A%21"),
        KeyCase(name: "control characters encoded", key: "tab\there\u{01}", path: "/bkt/tab%09here%01"),
        KeyCase(
            name: "1,024-byte key", key: String(repeating: "k", count: 1020) + "/é.",
            path: "/bkt/" + String(repeating: "k", count: 1020) + "/%C3%A9."),
    ]

    @Test(arguments: keyCases)
    func objectKeysAreEncodedOnceInThePath(_ testCase: KeyCase) async throws {
        let transport = ScriptedTransport.s3(.s3OK(headers: [("Content-Length", "0"), ("ETag", "\"e\"")]))
        let s3 = makeS3(transport)
        _ = try await s3.headObject(bucket: "bkt", key: testCase.key)
        let request = try #require(transport.requests.first)
        #expect(request.method == "HEAD")
        #expect(request.scheme == "http")
        #expect(request.host == "127.0.0.1")
        #expect(request.port == 4566)
        #expect(request.path == testCase.path)
        #expect(request.query == "")
        #expect(request.url == "http://127.0.0.1:4566" + testCase.path)
    }

    @Test func keysOverOneThousandTwentyFourBytesAreRefusedBeforeSending() async throws {
        let transport = ScriptedTransport.s3()
        let s3 = makeS3(transport)
        let tooLong = String(repeating: "é", count: 513)  // 1,026 bytes
        let error = try await #require(throws: AWSError.self) {
            try await s3.putObject(bucket: "bkt", key: tooLong, body: Data())
        }
        #expect(error.kind == .invalidRequest)
        #expect(error.code == "ParamValidationError")
        #expect(
            error.description
                == "S3.PutObject not sent: ParamValidationError: the object key is 1026 bytes; S3 allows at most 1024")
        #expect(error.message == "the object key is 1026 bytes; S3 allows at most 1024")
        let empty = try await #require(throws: AWSError.self) { _ = try await s3.headObject(bucket: "bkt", key: "") }
        #expect(empty.code == "ParamValidationError")
        #expect(transport.requests.isEmpty)
    }

    // MARK: - Addressing

    @Test func awsUsesVirtualHostedStyle() async throws {
        let transport = ScriptedTransport.s3(.s3OK(headers: [("Content-Length", "3")]))
        let s3 = makeS3(transport, endpoint: nil, region: "eu-west-1")
        _ = try await s3.headObject(bucket: "invoice-inbox", key: "a b/c.csv")
        let request = try #require(transport.requests.first)
        #expect(request.url == "https://invoice-inbox.s3.eu-west-1.amazonaws.com/a%20b/c.csv")
        #expect(request.headers["Host"] == "invoice-inbox.s3.eu-west-1.amazonaws.com")
        #expect(request.headers["Authorization"]?.contains("/eu-west-1/s3/aws4_request") == true)
    }

    /// Bucket names that cannot be one TLS-safe DNS label stay path-style on AWS.
    @Test(arguments: [
        ("with.dots", "https://s3.us-west-2.amazonaws.com/with.dots/k"),
        ("Capitals", "https://s3.us-west-2.amazonaws.com/Capitals/k"),
        ("under_score", "https://s3.us-west-2.amazonaws.com/under_score/k"),
        ("ab", "https://s3.us-west-2.amazonaws.com/ab/k"),
        ("-leading", "https://s3.us-west-2.amazonaws.com/-leading/k"),
        ("fine-name-1", "https://fine-name-1.s3.us-west-2.amazonaws.com/k"),
    ])
    func bucketsThatAreNotDNSLabelsUsePathStyle(bucket: String, url: String) async throws {
        let transport = ScriptedTransport.s3(.s3OK(headers: [("Content-Length", "1")]))
        let s3 = makeS3(transport, endpoint: nil, region: "us-west-2")
        _ = try await s3.headObject(bucket: bucket, key: "k")
        #expect(transport.requests.first?.url == url)
    }

    @Test func forcePathStyleAppliesOnAWSAndBucketOperationsUseTheRoot() async throws {
        let transport = ScriptedTransport.s3(.s3OK(), .s3OK())
        var s3 = makeS3(transport, endpoint: nil, region: "us-west-2")
        _ = try await s3.headBucket("fine-name")
        s3.forcePathStyle = true
        _ = try await s3.headBucket("fine-name")
        #expect(
            transport.requests.map(\.url) == [
                "https://fine-name.s3.us-west-2.amazonaws.com/",
                "https://s3.us-west-2.amazonaws.com/fine-name",
            ])
    }

    @Test func customEndpointWithABasePathKeepsIt() async throws {
        let transport = ScriptedTransport.s3(.s3OK(headers: [("Content-Length", "1")]))
        let s3 = makeS3(transport, endpoint: URL(string: "http://localhost:9000/s3-proxy/")!)
        _ = try await s3.headObject(bucket: "bkt", key: "a b")
        #expect(transport.requests.first?.url == "http://localhost:9000/s3-proxy/bkt/a%20b")
    }

    // MARK: - Signatures against the derived vectors

    @Test func copyObjectMatchesTheDerivedSigV4Vector() async throws {
        let vector = try S3Vector.load("s3-copy-object")
        let transport = ScriptedTransport.s3(.s3OK(body: S3Bodies.copyObjectResult))
        let s3 = makeS3(
            transport, endpoint: nil, region: "us-east-1", credentials: vector.credentials, now: vector.date)
        _ = try await s3.copyObject(
            sourceBucket: "srcbucket", sourceKey: "src/a b+c.txt",
            destinationBucket: "examplebucket", destinationKey: "dst/copy of a.txt")
        let request = try #require(transport.requests.first)
        #expect(request.method == "PUT")
        #expect(request.url == "https://examplebucket.s3.us-east-1.amazonaws.com/dst/copy%20of%20a.txt")
        #expect(request.headers["x-amz-copy-source"] == "srcbucket/src/a%20b%2Bc.txt")
        #expect(request.headers["x-amz-metadata-directive"] == "COPY")
        #expect(request.headers["Authorization"] == vector.authorization)
    }

    @Test func getObjectWithAnEncodedKeyMatchesTheDerivedSigV4Vector() async throws {
        let vector = try S3Vector.load("s3-get-object-encoded-key")
        let transport = ScriptedTransport.s3(.s3OK(body: "x"))
        let s3 = makeS3(
            transport, endpoint: nil, region: "us-east-1", credentials: vector.credentials, now: vector.date)
        _ = try await s3.getObject(bucket: "examplebucket", key: "photos/2015/a b+c=ü.jpg")
        let request = try #require(transport.requests.first)
        #expect(request.path == "/photos/2015/a%20b%2Bc%3D%C3%BC.jpg")
        #expect(request.headers["X-Amz-Content-Sha256"] == SHA256.emptyHex)
        #expect(request.headers["Authorization"] == vector.authorization)
    }

    // MARK: - Objects

    @Test func putObjectSendsBodyContentTypeMetadataAndThePayloadHash() async throws {
        let transport = ScriptedTransport.s3(.s3OK(headers: [("ETag", "\"5d41402abc4b2a76b9719d911017c592\"")]))
        let s3 = makeS3(transport)
        let body = Data("hello".utf8)
        let eTag = try await s3.putObject(
            bucket: "bkt", key: "in/a b.csv", body: body, contentType: "text/csv",
            metadata: ["Client-Id": "ACME 42", "source": "sftp"])
        #expect(eTag.rawValue == "\"5d41402abc4b2a76b9719d911017c592\"")
        #expect(eTag.normalized == "5d41402abc4b2a76b9719d911017c592")
        let request = try #require(transport.requests.first)
        #expect(request.method == "PUT")
        #expect(request.path == "/bkt/in/a%20b.csv")
        #expect(request.body == body)
        #expect(request.headers["Content-Type"] == "text/csv")
        #expect(request.headers["x-amz-meta-Client-Id"] == "ACME 42")
        #expect(request.headers["x-amz-meta-source"] == "sftp")
        #expect(request.headers["X-Amz-Content-Sha256"] == SHA256.hexHash(body))
        let signedHeaders = try #require(
            request.headers["Authorization"]?.split(separator: " ").first { $0.hasPrefix("SignedHeaders=") })
        #expect(
            signedHeaders
                == "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-client-id;x-amz-meta-source,"
        )
    }

    @Test func unsignedPayloadIsUsedOnlyOverHTTPS() async throws {
        let overHTTPS = ScriptedTransport.s3(.s3OK(headers: [("ETag", "\"a\"")]))
        let aws = S3Client(
            context: makeContext(overHTTPS, endpoint: nil, region: "us-east-1"), unsignedPayloadOverHTTPS: true)
        try await aws.putObject(bucket: "bkt-name", key: "k", body: Data("data".utf8))
        #expect(overHTTPS.requests.first?.headers["X-Amz-Content-Sha256"] == "UNSIGNED-PAYLOAD")

        let overHTTP = ScriptedTransport.s3(.s3OK(headers: [("ETag", "\"a\"")]))
        let emulator = S3Client(context: makeContext(overHTTP), unsignedPayloadOverHTTPS: true)
        try await emulator.putObject(bucket: "bkt", key: "k", body: Data("data".utf8))
        #expect(overHTTP.requests.first?.headers["X-Amz-Content-Sha256"] == SHA256.hexHash(Data("data".utf8)))
    }

    @Test func zeroByteUploadsHashTheEmptyBody() async throws {
        let transport = ScriptedTransport.s3(.s3OK(headers: [("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"")]))
        let eTag = try await makeS3(transport).putObject(bucket: "bkt", key: "empty", body: Data())
        #expect(eTag.normalized == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(transport.requests.first?.headers["X-Amz-Content-Sha256"] == SHA256.emptyHex)
    }

    /// Header values that would inject lines, or that S3 would mangle, are refused before anything is sent.
    @Test(arguments: [
        (
            ["ok": "line\r\nx-amz-acl: public-read"], nil as String?,
            "metadata \"ok\" has a value with control or non-ASCII characters"
        ),
        (["bad name": "v"], nil, "metadata name \"bad name\" is not a valid HTTP header name"),
        (["k": "naïve"], nil, "metadata \"k\" has a value with control or non-ASCII characters"),
        ([:], "text/csv\nx: y", "the content type contains characters that cannot go in an HTTP header"),
    ])
    func unsafeHeaderValuesAreRefused(metadata: [String: String], contentType: String?, message: String) async throws {
        let transport = ScriptedTransport.s3()
        let s3 = makeS3(transport)
        let error = try await #require(throws: AWSError.self) {
            try await s3.putObject(bucket: "bkt", key: "k", body: Data(), contentType: contentType, metadata: metadata)
        }
        #expect(error.code == "ParamValidationError")
        #expect(error.message == message)
        #expect(error.attempts == 0)
        #expect(transport.requests.isEmpty)
    }

    @Test func getObjectSendsARangeHeader() async throws {
        let transport = ScriptedTransport.s3(
            .s3Status(206, headers: [("Content-Length", "10"), ("Content-Range", "bytes 0-9/100")], body: "0123456789"))
        let (metadata, body) = try await makeS3(transport).getObject(bucket: "bkt", key: "big.bin", range: 0...9)
        #expect(transport.requests.first?.headers["Range"] == "bytes=0-9")
        #expect(transport.requests.first?.method == "GET")
        #expect(body == Data("0123456789".utf8))
        #expect(metadata.contentLength == 10)
        #expect(metadata.contentRange == "bytes 0-9/100")
    }

    /// `x-amz-copy-source` is `bucket/key` percent-encoded with `-._~/` safe, as botocore writes it.
    @Test(arguments: [
        ("srcbucket", "src/a b+c.txt", nil as String?, "srcbucket/src/a%20b%2Bc.txt"),
        ("bkt", "ü/日.csv", nil, "bkt/%C3%BC/%E6%97%A5.csv"),
        ("bkt", "~x/a=b&c%d", nil, "bkt/~x/a%3Db%26c%25d"),
        ("bkt", "a//b/../c", nil, "bkt/a//b/../c"),
        ("bkt", "v 1", "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", "bkt/v%201?versionId=3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"),
    ])
    func copySourceIsEncodedAsBotocoreDoes(bucket: String, key: String, versionID: String?, expected: String) {
        #expect(S3Client.copySource(bucket: bucket, key: key, versionID: versionID) == expected)
    }

    @Test func copyObjectWithReplacedMetadataAndASourcePrecondition() async throws {
        let transport = ScriptedTransport.s3(
            .s3OK(body: S3Bodies.copyObjectResult, headers: [("x-amz-copy-source-version-id", "src-v1")]))
        let s3 = makeS3(transport)
        let result = try await s3.copyObject(
            sourceBucket: "in box", sourceKey: "a b+c.csv", sourceVersionID: "src-v1",
            destinationBucket: "archive", destinationKey: "2026/a b+c.csv",
            metadataDirective: .replace, contentType: "text/csv", metadata: ["stage": "archived"],
            ifSourceETagMatches: S3ETag("9b2cf535f27731c974343645a3985328"))
        let request = try #require(transport.requests.first)
        #expect(request.method == "PUT")
        #expect(request.path == "/archive/2026/a%20b%2Bc.csv")
        #expect(request.body.isEmpty)
        #expect(request.headers["x-amz-copy-source"] == "in%20box/a%20b%2Bc.csv?versionId=src-v1")
        #expect(request.headers["x-amz-metadata-directive"] == "REPLACE")
        #expect(request.headers["x-amz-copy-source-if-match"] == "\"9b2cf535f27731c974343645a3985328\"")
        #expect(request.headers["Content-Type"] == "text/csv")
        #expect(request.headers["x-amz-meta-stage"] == "archived")
        #expect(result.eTag == S3ETag("9b2cf535f27731c974343645a3985328"))
        #expect(result.sourceVersionID == "src-v1")
    }

    @Test func copyObjectRefusesMetadataThatCOPYWouldIgnore() async throws {
        let transport = ScriptedTransport.s3()
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).copyObject(
                sourceBucket: "a", sourceKey: "k", destinationBucket: "b", destinationKey: "k",
                contentType: "text/csv")
        }
        #expect(error.code == "ParamValidationError")
        #expect(transport.requests.isEmpty)
    }

    @Test func deleteObjectSendsDELETE() async throws {
        let transport = ScriptedTransport.s3(.s3Status(204))
        try await makeS3(transport).deleteObject(bucket: "bkt", key: "gone/a b")
        #expect(transport.requests.first?.method == "DELETE")
        #expect(transport.requests.first?.path == "/bkt/gone/a%20b")
    }

    @Test func listObjectsV2EncodesEveryQueryValue() async throws {
        let transport = ScriptedTransport.s3(.s3OK(body: S3Bodies.emptyListPage))
        _ = try await makeS3(transport).listObjectsV2(
            bucket: "bkt", prefix: "in box/ü+", continuationToken: "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=",
            maxKeys: 2, startAfter: "a~b", delimiter: "/")
        let request = try #require(transport.requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "/bkt")
        #expect(
            request.query == "list-type=2&prefix=in%20box%2F%C3%BC%2B&delimiter=%2F&max-keys=2"
                + "&continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D&start-after=a~b&encoding-type=url"
        )
    }

    @Test func listObjectsV2OnAWSAddressesTheBucketHost() async throws {
        let transport = ScriptedTransport.s3(.s3OK(body: S3Bodies.emptyListPage))
        _ = try await makeS3(transport, endpoint: nil, region: "us-east-2").listObjectsV2(bucket: "inbox-1")
        #expect(
            transport.requests.first?.url == "https://inbox-1.s3.us-east-2.amazonaws.com/?list-type=2&encoding-type=url"
        )
    }

    // MARK: - Multipart

    @Test func createMultipartUploadPostsToUploads() async throws {
        let transport = ScriptedTransport.s3(.s3OK(body: S3Bodies.initiateMultipartUploadResult))
        let uploadID = try await makeS3(transport).createMultipartUpload(
            bucket: "bkt", key: "big file.bin", contentType: "application/octet-stream",
            metadata: ["origin": "copy"])
        #expect(uploadID == "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA")
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/bkt/big%20file.bin")
        #expect(request.query == "uploads")
        #expect(request.headers["x-amz-meta-origin"] == "copy")
        #expect(request.headers["Content-Type"] == "application/octet-stream")
    }

    @Test func uploadPartCopySendsTheRangeAndPartQuery() async throws {
        let transport = ScriptedTransport.s3(.s3OK(body: S3Bodies.copyPartResult))
        let part = try await makeS3(transport).uploadPartCopy(
            sourceBucket: "src", sourceKey: "big file.bin", destinationBucket: "dst",
            destinationKey: "big+copy.bin", range: 5_242_880...10_485_759,
            partNumber: 2, uploadID: "up/load=id")
        #expect(part == S3CompletedPart(partNumber: 2, eTag: S3ETag("\"b0c6f0e7e054ab8fa2536a2677f8734d\"")))
        let request = try #require(transport.requests.first)
        #expect(request.method == "PUT")
        #expect(request.path == "/dst/big%2Bcopy.bin")
        #expect(request.query == "partNumber=2&uploadId=up%2Fload%3Did")
        #expect(request.headers["x-amz-copy-source"] == "src/big%20file.bin")
        #expect(request.headers["x-amz-copy-source-range"] == "bytes=5242880-10485759")
    }

    @Test(arguments: [0, 10_001, -1])
    func uploadPartCopyRefusesPartNumbersOutsideTheLimit(partNumber: Int) async throws {
        let transport = ScriptedTransport.s3()
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).uploadPartCopy(
                sourceBucket: "s", sourceKey: "k", destinationBucket: "d", destinationKey: "k",
                partNumber: partNumber, uploadID: "u")
        }
        #expect(error.message == "part number \(partNumber) is outside 1...10000")
        #expect(transport.requests.isEmpty)
    }

    @Test func completeMultipartUploadSendsPartsInAscendingOrder() async throws {
        let transport = ScriptedTransport.s3(.s3OK(body: S3Bodies.completeMultipartUploadResult))
        let parts = [
            S3CompletedPart(partNumber: 3, eTag: S3ETag("\"c3\"")),
            S3CompletedPart(partNumber: 1, eTag: S3ETag("a1")),
            S3CompletedPart(partNumber: 2, eTag: S3ETag("\"b2\"")),
        ]
        let result = try await makeS3(transport).completeMultipartUpload(
            bucket: "bkt", key: "big.bin", uploadID: "u-1", parts: parts)
        #expect(result.eTag.partCount == 3)
        #expect(result.location == "http://Example-Bucket.s3.us-east-1.amazonaws.com/Example-Object")
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.query == "uploadId=u-1")
        #expect(
            String(decoding: request.body, as: UTF8.self) == """
                <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <Part><ETag>&quot;a1&quot;</ETag><PartNumber>1</PartNumber></Part>\
                <Part><ETag>&quot;b2&quot;</ETag><PartNumber>2</PartNumber></Part>\
                <Part><ETag>&quot;c3&quot;</ETag><PartNumber>3</PartNumber></Part>\
                </CompleteMultipartUpload>
                """)
        let parsed = try XMLNode.parse(request.body)
        #expect(parsed.all("Part").map { $0.string("ETag") } == ["\"a1\"", "\"b2\"", "\"c3\""])
    }

    @Test func completeMultipartUploadRefusesNoPartsOrRepeatedParts() async throws {
        let transport = ScriptedTransport.s3()
        let s3 = makeS3(transport)
        let none = try await #require(throws: AWSError.self) {
            _ = try await s3.completeMultipartUpload(bucket: "bkt", key: "k", uploadID: "u", parts: [])
        }
        #expect(none.message == "a multipart upload needs at least one part")
        let twice = try await #require(throws: AWSError.self) {
            _ = try await s3.completeMultipartUpload(
                bucket: "bkt", key: "k", uploadID: "u",
                parts: [
                    S3CompletedPart(partNumber: 2, eTag: S3ETag("x")),
                    S3CompletedPart(partNumber: 2, eTag: S3ETag("y")),
                ])
        }
        #expect(twice.message == "part number 2 is listed twice")
        #expect(transport.requests.isEmpty)
    }

    @Test func abortMultipartUploadDeletesTheUpload() async throws {
        let transport = ScriptedTransport.s3(.s3Status(204))
        try await makeS3(transport).abortMultipartUpload(bucket: "bkt", key: "big.bin", uploadID: "u+1")
        #expect(transport.requests.first?.method == "DELETE")
        #expect(transport.requests.first?.url == "http://127.0.0.1:4566/bkt/big.bin?uploadId=u%2B1")
    }

    // MARK: - Buckets

    @Test func createBucketInUSEast1HasNoBody() async throws {
        let transport = ScriptedTransport.s3(.s3OK(headers: [("Location", "/bkt")]))
        try await makeS3(transport).createBucket("bkt")
        #expect(transport.requests.first?.method == "PUT")
        #expect(transport.requests.first?.path == "/bkt")
        #expect(transport.requests.first?.body.isEmpty == true)
    }

    @Test func createBucketElsewhereNamesTheRegion() async throws {
        let transport = ScriptedTransport.s3(.s3OK())
        try await makeS3(transport, region: "eu-central-1").createBucket("bkt")
        #expect(
            String(decoding: transport.requests.first?.body ?? Data(), as: UTF8.self) == """
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <LocationConstraint>eu-central-1</LocationConstraint></CreateBucketConfiguration>
                """)
    }

    @Test func putBucketNotificationConfigurationSendsAQueueRule() async throws {
        let transport = ScriptedTransport.s3(.s3OK())
        try await makeS3(transport).putBucketNotificationConfiguration(
            bucket: "inbox", queueARN: "arn:aws:sqs:us-east-1:123456789012:uploads", prefix: "in/", suffix: ".csv",
            id: "transferwatch-uploads")
        let request = try #require(transport.requests.first)
        #expect(request.method == "PUT")
        #expect(request.path == "/inbox")
        #expect(request.query == "notification")
        #expect(
            String(decoding: request.body, as: UTF8.self) == """
                <NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><QueueConfiguration>\
                <Id>transferwatch-uploads</Id><Queue>arn:aws:sqs:us-east-1:123456789012:uploads</Queue><Event>s3:ObjectCreated:*</Event>\
                <Filter><S3Key><FilterRule><Name>prefix</Name><Value>in/</Value></FilterRule>\
                <FilterRule><Name>suffix</Name><Value>.csv</Value></FilterRule></S3Key></Filter>\
                </QueueConfiguration></NotificationConfiguration>
                """)
    }

    @Test func deleteBucketSendsDELETEToTheBucket() async throws {
        let transport = ScriptedTransport.s3(.s3Status(204))
        try await makeS3(transport).deleteBucket("bkt")
        #expect(transport.requests.first?.method == "DELETE")
        #expect(transport.requests.first?.url == "http://127.0.0.1:4566/bkt")
    }

    // MARK: - Presigned URLs

    @Test func presignedGETCarriesAnUnsignedPayloadQuerySignature() async throws {
        let transport = ScriptedTransport.s3()
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "tok/en+1")
        let now = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
        let s3 = makeS3(transport, endpoint: nil, region: "us-east-1", credentials: credentials, now: now)
        let url = try await s3.presignedURL(bucket: "examplebucket", key: "a b/ü.csv", expires: .seconds(3600))

        var expected = HTTPRequest(
            method: "GET", host: "examplebucket.s3.us-east-1.amazonaws.com", path: "/a%20b/%C3%BC.csv")
        expected =
            SigV4Signer(region: "us-east-1", service: "s3").presign(
                expected, credentials: credentials, at: now, expires: 3600
            ).request
        #expect(url == expected.url)
        #expect(
            url.hasPrefix(
                "https://examplebucket.s3.us-east-1.amazonaws.com/a%20b/%C3%BC.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                    + "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600"
                    + "&X-Amz-SignedHeaders=host&X-Amz-Security-Token=tok%2Fen%2B1&X-Amz-Signature="))
        #expect(!url.contains(credentials.secretAccessKey))
        #expect(!Redaction.redactURL(url).contains(url.suffix(64)))
        #expect(transport.requests.isEmpty)
    }

    @Test(arguments: [Duration.zero, .seconds(604_801)])
    func presignedURLExpiryMustBeWithinSevenDays(expires: Duration) async throws {
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(ScriptedTransport.s3()).presignedURL(bucket: "bkt", key: "k", expires: expires)
        }
        #expect(error.code == "ParamValidationError")
    }

    // MARK: - Operations table

    @Test func operationsDeclareTheirIAMActions() {
        typealias Ops = S3Client.Operations
        #expect(Ops.copyObject.iamActions == ["s3:GetObject", "s3:PutObject"])
        #expect(Ops.uploadPartCopy.iamActions == ["s3:GetObject", "s3:PutObject"])
        // ListBucket too: without it S3 answers 403, not 404, for a missing key, and headObject could not return nil.
        #expect(Ops.headObject.iamActions == ["s3:GetObject", "s3:ListBucket"])
        #expect(Ops.listObjectsV2.iamActions == ["s3:ListBucket"])
        #expect(Ops.headBucket.iamActions == ["s3:ListBucket"])
        #expect(Ops.createMultipartUpload.iamActions == ["s3:PutObject"])
        #expect(Ops.completeMultipartUpload.iamActions == ["s3:PutObject"])
        #expect(Ops.abortMultipartUpload.iamActions == ["s3:AbortMultipartUpload"])
        #expect(Ops.listMultipartUploads.iamActions == ["s3:ListBucketMultipartUploads"])
        #expect(Ops.createBucket.iamActions == ["s3:CreateBucket"])
        #expect(Ops.putBucketNotificationConfiguration.iamActions == ["s3:PutBucketNotification"])
        #expect(Ops.getBucketNotificationConfiguration.iamActions == ["s3:GetBucketNotification"])
        #expect(Ops.all.count == 16)
        #expect(Set(Ops.all.map(\.name)).count == Ops.all.count)
        #expect(Ops.all.allSatisfy { $0.service == .s3 && $0.iamActions.allSatisfy { $0.hasPrefix("s3:") } })
    }
}

// MARK: - Shared helpers for the S3 suites

extension ScriptedTransport {
    /// A transport that plays `steps` in order and fails any request beyond them.
    static func s3(_ steps: Step...) -> ScriptedTransport { ScriptedTransport(steps) }
}

extension ScriptedTransport.Step {
    /// A 200 with an optional body and headers (plus an `x-amz-request-id`).
    static func s3OK(body: String = "", headers: [(String, String)] = []) -> Self {
        .s3Status(200, headers: headers, body: body)
    }

    /// Any status, with an `x-amz-request-id` added unless given.
    static func s3Status(_ status: Int, headers: [(String, String)] = [], body: String = "") -> Self {
        var all = HTTPHeaders(headers)
        if !all.contains("x-amz-request-id") { all.add("x-amz-request-id", "REQ\(status)") }
        return .respond(HTTPResponse(status: status, headers: all, body: Data(body.utf8)))
    }
}

/// Builds a context around a scripted transport: path-style `http://127.0.0.1:4566` by default, AWS when
/// `endpoint` is `nil`; a fixed clock and a sleeper that does not wait.
func makeContext(
    _ transport: ScriptedTransport, endpoint: URL? = URL(string: "http://127.0.0.1:4566")!,
    region: String = "us-east-1",
    credentials: AWSCredentials = TestContexts.motoCredentials, now: Date = Date(timeIntervalSince1970: 1_785_000_000),
    sleeper: RecordingSleeper = RecordingSleeper()
) -> AWSClient.Context {
    AWSClient.Context(
        region: region,
        endpoints: EndpointResolver(region: region, configuredEndpoint: endpoint),
        credentials: StaticCredentialProvider(credentials),
        transport: transport,
        retry: RetryStrategy(maxAttempts: 3, sleeper: sleeper, random: SeededRandomSource(seed: 7)),
        now: { now },
        logger: Logger(label: "transferwatch.test.s3", factory: { _ in SwiftLogNoOpLogHandler() })
    )
}

/// An ``S3Client`` over a scripted transport (see ``makeContext(_:endpoint:region:credentials:now:sleeper:)``).
func makeS3(
    _ transport: ScriptedTransport, endpoint: URL? = URL(string: "http://127.0.0.1:4566")!,
    region: String = "us-east-1",
    credentials: AWSCredentials = TestContexts.motoCredentials, now: Date = Date(timeIntervalSince1970: 1_785_000_000),
    sleeper: RecordingSleeper = RecordingSleeper()
) -> S3Client {
    S3Client(
        context: makeContext(
            transport, endpoint: endpoint, region: region, credentials: credentials, now: now, sleeper: sleeper))
}

/// A derived SigV4 vector from `../shared/aws-sigv4-testsuite/derived-service-vectors`, read where it sits.
struct S3Vector {
    var credentials: AWSCredentials
    var date: Date
    var authorization: String

    static func load(_ name: String) throws -> S3Vector {
        let directory = SharedPaths.sigV4TestSuite.appendingPathComponent("derived-service-vectors")
            .appendingPathComponent(name)
        let context = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("context.json")))
                as? [String: Any])
        let credentials = try #require(context["credentials"] as? [String: String])
        let signed = try String(
            contentsOf: directory.appendingPathComponent("header-signed-request.txt"), encoding: .utf8)
        let authorization = try #require(signed.split(separator: "\n").first { $0.hasPrefix("Authorization:") })
        let accessKeyID = try #require(credentials["access_key_id"])
        let secretAccessKey = try #require(credentials["secret_access_key"])
        let timestamp = try #require(context["timestamp"] as? String)
        let date = try #require(AWSDate.parseISO8601(timestamp))
        return S3Vector(
            credentials: AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey), date: date,
            authorization: String(authorization.dropFirst("Authorization:".count)))
    }
}

/// Response bodies in the shapes S3 sends (AWS API reference examples and captured moto answers).
enum S3Bodies {
    static let copyObjectResult = """
        <?xml version="1.0" encoding="UTF-8"?>
        <CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LastModified>2009-10-12T17:50:30.000Z</LastModified>\
        <ETag>"9b2cf535f27731c974343645a3985328"</ETag></CopyObjectResult>
        """
    static let copyPartResult = """
        <?xml version="1.0" encoding="UTF-8"?>
        <CopyPartResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LastModified>2011-04-11T20:34:56.000Z</LastModified>\
        <ETag>"b0c6f0e7e054ab8fa2536a2677f8734d"</ETag></CopyPartResult>
        """
    static let initiateMultipartUploadResult = """
        <?xml version="1.0" encoding="UTF-8"?>
        <InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>bkt</Bucket><Key>big file.bin</Key>\
        <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId></InitiateMultipartUploadResult>
        """
    static let completeMultipartUploadResult = """
        <?xml version="1.0" encoding="UTF-8"?>
        <CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
        <Location>http://Example-Bucket.s3.us-east-1.amazonaws.com/Example-Object</Location><Bucket>Example-Bucket</Bucket>\
        <Key>Example-Object</Key><ETag>"3858f62230ac3c915f300c664312c11f-3"</ETag></CompleteMultipartUploadResult>
        """
    static let emptyListPage = """
        <?xml version="1.0" encoding="utf-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated><Name>bkt</Name>\
        <Prefix/><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><KeyCount>0</KeyCount></ListBucketResult>
        """

    /// An S3 error document.
    static func error(
        _ code: String, _ message: String, requestID: String = "4442587FB7D0A2F9", extra: String = ""
    )
        -> String
    {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Error><Code>\(code)</Code><Message>\(message)</Message>\(extra)<RequestId>\(requestID)</RequestId>\
        <HostId>eftixk72aD6Ap51TnqcoF8eFidJG9Z/2mkiDFu8yU9AS1ed4OpIszj7UDNEHGran</HostId></Error>
        """
    }
}
