import Foundation
import Testing
@testable import TransferWatchAWS
import TransferWatchTestSupport

/// Runs every case of AWS's official SigV4 suites (aws-c-auth and botocore's copy) and the project's derived
/// service vectors from `../shared/aws-sigv4-testsuite`, checking canonical request, string to sign and signature.
@Suite struct SigV4TestSuiteTests {
    /// One case directory and the kind of files it holds.
    struct VectorCase: CustomTestStringConvertible, Sendable {
        enum Layout: Sendable { case awsCAuth, botocore, derived }
        var directory: URL
        var layout: Layout
        var testDescription: String { "\(layout) \(directory.lastPathComponent)" }
    }

    static let suiteRoot: URL = SharedPaths.sigV4TestSuite

    static let cases: [VectorCase] = {
        var result: [VectorCase] = []
        let fm = FileManager.default
        func dirs(_ url: URL) -> [URL] {
            ((try? fm.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [])
                .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        for dir in dirs(suiteRoot.appendingPathComponent("aws-c-auth-v4")) { result.append(.init(directory: dir, layout: .awsCAuth)) }
        for dir in dirs(suiteRoot.appendingPathComponent("derived-service-vectors")) { result.append(.init(directory: dir, layout: .derived)) }
        for dir in dirs(suiteRoot.appendingPathComponent("botocore-aws4_testsuite")) {
            if fm.fileExists(atPath: dir.appendingPathComponent(dir.lastPathComponent + ".req").path) {
                result.append(.init(directory: dir, layout: .botocore))
            } else {
                for nested in dirs(dir) { result.append(.init(directory: nested, layout: .botocore)) }
            }
        }
        return result
    }()

    @Test func theWholeSuiteIsPresentAndCounted() {
        let byLayout = Dictionary(grouping: Self.cases, by: { "\($0.layout)" }).mapValues(\.count)
        print("SigV4 test suite: \(Self.cases.count) cases from \(Self.suiteRoot.path): \(byLayout.sorted { $0.key < $1.key })")
        #expect(byLayout["awsCAuth"] == 38)
        #expect(byLayout["botocore"] == 34)
        #expect(byLayout["derived"] == 22)
    }

    @Test(arguments: cases) func vector(_ vector: VectorCase) throws {
        switch vector.layout {
        case .awsCAuth, .derived: try checkContextCase(vector)
        case .botocore: try checkBotocoreCase(vector)
        }
    }

    // MARK: - aws-c-auth layout (context.json + request.txt + header-*/query-* files)

    private func checkContextCase(_ vector: VectorCase) throws {
        let dir = vector.directory
        let contextObject = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("context.json")))
        let context = try #require(contextObject as? [String: Any])
        let credentialsJSON = try #require(context["credentials"] as? [String: Any])
        let accessKey = try #require(credentialsJSON["access_key_id"] as? String)
        let secretKey = try #require(credentialsJSON["secret_access_key"] as? String)
        let credentials = AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey, sessionToken: credentialsJSON["token"] as? String)
        let timestamp = try #require(context["timestamp"] as? String)
        let date = try #require(AWSDate.parseISO8601(timestamp))
        let region = try #require(context["region"] as? String)
        let service = try #require(context["service"] as? String)
        let signer = SigV4Signer(region: region, service: service)
        let request = try SigningVectorRequest.parse(try String(contentsOf: dir.appendingPathComponent("request.txt"), encoding: .utf8))

        var options = SigV4Signer.Options()
        options.normalizePath = context["normalize"] as? Bool ?? true
        options.doubleURIEncode = context["double_uri_encode"] as? Bool ?? true
        options.signSessionToken = !(context["omit_session_token"] as? Bool ?? false)
        if vector.layout == .awsCAuth {
            let signBody = context["sign_body"] as? Bool ?? false
            options.addContentSHA256Header = signBody
            options.payload = signBody ? .signed : .precomputed(SHA256.emptyHex)
        } else {
            options.addContentSHA256Header = context["adds_x_amz_content_sha256_header"] as? Bool ?? false
            options.payload = (context["payload_hash"] as? String) == "UNSIGNED-PAYLOAD" ? .unsigned : .signed
            options.signSessionToken = true
        }

