import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Small HTTP helpers shared by the container and instance-metadata providers.
enum MetadataHTTP {
    /// A request for an absolute `http(s)` URL; `nil` when the URL has no scheme or host.
    static func request(_ method: String, url: String, headers: HTTPHeaders = [:]) -> HTTPRequest? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return nil }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return HTTPRequest(
            method: method, scheme: scheme, host: host, port: components.port, path: path,
            query: components.percentEncodedQuery ?? "", headers: headers)
    }

    /// `base` and `path` joined with exactly one `/`.
    static func join(_ base: String, _ path: String) -> String {
        base.hasSuffix("/") ? base + path : base + "/" + path
    }

    /// The first `limit` characters of a body, on one line, for messages.
    static func excerpt(_ response: HTTPResponse, limit: Int = 200) -> String {
        let text = response.bodyText.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        return text.count > limit ? text.prefix(limit) + "…" : text
    }

    /// The 16 bytes of an IPv6 address or the 4 of an IPv4 one (brackets allowed), `nil` for a name.
    static func addressBytes(_ host: String) -> [UInt8]? {
        var text = host
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// Whether `host` is a loopback address: 127.0.0.0/8, or ::1.
    static func isLoopback(_ host: String) -> Bool {
        guard let bytes = addressBytes(host) else { return false }
        if bytes.count == 4 { return bytes[0] == 127 }
        return bytes == [UInt8](repeating: 0, count: 15) + [1]
    }
}
