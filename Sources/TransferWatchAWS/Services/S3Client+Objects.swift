import Foundation

extension S3Client {
    /// Reads an object's metadata without its body.
    ///
    /// HEAD errors carry no body, so only the status says what went wrong: 404 is "no such key" (returned as
    /// `nil`), while 403 is thrown as `AccessDenied`, which S3 also answers for a missing key when the caller lacks
    /// `s3:ListBucket`.
    ///
    /// - Returns: the metadata, or `nil` when the key does not exist (or its current version is a delete marker,
    ///   or the bucket does not exist: a body-less 404 cannot tell these apart; ``headBucket(_:)`` can).
    /// - Throws: ``AWSError``, e.g. `AccessDenied` (403) or `BadRequest` (400).
    package func headObject(bucket: String, key: String) async throws(AWSError) -> S3ObjectMetadata? {
        let operation = Operations.headObject
        try validate(operation, bucket: bucket, key: key)
        do {
            let response = try await send(operation, makeRequest(method: "HEAD", bucket: bucket, key: key))
            return S3ObjectMetadata(headers: response.headers)
        } catch  where error.kind == .service && error.statusCode == 404 {
            return nil
        }
    }

    /// Reads an object, or a byte range of it.
    ///
    /// - Parameter range: 0-based, inclusive byte offsets (`bytes=first-last`); `nil` for the whole object.
    /// - Returns: the metadata (``S3ObjectMetadata/contentRange`` set for a range) and the bytes.
    /// - Throws: ``AWSError``: `NoSuchKey`, `NoSuchBucket`, `InvalidRange`, `AccessDenied`, …
    package func getObject(
        bucket: String, key: String, range: ClosedRange<Int64>? = nil
    ) async throws(AWSError)
        -> (metadata: S3ObjectMetadata, body: Data)
    {
        let operation = Operations.getObject
        try validate(operation, bucket: bucket, key: key)
        var headers: HTTPHeaders = [:]
        if let range {
            guard range.lowerBound >= 0 else { throw invalidParameter(operation, "a byte range cannot start before 0") }
            headers.add("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")
        }
        let response = try await send(
            operation, makeRequest(method: "GET", bucket: bucket, key: key, headers: headers),
            inspectsSuccessBody: false)
        return (S3ObjectMetadata(headers: response.headers), response.body)
    }

    /// Writes an object in one request (up to 5 GiB).
    ///
    /// - Parameters:
    ///   - contentType: stored and returned as `Content-Type` (S3 defaults to `binary/octet-stream`).
    ///   - metadata: user metadata, sent as `x-amz-meta-<name>`; names and values must be printable ASCII.
    /// - Returns: the new object's ETag.
    /// - Throws: ``AWSError``; `ParamValidationError` before sending for an empty or over-long key or unsafe
    ///   header values.
    @discardableResult
    package func putObject(
        bucket: String, key: String, body: Data, contentType: String? = nil,
        metadata: [String: String]? = nil
    ) async throws(AWSError) -> S3ETag {
        let operation = Operations.putObject
        try validate(operation, bucket: bucket, key: key)
        var headers: HTTPHeaders = [:]
        try addObjectHeaders(&headers, operation, contentType: contentType, metadata: metadata)
        let request = makeRequest(method: "PUT", bucket: bucket, key: key, headers: headers, body: body)
        let signing: SigV4Signer.Options = unsignedPayloadOverHTTPS && request.scheme == "https" ? .s3Unsigned : .s3
        let response = try await send(operation, request, signing: signing)
        guard let eTag = response.headers["ETag"] else {
            throw client.malformed(operation, response, "PutObject answered without an ETag")
        }
        return S3ETag(eTag)
    }

