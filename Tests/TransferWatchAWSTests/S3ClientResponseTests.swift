import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// Decoding S3's answers: object metadata headers, copy and multipart results, list pages with URL-encoded
/// keys, pagination, and ETags.
@Suite struct S3ClientResponseTests {
    // MARK: - HeadObject / GetObject metadata

    @Test func headObjectReadsEveryMetadataHeader() async throws {
        let transport = ScriptedTransport.s3(
            .s3OK(headers: [
                ("x-amz-id-2", "ef8yU9AS1ed4OpIszj7UDNEHGran"),
                ("x-amz-request-id", "318BC8BC143432E5"),
                ("x-amz-version-id", "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"),
                ("Date", "Wed, 28 Oct 2009 22:32:00 GMT"),
                ("Last-Modified", "Sun, 01 Jan 2006 12:00:00 GMT"),
                ("ETag", "\"fba9dede5f27731c9771645a39863328\""),
                ("Content-Length", "434234"),
                ("Content-Type", "text/csv"),
                ("x-amz-meta-Client-Id", "ACME 42"),
                ("X-Amz-Meta-stage", "inbox"),
                ("x-amz-checksum-crc32", "i9aeUg=="),
                ("x-amz-checksum-type", "FULL_OBJECT"),
                ("x-amz-server-side-encryption", "aws:kms"),
                ("x-amz-storage-class", "STANDARD_IA"),
                ("Server", "AmazonS3"),
            ]))
        let metadata = try #require(try await makeS3(transport).headObject(bucket: "bkt", key: "k"))
        #expect(metadata.contentLength == 434_234)
        #expect(metadata.eTag?.rawValue == "\"fba9dede5f27731c9771645a39863328\"")
        #expect(metadata.eTag?.isMultipart == false)
        #expect(metadata.lastModified == Date(timeIntervalSince1970: 1_136_116_800))
        #expect(metadata.contentType == "text/csv")
        #expect(metadata.metadata == ["client-id": "ACME 42", "stage": "inbox"])
        #expect(metadata.versionID == "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd")
        #expect(metadata.checksums == ["CRC32": "i9aeUg=="])
        #expect(metadata.serverSideEncryption == "aws:kms")
        #expect(metadata.storageClass == "STANDARD_IA")
        #expect(metadata.isDeleteMarker == false)
        #expect(metadata.contentRange == nil)
    }

    @Test func headObjectOfAMissingKeyIsNilAndNotRetried() async throws {
        let sleeper = RecordingSleeper()
        let transport = ScriptedTransport.s3(.s3Status(404, headers: [("x-amz-delete-marker", "true")]))
        let metadata = try await makeS3(transport, sleeper: sleeper).headObject(bucket: "bkt", key: "gone")
        #expect(metadata == nil)
        #expect(transport.requests.count == 1)
        #expect(sleeper.delays.isEmpty)
    }

    // MARK: - ETags

    @Test(arguments: [
        ("\"9b2cf535f27731c974343645a3985328\"", "9b2cf535f27731c974343645a3985328", nil as Int?),
        ("9b2cf535f27731c974343645a3985328", "9b2cf535f27731c974343645a3985328", nil),
        ("\"3858f62230ac3c915f300c664312c11f-3\"", "3858f62230ac3c915f300c664312c11f-3", 3),
        ("W/\"abc-12\"", "abc-12", 12),
        ("\"abc-\"", "abc-", nil),
        ("\"abc-0\"", "abc-0", nil),
        ("\"\"", "", nil),
    ])
    func eTagsNormaliseWithoutQuotes(raw: String, normalized: String, partCount: Int?) {
        let eTag = S3ETag(raw)
        #expect(eTag.rawValue == raw)
        #expect(eTag.description == raw)
        #expect(eTag.normalized == normalized)
        #expect(eTag.partCount == partCount)
        #expect(eTag.isMultipart == (partCount != nil))
    }

    @Test func quotedAndUnquotedETagsAreEqualAndHashAlike() {
        let quoted = S3ETag("\"9b2cf535f27731c974343645a3985328\"")
        let bare = S3ETag("9b2cf535f27731c974343645a3985328")
        #expect(quoted == bare)
        #expect(Set([quoted, bare]).count == 1)
        #expect(quoted != S3ETag("\"9b2cf535f27731c974343645a3985329\""))
    }

