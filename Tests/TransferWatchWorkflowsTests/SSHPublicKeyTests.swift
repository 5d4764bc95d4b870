import Foundation
import Testing
import TransferWatchAWS

@testable import TransferWatchWorkflows

/// Real keys from `ssh-keygen`, keys Transfer refuses, and hand-broken variants, each with its exact reason.
@Suite struct SSHPublicKeyTests {
    // MARK: - Real keys

    @Test(arguments: ["rsa-2048", "rsa-4096", "ed25519-256", "ecdsa-256", "ecdsa-384", "ecdsa-521"])
    func acceptsKeysMadeBySSHKeygenAndAgreesWithItsFingerprint(name: String) throws {
        let generated = try Self.generatedKey(name)
        let key = try SSHPublicKey(parsing: generated.line)
        // ssh-keygen -l prints "<bits> SHA256:<digest> <comment> (<TYPE>)": our description is the same line.
        #expect(key.description == generated.listing)
        #expect(key.line == generated.line)
        #expect(key.comment == "\(name)@transferwatch-test")
        let expected: [String: (SSHPublicKey.KeyType, Int)] = [
            "rsa-2048": (.rsa, 2048), "rsa-4096": (.rsa, 4096), "ed25519-256": (.ed25519, 256),
            "ecdsa-256": (.ecdsaP256, 256), "ecdsa-384": (.ecdsaP384, 384), "ecdsa-521": (.ecdsaP521, 521),
        ]
        #expect(key.type == expected[name]?.0)
        #expect(key.bits == expected[name]?.1)
    }

