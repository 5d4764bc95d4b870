import Foundation

/// Writes JSON straight into bytes, for the request bodies on the copy path (`JSONEncoder` with its generic
/// containers cost more CPU than the rest of a `TransactWriteItems` call).
///
/// Strings are escaped as `JSONEncoder` escapes them with `.withoutEscapingSlashes`: `"`, `\`, and control
/// characters (`\b \f \n \r \t`, others `\u00XX`); everything else, non-ASCII included, is written as UTF-8.
/// The caller writes keys in the order it wants (sorted, to match ``AWSJSON/encoder``).
///
/// ```swift
/// var json = JSONWriter()
/// json.object { json in json.member("TableName") { $0.string("t") } }
/// let body = json.data
/// ```
package struct JSONWriter {
    /// The bytes so far.
    package private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// An empty document.
    package init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    /// The document as `Data`.
    package var data: Data { Data(bytes) }

    /// `{…}`, with `body` writing the members.
    package mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `[…]`, with `body` writing the elements.
    package mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// `"name":` and the value `body` writes.
    package mutating func member(_ name: String, _ body: (inout JSONWriter) -> Void) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
        body(&self)
        needsComma = true
    }

    /// A string value.
    package mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// `true` or `false`.
    package mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
