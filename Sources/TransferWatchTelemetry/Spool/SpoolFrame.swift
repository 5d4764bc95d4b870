import Foundation
import TransferWatchAWS

/// The on-disk framing of one spool record: a 16-byte header, then the payload.
///
/// ```
/// offset 0  magic   "TWS1" (4 bytes)
///        4  length  payload bytes, UInt32 little-endian
///        8  weight  datapoints the record holds, UInt32 little-endian
///       12  crc     CRC-32 (zlib) of the weight bytes followed by the payload, UInt32 little-endian
///       16  payload
/// ```
///
/// A record that a `kill -9` cut short fails the length check (fewer bytes than announced) or the CRC; a
/// record is only ever appended, so the first bad frame of a segment marks its torn tail.
package enum SpoolFrame {
    /// The header's size in bytes.
    package static let headerSize = 16
    /// The largest payload accepted (a PutMetricData batch is at most about 1 MB).
    package static let maxPayloadSize = 8 << 20
    /// The magic bytes `TWS1`.
    static let magic: [UInt8] = [0x54, 0x57, 0x53, 0x31]

    /// What decoding the bytes at one offset found.
    package enum Decoded: Equatable {
        /// A whole, valid record: its payload, weight, and the offset just after it.
        case record(payload: Data, weight: UInt32, next: Int)
        /// No bytes left: the clean end of the segment.
        case end
        /// Bytes that are not a whole valid record (torn or corrupt), with the reason.
        case invalid(String)
    }

    /// The frame for `payload` holding `weight` datapoints.
    package static func encode(_ payload: Data, weight: UInt32) -> Data {
        var frame = Data(capacity: headerSize + payload.count)
        frame.append(contentsOf: magic)
        append(UInt32(payload.count), to: &frame)
        append(weight, to: &frame)
        append(checksum(weight: weight, payload: payload), to: &frame)
        frame.append(payload)
        return frame
    }

    /// Decodes the frame starting at `offset` of `bytes`.
    package static func decode(_ bytes: Data, at offset: Int) -> Decoded {
        let available = bytes.count - offset
        if available == 0 { return .end }
        guard available >= headerSize else { return .invalid("\(available) bytes, shorter than a record header") }
        let start = bytes.startIndex + offset
        guard Array(bytes[start..<start + 4]) == magic else { return .invalid("no record header (bad magic)") }
        let length = Int(readUInt32(bytes, start + 4))
        let weight = readUInt32(bytes, start + 8)
        let crc = readUInt32(bytes, start + 12)
        guard length <= maxPayloadSize else { return .invalid("record length \(length) exceeds \(maxPayloadSize)") }
        guard available - headerSize >= length else {
            return .invalid("record announces \(length) bytes but \(available - headerSize) remain")
        }
        let payload = bytes.subdata(in: start + headerSize..<start + headerSize + length)
        guard checksum(weight: weight, payload: payload) == crc else { return .invalid("CRC mismatch") }
        return .record(payload: payload, weight: weight, next: offset + headerSize + length)
    }

    /// The CRC-32 over the weight's bytes and the payload.
    static func checksum(weight: UInt32, payload: Data) -> UInt32 {
        var covered = Data(capacity: 4 + payload.count)
        append(weight, to: &covered)
        covered.append(payload)
        return CRC32.checksum(covered)
    }

    static func append(_ value: UInt32, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    static func readUInt32(_ bytes: Data, _ index: Data.Index) -> UInt32 {
        var value: UInt32 = 0
        for shift in 0..<4 { value |= UInt32(bytes[index + shift]) << (8 * UInt32(shift)) }
        return value
    }
}