    /// Copies an object server-side in one atomic request (sources up to 5 GiB; use ``uploadPartCopy(sourceBucket:sourceKey:sourceVersionID:destinationBucket:destinationKey:range:partNumber:uploadID:ifSourceETagMatches:)``
    /// beyond that).
    ///
    /// S3 can fail a copy after answering `200 OK`; that answer is retried like a 500 (see ``S3Client``).
    ///
    /// - Parameters:
    ///   - sourceVersionID: copy this version of the source rather than the current one.
    ///   - metadataDirective: `.copy` keeps the source's content type and metadata; `.replace` uses `contentType`
    ///     and `metadata`, which must then be the only source of both.
    ///   - ifSourceETagMatches: copy only if the source still has this ETag (`x-amz-copy-source-if-match`);
    ///     otherwise S3 answers 412 `PreconditionFailed`.
    /// - Returns: the new object's ETag and modification time.
    /// - Throws: ``AWSError``: `NoSuchKey` (source), `NoSuchBucket`, `PreconditionFailed`, `AccessDenied`, …;
    ///   `ParamValidationError` when `contentType` or `metadata` is given with `.copy`.
    package func copyObject(
        sourceBucket: String, sourceKey: String, sourceVersionID: String? = nil,
        destinationBucket: String, destinationKey: String,
        metadataDirective: S3MetadataDirective = .copy, contentType: String? = nil,
        metadata: [String: String]? = nil, ifSourceETagMatches: S3ETag? = nil
    ) async throws(AWSError) -> S3CopyResult {
        let operation = Operations.copyObject
        try validate(operation, bucket: sourceBucket, key: sourceKey)
        try validate(operation, bucket: destinationBucket, key: destinationKey)
        if metadataDirective == .copy, contentType != nil || metadata != nil {
            throw invalidParameter(
                operation, "contentType and metadata are ignored by S3 unless metadataDirective is .replace")
        }
        var headers: HTTPHeaders = [
            "x-amz-copy-source": Self.copySource(bucket: sourceBucket, key: sourceKey, versionID: sourceVersionID)
        ]
        headers.add("x-amz-metadata-directive", metadataDirective.rawValue)
        if let ifSourceETagMatches { headers.add("x-amz-copy-source-if-match", Self.quoted(ifSourceETagMatches)) }
        try addObjectHeaders(&headers, operation, contentType: contentType, metadata: metadata)
        let (response, root) = try await sendForDocument(
            operation, makeRequest(method: "PUT", bucket: destinationBucket, key: destinationKey, headers: headers))
        guard let eTag = root.string("ETag"), !eTag.isEmpty else {
            throw client.malformed(operation, response, "CopyObjectResult has no ETag")
        }
        return S3CopyResult(
            eTag: S3ETag(eTag), lastModified: root.string("LastModified").flatMap(AWSDate.parseISO8601),
            versionID: response.headers["x-amz-version-id"],
            sourceVersionID: response.headers["x-amz-copy-source-version-id"])
    }

    /// Deletes an object; deleting a key that does not exist also succeeds (S3 answers 204 either way).
    ///
    /// - Throws: ``AWSError``: `NoSuchBucket`, `AccessDenied`, …
    package func deleteObject(bucket: String, key: String) async throws(AWSError) {
        let operation = Operations.deleteObject
        try validate(operation, bucket: bucket, key: key)
        _ = try await send(operation, makeRequest(method: "DELETE", bucket: bucket, key: key))
    }

    /// Lists one page of a bucket's objects in key order (UTF-8 bytes).
    ///
    /// Keys are requested with `encoding-type=url` and decoded, so keys holding characters XML 1.0 cannot
    /// carry (control characters) survive.
    ///
    /// - Parameters:
    ///   - continuationToken: the previous page's ``S3ObjectPage/nextContinuationToken``.
    ///   - maxKeys: at most this many keys (S3's default and ceiling are 1,000).
    ///   - startAfter: list keys after this one (first page only).
    ///   - delimiter: roll keys sharing a prefix up to this character into ``S3ObjectPage/commonPrefixes``.
    /// - Throws: ``AWSError``: `NoSuchBucket`, `AccessDenied`, or a 200 with an error body (retried first).
    package func listObjectsV2(
        bucket: String, prefix: String? = nil, continuationToken: String? = nil, maxKeys: Int? = nil,
        startAfter: String? = nil, delimiter: String? = nil
    ) async throws(AWSError) -> S3ObjectPage {
        let operation = Operations.listObjectsV2
        try validate(operation, bucket: bucket)
        var query: [(String, String?)] = [("list-type", "2")]
        if let prefix { query.append(("prefix", prefix)) }
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let maxKeys {
            guard maxKeys > 0 else { throw invalidParameter(operation, "maxKeys must be positive, not \(maxKeys)") }
            query.append(("max-keys", String(maxKeys)))
        }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let startAfter { query.append(("start-after", startAfter)) }
        query.append(("encoding-type", "url"))
        let response = try await send(operation, makeRequest(method: "GET", bucket: bucket, query: query))
        let root = try parseResult(response, operation)
        return try Self.objectPage(from: root) { client.malformed(operation, response, $0) }
    }

