import Foundation
import TransferWatchLocking

/// Typed calls to Amazon S3 (REST-XML): objects, copies, multipart copies, listings, buckets and notifications.
///
/// Requests are addressed path-style (`http://host:port/<bucket>/<key>`) on a custom endpoint such as an
/// emulator, and virtual-hosted (`https://<bucket>.s3.<region>.amazonaws.com/<key>`) on AWS, except for bucket
/// names that cannot be a DNS label under TLS (dots, capitals, underscores), which stay path-style. Keys are
/// percent-encoded once with SigV4's unreserved set (keeping `/`) and never normalised, so `a b+c`, `~x`,
/// `a//b` and `..` reach S3 exactly as named.
///
/// Like botocore, every answer whose body is an XML document is checked for S3's *200 with an error* case
/// (CopyObject, UploadPartCopy and CompleteMultipartUpload can fail after S3 has sent `200 OK`): an `<Error>`
/// root or a body that is not complete XML becomes a retryable HTTP 500 ``AWSError``.
///
/// ```swift
/// let s3 = S3Client(context: context)
/// if let source = try await s3.headObject(bucket: "inbox", key: "2026/08/invoice 17.csv") {
///     let copy = try await s3.copyObject(sourceBucket: "inbox", sourceKey: "2026/08/invoice 17.csv",
///                                        destinationBucket: "archive", destinationKey: "invoice 17.csv",
///                                        ifSourceETagMatches: source.eTag)
/// }
/// ```
package struct S3Client: Sendable {
    /// The engine that signs, sends and retries.
    package let client: AWSClient
    /// Address every bucket path-style, even on AWS.
    package var forcePathStyle: Bool
    /// Sign upload bodies as `UNSIGNED-PAYLOAD` when the endpoint is https (TLS already protects them; saves
    /// hashing large bodies). Plain-http uploads are always signed.
    package var unsignedPayloadOverHTTPS: Bool
    private let presigner: SigV4Signer

    /// Creates a client for S3 from a shared context.
    ///
    /// - Parameters:
    ///   - forcePathStyle: address buckets path-style even on AWS.
    ///   - unsignedPayloadOverHTTPS: sign PutObject bodies as `UNSIGNED-PAYLOAD` over https.
    package init(context: AWSClient.Context, forcePathStyle: Bool = false, unsignedPayloadOverHTTPS: Bool = false) {
        self.init(
            client: AWSClient(service: .s3, context: context), forcePathStyle: forcePathStyle,
            unsignedPayloadOverHTTPS: unsignedPayloadOverHTTPS)
    }

    /// Creates a client around an existing S3 ``AWSClient``.
    package init(client: AWSClient, forcePathStyle: Bool = false, unsignedPayloadOverHTTPS: Bool = false) {
        precondition(client.service == .s3, "S3Client needs an AWSClient for S3, not \(client.service.id)")
        self.client = client
        self.forcePathStyle = forcePathStyle
        self.unsignedPayloadOverHTTPS = unsignedPayloadOverHTTPS
        presigner = SigV4Signer(
            region: client.context.endpoints.signingRegion(for: .s3), service: AWSService.s3.signingName)
    }

    /// The signer for presigned URLs (same region and service as the header signer).
    var presigningSigner: SigV4Signer { presigner }

    // MARK: - Operations

    /// Every S3 operation this client calls, with the IAM actions each needs.
    package enum Operations {
        /// `HEAD /<key>`: needs `s3:GetObject` on the object, and `s3:ListBucket` on the bucket, without which S3
        /// answers 403 rather than 404 for a missing key (and ``S3Client/headObject(bucket:key:)`` could not return `nil`).
        package static let headObject = AWSOperation(.s3, "HeadObject", iam: ["s3:GetObject", "s3:ListBucket"])
        /// `GET /<key>`.
        package static let getObject = AWSOperation(.s3, "GetObject", iam: ["s3:GetObject"])
        /// `PUT /<key>`.
        package static let putObject = AWSOperation(.s3, "PutObject", iam: ["s3:PutObject"])
        /// `PUT /<key>` with `x-amz-copy-source`: reads the source, writes the destination.
        package static let copyObject = AWSOperation(.s3, "CopyObject", iam: ["s3:GetObject", "s3:PutObject"])
        /// `DELETE /<key>`.
        package static let deleteObject = AWSOperation(.s3, "DeleteObject", iam: ["s3:DeleteObject"])
        /// `GET /?list-type=2`: a bucket-level permission.
        package static let listObjectsV2 = AWSOperation(.s3, "ListObjectsV2", iam: ["s3:ListBucket"])
        /// `POST /<key>?uploads`.
        package static let createMultipartUpload = AWSOperation(.s3, "CreateMultipartUpload", iam: ["s3:PutObject"])
        /// `PUT /<key>?partNumber=N&uploadId=…` with `x-amz-copy-source`.
        package static let uploadPartCopy = AWSOperation(.s3, "UploadPartCopy", iam: ["s3:GetObject", "s3:PutObject"])
        /// `POST /<key>?uploadId=…`.
        package static let completeMultipartUpload = AWSOperation(.s3, "CompleteMultipartUpload", iam: ["s3:PutObject"])
        /// `DELETE /<key>?uploadId=…`.
        package static let abortMultipartUpload = AWSOperation(
            .s3, "AbortMultipartUpload", iam: ["s3:AbortMultipartUpload"])
        /// `GET /?uploads`.
        package static let listMultipartUploads = AWSOperation(
            .s3, "ListMultipartUploads", iam: ["s3:ListBucketMultipartUploads"])
        /// `PUT /` on the bucket.
        package static let createBucket = AWSOperation(.s3, "CreateBucket", iam: ["s3:CreateBucket"])
        /// `HEAD /` on the bucket.
        package static let headBucket = AWSOperation(.s3, "HeadBucket", iam: ["s3:ListBucket"])
        /// `DELETE /` on the bucket.
        package static let deleteBucket = AWSOperation(.s3, "DeleteBucket", iam: ["s3:DeleteBucket"])
        /// `PUT /?notification`.
        package static let putBucketNotificationConfiguration = AWSOperation(
            .s3, "PutBucketNotificationConfiguration",
            iam: ["s3:PutBucketNotification"])
        /// `GET /?notification`.
        package static let getBucketNotificationConfiguration = AWSOperation(
            .s3, "GetBucketNotificationConfiguration",
            iam: ["s3:GetBucketNotification"])

        /// Every operation above, for the least-privilege policy.
        package static let all: [AWSOperation] = [
            headObject, getObject, putObject, copyObject, deleteObject, listObjectsV2,
            createMultipartUpload, uploadPartCopy, completeMultipartUpload, abortMultipartUpload, listMultipartUploads,
            createBucket, headBucket, deleteBucket, putBucketNotificationConfiguration,
            getBucketNotificationConfiguration,
        ]
    }

    // MARK: - Addressing

    /// Whether `bucket` is addressed as `<bucket>.s3.<region>.amazonaws.com` (AWS, DNS-compatible name, no dots).
    package func usesVirtualHostedStyle(for bucket: String) -> Bool {
        !forcePathStyle && !client.isCustomEndpoint && Self.isVirtualHostable(bucket)
    }

    /// Whether `bucket` can be a single TLS-safe DNS label: 3–63 of `a-z 0-9 -`, starting and ending with a letter
    /// or digit (botocore's `is_valid_virtual_hostable_s3_bucket_name`, minus dots, which break the wildcard certificate).
    package static func isVirtualHostable(_ bucket: String) -> Bool {
        let bytes = Array(bucket.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func isLetterOrDigit(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
        guard isLetterOrDigit(bytes[0]), isLetterOrDigit(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { isLetterOrDigit($0) || $0 == 0x2D }
    }

    /// The wire path of an object key: encoded once with SigV4's unreserved set, `/` kept, nothing normalised.
    package static func encodeKey(_ key: String) -> String {
        URIEncoding.encode(key, keepSlash: true)
    }

    /// The `x-amz-copy-source` value as botocore writes it: `bucket/key` percent-encoded with `-._~/` safe,
    /// then `?versionId=<id>` appended unencoded.
    package static func copySource(bucket: String, key: String, versionID: String? = nil) -> String {
        let encoded = URIEncoding.encode("\(bucket)/\(key)", keepSlash: true)
        guard let versionID else { return encoded }
        return "\(encoded)?versionId=\(versionID)"
    }

    /// Builds the request for `bucket` (and `key`, for object operations) with the right addressing style.
    ///
    /// - Parameter query: name/value pairs, encoded here; a `nil` value gives a bare name (`?uploads`).
    package func makeRequest(
        method: String, bucket: String, key: String? = nil, query: [(String, String?)] = [],
        headers: HTTPHeaders = [:], body: Data = Data()
    ) -> HTTPRequest {
        let queryString = URIEncoding.queryString(query)
        let keyPath = key.map(Self.encodeKey)
        if usesVirtualHostedStyle(for: bucket) {
            var request = HTTPRequest(
                method: method, endpoint: client.endpointParts, path: "/" + (keyPath ?? ""),
                query: queryString, headers: headers, body: body)
            request.host = "\(bucket).\(request.host)"
            return request
        }
        let path = "/" + URIEncoding.encode(bucket) + (keyPath.map { "/" + $0 } ?? "")
        return HTTPRequest(
            method: method, endpoint: client.endpointParts, path: path, query: queryString, headers: headers, body: body)
    }

    // MARK: - Sending and errors

    /// Sends an S3 request, decoding errors (and, unless the body is object data, S3's 200-with-error answers).
    ///
    /// - Parameter inspectsSuccessBody: check a non-empty 2xx body for an `<Error>` root or truncation; `false`
    ///   only for GetObject, whose body is the object.
    func send(
        _ operation: AWSOperation, _ request: HTTPRequest, signing: SigV4Signer.Options = .s3,
        inspectsSuccessBody: Bool = true
    ) async throws(AWSError) -> HTTPResponse {
        try await client.send(operation, request, signing: signing) { response in
            Self.decodeError(response, operation: operation, inspectsSuccessBody: inspectsSuccessBody)
        }
    }

    /// Sends an S3 request whose successful answer is an XML document, and returns that document parsed once
    /// (the check for S3's 200-with-error answers parses it already).
    func sendForDocument(
        _ operation: AWSOperation, _ request: HTTPRequest
    ) async throws(AWSError) -> (response: HTTPResponse, root: XMLNode) {
        let parsed = Locked<XMLNode?>(nil)
        let response = try await client.send(operation, request, signing: .s3) { response in
            Self.decodeError(response, operation: operation, inspectsSuccessBody: true) { root in
                parsed.withLock { $0 = root }
            }
        }
        if let root = parsed.withLock({ $0 }) { return (response, root) }
        return (response, try parseResult(response, operation))
    }

    /// Decides whether an S3 response is a failure, as botocore does.
    ///
    /// - A 2xx whose non-empty body has an `<Error>` root, or does not parse as XML (a body cut short), is
    ///   rewritten to HTTP 500 so the retry strategy treats it as transient (botocore `_handle_200_error`).
    /// - Other errors decode `<Error><Code/><Message/><RequestId/></Error>`; a body-less 403 (HEAD) is
    ///   `AccessDenied`; a region redirect names the bucket's region from `x-amz-bucket-region`.
    /// - `<SignatureProvided>` is removed from the kept body so no signature survives in an error.
    /// - Parameter keep: receives a successful answer's parsed document (so the caller need not parse it again).
    package static func decodeError(
        _ response: HTTPResponse, operation: AWSOperation, inspectsSuccessBody: Bool = true,
        keep: (XMLNode) -> Void = { _ in }
    )
        -> AWSError?
    {
        let headerRequestID = AWSClient.requestID(response.headers)
        if (200..<300).contains(response.status) {
            guard inspectsSuccessBody, !response.body.isEmpty else { return nil }
            let root: XMLNode
            do {
                root = try parseBody(response.body)
            } catch {
                return AWSError(
                    service: AWSService.s3.id, operation: operation.name, statusCode: 500, code: "InternalError",
                    message:
                        "S3 answered HTTP \(response.status) with a body that is not complete XML (\(error.message)); "
                        + "treated as HTTP 500 and retried",
                    requestID: headerRequestID, body: scrub(response.body))
            }
            guard root.localName == "Error" else {
                keep(root)
                return nil
            }
            let message = root.string("Message") ?? ""
            return AWSError(
                service: AWSService.s3.id, operation: operation.name, statusCode: 500,
                code: root.string("Code") ?? "InternalError",
                message: message + (message.isEmpty ? "" : " ")
                    + "(an error inside an HTTP \(response.status) answer; treated as HTTP 500)",
                requestID: root.string("RequestId") ?? headerRequestID, body: scrub(response.body))
        }
        guard var error = AWSClient.decodeXMLError(response, service: .s3, operation: operation) else { return nil }
        if response.body.isEmpty && response.status == 403 {
            error.code = "AccessDenied"
            error.message =
                operation == Operations.headObject
                ? "Forbidden (HEAD answers carry no error body; for a missing key this also means s3:ListBucket is not granted)"
                : "Forbidden (the answer carried no error body)"
        }
        if let region = response.headers["x-amz-bucket-region"], [301, 307, 400].contains(response.status) {
            error.message += (error.message.isEmpty ? "" : "; ") + "the bucket is in region \(region)"
        }
        if let body = error.body { error.body = scrub(body) }
        return error
    }

    /// Parses an S3 XML body, tolerating the whitespace S3 may send to keep a long copy's connection alive.
    static func parseBody(_ body: Data) throws(XMLNode.ParseError) -> XMLNode {
        let start = body.firstIndex { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) } ?? body.endIndex
        guard start < body.endIndex else { throw XMLNode.ParseError(message: "the body is only whitespace") }
        return try XMLNode.parse(start == body.startIndex ? body : Data(body[start...]))
    }

    /// Removes `<SignatureProvided>…</SignatureProvided>` (SignatureDoesNotMatch echoes the request's signature).
    static func scrub(_ body: Data) -> Data {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<SignatureProvided>"),
            let close = text.range(of: "</SignatureProvided>", range: open.upperBound..<text.endIndex)
        else { return body }
        return Data((text[..<open.upperBound] + "<redacted>" + text[close.lowerBound...]).utf8)
    }

    /// Parses a successful XML answer.
    ///
    /// The root element's name is not checked, as botocore does not check it: members are read from its
    /// children, and S3-compatible servers differ (moto answers `<CompleteMultipartUploadResponse>` where S3
    /// sends `<CompleteMultipartUploadResult>`). Each caller checks the members it needs.
    func parseResult(_ response: HTTPResponse, _ operation: AWSOperation) throws(AWSError) -> XMLNode {
        do {
            return try Self.parseBody(response.body)
        } catch {
            throw client.malformed(operation, response, "\(error)")
        }
    }

    // MARK: - Validation

    /// The error for a call refused before sending (kind ``AWSError/Kind/invalidRequest``, code
    /// `ParamValidationError` as botocore names it).
    func invalidParameter(_ operation: AWSOperation, _ message: String) -> AWSError {
        AWSError(
            kind: .invalidRequest, service: AWSService.s3.id, operation: operation.name, code: "ParamValidationError",
            message: message, attempts: 0)
    }

    /// Checks a bucket name and key: both non-empty, the key at most 1,024 UTF-8 bytes.
    func validate(_ operation: AWSOperation, bucket: String, key: String? = nil) throws(AWSError) {
        guard !bucket.isEmpty, !bucket.contains("/") else {
            throw invalidParameter(operation, "invalid bucket name \"\(bucket)\"")
        }
        guard let key else { return }
        guard !key.isEmpty else { throw invalidParameter(operation, "the object key is empty") }
        guard key.utf8.count <= 1024 else {
            throw invalidParameter(operation, "the object key is \(key.utf8.count) bytes; S3 allows at most 1024")
        }
    }

    /// Adds `Content-Type` and `x-amz-meta-*` headers, refusing values that would break or inject header lines.
    func addObjectHeaders(
        _ headers: inout HTTPHeaders, _ operation: AWSOperation, contentType: String?,
        metadata: [String: String]?
    ) throws(AWSError) {
        if let contentType {
            guard Self.isSafeHeaderValue(contentType), !contentType.isEmpty else {
                throw invalidParameter(
                    operation, "the content type contains characters that cannot go in an HTTP header")
            }
            headers.add("Content-Type", contentType)
        }
        for (name, value) in (metadata ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw invalidParameter(operation, "metadata name \"\(name)\" is not a valid HTTP header name")
            }
            guard Self.isSafeHeaderValue(value) else {
                throw invalidParameter(
                    operation, "metadata \"\(name)\" has a value with control or non-ASCII characters")
            }
            headers.add("x-amz-meta-\(name)", value)
        }
    }

    /// Printable ASCII and tab only: no CR/LF (header injection) and nothing S3 would mangle.
    static func isSafeHeaderValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) }
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"),
            UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// The value for `x-amz-copy-source-if-match`: the ETag in quotes, however it was given.
    static func quoted(_ eTag: S3ETag) -> String { "\"\(eTag.normalized)\"" }
}
