import Foundation
import TransferWatchAWS

/// An OpenSSH public key line (`<type> <base64> [comment]`) that AWS Transfer Family will accept, checked down
/// to the key material before any call is made.
///
/// Accepted: `ssh-rsa` with a modulus of at least 2048 bits and an odd public exponent of at least 3,
/// `ssh-ed25519`, and `ecdsa-sha2-nistp256`, `-nistp384`, `-nistp521` with an uncompressed point whose
/// coordinates lie below the curve's prime. Everything else is refused with a precise
/// ``SSHPublicKeyError``: DSA keys, FIDO security keys (`sk-…`), certificates, a blob whose embedded type
/// differs from the declared one, truncated or padded blobs, bad base64, lines over 2048 characters.
///
/// The parser works on bytes with every length and index checked, so no input can make it trap; it is the
/// target of the fuzzer.
///
/// ```swift
/// let key = try SSHPublicKey(parsing: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... alice@laptop")
/// key.type         // .ed25519
/// key.fingerprint  // "SHA256:…", as `ssh-keygen -l` prints it
/// key.line         // what to send to Transfer: one space between fields, no surrounding whitespace
/// ```
package struct SSHPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The key types Transfer Family accepts.
    package enum KeyType: String, Sendable, Hashable, CaseIterable {
        case rsa = "ssh-rsa"
        case ed25519 = "ssh-ed25519"
        case ecdsaP256 = "ecdsa-sha2-nistp256"
        case ecdsaP384 = "ecdsa-sha2-nistp384"
        case ecdsaP521 = "ecdsa-sha2-nistp521"

        /// The name `ssh-keygen -l` prints (`RSA`, `ED25519`, `ECDSA`).
        package var displayName: String {
            switch self {
            case .rsa: "RSA"
            case .ed25519: "ED25519"
            case .ecdsaP256, .ecdsaP384, .ecdsaP521: "ECDSA"
            }
        }
    }

    /// The key type, as declared and as embedded in the blob (they are checked to be equal).
    package let type: KeyType
    /// The decoded key blob (SSH wire format).
    package let blob: [UInt8]
    /// The base64 text of the blob, exactly as given.
    package let encodedBlob: String
    /// The comment after the key, if any (inner spaces kept, surrounding whitespace removed).
    package let comment: String?
    /// The key size in bits: the RSA modulus length, 256 for Ed25519, the curve size for ECDSA.
    package let bits: Int

    /// The longest `SshPublicKeyBody` Transfer Family accepts, in characters.
    package static let maximumLineLength = 2048
    /// The smallest RSA modulus accepted, in bits.
    package static let minimumRSABits = 2048

    /// Parses and validates one key line.
    ///
    /// Whitespace around the line is ignored, fields are separated by spaces or tabs, and everything after
    /// the base64 field is the comment.
    ///
    /// - Throws: ``SSHPublicKeyError`` naming the first problem found.
    package init(parsing text: String) throws(SSHPublicKeyError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses and validates one key line given as UTF-8 bytes (any bytes: invalid UTF-8 is refused, not trapped on).
    ///
    /// - Throws: ``SSHPublicKeyError`` naming the first problem found.
    package init(parsing bytes: [UInt8]) throws(SSHPublicKeyError) {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, Self.isLineWhitespace(bytes[start]) { start += 1 }
        while end > start, Self.isLineWhitespace(bytes[end - 1]) { end -= 1 }
        let line = bytes[start..<end]
        guard !line.isEmpty else { throw .empty }
        guard line.count <= Self.maximumLineLength else { throw .tooLong(bytes: line.count) }
        if line.contains(0x0A) || line.contains(0x0D) { throw .multipleLines }

        // Fields: type, key data, then the comment (the rest of the line).
        var cursor = line.startIndex
        func field() -> ArraySlice<UInt8> {
            while cursor < line.endIndex, Self.isFieldSeparator(line[cursor]) { cursor += 1 }
            let fieldStart = cursor
            while cursor < line.endIndex, !Self.isFieldSeparator(line[cursor]) { cursor += 1 }
            return line[fieldStart..<cursor]
        }
        let typeField = field()
        let typeName = String(decoding: typeField, as: UTF8.self)
        guard let type = KeyType(rawValue: typeName) else { throw Self.refusal(forType: typeField) }
        let keyField = field()
        guard !keyField.isEmpty else { throw .missingKeyData(type: typeName) }
        while cursor < line.endIndex, Self.isFieldSeparator(line[cursor]) { cursor += 1 }
        let commentBytes = line[cursor..<line.endIndex]

        let blob = try SSHBase64.decode(keyField)
        let bits = try Self.validate(blob: blob, declared: type)

        var comment: String?
        if !commentBytes.isEmpty {
            guard let text = String(validating: commentBytes, as: UTF8.self) else {
                throw .invalidComment("it is not valid UTF-8")
            }
            if let control = commentBytes.first(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                throw .invalidComment("it contains the control character 0x\(Self.hex(control))")
            }
            comment = text
        }
        self.type = type
        self.blob = blob
        self.encodedBlob = String(decoding: keyField, as: UTF8.self)
        self.comment = comment
        self.bits = bits
    }

    /// The line to send to Transfer Family: `<type> <base64>[ <comment>]`.
    package var line: String {
        var text = "\(type.rawValue) \(encodedBlob)"
        if let comment { text += " \(comment)" }
        return text
    }

    /// The SHA-256 fingerprint as OpenSSH prints it: `SHA256:` and the unpadded base64 of the blob's digest.
    package var fingerprint: String {
        let digest = Data(SHA256.hash(blob)).base64EncodedString()
        return "SHA256:" + digest.prefix(while: { $0 != "=" })
    }

    /// `ssh-keygen -l` style: `256 SHA256:… alice@laptop (ED25519)`.
    package var description: String {
        "\(bits) \(fingerprint)\(comment.map { " \($0)" } ?? "") (\(type.displayName))"
    }

    // MARK: - Blob validation

    /// Checks the blob of a `declared` key and returns its size in bits.
    private static func validate(blob: [UInt8], declared: KeyType) throws(SSHPublicKeyError) -> Int {
        var reader = SSHWireReader(blob)
        let embedded = try reader.string(field: "the key type")
        guard embedded.elementsEqual(declared.rawValue.utf8) else {
            throw .typeMismatch(declared: declared.rawValue, embedded: quoted(embedded))
        }
        let bits: Int
        switch declared {
        case .rsa:
            let exponent = try reader.mpint(field: "the RSA public exponent")
            let modulus = try reader.mpint(field: "the RSA modulus")
            guard let lastExponentByte = exponent.last, bitLength(exponent) >= 2 else {
                throw .invalidRSAExponent(
                    "it is \(exponent.last.map(String.init) ?? "0"); it must be odd and at least 3")
            }
            guard lastExponentByte & 1 == 1 else { throw .invalidRSAExponent("it is even; it must be odd") }
            bits = bitLength(modulus)
            guard bits >= minimumRSABits else { throw .rsaModulusTooSmall(bits: bits) }
            guard let lastModulusByte = modulus.last, lastModulusByte & 1 == 1 else {
                throw .invalidRSAModulus("it is even, so it cannot be a product of two odd primes")
            }
        case .ed25519:
            let key = try reader.string(field: "the Ed25519 key")
            guard key.count == 32 else { throw .invalidEd25519Key(bytes: key.count) }
            bits = 256
        case .ecdsaP256, .ecdsaP384, .ecdsaP521:
            let curve = Curve(declared)
            let name = try reader.string(field: "the ECDSA curve name")
            guard name.elementsEqual(curve.name.utf8) else {
                throw .curveMismatch(declared: curve.name, embedded: quoted(name))
            }
            let point = try reader.string(field: "the ECDSA public point")
            guard let form = point.first, form == 0x04 else {
                throw .invalidECDSAPoint(
                    point.isEmpty
                        ? "it is empty"
                        : "its first byte is 0x\(hex(point[point.startIndex])), not 0x04 (only uncompressed points are accepted)"
                )
            }
            guard point.count == 1 + 2 * curve.coordinateBytes else {
                throw .invalidECDSAPoint(
                    "it has \(point.count) bytes; an uncompressed \(curve.name) point has \(1 + 2 * curve.coordinateBytes)"
                )
            }
            let x = point.dropFirst().prefix(curve.coordinateBytes)
            let y = point.suffix(curve.coordinateBytes)
            guard x.lexicographicallyPrecedes(curve.prime), y.lexicographicallyPrecedes(curve.prime) else {
                throw .invalidECDSAPoint("a coordinate is not below the \(curve.name) field prime")
            }
            bits = curve.bits
        }
        guard reader.remaining == 0 else { throw .trailingData(bytes: reader.remaining) }
        return bits
    }

    /// The number of significant bits of a non-negative big-endian magnitude (leading zero bytes allowed).
    private static func bitLength(_ magnitude: ArraySlice<UInt8>) -> Int {
        guard let first = magnitude.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (magnitude.endIndex - first - 1) * 8 + (8 - magnitude[first].leadingZeroBitCount)
    }

    /// The precise refusal for a type Transfer does not accept.
    private static func refusal(forType field: ArraySlice<UInt8>) -> SSHPublicKeyError {
        let name = String(decoding: field, as: UTF8.self)
        let shown = quoted(field)
        if name == "ssh-dss" {
            return .unsupportedType(shown, reason: "DSA keys are obsolete and Transfer Family does not accept them")
        }
        if name.contains("-cert-v0") {
            return .unsupportedType(shown, reason: "certificates are not accepted; give the plain public key")
        }
        if name.hasPrefix("sk-") {
            return .unsupportedType(shown, reason: "FIDO security keys (sk-…) are not accepted by Transfer Family")
        }
        if name.contains("=") || name.contains("\"") || name.contains(",") {
            return .unsupportedType(
                shown,
                reason: "authorized_keys options are not part of a public key; give only '<type> <base64> [comment]'")
        }
        return .unsupportedType(
            shown, reason: "expected one of \(KeyType.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    private static func isLineWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    private static func isFieldSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// Bytes from an untrusted blob or line, shown safely in an error: printable ASCII kept, everything else as
    /// `\xNN`, at most 40 bytes, in single quotes.
    static func quoted(_ bytes: some Collection<UInt8>) -> String {
        var text = ""
        for byte in bytes.prefix(40) {
            if byte >= 0x20, byte < 0x7F, byte != 0x27, byte != 0x5C {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + hex(byte)
            }
        }
        return "'\(text)\(bytes.count > 40 ? "…" : "")'"
    }
}

/// The three NIST curves of `ecdsa-sha2-nistp*` keys.
private struct Curve {
    var name: String
    var bits: Int
    var coordinateBytes: Int
    /// The field prime, big-endian, `coordinateBytes` long.
    var prime: [UInt8]

    init(_ type: SSHPublicKey.KeyType) {
        switch type {
        case .ecdsaP384:
            name = "nistp384"
            bits = 384
            coordinateBytes = 48
            prime =
                [UInt8](repeating: 0xFF, count: 28) + [0xFE] + [UInt8](repeating: 0xFF, count: 4)
                + [UInt8](repeating: 0x00, count: 8) + [UInt8](repeating: 0xFF, count: 4)
        case .ecdsaP521:
            name = "nistp521"
            bits = 521
            coordinateBytes = 66
            prime = [0x01] + [UInt8](repeating: 0xFF, count: 65)
        default:
            name = "nistp256"
            bits = 256
            coordinateBytes = 32
            prime =
                [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01] + [UInt8](repeating: 0x00, count: 12)
                + [UInt8](repeating: 0xFF, count: 12)
        }
    }
}

/// Reads SSH wire-format fields (RFC 4251 §5) from a blob, never past its end.
private struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    /// A `string`: a 32-bit big-endian length, then that many bytes.
    mutating func string(field: String) throws(SSHPublicKeyError) -> ArraySlice<UInt8> {
        guard remaining >= 4 else { throw .truncated(field: field) }
        var length = 0
        for index in offset..<offset + 4 { length = length << 8 | Int(bytes[index]) }
        offset += 4
        guard length <= remaining else { throw .truncated(field: field) }
        defer { offset += length }
        return bytes[offset..<offset + length]
    }

    /// An `mpint` that must be positive: two's complement, big-endian, minimal (RFC 4251 §5).
    /// - Returns: the magnitude without the sign byte.
    mutating func mpint(field: String) throws(SSHPublicKeyError) -> ArraySlice<UInt8> {
        let value = try string(field: field)
        guard let first = value.first else { throw .invalidMPInt(field: field, "it is zero") }
        guard first & 0x80 == 0 else { throw .invalidMPInt(field: field, "it is negative") }
        if first == 0 {
            guard value.count > 1, value[value.startIndex + 1] & 0x80 != 0 else {
                throw .invalidMPInt(field: field, "it has a superfluous leading zero byte")
            }
            return value.dropFirst()
        }
        return value
    }
}

/// Strict base64 (RFC 4648 §4, standard alphabet): padding optional but exact when present, no characters
/// after it, and no stray bits in the last character.
enum SSHBase64 {
    static func decode(_ text: ArraySlice<UInt8>) throws(SSHPublicKeyError) -> [UInt8] {
        var body = text
        var padding = 0
        while let last = body.last, last == UInt8(ascii: "=") {
            body = body.dropLast()
            padding += 1
        }
        var output: [UInt8] = []
        output.reserveCapacity(body.count * 3 / 4)
        var accumulator: UInt32 = 0
        var count = 0
        for (position, character) in body.enumerated() {
            guard let value = sextet(character) else {
                let what =
                    character == UInt8(ascii: "=")
                    ? "'=' before the end" : "character \(SSHPublicKey.quoted([character]))"
                throw .invalidBase64("\(what) at offset \(position)")
            }
            accumulator = accumulator << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                output.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
                count = 0
            }
        }
        switch count {
        case 0:
            guard padding == 0 else { throw .invalidBase64("\(padding) padding character(s) after a complete group") }
        case 1:
            throw .invalidBase64("its length (\(body.count) characters before padding) cannot be base64")
        case 2:
            guard padding == 0 || padding == 2 else {
                throw .invalidBase64("the last group needs '==', not \(padding) '='")
            }
            guard accumulator & 0x0F == 0 else {
                throw .invalidBase64("the last character has stray bits (not canonical)")
            }
            output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        default:
            guard padding == 0 || padding == 1 else {
                throw .invalidBase64("the last group needs '=', not \(padding) '='")
            }
            guard accumulator & 0x03 == 0 else {
                throw .invalidBase64("the last character has stray bits (not canonical)")
            }
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        }
        return output
    }

    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
