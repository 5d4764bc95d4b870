/// Why an SSH public key line was refused; its `description` is one line fit for an operator.
package enum SSHPublicKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing but whitespace.
    case empty
    /// Longer than Transfer Family's 2048 characters.
    case tooLong(bytes: Int)
    /// More than one line (two keys pasted together, or a wrapped key).
    case multipleLines
    /// A type Transfer Family does not accept, with why (DSA, security key, certificate, options, unknown).
    case unsupportedType(String, reason: String)
    /// The type is there but the base64 field is not.
    case missingKeyData(type: String)
    /// The key field is not strict base64.
    case invalidBase64(String)
    /// The blob ends inside a field.
    case truncated(field: String)
    /// The blob names a different key type than the line declares.
    case typeMismatch(declared: String, embedded: String)
    /// Bytes left over after the last field of the blob.
    case trailingData(bytes: Int)
    /// An mpint field is zero, negative or not minimally encoded.
    case invalidMPInt(field: String, String)
    /// The RSA public exponent is even or below 3.
    case invalidRSAExponent(String)
    /// The RSA modulus is not a possible modulus.
    case invalidRSAModulus(String)
    /// The RSA modulus is shorter than ``SSHPublicKey/minimumRSABits``.
    case rsaModulusTooSmall(bits: Int)
    /// The Ed25519 key is not 32 bytes.
    case invalidEd25519Key(bytes: Int)
    /// The ECDSA blob names a different curve than the key type.
    case curveMismatch(declared: String, embedded: String)
    /// The ECDSA point is not an uncompressed point of the curve's size.
    case invalidECDSAPoint(String)
    /// The comment is not printable UTF-8 text.
    case invalidComment(String)

    package var description: String {
        switch self {
        case .empty:
            "the key is empty"
        case .tooLong(let bytes):
            "the key line has \(bytes) bytes; Transfer Family accepts at most \(SSHPublicKey.maximumLineLength) characters"
        case .multipleLines:
            "the value holds more than one line; give exactly one key"
        case .unsupportedType(let type, let reason):
            "key type \(type) is not accepted: \(reason)"
        case .missingKeyData(let type):
            "the line has the type '\(type)' but no base64 key data after it"
        case .invalidBase64(let detail):
            "the key data is not valid base64: \(detail)"
        case .truncated(let field):
            "the key data is truncated: it ends inside \(field)"
        case .typeMismatch(let declared, let embedded):
            "the line declares '\(declared)' but the key data is of type \(embedded)"
        case .trailingData(let bytes):
            "the key data has \(bytes) unexpected byte\(bytes == 1 ? "" : "s") after the key"
        case .invalidMPInt(let field, let detail):
            "\(field) is malformed: \(detail)"
        case .invalidRSAExponent(let detail):
            "the RSA public exponent is invalid: \(detail)"
        case .invalidRSAModulus(let detail):
            "the RSA modulus is invalid: \(detail)"
        case .rsaModulusTooSmall(let bits):
            "the RSA key has \(bits) bits; at least \(SSHPublicKey.minimumRSABits) are required"
        case .invalidEd25519Key(let bytes):
            "the Ed25519 key has \(bytes) bytes; it must have 32"
        case .curveMismatch(let declared, let embedded):
            "the key type names curve '\(declared)' but the key data names \(embedded)"
        case .invalidECDSAPoint(let detail):
            "the ECDSA public point is invalid: \(detail)"
        case .invalidComment(let detail):
            "the comment after the key is not usable: \(detail)"
        }
    }
}
