import Foundation
import Synchronization

/// AWS Signature Version 4: header signing and presigned URLs.
///
/// The signer canonicalises the request exactly as it goes on the wire. Services differ in two ways, set in
/// ``Options``: S3 encodes its path once and never normalises it, and wants `x-amz-content-sha256`;
/// every other service normalises the path and encodes it a second time.
///
/// ```swift
/// let signer = SigV4Signer(region: "us-east-1", service: "dynamodb")
/// signer.sign(&request, credentials: credentials, at: Date())
/// ```
package struct SigV4Signer: Sendable {
    /// How the payload enters the signature.
    package enum PayloadSigning: Sendable, Equatable {
        /// The SHA-256 of the body.
        case signed
        /// The literal `UNSIGNED-PAYLOAD` (S3 over HTTPS, and presigned S3 URLs).
        case unsigned
        /// A hash the caller computed, used as given.
        case precomputed(String)
    }

    /// The per-service signing rules.
    package struct Options: Sendable, Equatable {
        /// URI-encode the (already encoded) path a second time: every service but S3.
        package var doubleURIEncode: Bool
        /// Remove `.`/`..` segments and collapse `//`: every service but S3.
        package var normalizePath: Bool
        /// Add and sign `x-amz-content-sha256`: S3.
        package var addContentSHA256Header: Bool
        package var payload: PayloadSigning
        /// Sign `X-Amz-Security-Token` (true everywhere in practice; false adds it after signing).
        package var signSessionToken: Bool

        package init(doubleURIEncode: Bool = true, normalizePath: Bool = true, addContentSHA256Header: Bool = false,
                     payload: PayloadSigning = .signed, signSessionToken: Bool = true) {
            self.doubleURIEncode = doubleURIEncode
            self.normalizePath = normalizePath
            self.addContentSHA256Header = addContentSHA256Header
            self.payload = payload
            self.signSessionToken = signSessionToken
        }

        /// The rules for JSON and query services (DynamoDB, SQS, SNS, STS, Transfer, CloudWatch).
        package static let standard = Options()
        /// S3 with a signed payload.
        package static let s3 = Options(doubleURIEncode: false, normalizePath: false, addContentSHA256Header: true)
        /// S3 with `UNSIGNED-PAYLOAD` (HTTPS only).
        package static let s3Unsigned = Options(doubleURIEncode: false, normalizePath: false, addContentSHA256Header: true, payload: .unsigned)
    }

    /// The intermediate products of one signature, for tests and debugging.
    package struct Signature: Sendable, Equatable {
        package var canonicalRequest: String
        package var stringToSign: String
        package var signedHeaders: String
        package var signature: String
        package var credentialScope: String
    }

    /// Headers botocore never signs (hop-by-hop, or changed by proxies).
    private static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    package let region: String
    package let service: String
    private let keys: SigningKeyCache

    package init(region: String, service: String) {
        self.region = region
        self.service = service
        self.keys = SigningKeyCache()
    }

    /// Signs `request` in place with an `Authorization` header, adding `Host`, `X-Amz-Date`, the session token and
    /// (for S3) `X-Amz-Content-Sha256`.
    @discardableResult
    package func sign(_ request: inout HTTPRequest, credentials: AWSCredentials, at date: Date, options: Options = .standard) -> Signature {
        let amzDate = AWSDate.amzDate(date)
        request.headers.remove("Authorization")
        request.headers.replaceOrAdd("X-Amz-Date", amzDate)
        if !request.headers.contains("Host") { request.headers.add("Host", request.hostHeader) }
        let payloadHash = payloadHash(of: request, options.payload)
        if options.addContentSHA256Header { request.headers.replaceOrAdd("X-Amz-Content-Sha256", payloadHash) }
        if let token = credentials.sessionToken {
            if options.signSessionToken {
                request.headers.replaceOrAdd("X-Amz-Security-Token", token)
            } else {
                request.headers.remove("X-Amz-Security-Token")
            }
        }
        let headers = canonicalHeaders(request.headers)
        let canonicalRequest = [
            request.method, canonicalURI(request.path, options), canonicalQuery(request.query),
            headers.block, headers.signed, payloadHash,
        ].joined(separator: "\n")
        let result = finish(canonicalRequest: canonicalRequest, signedHeaders: headers.signed, amzDate: amzDate, credentials: credentials)
        request.headers.add(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(result.credentialScope), SignedHeaders=\(headers.signed), Signature=\(result.signature)"
        )
        if let token = credentials.sessionToken, !options.signSessionToken {
            request.headers.add("X-Amz-Security-Token", token)
        }
        return result
    }

    /// Presigns `request` (query-string signing): the returned request's query carries the signature.
    ///
    /// - Parameter expires: seconds the URL stays valid, 1 to 604,800 (7 days).
    package func presign(_ request: HTTPRequest, credentials: AWSCredentials, at date: Date, expires: Int, options: Options = .s3Unsigned) -> (request: HTTPRequest, signature: Signature) {
        precondition((1...604_800).contains(expires), "X-Amz-Expires must be 1...604800 seconds")
        var request = request
        let amzDate = AWSDate.amzDate(date)
        if !request.headers.contains("Host") { request.headers.add("Host", request.hostHeader) }
        let headers = canonicalHeaders(request.headers)
        let scope = credentialScope(amzDate)
        var items: [(String, String?)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", headers.signed),
        ]
        if let token = credentials.sessionToken, options.signSessionToken { items.append(("X-Amz-Security-Token", token)) }
        let added = URIEncoding.queryString(items)
        request.query = request.query.isEmpty ? added : request.query + "&" + added
        let canonicalRequest = [
            request.method, canonicalURI(request.path, options), canonicalQuery(request.query),
            headers.block, headers.signed, payloadHash(of: request, options.payload),
        ].joined(separator: "\n")
        let result = finish(canonicalRequest: canonicalRequest, signedHeaders: headers.signed, amzDate: amzDate, credentials: credentials)
        request.query += "&X-Amz-Signature=" + result.signature
        if let token = credentials.sessionToken, !options.signSessionToken {
            request.query += "&" + URIEncoding.queryString([("X-Amz-Security-Token", token)])
        }
        return (request, result)
    }

    // MARK: - Steps

    private func finish(canonicalRequest: String, signedHeaders: String, amzDate: String, credentials: AWSCredentials) -> Signature {
        let scope = credentialScope(amzDate)
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(SHA256.hexHash(Array(canonicalRequest.utf8)))"
        let key = keys.key(secret: credentials.secretAccessKey, date: String(amzDate.prefix(8)), region: region, service: service)
        let signature = Hex.encode(HMACSHA256.authenticationCode(key: key, string: stringToSign))
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signedHeaders: signedHeaders,
                         signature: signature, credentialScope: scope)
    }

    private func credentialScope(_ amzDate: String) -> String {
        "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
    }

    private func payloadHash(of request: HTTPRequest, _ mode: PayloadSigning) -> String {
        switch mode {
        case .unsigned: "UNSIGNED-PAYLOAD"
        case .precomputed(let hash): hash
        case .signed: request.body.isEmpty ? SHA256.emptyHex : SHA256.hexHash(request.body)
        }
    }

    /// The canonical URI: S3's path as sent; everyone else's normalised, then encoded again.
    package func canonicalURI(_ path: String, _ options: Options) -> String {
        let path = path.isEmpty ? "/" : path
        guard options.doubleURIEncode else { return path }
        return URIEncoding.encode(options.normalizePath ? Self.normalize(path) : path, keepSlash: true)
    }

    /// Removes `.` and `..` segments and empty segments, keeping a leading and a trailing `/`.
    package static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        var result = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && result != "/" { result += "/" }
        return result
    }

    /// The canonical query: every name and value decoded then re-encoded with SigV4's set, sorted by name then value.
    package func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = item.firstIndex(of: "=")
            let name = equals.map { item[..<$0] } ?? item
            let value = equals.map { item[item.index(after: $0)...] } ?? ""
            pairs.append((URIEncoding.encode(URIEncoding.decode(String(name))), URIEncoding.encode(URIEncoding.decode(String(value)))))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// The canonical header block (each `name:value\n`) and the `;`-joined signed header names.
    package func canonicalHeaders(_ headers: HTTPHeaders) -> (block: String, signed: String) {
        var merged: [String: String] = [:]
        var order: [String] = []
        for field in headers {
            let name = field.name.lowercased()
            if Self.unsignedHeaders.contains(name) { continue }
            let value = Self.trimAndCollapse(field.value)
            if let existing = merged[name] {
                merged[name] = existing + "," + value
            } else {
                merged[name] = value
                order.append(name)
            }
        }
        order.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var block = ""
        for name in order { block += name + ":" + merged[name]! + "\n" }
        return (block, order.joined(separator: ";"))
    }

    /// Trims a header value and collapses runs of spaces and tabs to one space.
    package static func trimAndCollapse(_ value: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Caches the derived signing key: it depends only on (secret, date, region, service), so a signature costs one
/// HMAC instead of five.
final class SigningKeyCache: Sendable {
    private struct Entry {
        var secret: String
        var date: String
        var key: [UInt8]
    }

    // Mutex-protected: signers are shared across tasks.
    private let entry = Mutex<Entry?>(nil)

    func key(secret: String, date: String, region: String, service: String) -> [UInt8] {
        if let cached = entry.withLock({ $0 }), cached.secret == secret, cached.date == date { return cached.key }
        let kDate = HMACSHA256.authenticationCode(key: Array(("AWS4" + secret).utf8), string: date)
        let kRegion = HMACSHA256.authenticationCode(key: kDate, string: region)
        let kService = HMACSHA256.authenticationCode(key: kRegion, string: service)
        let kSigning = HMACSHA256.authenticationCode(key: kService, string: "aws4_request")
        entry.withLock { $0 = Entry(secret: secret, date: date, key: kSigning) }
        return kSigning
    }
}