    /// Decodes a `<ListBucketResult>` (V2), URL-decoding keys and prefixes when `EncodingType` is `url`.
    package static func objectPage(from root: XMLNode, malformed: (String) -> AWSError) throws(AWSError) -> S3ObjectPage
    {
        let isURLEncoded = root.string("EncodingType") == "url"
        // botocore decodes with unquote_plus: S3 may write a space as `+`, and a literal `+` arrives as `%2B`.
        func decode(_ text: String) -> String { isURLEncoded ? URIEncoding.decode(text, plusAsSpace: true) : text }
        var objects: [S3ObjectSummary] = []
        for entry in root.all("Contents") {
            guard let key = entry.string("Key") else { throw malformed("a <Contents> entry has no <Key>") }
            guard let size = Int64(entry.string("Size") ?? "") else {
                throw malformed("object \"\(key)\" has no valid <Size>")
            }
            objects.append(
                S3ObjectSummary(
                    key: decode(key), size: size, eTag: entry.string("ETag").map(S3ETag.init),
                    lastModified: entry.string("LastModified").flatMap(AWSDate.parseISO8601),
                    storageClass: entry.string("StorageClass")))
        }
        let isTruncated = root.string("IsTruncated")?.lowercased() == "true"
        let token = root.string("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        if isTruncated && token == nil { throw malformed("the page is truncated but has no NextContinuationToken") }
        return S3ObjectPage(
            objects: objects, commonPrefixes: root.all("CommonPrefixes").compactMap { $0.string("Prefix") }.map(decode),
            isTruncated: isTruncated, nextContinuationToken: token,
            keyCount: root.string("KeyCount").flatMap(Int.init))
    }

    /// Every object under `prefix`, following continuation tokens page by page.
    ///
    /// ```swift
    /// for try await object in s3.objects(bucket: "inbox", prefix: "2026/") { … }
    /// ```
    package func objects(bucket: String, prefix: String? = nil, pageSize: Int? = nil) -> S3ObjectListing {
        S3ObjectListing(client: self, bucket: bucket, prefix: prefix, pageSize: pageSize)
    }

    /// Every object under `prefix`, collected from all pages.
    ///
    /// - Throws: ``AWSError`` from any page; `MalformedResponse` if S3 repeats a continuation token.
    package func listAllObjects(
        bucket: String, prefix: String? = nil, pageSize: Int? = nil
    ) async throws(AWSError)
        -> [S3ObjectSummary]
    {
        var all: [S3ObjectSummary] = []
        var iterator = objects(bucket: bucket, prefix: prefix, pageSize: pageSize).makeAsyncIterator()
        while let object = try await iterator.next() { all.append(object) }
        return all
    }

    /// A URL that lets anyone holding it perform `method` on the object until it expires, signed with
    /// `UNSIGNED-PAYLOAD` (query-string SigV4).
    ///
    /// The URL contains a signature: never log it (``Redaction/redactURL(_:)`` removes it).
    ///
    /// - Parameters:
    ///   - method: `GET` (download) or `PUT` (upload).
    ///   - expires: 1 second to 7 days.
    /// - Throws: ``AWSError``: `CredentialsNotFound`, or `ParamValidationError` for an expiry out of range.
    package func presignedURL(
        method: String = "GET", bucket: String, key: String, expires: Duration
    )
        async throws(AWSError) -> String
    {
        let operation = method.uppercased() == "PUT" ? Operations.putObject : Operations.getObject
        try validate(operation, bucket: bucket, key: key)
        let seconds = expires.components.seconds
        guard (1...604_800).contains(seconds) else {
            throw invalidParameter(operation, "a presigned URL must expire in 1 second to 7 days, not \(expires)")
        }
        let credentials: AWSCredentials
        do {
            credentials = try await client.context.credentials.credentials()
        } catch {
            throw AWSError(
                kind: .credentials, service: AWSService.s3.id, operation: operation.name, code: "CredentialsNotFound",
                message: "\(error)", attempts: 0)
        }
        let request = makeRequest(method: method.uppercased(), bucket: bucket, key: key)
        let signed = presigningSigner.presign(
            request, credentials: credentials, at: client.context.now(), expires: Int(seconds), options: .s3Unsigned)
        return signed.request.url
    }
}

/// Every object under a prefix, fetched one ListObjectsV2 page at a time as the sequence is consumed.
package struct S3ObjectListing: AsyncSequence, Sendable {
    package typealias Element = S3ObjectSummary
    package typealias Failure = AWSError

    let client: S3Client
    let bucket: String
    let prefix: String?
    let pageSize: Int?

    package func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(listing: self)
    }

    /// Walks the pages; stops with `MalformedResponse` if S3 hands back a token it already gave.
    package struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let listing: S3ObjectListing
        private var buffer: [S3ObjectSummary] = []
        private var position = 0
        private var nextToken: String?
        private var seenTokens: Set<String> = []
        private var isFinished = false

        init(listing: S3ObjectListing) {
            self.listing = listing
        }

        package mutating func next() async throws(AWSError) -> S3ObjectSummary? {
            while position >= buffer.count {
                guard !isFinished else { return nil }
                let page = try await listing.client.listObjectsV2(
                    bucket: listing.bucket, prefix: listing.prefix,
                    continuationToken: nextToken, maxKeys: listing.pageSize)
                buffer = page.objects
                position = 0
                if page.isTruncated, let token = page.nextContinuationToken {
                    guard seenTokens.insert(token).inserted else {
                        throw AWSError(
                            kind: .malformedResponse, service: AWSService.s3.id,
                            operation: S3Client.Operations.listObjectsV2.name,
                            code: "MalformedResponse",
                            message: "S3 repeated a continuation token; stopping to avoid an endless listing")
                    }
                    nextToken = token
                } else {
                    isFinished = true
                }
            }
            defer { position += 1 }
            return buffer[position]
        }

        package mutating func next(isolation actor: isolated (any Actor)?) async throws(AWSError) -> S3ObjectSummary? {
            try await next()
        }
    }
}
