import Foundation
import Testing
@testable import TransferWatchAWS
import TransferWatchTestSupport

/// Signs 600 generated requests with our signer and with botocore's (python3 in the test venv), and compares
/// the results byte for byte: canonical request, string to sign, and the Authorization header or presigned URL.
///
/// The generator aims at the corners: paths with spaces, `+`, `%`, `~`, unicode, empty segments and dots; repeated
/// and empty query keys; header values with runs of spaces and tabs; repeated headers; empty and large bodies;
/// session tokens; S3 signed, unsigned and presigned; ports in the host.
@Suite(.requiresMoto) struct SigV4DifferentialTests {
    static let requestCount = 600

    @Test func ourSignaturesMatchBotocoresByteForByte() throws {
        let botocore = try BotocoreSigner()
        let corpus = DifferentialCorpus.generate(count: Self.requestCount, seed: 20261128)
        let theirs = try botocore.sign(corpus.map(\.botocoreRequest))
        #expect(theirs.count == corpus.count)
        var mismatches = 0
        var byMode: [String: Int] = [:]
        for (item, expected) in zip(corpus, theirs) {
            byMode[item.botocoreRequest.mode.rawValue, default: 0] += 1
            let ours = item.signWithOurs()
            let sameCanonical: Bool = ours.signature.canonicalRequest == expected.canonicalRequest
            let sameStringToSign: Bool = ours.signature.stringToSign == expected.stringToSign
            let sameResult: Bool
            if item.botocoreRequest.mode == BotocoreSigningRequest.Mode.presignS3 {
                sameResult = ours.url == expected.url
            } else {
                sameResult = ours.authorization == expected.authorization
            }
            let same = sameCanonical && sameStringToSign && sameResult
            if !same {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("""
                        mismatch for \(item.botocoreRequest.method) \(item.botocoreRequest.url) [\(item.botocoreRequest.mode.rawValue)]
                        ours canonical:
                        \(ours.signature.canonicalRequest)
                        botocore canonical:
                        \(expected.canonicalRequest)
                        ours: \(ours.authorization ?? ours.url)
                        botocore: \(expected.authorization ?? expected.url)
                        ours string to sign: \(ours.signature.stringToSign)
                        botocore string to sign: \(expected.stringToSign)
                        """)
                }
            }
        }
        print("SigV4 differential test: \(corpus.count) requests compared with botocore byte for byte, \(mismatches) mismatches (\(byMode.sorted { $0.key < $1.key }))")
        #expect(mismatches == 0)
        #expect(corpus.count >= 500)
    }

    @Test func theCorpusCoversTheCornerCases() {
        let corpus = DifferentialCorpus.generate(count: Self.requestCount, seed: 20261128)
        let urls: [String] = corpus.map { $0.botocoreRequest.url }
        #expect(urls.contains { $0.contains("%20") })
        #expect(urls.contains { $0.contains("%2B") })
        #expect(urls.contains { $0.contains("%25") })
        #expect(urls.contains { $0.contains("~") })
        #expect(urls.contains { $0.contains("%E1%88%B4") || $0.contains("%C3%A9") })
        #expect(urls.contains { $0.contains("//") && !$0.hasPrefix("//") })
        #expect(corpus.contains { $0.botocoreRequest.body.count > 1_000_000 })
        #expect(corpus.contains { $0.botocoreRequest.body.isEmpty })
        #expect(corpus.contains { $0.botocoreRequest.headers.contains { $0.value.contains("   ") } })
        #expect(corpus.contains { $0.botocoreRequest.sessionToken != nil })
        let modes = Set(corpus.map(\.botocoreRequest.mode.rawValue))
        #expect(modes == ["header", "s3", "s3-unsigned", "presign-s3"])
    }
}

/// The generated requests, each ready for both signers.
struct DifferentialCorpus {
    struct Item {
        var request: HTTPRequest
        var options: SigV4Signer.Options
        var credentials: AWSCredentials
        var date: Date
        var service: String
        var region: String
        var expires: Int
        var botocoreRequest: BotocoreSigningRequest

        func signWithOurs() -> (authorization: String?, url: String, signature: SigV4Signer.Signature) {
            let signer = SigV4Signer(region: region, service: service)
            if botocoreRequest.mode == .presignS3 {
                let (presigned, signature) = signer.presign(request, credentials: credentials, at: date, expires: expires, options: options)
                return (nil, presigned.url, signature)
            }
            var signed = request
            let signature = signer.sign(&signed, credentials: credentials, at: date, options: options)
            return (signed.headers["Authorization"], signed.url, signature)
        }
    }

