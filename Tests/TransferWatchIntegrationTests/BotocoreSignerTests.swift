import Foundation
import Testing
import TransferWatchTestSupport

/// The oracle must reproduce the project's derived SigV4 vectors before anything is compared against it.
@Suite(.requiresMoto)
struct BotocoreSignerTests {
    /// Every derived vector botocore agrees with (all but `s3-doc-put-object`, below).
    static let agreeingVectors = [
        "dynamodb-put-item",
        "dynamodb-update-item-session-token",
        "monitoring-put-metric-data-json",
        "s3-copy-object",
        "s3-create-multipart-upload",
        "s3-delete-object",
        "s3-doc-get-bucket-lifecycle",
        "s3-doc-get-object",
        "s3-doc-list-objects",
        "s3-doc-presigned-get",
        "s3-get-object-encoded-key",
        "s3-head-object",
        "s3-list-objects-v2",
        "s3-presigned-put-session-token",
        "s3-put-object-session-token",
        "s3-put-object-unsigned-payload",
        "s3-upload-part-copy",
        "sns-publish-query",
        "sqs-receive-message-json",
        "sts-get-caller-identity-query",
        "transfer-create-server-json11",
    ]

    /// One signer, one batch: canonical request, string to sign and signature must all match the files.
    @Test func reproducesEveryAgreeingDerivedVector() throws {
        let vectors = try Self.agreeingVectors.map { try DerivedVector(name: $0) }
        let signatures = try BotocoreSigner().sign(vectors.map(\.request))

        for (vector, signature) in zip(vectors, signatures) {
            #expect(signature.canonicalRequest == vector.canonicalRequest, "\(vector.name)")
            #expect(signature.stringToSign == vector.stringToSign, "\(vector.name)")
            #expect(signature.signature == vector.signature, "\(vector.name)")
            if vector.request.mode == .presignS3 {
                let pathAndQuery = signature.url.replacingOccurrences(of: "https://\(vector.host)", with: "")
                #expect(
                    vector.signedRequestLine == "\(vector.request.method) \(pathAndQuery) HTTP/1.1", "\(vector.name)")
            } else {
                let authorization = try #require(signature.authorization, "\(vector.name)")
                #expect(vector.signedRequest.contains("Authorization:\(authorization)\n"), "\(vector.name)")
            }
        }
    }

    /// The S3 documentation's PUT example signs both `Date` and `x-amz-date`. botocore does not: given a
    /// `Date` header, `SigV4Auth._set_necessary_date_headers` rewrites it (`... -0000`) and drops
    /// `X-Amz-Date`. The oracle reports botocore's behaviour, so differential tests must not send `Date`.
    @Test func divergesFromTheS3DocumentationWhenADateHeaderIsPresent() throws {
        let vector = try DerivedVector(name: "s3-doc-put-object")
        let signature = try BotocoreSigner().sign([vector.request])[0]

        #expect(signature.signature != vector.signature)
        #expect(signature.canonicalRequest.contains("date:Fri, 24 May 2013 00:00:00 -0000\n"))
        #expect(!signature.canonicalRequest.contains("x-amz-date"))
        #expect(vector.canonicalRequest.contains("x-amz-date:20130524T000000Z\n"))
    }

    @Test func signsThousandsOfRequestsInOneRoundTrip() throws {
        let vectors = try ["s3-get-object-encoded-key", "dynamodb-put-item", "s3-doc-presigned-get"].map {
            try DerivedVector(name: $0)
        }
        let oracle = try BotocoreSigner()
        let requests = (0..<3000).map { vectors[$0 % vectors.count].request }

        let clock = ContinuousClock()
        var signatures: [BotocoreSignature] = []
        let elapsed = try clock.measure { signatures = try oracle.sign(requests) }

        #expect(signatures.count == requests.count)
        for (index, signature) in signatures.enumerated() {
            #expect(signature.signature == vectors[index % vectors.count].signature)
        }
        #expect(
            try oracle.sign(Array(requests.prefix(2))).map(\.signature) == Array(signatures.prefix(2)).map(\.signature))
        #expect(elapsed < .seconds(30))
        print("botocore signed \(requests.count) requests in \(elapsed)")
    }
}

/// One folder of `shared/aws-sigv4-testsuite/derived-service-vectors/`, read where it sits.
private struct DerivedVector {
    var name: String
    var request: BotocoreSigningRequest
    var host: String
    var canonicalRequest: String
    var stringToSign: String
    var signature: String
    var signedRequest: String
    var signedRequestLine: String

    /// `context.json` (snake_case keys).
    private struct Context: Decodable {
        struct Credentials: Decodable {
            var accessKeyId: String
            var secretAccessKey: String
            var token: String?
        }
        var credentials: Credentials
        var region: String
        var service: String
        var timestamp: String
        var signatureType: String
        var payloadHash: String
        var expirationInSeconds: Int?
    }

    init(name: String) throws {
        self.name = name
        let shared = try #require(RepositoryPaths.sharedDirectory(), "no repository root above this file")
        let folder = shared.appendingPathComponent("aws-sigv4-testsuite/derived-service-vectors/\(name)")
        func read(_ file: String) throws -> Data {
            let url = folder.appendingPathComponent(file)
            return try #require(FileManager.default.contents(atPath: url.path), "missing \(url.path)")
        }
        func text(_ file: String) throws -> String { String(decoding: try read(file), as: UTF8.self) }

        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let context = try decoder.decode(Context.self, from: try read("context.json"))
        let isPresigned = context.signatureType.hasPrefix("query")
        let prefix = isPresigned ? "query" : "header"

        // request.txt: request line, `Name:Value` headers, a blank line, the body (bytes, as sent).
        let raw = try read("request.txt")
        let separator = try #require(raw.firstRange(of: Data("\n\n".utf8)), "no blank line in \(name)/request.txt")
        let head = String(decoding: raw[raw.startIndex..<separator.lowerBound], as: UTF8.self)
        let body = Data(raw[separator.upperBound...])
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        let headers = lines.filter { !$0.isEmpty }.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        host = try #require(headers.first { $0.name.lowercased() == "host" }?.value)

        let mode: BotocoreSigningRequest.Mode
        if isPresigned {
            mode = .presignS3
        } else if context.service == "s3" {
            mode = context.payloadHash == "UNSIGNED-PAYLOAD" ? .s3UnsignedPayload : .s3
        } else {
            mode = .header
        }
        request = BotocoreSigningRequest(
            method: requestLine[0], url: "https://\(host)\(requestLine[1])", headers: headers, body: body,
            service: context.service, region: context.region, accessKeyID: context.credentials.accessKeyId,
            secretAccessKey: context.credentials.secretAccessKey, sessionToken: context.credentials.token,
            timestamp: try Date.ISO8601FormatStyle().parse(context.timestamp), mode: mode,
            expires: context.expirationInSeconds ?? 3600
        )
        canonicalRequest = try text("\(prefix)-canonical-request.txt")
        stringToSign = try text("\(prefix)-string-to-sign.txt")
        signature = try text("\(prefix)-signature.txt")
        signedRequest = try text("\(prefix)-signed-request.txt")
        signedRequestLine = String(signedRequest.prefix { $0 != "\n" })
    }
}
