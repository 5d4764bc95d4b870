import Foundation

/// The deterministic records the spool crash test writes (through the `SpoolProbe` executable) and checks:
/// record `n` is `"n:"` followed by a run of bytes whose length and content both depend on `n`.
package enum SpoolProbePayload {
    /// Record `n`'s bytes (between 20 and about 3,000 bytes).
    package static func bytes(_ number: Int) -> Data {
        var data = Data("\(number):".utf8)
        let length = 16 + (number &* 7919) % 3000
        let byte = UInt8(truncatingIfNeeded: 0x41 + number % 26)
        data.append(contentsOf: repeatElement(byte, count: length))
        return data
    }

    /// The number of a record whose every byte is what ``bytes(_:)`` writes, else `nil`.
    package static func number(_ payload: Data) -> Int? {
        guard let colon = payload.firstIndex(of: UInt8(ascii: ":")),
            let number = Int(String(decoding: payload[payload.startIndex..<colon], as: UTF8.self)),
            bytes(number) == payload
        else { return nil }
        return number
    }
}