    @Test func refusesA1024BitRSAKeyFromSSHKeygen() throws {
        let generated = try Self.generatedKey("rsa-1024")
        #expect(throws: SSHPublicKeyError.rsaModulusTooSmall(bits: 1024)) { try SSHPublicKey(parsing: generated.line) }
        #expect(
            "\(SSHPublicKeyError.rsaModulusTooSmall(bits: 1024))"
                == "the RSA key has 1024 bits; at least 2048 are required")
    }

    @Test func refusesDSAKeysAndCertificatesFromSSHKeygen() throws {
        let keys = try SSHKeygen.shared.get()
        if let dsa = keys.keys["dsa-1024"] {
            let error = #expect(throws: SSHPublicKeyError.self) { try SSHPublicKey(parsing: dsa.line) }
            #expect(
                error?.description
                    == "key type 'ssh-dss' is not accepted: DSA keys are obsolete and Transfer Family does not accept them"
            )
        }
        let error = #expect(throws: SSHPublicKeyError.self) { try SSHPublicKey(parsing: keys.certificate) }
        #expect(
            error?.description
                == "key type 'ssh-ed25519-cert-v01@openssh.com' is not accepted: certificates are not accepted; give the plain public key"
        )
    }

    @Test func normalizesWhitespaceAndKeepsTheCommentsInnerSpaces() throws {
        let generated = try Self.generatedKey("ed25519-256")
        let parts = generated.line.split(separator: " ")
        let messy = "  \(parts[0])\t \(parts[1])   Alice Example <alice@corp>  \r\n"
        let key = try SSHPublicKey(parsing: messy)
        #expect(key.line == "\(parts[0]) \(parts[1]) Alice Example <alice@corp>")
        #expect(key.comment == "Alice Example <alice@corp>")
        let bare = try SSHPublicKey(parsing: "\(parts[0]) \(parts[1])")
        #expect(bare.comment == nil)
        #expect(bare.line == "\(parts[0]) \(parts[1])")
        // Unpadded base64 is allowed by Transfer's pattern (an Ed25519 blob needs one '=').
        let unpadded = String(parts[1]).replacingOccurrences(of: "=", with: "")
        #expect(try SSHPublicKey(parsing: "ssh-ed25519 \(unpadded)").blob == bare.blob)
    }

    // MARK: - Refusals, word for word

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var line: String
        var reason: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = {
        let ed25519Key = [UInt8](repeating: 7, count: 32)
        let ed25519 = wire(bytes("ssh-ed25519"), ed25519Key)
        let p256Point = [0x04] + [UInt8](repeating: 1, count: 64)
        return [
            // The line itself.
            Refusal(name: "empty", line: " \t\n", reason: "the key is empty"),
            Refusal(
                name: "two lines", line: line("ssh-ed25519", ed25519) + "\n" + line("ssh-ed25519", ed25519),
                reason: "the value holds more than one line; give exactly one key"),
            Refusal(
                name: "over 2048 characters",
                line: line("ssh-ed25519", ed25519) + " " + String(repeating: "c", count: 2000),
                reason: "the key line has 2081 bytes; Transfer Family accepts at most 2048 characters"),
            Refusal(
                name: "type only", line: "ssh-ed25519",
                reason: "the line has the type 'ssh-ed25519' but no base64 key data after it"),
            Refusal(
                name: "unknown type", line: "ssh-foo AAAA",
                reason:
                    "key type 'ssh-foo' is not accepted: expected one of ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521"
            ),
            Refusal(
                name: "authorized_keys options", line: #"from="10.0.0.1",no-pty ssh-ed25519 AAAA"#,
                reason:
                    #"key type 'from="10.0.0.1",no-pty' is not accepted: authorized_keys options are not part of a public key; give only '<type> <base64> [comment]'"#
            ),
            Refusal(
                name: "FIDO security key", line: "sk-ssh-ed25519@openssh.com AAAA",
                reason:
                    "key type 'sk-ssh-ed25519@openssh.com' is not accepted: FIDO security keys (sk-…) are not accepted by Transfer Family"
            ),
            Refusal(
                name: "DSA", line: "ssh-dss " + base64(wire(bytes("ssh-dss"), [1], [2], [3], [4])),
                reason:
                    "key type 'ssh-dss' is not accepted: DSA keys are obsolete and Transfer Family does not accept them"
            ),
            // Base64.
            Refusal(
                name: "bad base64 character", line: "ssh-ed25519 AAAA%AAA",
                reason: "the key data is not valid base64: character '%' at offset 4"),
            Refusal(
                name: "base64 length", line: "ssh-ed25519 AAAAA",
                reason: "the key data is not valid base64: its length (5 characters before padding) cannot be base64"),
            Refusal(
                name: "padding inside", line: "ssh-ed25519 AA=AAAAA",
                reason: "the key data is not valid base64: '=' before the end at offset 2"),
            Refusal(
                name: "wrong padding", line: "ssh-ed25519 AAA==",
                reason: "the key data is not valid base64: the last group needs '=', not 2 '='"),
            Refusal(
                name: "stray bits", line: "ssh-ed25519 AAB=",
                reason: "the key data is not valid base64: the last character has stray bits (not canonical)"),
            // The blob.
            Refusal(
                name: "truncated blob", line: "ssh-ed25519 " + base64(Array(ed25519.dropLast(5))),
                reason: "the key data is truncated: it ends inside the Ed25519 key"),
            Refusal(
                name: "truncated length", line: "ssh-ed25519 " + base64([0, 0]),
                reason: "the key data is truncated: it ends inside the key type"),
            Refusal(
                name: "type mismatch", line: "ssh-rsa " + base64(ed25519),
                reason: "the line declares 'ssh-rsa' but the key data is of type 'ssh-ed25519'"),
            Refusal(
                name: "binary type in blob", line: "ssh-ed25519 " + base64(wire([0x00, 0xFF, 0x27])),
                reason: #"the line declares 'ssh-ed25519' but the key data is of type '\x00\xff\x27'"#),
            Refusal(
                name: "extra bytes", line: "ssh-ed25519 " + base64(ed25519 + [0, 0, 0]),
                reason: "the key data has 3 unexpected bytes after the key"),
            Refusal(
                name: "Ed25519 of 31 bytes",
                line: "ssh-ed25519 " + base64(wire(bytes("ssh-ed25519"), Array(ed25519Key.dropLast()))),
                reason: "the Ed25519 key has 31 bytes; it must have 32"),
            // RSA.
            Refusal(
                name: "even exponent", line: line("ssh-rsa", rsa(e: [0x01, 0x00, 0x00], n: modulus(bits: 2048))),
                reason: "the RSA public exponent is invalid: it is even; it must be odd"),
            Refusal(
                name: "exponent 1", line: line("ssh-rsa", rsa(e: [0x01], n: modulus(bits: 2048))),
                reason: "the RSA public exponent is invalid: it is 1; it must be odd and at least 3"),
            Refusal(
                name: "zero exponent", line: line("ssh-rsa", rsa(e: [], n: modulus(bits: 2048))),
                reason: "the RSA public exponent is malformed: it is zero"),
            Refusal(
                name: "negative modulus",
                line: line("ssh-rsa", rsa(e: [0x01, 0x00, 0x01], n: Array(modulus(bits: 2048).dropFirst()))),
                reason: "the RSA modulus is malformed: it is negative"),
            Refusal(
                name: "superfluous zero byte", line: line("ssh-rsa", rsa(e: [0x00, 0x03], n: modulus(bits: 2048))),
                reason: "the RSA public exponent is malformed: it has a superfluous leading zero byte"),
            Refusal(
                name: "2047-bit modulus", line: line("ssh-rsa", rsa(e: [0x01, 0x00, 0x01], n: modulus(bits: 2047))),
                reason: "the RSA key has 2047 bits; at least 2048 are required"),
            Refusal(
                name: "even modulus",
                line: line("ssh-rsa", rsa(e: [0x01, 0x00, 0x01], n: modulus(bits: 2048, odd: false))),
                reason: "the RSA modulus is invalid: it is even, so it cannot be a product of two odd primes"),
            // ECDSA.
            Refusal(
                name: "curve mismatch",
                line: line("ecdsa-sha2-nistp256", wire(bytes("ecdsa-sha2-nistp256"), bytes("nistp384"), p256Point)),
                reason: "the key type names curve 'nistp256' but the key data names 'nistp384'"),
            Refusal(
                name: "compressed point",
                line: line(
                    "ecdsa-sha2-nistp256",
                    wire(bytes("ecdsa-sha2-nistp256"), bytes("nistp256"), [0x02] + [UInt8](repeating: 1, count: 32))),
                reason:
                    "the ECDSA public point is invalid: its first byte is 0x02, not 0x04 (only uncompressed points are accepted)"
            ),
            Refusal(
                name: "short point",
                line: line("ecdsa-sha2-nistp384", wire(bytes("ecdsa-sha2-nistp384"), bytes("nistp384"), p256Point)),
                reason: "the ECDSA public point is invalid: it has 65 bytes; an uncompressed nistp384 point has 97"),
            Refusal(
                name: "empty point",
                line: line("ecdsa-sha2-nistp521", wire(bytes("ecdsa-sha2-nistp521"), bytes("nistp521"), [])),
                reason: "the ECDSA public point is invalid: it is empty"),
            Refusal(
                name: "coordinate at the prime",
                line: line(
                    "ecdsa-sha2-nistp521",
                    wire(
                        bytes("ecdsa-sha2-nistp521"), bytes("nistp521"),
                        [0x04] + [0x01] + [UInt8](repeating: 0xFF, count: 65) + [UInt8](repeating: 0, count: 66))),
                reason: "the ECDSA public point is invalid: a coordinate is not below the nistp521 field prime"),
            // The comment.
            Refusal(
                name: "control character in comment", line: line("ssh-ed25519", ed25519) + " alice\u{07}bell",
                reason: "the comment after the key is not usable: it contains the control character 0x07"),
        ]
    }()

    @Test(arguments: refusals)
    func refusesWithAPreciseReason(_ refusal: Refusal) {
        let error = #expect(throws: SSHPublicKeyError.self) { try SSHPublicKey(parsing: refusal.line) }
        #expect(error?.description == refusal.reason)
    }

    @Test func acceptsHandMadeKeysAtTheBoundaries() throws {
        // Exactly 2048 bits, e = 3; a P-256 point just below the prime; a 2048-character line.
        let rsaKey = try SSHPublicKey(parsing: Self.line("ssh-rsa", Self.rsa(e: [0x03], n: Self.modulus(bits: 2048))))
        #expect(rsaKey.bits == 2048)
        let belowPrime: [UInt8] =
            [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 12)
            + [UInt8](repeating: 0xFF, count: 11) + [0xFE]
        let ecdsa = try SSHPublicKey(
            parsing: Self.line(
                "ecdsa-sha2-nistp256",
                Self.wire(Self.bytes("ecdsa-sha2-nistp256"), Self.bytes("nistp256"), [0x04] + belowPrime + belowPrime)))
        #expect(ecdsa.bits == 256)
        let ed25519 = Self.line("ssh-ed25519", Self.wire(Self.bytes("ssh-ed25519"), [UInt8](repeating: 9, count: 32)))
        let long = ed25519 + " " + String(repeating: "c", count: 2048 - ed25519.utf8.count - 1)
        #expect(long.utf8.count == 2048)
        #expect(try SSHPublicKey(parsing: long).comment?.count == 2048 - ed25519.utf8.count - 1)
    }

    @Test func refusesACommentThatIsNotUTF8() {
        let ed25519 = Self.line("ssh-ed25519", Self.wire(Self.bytes("ssh-ed25519"), [UInt8](repeating: 9, count: 32)))
        let error = #expect(throws: SSHPublicKeyError.self) {
            try SSHPublicKey(parsing: Array(ed25519.utf8) + [0x20, 0xC3, 0x28])
        }
        #expect(error?.description == "the comment after the key is not usable: it is not valid UTF-8")
    }

    // MARK: - Robustness

    /// Every prefix of every real blob, and thousands of seeded byte flips, insertions and deletions in the
    /// blob and in the line: the parser must answer each one (accept or refuse), never trap.
    @Test func survivesEveryTruncationAndRandomCorruptionOfRealKeys() throws {
        let keys = try SSHKeygen.shared.get()
        var random = SeededGenerator(seed: 0x7E57_AB1E)
        var outcomes = (accepted: 0, refused: 0)
        func attempt(_ bytes: [UInt8]) {
            do {
                _ = try SSHPublicKey(parsing: bytes)
                outcomes.accepted += 1
            } catch {
                outcomes.refused += 1
                #expect(!error.description.isEmpty)
            }
        }
        for (_, key) in keys.keys.sorted(by: { $0.key < $1.key }) {
            let parts = key.line.split(separator: " ", maxSplits: 2).map(String.init)
            let blob = try #require(Data(base64Encoded: parts[1]).map(Array.init))
            attempt(Array(key.line.utf8))
            for length in 0..<blob.count {
                attempt(Array("\(parts[0]) \(Self.base64(Array(blob.prefix(length))))".utf8))
            }
            for _ in 0..<400 {
                var mutated = blob
                let position = Int(random.next() % UInt64(mutated.count))
                switch random.next() % 3 {
                case 0: mutated[position] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                case 1: mutated.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
                default: mutated.remove(at: position)
                }
                attempt(Array("\(parts[0]) \(Self.base64(mutated))".utf8))
                var line = Array(key.line.utf8)
                line[Int(random.next() % UInt64(line.count))] = UInt8(truncatingIfNeeded: random.next())
                attempt(line)
            }
        }
        for _ in 0..<2000 {
            attempt((0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
        #expect(outcomes.refused > 0)
        #expect(outcomes.accepted >= 6, "every generated key but rsa-1024 and dsa parses as it is")
    }

    // MARK: - Helpers

    static func generatedKey(_ name: String) throws -> SSHKeygen.Key {
        let keys = try SSHKeygen.shared.get()
        return try #require(keys.keys[name], "ssh-keygen made no \(name) key")
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// SSH wire `string`s, each a 32-bit big-endian length and the bytes.
    static func wire(_ fields: [UInt8]...) -> [UInt8] {
        fields.flatMap { field -> [UInt8] in
            let count = UInt32(field.count)
            return [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
                + field
        }
    }

    static func base64(_ blob: [UInt8]) -> String { Data(blob).base64EncodedString() }

    static func line(_ type: String, _ blob: [UInt8]) -> String { "\(type) \(base64(blob))" }

    static func rsa(e: [UInt8], n: [UInt8]) -> [UInt8] { wire(bytes("ssh-rsa"), e, n) }

    /// A positive mpint of exactly `bits` bits (with its sign byte when the top bit is set), odd unless told.
    static func modulus(bits: Int, odd: Bool = true) -> [UInt8] {
        let byteCount = (bits + 7) / 8
        var magnitude = [UInt8](repeating: 0xA5, count: byteCount)
        let topBits = bits - (byteCount - 1) * 8
        magnitude[0] = UInt8(truncatingIfNeeded: (1 << topBits) - 1) | UInt8(1 << (topBits - 1))
        magnitude[byteCount - 1] = odd ? 0xA5 : 0xA4
        return magnitude[0] & 0x80 != 0 ? [0] + magnitude : magnitude
    }
}
