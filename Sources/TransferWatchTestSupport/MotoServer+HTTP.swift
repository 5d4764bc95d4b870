import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What moto answered to a request sent with ``MotoServer/send(_:_:headers:body:)``.
package struct MotoResponse: Sendable {
    /// The HTTP status code.
    package var status: Int
    /// The response headers, names as moto sent them.
    package var headers: [String: String]
    /// The response body (URLSession has already undone any `Content-Encoding`).
    package var body: Data

    /// The body as UTF-8 text, for assertions on XML and JSON.
    package var text: String { String(decoding: body, as: UTF8.self) }
}

/// Plain HTTP to moto over URLSession, for tests that set up state or check it without the product's client.
///
/// These requests are not signed. moto routes an unsigned request by its path (S3 by default) and, for a
/// signed-looking one, by the credential scope of its `Authorization` header, so Query and JSON protocol
/// calls go through ``sendQuery(service:region:parameters:)`` or carry ``placeholderAuthorization(service:region:)``.
/// While moto verifies signatures, both are rejected.
extension MotoServer {
    /// Sends one request to moto.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - pathAndQuery: Appended to ``endpoint`` as is: already percent-encoded, starting with `/`.
    ///   - headers: Sent in order; URLSession adds `Host`, `Content-Length`, `User-Agent` and `Accept-Encoding`.
    ///   - body: The request body.
    /// - Returns: The status, headers and body.
    /// - Throws: A transport error (moto not running, connection refused, timeout).
    package func send(
        _ method: String, _ pathAndQuery: String, headers: [(name: String, value: String)] = [], body: Data = Data()
    ) async throws -> MotoResponse {
        guard let url = URL(string: endpoint.absoluteString + pathAndQuery) else {
            throw URLError(.badURL)
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers {
            request.addValue(value, forHTTPHeaderField: name)
        }
        if !body.isEmpty {
            request.httpBody = body
        }
        let (data, response) = try await session.motoData(for: request)
        var responseHeaders: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            responseHeaders["\(name)"] = "\(value)"
        }
        return MotoResponse(status: response.statusCode, headers: responseHeaders, body: data)
    }

    /// Sends an AWS Query-protocol request (form body) that moto routes to `service` without a real signature.
    ///
    /// - Parameters:
    ///   - service: The signing name, e.g. `iam`, `monitoring`, `sns`, `sts`.
    ///   - region: The region in the placeholder credential scope.
    ///   - parameters: The form, in order, e.g. `[("Action", "ListMetrics"), ("Version", "2010-08-01")]`; encoded here.
    /// - Returns: moto's answer (XML).
    package func sendQuery(
        service: String, region: String = "us-east-1", parameters: [(String, String)]
    ) async throws -> MotoResponse {
        try await send(
            "POST", "/",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("Authorization", Self.placeholderAuthorization(service: service, region: region)),
            ],
            body: Data(Self.formEncoded(parameters).utf8)
        )
    }

    /// An `Authorization` header that routes a request to `service` in moto but is no valid signature.
    package static func placeholderAuthorization(service: String, region: String = "us-east-1") -> String {
        "AWS4-HMAC-SHA256 Credential=AKIAMOTOPLACEHOLDER00/20000101/\(region)/\(service)/aws4_request, "
            + "SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000"
    }

    /// `application/x-www-form-urlencoded` with AWS's encoding: everything but `A-Z a-z 0-9 - _ . ~` is %XX.
    package static func formEncoded(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    private static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += byte < 16 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return result
    }
}
