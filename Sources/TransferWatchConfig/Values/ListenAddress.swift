/// The address the agent's HTTP server listens on, `host:port`.
///
/// The host is an IPv4 address, a bracketed IPv6 address (`[::1]:9464`) or a host name; the port
/// is 0–65535, where 0 asks the system for a free port (useful in tests).
///
/// ```swift
/// let address = try ListenAddress(parsing: "127.0.0.1:9464")
/// address.host  // "127.0.0.1"
/// address.port  // 9464
/// ```
package struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host, without brackets for IPv6.
    package var host: String
    /// The TCP port.
    package var port: Int

    /// Creates an address from a host and a port.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[ipv6]:port`.
    ///
    /// - Parameter text: The address.
    /// - Throws: ``ListenAddressError`` when the text is malformed or the port out of range.
    package init(parsing text: String) throws(ListenAddressError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .malformed(text)
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw .malformed(text)
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .malformed(text) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            let hostCharacter = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-") }
            guard !host.isEmpty, host.allSatisfy(hostCharacter), !host.hasPrefix("-"), !host.hasPrefix(".") else {
                throw .malformed(text)
            }
        }
        guard !portText.isEmpty, portText.count <= 6, portText.allSatisfy({ ("0"..."9").contains($0) }),
            let port = Int(portText)
        else { throw .malformed(text) }
        guard (0...65535).contains(port) else { throw .portOutOfRange(port) }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, with brackets around an IPv6 host.
    package var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Why a listen address is invalid.
package enum ListenAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not `host:port`.
    case malformed(String)
    /// The port is above 65535.
    case portOutOfRange(Int)

    /// A one-line explanation.
    package var description: String {
        switch self {
        case .malformed(let text):
            "malformed listen address \(quoted(text)) (expected host:port, e.g. 127.0.0.1:9464)"
        case .portOutOfRange(let port):
            "port \(port) out of range 0-65535"
        }
    }
}
