import Foundation
import TransferWatchLocking
#if canImport(Glibc)
import Glibc
#endif

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

    /// The intermediate products of one signature, for tests and debugging (kept as bytes; decoded on demand).
    package struct Signature: Sendable, Equatable {
        package var canonicalRequestBytes: [UInt8]
        package var stringToSignBytes: [UInt8]
        package var signedHeaders: String
        package var signature: String
        package var credentialScope: String

        package var canonicalRequest: String { String(decoding: canonicalRequestBytes, as: UTF8.self) }
        package var stringToSign: String { String(decoding: stringToSignBytes, as: UTF8.self) }
    }

    /// Headers botocore never signs (hop-by-hop, or changed by proxies).
    private static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]
    fileprivate static let unsignedHeaderBytes: [[UInt8]] = unsignedHeaders.map { Array($0.utf8) }

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
        let amzDate = keys.amzDate(date)
        let payloadHash = payloadHash(of: request, options.payload)
        // One pass over the headers: drop what signing sets (and any old signature), note whether Host is there.
        let replacesToken = credentials.sessionToken != nil
        let hasHost = request.headers.removeForSigning(contentSHA256: options.addContentSHA256Header, securityToken: replacesToken)
        request.headers.add("X-Amz-Date", amzDate)
        if !hasHost { request.headers.add("Host", request.hostHeader) }
        if options.addContentSHA256Header { request.headers.add("X-Amz-Content-Sha256", payloadHash) }
        if let token = credentials.sessionToken, options.signSessionToken {
            request.headers.add("X-Amz-Security-Token", token)
        }
        var canonical = CanonicalBuffer()
        canonical.append(request.method)
        canonical.newline()
        canonical.append(canonicalURI(request.path, options))
        canonical.newline()
        canonical.append(canonicalQuery(request.query))
        canonical.newline()
        let signedHeaders = canonical.appendCanonicalHeaders(request.headers)
        canonical.newline()
        canonical.append(signedHeaders)
        canonical.newline()
        canonical.append(payloadHash)
        let result = finish(canonical: canonical.bytes, signedHeaders: signedHeaders, amzDate: amzDate, credentials: credentials)
        var authorization = "AWS4-HMAC-SHA256 Credential="
        authorization.reserveCapacity(200)
        authorization += credentials.accessKeyID
        authorization += "/"
        authorization += result.credentialScope
        authorization += ", SignedHeaders="
        authorization += signedHeaders
        authorization += ", Signature="
        authorization += result.signature
        request.headers.add("Authorization", authorization)
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
        var headerBlock = CanonicalBuffer()
        let signedHeaders = headerBlock.appendCanonicalHeaders(request.headers)
        let scope = credentialScope(amzDate)
        var items: [(String, String?)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaders),
        ]
        if let token = credentials.sessionToken, options.signSessionToken { items.append(("X-Amz-Security-Token", token)) }
        let added = URIEncoding.queryString(items)
        request.query = request.query.isEmpty ? added : request.query + "&" + added
        var canonical = CanonicalBuffer()
        canonical.append(request.method)
        canonical.newline()
        canonical.append(canonicalURI(request.path, options))
        canonical.newline()
        canonical.append(canonicalQuery(request.query))
        canonical.newline()
        canonical.append(headerBlock.bytes)
        canonical.newline()
        canonical.append(signedHeaders)
        canonical.newline()
        canonical.append(payloadHash(of: request, options.payload))
        let result = finish(canonical: canonical.bytes, signedHeaders: signedHeaders, amzDate: amzDate, credentials: credentials)
        request.query += "&X-Amz-Signature=" + result.signature
        if let token = credentials.sessionToken, !options.signSessionToken {
            request.query += "&" + URIEncoding.queryString([("X-Amz-Security-Token", token)])
        }
        return (request, result)
    }

    // MARK: - Steps

    private func finish(canonical: [UInt8], signedHeaders: String, amzDate: String, credentials: AWSCredentials) -> Signature {
        let scope = credentialScope(amzDate)
        var toSign = CanonicalBuffer()
        toSign.append("AWS4-HMAC-SHA256\n")
        toSign.append(amzDate)
        toSign.newline()
        toSign.append(scope)
        toSign.newline()
        toSign.appendHex(SHA256.hash(canonical))
        let key = keys.key(secret: credentials.secretAccessKey, amzDate: amzDate, region: region, service: service)
        let signature = Hex.encode(key.authenticationCode(toSign.bytes))
        return Signature(canonicalRequestBytes: canonical, stringToSignBytes: toSign.bytes,
                         signedHeaders: signedHeaders, signature: signature, credentialScope: scope)
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
        if path.isEmpty || path == "/" { return "/" }  // every JSON and Query request
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
}

/// Caches the derived signing key: it depends only on (secret, date, region, service), so a signature costs one
/// HMAC (with the key's pad blocks already absorbed) instead of five.
final class SigningKeyCache: Sendable {
    private struct Entry {
        var secret: String
        var date: String
        var key: PreparedHMACKey
    }

    // Locked: signers are shared across tasks.
    private let entry = Locked<Entry?>(nil)
    private let lastDate = Locked<(second: Int, text: String)>((Int.min, ""))

