/// A complete response: status, header fields and body.
///
/// ``serialized(includeBody:keepAlive:)`` adds `Content-Length`, `Connection` and `Date`-free framing, so the
/// routes only say what to send.
package struct HTTPResponse: Sendable, Equatable {
    /// The status code.
    package var status: Int
    /// Header fields in order (framing fields are added when serialized).
    package var headers: [HTTPField]
    /// The body; not sent for `HEAD` requests, but its length is still announced.
    package var body: [UInt8]

    /// Creates a response.
    package init(status: Int, headers: [HTTPField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    ///
    /// - Parameters:
    ///   - status: The status code.
    ///   - text: The body.
    ///   - headers: Extra fields after `Content-Type`.
    /// - Returns: The response.
    package static func text(status: Int = 200, _ text: String, headers: [HTTPField] = []) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [HTTPField("Content-Type", "text/plain; charset=utf-8")] + headers,
            body: Array(text.utf8)
        )
    }

    /// The first value of field `name` (case-insensitive).
    package func value(of name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The bytes on the wire.
    ///
    /// - Parameters:
    ///   - includeBody: `false` for a `HEAD` request: the head announces the body's length but omits it.
    ///   - keepAlive: Whether the connection stays open; `false` adds `Connection: close`.
    /// - Returns: Status line, fields, blank line and (unless omitted) body.
    package func serialized(includeBody: Bool, keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reasonPhrase(for: status))\r\n"
        for field in headers {
            text += "\(field.name): \(field.value)\r\n"
        }
        text += "Content-Length: \(body.count)\r\n"
        text += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        text += "\r\n"
        var bytes = Array(text.utf8)
        if includeBody { bytes += body }
        return bytes
    }

    /// The standard reason phrase of `status`.
    package static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}

/// One header field of a response.
package struct HTTPField: Sendable, Equatable {
    /// The field name.
    package var name: String
    /// The field value (must not contain CR or LF: the routes only set fixed values).
    package var value: String

    /// Creates a field.
    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