        var checked = 0
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("header-signature.txt").path) {
            var signed = request
            let result = signer.sign(&signed, credentials: credentials, at: date, options: options)
            #expect(result.canonicalRequest == (try read(dir, "header-canonical-request.txt")), "canonical request")
            #expect(result.stringToSign == (try read(dir, "header-string-to-sign.txt")), "string to sign")
            #expect(result.signature == (try read(dir, "header-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
            let expectedSigned = try SigningVectorRequest.parse(try read(dir, "header-signed-request.txt"))
            #expect(signed.headers["Authorization"] == expectedSigned.headers["Authorization"])
            checked += 1
        }
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("query-signature.txt").path) {
            let expires = context["expiration_in_seconds"] as? Int ?? 3600
            var queryOptions = options
            queryOptions.addContentSHA256Header = false
            let (presigned, result) = signer.presign(request, credentials: credentials, at: date, expires: expires, options: queryOptions)
            #expect(result.canonicalRequest == (try read(dir, "query-canonical-request.txt")), "query canonical request")
            #expect(result.stringToSign == (try read(dir, "query-string-to-sign.txt")), "query string to sign")
            #expect(result.signature == (try read(dir, "query-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(presigned.query.contains("&X-Amz-Signature=" + result.signature))
            checked += 1
        }
        #expect(checked > 0, "no header or query expectations in \(dir.path)")
    }

    // MARK: - botocore layout (.req .creq .sts .authz)

    private func checkBotocoreCase(_ vector: VectorCase) throws {
        let name = vector.directory.lastPathComponent
        let request = try SigningVectorRequest.parse(try read(vector.directory, name + ".req"))
        // The token is only in the signed request; whether it was signed shows in the canonical request.
        let signedRequest = try SigningVectorRequest.parse(try read(vector.directory, name + ".sreq"))
        let expectedCanonical = try read(vector.directory, name + ".creq")
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                         sessionToken: signedRequest.headers["X-Amz-Security-Token"])
        var options = SigV4Signer.Options.standard
        options.signSessionToken = expectedCanonical.contains("x-amz-security-token")
        let amzDate = try #require(request.headers["X-Amz-Date"])
        let date = try #require(AWSDate.parseAmzDate(amzDate))
        let signer = SigV4Signer(region: "us-east-1", service: "service")
        var signed = request
        let result = signer.sign(&signed, credentials: credentials, at: date, options: options)
        #expect(result.canonicalRequest == expectedCanonical)
        #expect(result.stringToSign == (try read(vector.directory, name + ".sts")))
        #expect(signed.headers["Authorization"] == (try read(vector.directory, name + ".authz")))
    }

    private func read(_ dir: URL, _ file: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
    }
}

/// Parses the suites' `request.txt` format: a request line, `Name:Value` headers (obs-fold continuation lines
/// joined with a space), a blank line, then the body.
enum SigningVectorRequest {
    struct Malformed: Error {}

    static func parse(_ text: String) throws -> HTTPRequest {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let head: Substring
        let body: Substring
        if let blank = normalized.range(of: "\n\n") {
            head = normalized[..<blank.lowerBound]
            body = normalized[blank.upperBound...]
        } else {
            head = normalized[...]
            body = ""
        }
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { throw Malformed() }
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let versionRange = requestLine.range(of: " HTTP/", options: .backwards) else { throw Malformed() }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<versionRange.lowerBound])
        var fields: [(String, String)] = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t" {
                guard !fields.isEmpty else { throw Malformed() }
                fields[fields.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw Malformed() }
            fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let headers = HTTPHeaders(fields)
        let path: String
        let query: String
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = target
            query = ""
        }
        let hostValue = headers["Host"] ?? "example.amazonaws.com"
        return HTTPRequest(method: method, host: hostValue, path: path, query: query, headers: headers, body: Data(body.utf8))
    }
}