    static func generate(count: Int, seed: UInt64) -> [Item] {
        let random = SeededRandomSource(seed: seed)
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

        let segmentPieces = ["invoices", "a b", "a+b", "100%", "x~y", "é", "ሴ", "😀", "2026", "-_.", "key=value", "&", "(1)", "", ".", "..", "   ", "A%2Fb"]
        let queryNames = ["prefix", "list-type", "uploads", "partNumber", "", "a b", "ሴ", "x+y", "Param", "param", "z~"]
        let queryValues = ["", "2", "photos/2015/", "a b+c", "100%", "ü", "=", "~x", "value"]
        let headerNames = ["X-Custom", "x-amz-meta-owner", "Content-Type", "My-Header", "X-Amz-Target", "x-amz-copy-source", "ZZZ-Last", "aaa-first"]
        let headerValues = ["value", "  leading and trailing  ", "a   b   c", "tab\there", "application/json", "bucket/key%20with%20space", "UPPER lower"]
        let services = ["dynamodb", "sqs", "sns", "monitoring", "transfer", "service"]
        let hosts = ["example.amazonaws.com", "127.0.0.1:5000", "localhost:4566", "dynamodb.eu-west-1.amazonaws.com"]
        let large = Data((0..<1_200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })

        var items: [Item] = []
        for index in 0..<count {
            let mode: BotocoreSigningRequest.Mode = pick([.header, .header, .s3, .s3UnsignedPayload, .presignS3])
            let isS3 = mode != .header
            let method = mode == .presignS3 ? pick(["GET", "PUT"]) : pick(["GET", "PUT", "POST", "DELETE", "HEAD"])
            // Path: raw segments, encoded once on the wire (S3 and everyone else alike).
            var segments: [String] = isS3 ? ["bucket-\(index % 7)"] : []
            for _ in 0..<Int(random.next() % 4) { segments.append(pick(segmentPieces)) }
            var path = "/" + segments.map { URIEncoding.encode($0) }.joined(separator: "/")
            if chance(15) { path += "/" }
            if !isS3 && path.contains("/../") == false && chance(5) { path = "/a/./b/../c" }
            if isS3 && path.contains("..") == false && chance(3) { path += "/../raw" }
            // Query: repeated and empty keys.
            // (An empty name with no value would put an empty piece, `&&`, on the wire: our encoder never does.)
            var query: [(String, String?)] = []
            for _ in 0..<Int(random.next() % 4) {
                let name = pick(queryNames)
                query.append((name, chance(20) && !name.isEmpty ? nil : pick(queryValues)))
            }
            if chance(10), let first = query.first { query.append(first) }
            if mode == .presignS3 {
                // botocore's presigner rebuilds the query from a dict: repeated and bare keys do not survive it.
                var seen = Set<String>()
                query = query.filter { $0.1 != nil && seen.insert($0.0).inserted }
            }
            let queryString = URIEncoding.queryString(query)
            var headers: [(String, String)] = []
            for _ in 0..<Int(random.next() % 4) { headers.append((pick(headerNames), pick(headerValues))) }
            if chance(10), let first = headers.first { headers.append((first.0, pick(headerValues))) }
            if mode == .presignS3 { headers.removeAll { $0.0.lowercased().hasPrefix("x-amz") } }
            let body: Data
            switch random.next() % 10 {
            case 0: body = large
            case 1, 2, 3: body = Data()
            default: body = Data((0..<Int(random.next() % 3000)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            }
            let host = pick(hosts)
            let parts = host.split(separator: ":")
            let scheme = host.contains(":") ? "http" : "https"
            var request = HTTPRequest(method: method, scheme: scheme, host: String(parts[0]), port: parts.count > 1 ? Int(parts[1]) : nil,
                                      path: path, query: queryString, headers: HTTPHeaders(headers),
                                      body: mode == .presignS3 || method == "GET" || method == "HEAD" ? Data() : body)
            request.headers.add("Host", request.hostHeader)
            let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE\(index % 3)", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\(index % 5)",
                                             sessionToken: chance(25) ? "FQoGZXIvYXdzE//////////wEaDOKEN+/=\(index)" : nil)
            let date = Date(timeIntervalSince1970: 1_440_938_160 + Double(random.next() % 400_000_000))
            let service = isS3 ? "s3" : pick(services)
            let region = pick(["us-east-1", "eu-west-1", "ap-southeast-2"])
            let options: SigV4Signer.Options = switch mode {
            case .header: .standard
            case .s3: .s3
            case .s3UnsignedPayload: .s3Unsigned
            case .presignS3: .s3Unsigned
            }
            let expires = mode == .presignS3 ? pick([1, 900, 3600, 604_800]) : 3600
            let botocore = BotocoreSigningRequest(
                method: method, url: request.url, headers: request.headers.fields.map { (name: $0.name, value: $0.value) }, body: request.body,
                service: service, region: region, accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.sessionToken, timestamp: date, mode: mode, expires: expires)
            items.append(Item(request: request, options: options, credentials: credentials, date: date, service: service, region: region,
                              expires: expires, botocoreRequest: botocore))
        }
        return items
    }
}
