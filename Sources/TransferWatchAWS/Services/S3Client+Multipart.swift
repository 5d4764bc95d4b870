import Foundation

extension S3Client {
    /// S3's multipart limits.
    package enum MultipartLimits {
        /// Part numbers run 1…10,000.
        package static let partNumbers = 1...10_000
        /// Every part but the last must be at least 5 MiB.
        package static let minimumPartSize: Int64 = 5 * 1024 * 1024
        /// No part may exceed 5 GiB.
        package static let maximumPartSize: Int64 = 5 * 1024 * 1024 * 1024
        /// CopyObject's single-request ceiling: larger sources need UploadPartCopy.
        package static let maximumCopyObjectSize: Int64 = 5 * 1024 * 1024 * 1024
    }

    /// Starts a multipart upload (`POST /<key>?uploads`).
    ///
    /// - Parameters:
    ///   - contentType: the assembled object's content type.
    ///   - metadata: the assembled object's user metadata (`x-amz-meta-*`).
    /// - Returns: the upload ID to pass to the part and completion calls.
    /// - Throws: ``AWSError``: `NoSuchBucket`, `AccessDenied`, …
    package func createMultipartUpload(
        bucket: String, key: String, contentType: String? = nil,
        metadata: [String: String]? = nil
    ) async throws(AWSError) -> String {
        let operation = Operations.createMultipartUpload
        try validate(operation, bucket: bucket, key: key)
        var headers: HTTPHeaders = [:]
        try addObjectHeaders(&headers, operation, contentType: contentType, metadata: metadata)
        let response = try await send(
            operation,
            makeRequest(method: "POST", bucket: bucket, key: key, query: [("uploads", nil)], headers: headers))
        let root = try parseResult(response, operation)
        guard let uploadID = root.string("UploadId"), !uploadID.isEmpty else {
            throw client.malformed(operation, response, "InitiateMultipartUploadResult has no UploadId")
        }
        return uploadID
    }

    /// Copies a byte range of a source object into one part of a multipart upload.
    ///
    /// S3 can fail a part copy after answering `200 OK`; that answer is retried like a 500.
    ///
    /// - Parameters:
    ///   - range: 0-based inclusive source offsets (`x-amz-copy-source-range: bytes=first-last`), or `nil` for
    ///     the whole source.
    ///   - partNumber: 1…10,000.
    ///   - ifSourceETagMatches: copy only if the source still has this ETag (412 `PreconditionFailed` otherwise).
    /// - Returns: the part, ready for ``completeMultipartUpload(bucket:key:uploadID:parts:)``.
    /// - Throws: ``AWSError``: `NoSuchUpload`, `NoSuchKey`, `InvalidArgument` (range), `PreconditionFailed`, …
    package func uploadPartCopy(
        sourceBucket: String, sourceKey: String, sourceVersionID: String? = nil,
        destinationBucket: String, destinationKey: String, range: ClosedRange<Int64>? = nil,
        partNumber: Int, uploadID: String, ifSourceETagMatches: S3ETag? = nil
    ) async throws(AWSError) -> S3CompletedPart {
        let operation = Operations.uploadPartCopy
        try validate(operation, bucket: sourceBucket, key: sourceKey)
        try validate(operation, bucket: destinationBucket, key: destinationKey)
        guard MultipartLimits.partNumbers.contains(partNumber) else {
            throw invalidParameter(operation, "part number \(partNumber) is outside 1...10000")
        }
        guard !uploadID.isEmpty else { throw invalidParameter(operation, "the upload ID is empty") }
        var headers: HTTPHeaders = [
            "x-amz-copy-source": Self.copySource(bucket: sourceBucket, key: sourceKey, versionID: sourceVersionID)
        ]
        if let range {
            guard range.lowerBound >= 0 else { throw invalidParameter(operation, "a byte range cannot start before 0") }
            guard range.upperBound - range.lowerBound + 1 <= MultipartLimits.maximumPartSize else {
                throw invalidParameter(operation, "a part can be at most 5 GiB")
            }
            headers.add("x-amz-copy-source-range", "bytes=\(range.lowerBound)-\(range.upperBound)")
        }
        if let ifSourceETagMatches { headers.add("x-amz-copy-source-if-match", Self.quoted(ifSourceETagMatches)) }
        let query: [(String, String?)] = [("partNumber", String(partNumber)), ("uploadId", uploadID)]
        let response = try await send(
            operation,
            makeRequest(
                method: "PUT", bucket: destinationBucket, key: destinationKey,
                query: query, headers: headers))
        let root = try parseResult(response, operation)
        guard let eTag = root.string("ETag"), !eTag.isEmpty else {
            throw client.malformed(operation, response, "CopyPartResult has no ETag")
        }
        return S3CompletedPart(partNumber: partNumber, eTag: S3ETag(eTag))
    }