    /// `X-Amz-Date` for `date`, formatted once per second.
    func amzDate(_ date: Date) -> String {
        let second = Int(date.timeIntervalSince1970.rounded(.down))
        if let cached = lastDate.withLock({ $0.second == second ? $0.text : nil }) { return cached }
        let text = AWSDate.amzDate(date)
        lastDate.withLock { $0 = (second, text) }
        return text
    }

    func key(secret: String, amzDate: String, region: String, service: String) -> PreparedHMACKey {
        if let cached = entry.withLock({ $0 }), amzDate.utf8.starts(with: cached.date.utf8), cached.secret == secret { return cached.key }
        let date = String(amzDate.utf8.prefix(8))!
        let kDate = HMACSHA256.authenticationCode(key: Array(("AWS4" + secret).utf8), string: date)
        let kRegion = HMACSHA256.authenticationCode(key: kDate, string: region)
        let kService = HMACSHA256.authenticationCode(key: kRegion, string: service)
        let kSigning = HMACSHA256.authenticationCode(key: kService, string: "aws4_request")
        let prepared = PreparedHMACKey(kSigning)
        entry.withLock { $0 = Entry(secret: secret, date: date, key: prepared) }
        return prepared
    }
}

/// A byte buffer the canonical request and string to sign are built in, without intermediate strings.
struct CanonicalBuffer {
    private(set) var bytes: [UInt8] = []
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    init() { bytes.reserveCapacity(768) }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func newline() { bytes.append(0x0A) }

    mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    mutating func appendHex(_ data: [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: data.count * 2))
        bytes.withUnsafeMutableBufferPointer { out in
            for (index, byte) in data.enumerated() {
                out[start + 2 * index] = Self.hexDigits[Int(byte >> 4)]
                out[start + 2 * index + 1] = Self.hexDigits[Int(byte & 0x0F)]
            }
        }
    }

    /// Appends the canonical header block (`name:value\n` per signed header, names lowercased and sorted,
    /// values trimmed with runs of whitespace collapsed, repeats joined by `,` in arrival order) and returns the
    /// signed header list. Names and values are staged in one arena written through a raw buffer, so no header
    /// costs an allocation (this is the signer's hot loop).
    mutating func appendCanonicalHeaders(_ headers: HTTPHeaders) -> String {
        let fields = headers.fields
        var capacity = 0
        for field in fields { capacity += field.name.utf8.count + field.value.utf8.count }
        var entries: [HeaderEntry] = []
        entries.reserveCapacity(fields.count)
        let arena = [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, count in
            var position = 0
            guard let base = buffer.baseAddress else { return }
            for (order, field) in fields.enumerated() {
                let nameStart = position
                var name = field.name
                name.withUTF8 { source in
                    for byte in source {
                        base[position] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                        position += 1
                    }
                }
                if Self.isUnsigned(UnsafeBufferPointer(start: base + nameStart, count: position - nameStart)) {
                    position = nameStart
                    continue
                }
                let valueStart = position
                var pendingSpace = false
                var value = field.value
                value.withUTF8 { source in
                    for byte in source {
                        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                            pendingSpace = position > valueStart
                        } else {
                            if pendingSpace {
                                base[position] = 0x20
                                position += 1
                            }
                            pendingSpace = false
                            base[position] = byte
                            position += 1
                        }
                    }
                }
                entries.append(HeaderEntry(name: nameStart..<valueStart, value: valueStart..<position, order: order))
            }
            count = position
        }
        arena.withUnsafeBufferPointer { raw in
            entries.sort { a, b in
                let left = UnsafeBufferPointer(rebasing: raw[a.name]), right = UnsafeBufferPointer(rebasing: raw[b.name])
                let common = min(left.count, right.count)
                let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                if order != 0 { return order < 0 }
                if left.count != right.count { return left.count < right.count }
                return a.order < b.order
            }
        }
        var signed: [UInt8] = []
        signed.reserveCapacity(128)
        bytes.reserveCapacity(bytes.count + arena.count + entries.count * 2)
        var previous: Range<Int>?
        for entry in entries {
            if let previous, arena[previous].elementsEqual(arena[entry.name]) {
                bytes.removeLast()
                bytes.append(0x2C)
            } else {
                if previous != nil { signed.append(0x3B) }
                signed.append(contentsOf: arena[entry.name])
                bytes.append(contentsOf: arena[entry.name])
                bytes.append(0x3A)
                previous = entry.name
            }
            bytes.append(contentsOf: arena[entry.value])
            bytes.append(0x0A)
        }
        return String(decoding: signed, as: UTF8.self)
    }

    /// Whether a lowercased header name is one botocore never signs; a first-byte test skips most names at once.
    private static func isUnsigned(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = name.first else { return false }
        switch first {
        case 0x61, 0x63, 0x65, 0x6B, 0x70, 0x74, 0x75, 0x78:  // a c e k p t u x
            return SigV4Signer.unsignedHeaderBytes.contains { $0.count == name.count && $0.elementsEqual(name) }
        default:
            return false
        }
    }
}

/// One header staged for canonicalisation: where its lowercased name and trimmed value sit in the arena, and
/// its arrival order (a nominal type, so the hot loop needs no generic tuple metadata at run time).
struct HeaderEntry {
    var name: Range<Int>
    var value: Range<Int>
    var order: Int
}
