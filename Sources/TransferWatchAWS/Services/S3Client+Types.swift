import Foundation

/// An S3 entity tag, kept exactly as S3 sent it (usually in double quotes), compared without the quotes.
///
/// Single-part objects have the MD5 of their bytes (unless encrypted with KMS); multipart objects have
/// `<md5-of-part-md5s>-<part count>`. S3 event notifications send ETags without quotes, HEAD and list answers
/// with them: equality and hashing use ``normalized`` so both forms compare equal.
package struct S3ETag: Sendable, Hashable, CustomStringConvertible {
    /// The value as S3 sent it.
    package let rawValue: String
    /// The value without surrounding spaces and tabs, a weak `W/` prefix or surrounding quotes, for comparison
    /// (worked out once: every comparison and hash uses it).
    package let normalized: String

    /// Wraps an ETag value as received (quoted or not).
    package init(_ rawValue: String) {
        self.rawValue = rawValue
        self.normalized = Self.normalize(rawValue)
    }

    private static func normalize(_ rawValue: String) -> String {
        let scalars = rawValue.unicodeScalars
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || scalar == "\t" || (scalar.value > 0x7F && scalar.properties.generalCategory == .spaceSeparator)
        }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        var value = Substring(scalars[start..<end])
        if value.hasPrefix("W/") { value = value.dropFirst(2) }
        if value.utf8.count >= 2, value.utf8.first == UInt8(ascii: "\""), value.utf8.last == UInt8(ascii: "\"") {
            value = value.dropFirst().dropLast()
        }
        return String(value)
    }

    /// The number of parts of a multipart object's ETag (the `-N` suffix), or `nil` for a single-part one.
    package var partCount: Int? {
        let value = normalized
        guard let dash = value.lastIndex(of: "-"), let count = Int(value[value.index(after: dash)...]), count > 0 else {
            return nil
        }
        return count
    }

    /// Whether the object was assembled from parts (its ETag has a `-N` suffix).
    package var isMultipart: Bool { partCount != nil }

    package static func == (lhs: S3ETag, rhs: S3ETag) -> Bool { lhs.normalized == rhs.normalized }
    package func hash(into hasher: inout Hasher) { hasher.combine(normalized) }
    package var description: String { rawValue }
}

/// What HeadObject and GetObject say about an object.
package struct S3ObjectMetadata: Sendable, Equatable {
    /// `Content-Length`: the object's size for HEAD, the returned range's size for a ranged GET.
    package var contentLength: Int64
    package var eTag: S3ETag?
    package var lastModified: Date?
    package var contentType: String?
    /// User metadata from `x-amz-meta-*` headers, names lowercased as S3 stores them.
    package var metadata: [String: String]
    /// `x-amz-version-id` (`null` on an unversioned bucket that reports it).
    package var versionID: String?
    /// Checksums from `x-amz-checksum-<algorithm>` headers, keyed by upper-case algorithm (`CRC32`, `SHA256`).
    package var checksums: [String: String]
    /// `x-amz-server-side-encryption` (`AES256`, `aws:kms`).
    package var serverSideEncryption: String?
    /// `x-amz-storage-class` (absent for STANDARD).
    package var storageClass: String?
    /// `Content-Range` of a ranged GET (`bytes 0-9/100`).
    package var contentRange: String?
    /// `x-amz-delete-marker: true`.
    package var isDeleteMarker: Bool

    package init(
        contentLength: Int64, eTag: S3ETag? = nil, lastModified: Date? = nil, contentType: String? = nil,
        metadata: [String: String] = [:], versionID: String? = nil, checksums: [String: String] = [:],
        serverSideEncryption: String? = nil, storageClass: String? = nil, contentRange: String? = nil,
        isDeleteMarker: Bool = false
    ) {
        self.contentLength = contentLength
        self.eTag = eTag
        self.lastModified = lastModified
        self.contentType = contentType
        self.metadata = metadata
        self.versionID = versionID
        self.checksums = checksums
        self.serverSideEncryption = serverSideEncryption
        self.storageClass = storageClass
        self.contentRange = contentRange
        self.isDeleteMarker = isDeleteMarker
    }

    /// Reads the metadata from response headers.
    package init(headers: HTTPHeaders) {
        var metadata: [String: String] = [:]
        var checksums: [String: String] = [:]
        for field in headers {
            let name = field.name.lowercased()
            if name.hasPrefix("x-amz-meta-") {
                metadata[String(name.dropFirst("x-amz-meta-".count))] = field.value
            } else if name.hasPrefix("x-amz-checksum-"), name != "x-amz-checksum-type", name != "x-amz-checksum-mode" {
                checksums[name.dropFirst("x-amz-checksum-".count).uppercased()] = field.value
            }
        }
        self.init(
            contentLength: headers["Content-Length"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } ?? 0,
            eTag: headers["ETag"].map(S3ETag.init),
            lastModified: headers["Last-Modified"].flatMap(AWSDate.parseHTTPDate),
            contentType: headers["Content-Type"],
            metadata: metadata,
            versionID: headers["x-amz-version-id"],
            checksums: checksums,
            serverSideEncryption: headers["x-amz-server-side-encryption"],
            storageClass: headers["x-amz-storage-class"],
            contentRange: headers["Content-Range"],
            isDeleteMarker: headers["x-amz-delete-marker"]?.lowercased() == "true"
        )
    }
}

