import Foundation

/// One HTTP request as it will be put on the wire.
///
/// The path and query are kept in their *encoded wire form*: the signer canonicalises exactly what is sent,
/// and S3 needs its key encoded once and never normalised.
package struct HTTPRequest: Sendable {
    package var method: String
    package var scheme: String
    package var host: String
    package var port: Int?
    /// The percent-encoded path, starting with `/`.
    package var path: String
    /// The percent-encoded query string without its `?` (empty when there is none).
    package var query: String
    package var headers: HTTPHeaders
    package var body: Data

    package init(
        method: String,
        scheme: String = "https",
        host: String,
        port: Int? = nil,
        path: String = "/",
        query: String = "",
        headers: HTTPHeaders = [:],
        body: Data = Data()
    ) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Builds a request from an endpoint URL, appending an already-encoded path and query.
    package init(method: String, endpoint: URL, path: String = "/", query: String = "", headers: HTTPHeaders = [:], body: Data = Data()) {
        let components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)
        let basePath = components?.percentEncodedPath ?? ""
        let trimmedBase = basePath.hasSuffix("/") ? String(basePath.dropLast()) : basePath
        self.init(
            method: method,
            scheme: components?.scheme ?? "https",
            host: components?.host ?? "",
            port: components?.port,
            path: trimmedBase + (path.hasPrefix("/") ? path : "/" + path),
            query: query,
            headers: headers,
            body: body
        )
    }

    /// The `Host` header value: the host, with the port when it is not the scheme's default.
    package var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        return "\(host):\(port)"
    }

    /// The full URL string, exactly as sent.
    package var url: String {
        "\(scheme)://\(hostHeader)\(path)\(query.isEmpty ? "" : "?" + query)"
    }

    /// The URL with every query value replaced by `…` where its name marks a secret (for logs and errors).
    package var redactedURL: String { Redaction.redactURL(url) }
}

/// One HTTP response, its body read whole.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: Data

    package init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (lossy), for messages.
    package var bodyText: String { String(decoding: body, as: UTF8.self) }
}
