/// Percent-encoding with SigV4's unreserved set (`A–Z a–z 0–9 - _ . ~`), uppercase hex.
package enum URIEncoding {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    @inline(__always)
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x5F, 0x2E, 0x7E: true
        default: false
        }
    }

    /// Encodes every byte outside the unreserved set; with `keepSlash`, `/` is kept (paths).
    package static func encode(_ string: String, keepSlash: Bool = false) -> String {
        var needs = false
        for byte in string.utf8 where !(isUnreserved(byte) || (keepSlash && byte == 0x2F)) {
            needs = true
            break
        }
        guard needs else { return string }
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count + 16)
        for byte in string.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == 0x2F) {
                out.append(byte)
            } else {
                out.append(0x25)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (a malformed escape is kept literally); `+` is left alone unless `plusAsSpace`.
    package static func decode(_ string: String, plusAsSpace: Bool = false) -> String {
        guard string.utf8.contains(where: { $0 == 0x25 || (plusAsSpace && $0 == 0x2B) }) else { return string }
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count)
        let bytes = Array(string.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x25, index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusAsSpace && byte == 0x2B ? 0x20 : byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// Builds a wire query string from name/value pairs, encoding both with the SigV4 set.
    /// A `nil` value gives a bare name (`?uploads`).
    package static func queryString(_ items: [(String, String?)]) -> String {
        items.map { name, value in
            value.map { "\(encode(name))=\(encode($0))" } ?? encode(name)
        }.joined(separator: "&")
    }
}
