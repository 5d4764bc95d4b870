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
    /// Never sent twice by the transport: the request goes on a new connection. libcurl resends a request by
    /// itself, whatever its method, when the reused connection it went on closes without a byte of answer
    /// ("Connection died, retrying a fresh connect"); the server may have done the work already. For calls that
    /// are not idempotent a lost answer must instead reach the caller, who decides.
    package var sendsOnce = false

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
        self.init(method: method, endpoint: HTTPEndpoint(endpoint), path: path, query: query, headers: headers, body: body)
    }

    /// Builds a request from an endpoint split once (clients keep one: parsing the URL per request is slow),
    /// appending an already-encoded path and query.
    package init(method: String, endpoint: HTTPEndpoint, path: String = "/", query: String = "", headers: HTTPHeaders = [:],
                 body: Data = Data()) {
        self.init(
            method: method,
            scheme: endpoint.scheme,
            host: endpoint.host,
            port: endpoint.port,
            path: endpoint.basePath + (path.hasPrefix("/") ? path : "/" + path),
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

/// An endpoint URL split into the parts every request to it starts from.
package struct HTTPEndpoint: Sendable, Equatable {
    /// `https` or `http`.
    package var scheme: String
    package var host: String
    package var port: Int?
    /// The endpoint's own percent-encoded path, without a trailing `/` (usually empty).
    package var basePath: String

    /// Splits `url` (a URL without scheme or host gives `https` and an empty host).
    package init(_ url: URL) {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let path = components?.percentEncodedPath ?? ""
        scheme = components?.scheme ?? "https"
        host = components?.host ?? ""
        port = components?.port
        basePath = path.hasSuffix("/") ? String(path.dropLast()) : path
    }
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