    // MARK: - Copy and multipart results

    @Test func copyObjectResultIsParsed() async throws {
        let transport = ScriptedTransport.s3(
            .s3OK(body: S3Bodies.copyObjectResult, headers: [("x-amz-version-id", "dst-v2")]))
        let result = try await makeS3(transport).copyObject(
            sourceBucket: "a", sourceKey: "k", destinationBucket: "b", destinationKey: "k")
        #expect(
            result
                == S3CopyResult(
                    eTag: S3ETag("\"9b2cf535f27731c974343645a3985328\""),
                    lastModified: Date(timeIntervalSince1970: 1_255_369_830), versionID: "dst-v2"))
    }

    /// S3 may send whitespace while a long copy runs, to keep the connection open; the result follows it.
    @Test func copyObjectResultAfterKeepAliveWhitespaceIsParsed() async throws {
        let transport = ScriptedTransport.s3(.s3OK(body: "\n \n  \r\n" + S3Bodies.copyObjectResult))
        let result = try await makeS3(transport).copyObject(
            sourceBucket: "a", sourceKey: "k", destinationBucket: "b", destinationKey: "k")
        #expect(result.eTag.normalized == "9b2cf535f27731c974343645a3985328")
        #expect(transport.requests.count == 1)
    }

    @Test func aCopyResultWithoutAnETagIsMalformedAndNotRetried() async throws {
        let transport = ScriptedTransport.s3(
            .s3OK(body: "<CopyObjectResult><LastModified>2009-10-12T17:50:30.000Z</LastModified></CopyObjectResult>"))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).copyObject(
                sourceBucket: "a", sourceKey: "k", destinationBucket: "b", destinationKey: "k")
        }
        #expect(error.kind == .malformedResponse)
        #expect(error.message == "CopyObjectResult has no ETag")
        #expect(transport.requests.count == 1)
    }

    /// botocore reads members and ignores the root's name; moto names some roots differently from S3.
    @Test func resultsAreReadWhateverTheRootElementIsCalled() async throws {
        let motoComplete = """
            <?xml version="1.0" encoding="utf-8"?>
            <CompleteMultipartUploadResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>http://mpb.s3.amazonaws.com/k</Location>\
            <Bucket>mpb</Bucket><Key>k</Key><ETag>"af5da9f45af7a300e3aded972f8ff687-1"</ETag></CompleteMultipartUploadResponse>
            """
        let transport = ScriptedTransport.s3(
            .s3OK(body: motoComplete),
            .s3OK(
                body: "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    + "<GetBucketNotificationResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"))
        let s3 = makeS3(transport)
        let result = try await s3.completeMultipartUpload(
            bucket: "mpb", key: "k", uploadID: "u", parts: [S3CompletedPart(partNumber: 1, eTag: S3ETag("e"))])
        #expect(
            result
                == S3CompleteMultipartResult(
                    eTag: S3ETag("af5da9f45af7a300e3aded972f8ff687-1"), location: "http://mpb.s3.amazonaws.com/k"))
        #expect(try await s3.getBucketNotificationConfiguration(bucket: "mpb").isEmpty)
        #expect(transport.requests.count == 2)
    }

    @Test func listMultipartUploadsFollowsKeyAndUploadIDMarkers() async throws {
        let firstPage = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>bkt</Bucket><KeyMarker></KeyMarker>\
            <UploadIdMarker></UploadIdMarker><NextKeyMarker>my%20movie.m2ts</NextKeyMarker>\
            <NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker><EncodingType>url</EncodingType>\
            <MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>\
            <Upload><Key>my%20divisor</Key><UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>\
            <Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>\
            <Upload><Key>my%20movie.m2ts</Key><UploadId>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</UploadId>\
            <Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload></ListMultipartUploadsResult>
            """
        let lastPage = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>bkt</Bucket><EncodingType>url</EncodingType>\
            <IsTruncated>false</IsTruncated><Upload><Key>zz%2Blast</Key><UploadId>u3</UploadId></Upload></ListMultipartUploadsResult>
            """
        let transport = ScriptedTransport.s3(.s3OK(body: firstPage), .s3OK(body: lastPage))
        let uploads = try await makeS3(transport).listMultipartUploads(bucket: "bkt", prefix: "my")
        #expect(uploads.map(\.key) == ["my divisor", "my movie.m2ts", "zz+last"])
        #expect(
            uploads.map(\.uploadID) == [
                "XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw", "YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ",
                "u3",
            ])
        #expect(uploads.first?.initiated == Date(timeIntervalSince1970: 1_289_422_113))
        #expect(
            transport.requests.map(\.query) == [
                "uploads&prefix=my&encoding-type=url",
                "uploads&prefix=my&key-marker=my%20movie.m2ts&upload-id-marker=YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ&encoding-type=url",
            ])
    }

    @Test func getBucketNotificationConfigurationReadsQueueRules() async throws {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><QueueConfiguration><Id>uploads</Id>\
            <Queue>arn:aws:sqs:us-east-1:123456789012:uploads</Queue><Event>s3:ObjectCreated:Put</Event>\
            <Event>s3:ObjectCreated:CompleteMultipartUpload</Event><Filter><S3Key><FilterRule><Name>Prefix</Name><Value>in/</Value>\
            </FilterRule></S3Key></Filter></QueueConfiguration><TopicConfiguration><Topic>arn:aws:sns:us-east-1:1:t</Topic>\
            <Event>s3:ObjectRemoved:*</Event></TopicConfiguration></NotificationConfiguration>
            """
        let transport = ScriptedTransport.s3(.s3OK(body: body))
        let rules = try await makeS3(transport).getBucketNotificationConfiguration(bucket: "inbox")
        #expect(
            rules == [
                S3QueueNotification(
                    id: "uploads", queueARN: "arn:aws:sqs:us-east-1:123456789012:uploads",
                    events: ["s3:ObjectCreated:Put", "s3:ObjectCreated:CompleteMultipartUpload"], prefix: "in/")
            ])
        #expect(transport.requests.first?.query == "notification")
    }

    // MARK: - ListObjectsV2

    static let encodedPage = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bkt</Name><Prefix>in%2F</Prefix>\
        <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken><KeyCount>5</KeyCount>\
        <MaxKeys>5</MaxKeys><Delimiter>%2F</Delimiter><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>\
        <Contents><Key>in/a+b%2Bc.csv</Key><LastModified>2026-08-01T09:15:00.000Z</LastModified>\
        <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>\
        <Contents><Key>in/ctl%01char%7F</Key><LastModified>2026-08-01T09:16:00.000Z</LastModified>\
        <ETag>"3858f62230ac3c915f300c664312c11f-3"</ETag><Size>12582912</Size><StorageClass>STANDARD</StorageClass></Contents>\
        <Contents><Key>in/%C3%BC%E6%97%A5~x%25</Key><LastModified>2026-08-01T09:17:00.000Z</LastModified>\
        <ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>\
        <CommonPrefixes><Prefix>in/sub%20dir/</Prefix></CommonPrefixes>\
        <CommonPrefixes><Prefix>in/x%2By/</Prefix></CommonPrefixes></ListBucketResult>
        """

    @Test func listPagesDecodeURLEncodedKeysAndPrefixes() async throws {
        let transport = ScriptedTransport.s3(.s3OK(body: Self.encodedPage))
        let page = try await makeS3(transport).listObjectsV2(bucket: "bkt", prefix: "in/", delimiter: "/")
        #expect(page.objects.map(\.key) == ["in/a b+c.csv", "in/ctl\u{01}char\u{7F}", "in/ü日~x%"])
        #expect(page.objects.map(\.size) == [434_234, 12_582_912, 0])
        #expect(page.objects[0].eTag == S3ETag("fba9dede5f27731c9771645a39863328"))
        #expect(page.objects[1].eTag?.partCount == 3)
        #expect(page.objects[0].lastModified == AWSDate.parseISO8601("2026-08-01T09:15:00Z"))
        #expect(page.objects[0].storageClass == "STANDARD")
        #expect(page.commonPrefixes == ["in/sub dir/", "in/x+y/"])
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(page.keyCount == 5)
    }

    @Test func keysAreTakenLiterallyWhenTheAnswerIsNotURLEncoded() throws {
        let root = try XMLNode.parse(
            Data(
                """
                <ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a+b%20c</Key><Size>1</Size></Contents></ListBucketResult>
                """.utf8))
        let page = try S3Client.objectPage(from: root) {
            AWSError(service: "S3", operation: "ListObjectsV2", code: "MalformedResponse", message: $0)
        }
        #expect(page.objects.map(\.key) == ["a+b%20c"])
        #expect(page.keyCount == 1)
    }

    @Test(arguments: [
        (
            "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
            "the page is truncated but has no NextContinuationToken"
        ),
        ("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>", "a <Contents> entry has no <Key>"),
        (
            "<ListBucketResult><Contents><Key>k</Key><Size>big</Size></Contents></ListBucketResult>",
            "object \"k\" has no valid <Size>"
        ),
    ])
    func malformedListPagesAreRejected(body: String, message: String) async throws {
        let transport = ScriptedTransport.s3(.s3OK(body: body))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).listObjectsV2(bucket: "bkt")
        }
        #expect(error.kind == .malformedResponse)
        #expect(error.message == message)
        #expect(transport.requests.count == 1)
    }

    static func page(_ keys: [String], next: String?) -> ScriptedTransport.Step {
        let contents = keys.map { "<Contents><Key>\($0)</Key><ETag>\"e\"</ETag><Size>\($0.count)</Size></Contents>" }
            .joined()
        let token = next.map { "<NextContinuationToken>\($0)</NextContinuationToken>" } ?? ""
        return .s3OK(
            body: """
                <?xml version="1.0" encoding="UTF-8"?>
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bkt</Name><EncodingType>url</EncodingType>\
                <IsTruncated>\(next != nil)</IsTruncated>\(token)<KeyCount>\(keys.count)</KeyCount>\(contents)</ListBucketResult>
                """)
    }

    @Test func listAllObjectsFollowsContinuationTokens() async throws {
        let transport = ScriptedTransport.s3(
            Self.page(["a", "b"], next: "t/1+"), Self.page(["c", "d"], next: "t=2"), Self.page(["e"], next: nil))
        let objects = try await makeS3(transport).listAllObjects(bucket: "bkt", prefix: "", pageSize: 2)
        #expect(objects.map(\.key) == ["a", "b", "c", "d", "e"])
        #expect(
            transport.requests.map(\.query) == [
                "list-type=2&prefix=&max-keys=2&encoding-type=url",
                "list-type=2&prefix=&max-keys=2&continuation-token=t%2F1%2B&encoding-type=url",
                "list-type=2&prefix=&max-keys=2&continuation-token=t%3D2&encoding-type=url",
            ])
    }

    @Test func theObjectSequenceFetchesPagesLazily() async throws {
        let transport = ScriptedTransport.s3(Self.page(["a", "b"], next: "t1"), Self.page(["c"], next: nil))
        var seen: [String] = []
        for try await object in makeS3(transport).objects(bucket: "bkt", pageSize: 2) {
            seen.append(object.key)
            if seen.count == 2 { #expect(transport.requests.count == 1) }
        }
        #expect(seen == ["a", "b", "c"])
        #expect(transport.requests.count == 2)
    }

    @Test func emptyPagesInTheMiddleAreFollowed() async throws {
        let transport = ScriptedTransport.s3(Self.page([], next: "t1"), Self.page(["only"], next: nil))
        let objects = try await makeS3(transport).listAllObjects(bucket: "bkt")
        #expect(objects.map(\.key) == ["only"])
    }

    @Test func aRepeatedContinuationTokenStopsTheListing() async throws {
        let transport = ScriptedTransport.s3(
            Self.page(["a"], next: "same"), Self.page(["b"], next: "same"), Self.page(["c"], next: nil))
        let error = try await #require(throws: AWSError.self) {
            _ = try await makeS3(transport).listAllObjects(bucket: "bkt")
        }
        #expect(error.kind == .malformedResponse)
        #expect(error.message == "S3 repeated a continuation token; stopping to avoid an endless listing")
        #expect(transport.requests.count == 2)
    }
}
