/// A number of bytes, written in configuration as `5GiB`, `64MiB`, `10MB` or a plain integer.
///
/// Binary units (`KiB`, `MiB`, `GiB`, `TiB`, powers of 1024) and decimal units (`KB`, `MB`,
/// `GB`, `TB`, powers of 1000) are accepted, as is `B` and a plain integer meaning bytes.
/// Units are case-sensitive (`mb` is rejected, since millibits are not a size) and may be
/// separated from the number by one space. Fractions and negative sizes are rejected.
///
/// ```swift
/// ByteSize(parsing: "64MiB")?.bytes   // 67_108_864
/// ByteSize.gibibytes(5).description   // "5GiB"
/// ```
package struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The size in bytes, never negative.
    package var bytes: Int64

    /// Creates a size of `bytes` bytes.
    ///
    /// - Parameter bytes: The number of bytes; must not be negative.
    package init(bytes: Int64) {
        precondition(bytes >= 0, "a byte size cannot be negative")
        self.bytes = bytes
    }

    /// A size of `count` KiB (1024 bytes each).
    package static func kibibytes(_ count: Int64) -> ByteSize { ByteSize(bytes: count << 10) }

    /// A size of `count` MiB (1024² bytes each).
    package static func mebibytes(_ count: Int64) -> ByteSize { ByteSize(bytes: count << 20) }

    /// A size of `count` GiB (1024³ bytes each).
    package static func gibibytes(_ count: Int64) -> ByteSize { ByteSize(bytes: count << 30) }

    /// A size of `count` TiB (1024⁴ bytes each).
    package static func tebibytes(_ count: Int64) -> ByteSize { ByteSize(bytes: count << 40) }

    /// The units, each with its multiplier; binary units come first so that formatting prefers them.
    private static let units: [(symbol: String, multiplier: Int64)] = [
        ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
        ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000),
        ("B", 1),
    ]

    /// Parses a size such as `5GiB`, `64 MiB`, `10MB`, `512B` or `1048576`.
    ///
    /// - Parameter text: The size as written.
    /// - Returns: `nil` when the text is malformed or the size does not fit in 63 bits.
    package init?(parsing text: String) {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var number: Int64 = 0
        while index < scalars.count, let digit = asciiDigit(scalars[index]) {
            let (shifted, overflow1) = number.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            number = sum
            index += 1
        }
        guard index > 0 else { return nil }
        if index < scalars.count, scalars[index] == " " { index += 1 }
        var symbol = ""
        symbol.unicodeScalars.append(contentsOf: scalars[index...])
        if symbol.isEmpty {
            // A plain integer; "5 " with a dangling space is not.
            guard index == scalars.count, scalars.last != " " else { return nil }
            self.init(bytes: number)
            return
        }
        guard let unit = Self.units.first(where: { $0.symbol == symbol }) else { return nil }
        let (product, overflow) = number.multipliedReportingOverflow(by: unit.multiplier)
        guard !overflow else { return nil }
        self.init(bytes: product)
    }

    /// The shortest exact form: the largest binary unit that divides the size, else the
    /// largest decimal unit that does, else bytes (`5GiB`, `10MB`, `1000001B`; zero is `0B`).
    package var description: String {
        guard bytes > 0 else { return "0B" }
        for unit in Self.units where bytes % unit.multiplier == 0 {
            return "\(bytes / unit.multiplier)\(unit.symbol)"
        }
        return "\(bytes)B"
    }

    /// Orders sizes by their number of bytes.
    package static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }
}