    /// Assembles the uploaded parts into the object.
    ///
    /// Parts are sent in ascending part-number order whatever order they are given in. S3 can fail the
    /// completion after answering `200 OK`; that answer is retried like a 500.
    ///
    /// - Returns: the object's ETag (with its `-N` part-count suffix).
    /// - Throws: ``AWSError``: `InvalidPart`, `InvalidPartOrder`, `EntityTooSmall`, `NoSuchUpload`, …;
    ///   `ParamValidationError` for no parts or a repeated part number.
    package func completeMultipartUpload(
        bucket: String, key: String, uploadID: String,
        parts: [S3CompletedPart]
    ) async throws(AWSError) -> S3CompleteMultipartResult {
        let operation = Operations.completeMultipartUpload
        try validate(operation, bucket: bucket, key: key)
        guard !uploadID.isEmpty else { throw invalidParameter(operation, "the upload ID is empty") }
        guard !parts.isEmpty else { throw invalidParameter(operation, "a multipart upload needs at least one part") }
        let sorted = parts.sorted { $0.partNumber < $1.partNumber }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.partNumber == next.partNumber {
            throw invalidParameter(operation, "part number \(next.partNumber) is listed twice")
        }
        let response = try await send(
            operation,
            makeRequest(
                method: "POST", bucket: bucket, key: key, query: [("uploadId", uploadID)],
                body: Self.completeMultipartUploadBody(sorted)))
        let root = try parseResult(response, operation)
        guard let eTag = root.string("ETag"), !eTag.isEmpty else {
            throw client.malformed(operation, response, "CompleteMultipartUploadResult has no ETag")
        }
        return S3CompleteMultipartResult(
            eTag: S3ETag(eTag), location: root.string("Location"), versionID: response.headers["x-amz-version-id"])
    }

    /// The `<CompleteMultipartUpload>` document for `parts`, in the order given.
    package static func completeMultipartUploadBody(_ parts: [S3CompletedPart]) -> Data {
        let document = XMLNode(
            name: "CompleteMultipartUpload", attributes: ["xmlns": s3Namespace],
            children: parts.map { part in
                XMLNode(
                    name: "Part",
                    children: [
                        XMLNode(name: "ETag", text: quoted(part.eTag)),
                        XMLNode(name: "PartNumber", text: String(part.partNumber)),
                    ])
            })
        return Data(document.serialized().utf8)
    }

    /// Abandons a multipart upload and frees its parts.
    ///
    /// - Throws: ``AWSError``: `NoSuchUpload` (404) if it was already completed or aborted.
    package func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws(AWSError) {
        let operation = Operations.abortMultipartUpload
        try validate(operation, bucket: bucket, key: key)
        guard !uploadID.isEmpty else { throw invalidParameter(operation, "the upload ID is empty") }
        _ = try await send(
            operation, makeRequest(method: "DELETE", bucket: bucket, key: key, query: [("uploadId", uploadID)]))
    }

    /// Every multipart upload in progress in `bucket` (under `prefix`), following `NextKeyMarker` and
    /// `NextUploadIdMarker` across pages: what a clean-up of orphaned uploads needs.
    ///
    /// - Throws: ``AWSError``: `NoSuchBucket`, `AccessDenied`, …
    package func listMultipartUploads(
        bucket: String, prefix: String? = nil
    ) async throws(AWSError)
        -> [S3MultipartUpload]
    {
        let operation = Operations.listMultipartUploads
        try validate(operation, bucket: bucket)
        var uploads: [S3MultipartUpload] = []
        var marker: (key: String, uploadID: String?)?
        var seenMarkers: Set<String> = []
        while true {
            var query: [(String, String?)] = [("uploads", nil)]
            if let prefix { query.append(("prefix", prefix)) }
            if let marker {
                query.append(("key-marker", marker.key))
                if let uploadID = marker.uploadID { query.append(("upload-id-marker", uploadID)) }
            }
            query.append(("encoding-type", "url"))
            let response = try await send(operation, makeRequest(method: "GET", bucket: bucket, query: query))
            let root = try parseResult(response, operation)
            let isURLEncoded = root.string("EncodingType") == "url"
            func decode(_ text: String) -> String { isURLEncoded ? URIEncoding.decode(text, plusAsSpace: true) : text }
            for entry in root.all("Upload") {
                guard let key = entry.string("Key"), let uploadID = entry.string("UploadId") else {
                    throw client.malformed(operation, response, "an <Upload> entry lacks its Key or UploadId")
                }
                uploads.append(
                    S3MultipartUpload(
                        key: decode(key), uploadID: uploadID,
                        initiated: entry.string("Initiated").flatMap(AWSDate.parseISO8601)))
            }
            guard root.string("IsTruncated")?.lowercased() == "true" else { return uploads }
            guard let nextKey = root.string("NextKeyMarker"), !nextKey.isEmpty else {
                throw client.malformed(operation, response, "the page is truncated but has no NextKeyMarker")
            }
            let nextUploadID = root.string("NextUploadIdMarker").flatMap { $0.isEmpty ? nil : $0 }
            guard seenMarkers.insert("\(nextKey)\u{0}\(nextUploadID ?? "")").inserted else {
                throw client.malformed(
                    operation, response, "S3 repeated a page marker; stopping to avoid an endless listing")
            }
            marker = (decode(nextKey), nextUploadID)
        }
    }

    /// The S3 XML namespace of request documents.
    static let s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"
}