/// Whether CopyObject keeps the source's metadata or replaces it with the request's.
package enum S3MetadataDirective: String, Sendable {
    /// Keep the source's content type and user metadata (S3's default).
    case copy = "COPY"
    /// Use the content type and user metadata given in the request.
    case replace = "REPLACE"
}

/// The result of CopyObject.
package struct S3CopyResult: Sendable, Equatable {
    /// The new object's ETag (single-part: a copy of a multipart object loses its `-N`).
    package var eTag: S3ETag
    package var lastModified: Date?
    /// `x-amz-version-id` of the new object, on a versioned bucket.
    package var versionID: String?
    /// `x-amz-copy-source-version-id`: the version that was copied.
    package var sourceVersionID: String?

    package init(eTag: S3ETag, lastModified: Date? = nil, versionID: String? = nil, sourceVersionID: String? = nil) {
        self.eTag = eTag
        self.lastModified = lastModified
        self.versionID = versionID
        self.sourceVersionID = sourceVersionID
    }
}

/// One object in a ListObjectsV2 page.
package struct S3ObjectSummary: Sendable, Equatable {
    /// The key, decoded from the `encoding-type=url` answer.
    package var key: String
    package var size: Int64
    package var eTag: S3ETag?
    package var lastModified: Date?
    package var storageClass: String?

    package init(key: String, size: Int64, eTag: S3ETag? = nil, lastModified: Date? = nil, storageClass: String? = nil)
    {
        self.key = key
        self.size = size
        self.eTag = eTag
        self.lastModified = lastModified
        self.storageClass = storageClass
    }
}

/// One page of ListObjectsV2.
package struct S3ObjectPage: Sendable, Equatable {
    package var objects: [S3ObjectSummary]
    /// Prefixes rolled up by a delimiter, decoded.
    package var commonPrefixes: [String]
    package var isTruncated: Bool
    /// Pass to the next call while ``isTruncated``.
    package var nextContinuationToken: String?
    package var keyCount: Int

    package init(
        objects: [S3ObjectSummary], commonPrefixes: [String] = [], isTruncated: Bool = false,
        nextContinuationToken: String? = nil, keyCount: Int? = nil
    ) {
        self.objects = objects
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextContinuationToken = nextContinuationToken
        self.keyCount = keyCount ?? objects.count
    }
}

/// A part to assemble in CompleteMultipartUpload (what UploadPartCopy returns).
package struct S3CompletedPart: Sendable, Hashable {
    /// 1 to 10,000.
    package var partNumber: Int
    package var eTag: S3ETag

    package init(partNumber: Int, eTag: S3ETag) {
        self.partNumber = partNumber
        self.eTag = eTag
    }
}

/// The result of CompleteMultipartUpload.
package struct S3CompleteMultipartResult: Sendable, Equatable {
    /// The assembled object's ETag, with its `-N` part-count suffix.
    package var eTag: S3ETag
    package var location: String?
    package var versionID: String?

    package init(eTag: S3ETag, location: String? = nil, versionID: String? = nil) {
        self.eTag = eTag
        self.location = location
        self.versionID = versionID
    }
}

/// A multipart upload that was started and not yet completed or aborted.
package struct S3MultipartUpload: Sendable, Equatable {
    package var key: String
    package var uploadID: String
    package var initiated: Date?

    package init(key: String, uploadID: String, initiated: Date? = nil) {
        self.key = key
        self.uploadID = uploadID
        self.initiated = initiated
    }
}

/// One S3 → SQS notification rule of a bucket.
package struct S3QueueNotification: Sendable, Equatable {
    package var id: String?
    package var queueARN: String
    /// Event names such as `s3:ObjectCreated:*`.
    package var events: [String]
    /// The `prefix` key filter, if any.
    package var prefix: String?
    /// The `suffix` key filter, if any.
    package var suffix: String?

    package init(id: String? = nil, queueARN: String, events: [String], prefix: String? = nil, suffix: String? = nil) {
        self.id = id
        self.queueARN = queueARN
        self.events = events
        self.prefix = prefix
        self.suffix = suffix
    }
}
