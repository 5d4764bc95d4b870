import CTransferWatch
import Foundation

/// SHA-256 over OpenSSL's libcrypto (a per-thread context, fetched once).
package enum SHA256 {
    /// The 32-byte digest of `bytes`.
    package static func hash<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let ok = bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { tw_sha256(raw.baseAddress, raw.count, $0.baseAddress) }
        }
        precondition(ok == 1, "libcrypto SHA-256 failed")
        return out
    }

    /// The digest of a string's UTF-8 bytes.
    package static func hash(_ string: String) -> [UInt8] {
        var string = string
        return string.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// Lowercase hex of the digest, as SigV4 wants it.
    package static func hexHash<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String { Hex.encode(hash(bytes)) }

    /// The SHA-256 of the empty string, the payload hash of every body-less request.
    package static let emptyHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}

/// HMAC-SHA-256 over OpenSSL's libcrypto (EVP_MAC, a per-thread context).
package enum HMACSHA256 {
    /// The 32-byte authentication code of `data` under `key`.
    package static func authenticationCode<Key: ContiguousBytes, Data: ContiguousBytes>(key: Key, data: Data) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let ok = key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                out.withUnsafeMutableBufferPointer {
                    tw_hmac_sha256(k.baseAddress, k.count, d.baseAddress, d.count, $0.baseAddress)
                }
            }
        }
        precondition(ok == 1, "libcrypto HMAC-SHA-256 failed")
        return out
    }

    /// The code of a string's UTF-8 bytes.
    package static func authenticationCode<Key: ContiguousBytes>(key: Key, string: String) -> [UInt8] {
        var string = string
        return string.withUTF8 { authenticationCode(key: key, data: UnsafeRawBufferPointer($0)) }
    }
}

/// An HMAC-SHA-256 key prepared once (pad blocks absorbed by libcrypto's SHA-256), for many signatures.
package struct PreparedHMACKey: Sendable {
    private let prepared: tw_hmac_key

    package init(_ key: [UInt8]) {
        var prepared = tw_hmac_key()
        let ok = key.withUnsafeBytes { tw_hmac_key_init(&prepared, $0.baseAddress, $0.count) }
        precondition(ok == 1, "libcrypto SHA-256 failed")
        self.prepared = prepared
    }

    /// HMAC-SHA-256 of `bytes` under this key.
    package func authenticationCode(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var prepared = self.prepared
        let ok = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { tw_hmac_key_sign(&prepared, input.baseAddress, input.count, $0.baseAddress) }
        }
        precondition(ok == 1, "libcrypto SHA-256 failed")
        return out
    }
}

/// MD5 over libcrypto: S3 ETags of single-part objects and SQS `MD5OfBody` are MD5s.
package enum MD5 {
    /// The 16-byte digest of `bytes`.
    package static func hash<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        let ok = bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { tw_md5(raw.baseAddress, raw.count, $0.baseAddress) }
        }
        precondition(ok == 1, "libcrypto MD5 failed")
        return out
    }
}

/// Lowercase hexadecimal encoding.
package enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hex.
    package static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// gzip framing over zlib.
package enum GZip {
    /// The errors zlib can report.
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case compressionFailed
        case corruptInput
        case tooLarge(limit: Int)

        package var description: String {
            switch self {
            case .compressionFailed: "gzip compression failed"
            case .corruptInput: "gzip input is corrupt or truncated"
            case .tooLarge(let limit): "gzip input inflates past the \(limit)-byte limit"
            }
        }
    }

    /// gzip-compresses `data` (level 6 by default, as `gzip` does).
    package static func compress(_ data: Data, level: Int32 = 6) throws(Failure) -> Data {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = data.withUnsafeBytes { raw in
            tw_gzip_compress(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, level, &output, &length)
        }
        guard status == 0, let output else { throw .compressionFailed }
        defer { tw_free(output) }
        return Data(bytes: output, count: length)
    }

    /// Inflates a gzip or zlib stream, refusing to produce more than `limit` bytes (a zip-bomb guard).
    package static func decompress(_ data: Data, limit: Int = 256 << 20) throws(Failure) -> Data {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = data.withUnsafeBytes { raw in
            tw_gzip_decompress(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, limit, &output, &length)
        }
        if status == -2 { throw .tooLarge(limit: limit) }
        guard status == 0, let output else { throw .corruptInput }
        defer { tw_free(output) }
        return Data(bytes: output, count: length)
    }
}

/// CRC-32 over zlib (DynamoDB's `x-amz-crc32` response header).
package enum CRC32 {
    /// The CRC-32 of `data`.
    package static func checksum(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { raw in tw_crc32(raw.bindMemory(to: UInt8.self).baseAddress, raw.count) }
    }
}
