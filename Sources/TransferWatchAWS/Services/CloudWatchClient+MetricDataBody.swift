import Foundation

extension CloudWatchClient {
    /// The JSON 1.0 body of `PutMetricData`, written byte by byte into one buffer.
    ///
    /// `PutMetricData` is the agent's busiest call (up to 1000 data points a request); `JSONEncoder` spent most of
    /// the CPU of a publish building and sorting a dictionary per data point. The body written here is the one
    /// `JSONEncoder` wrote with `[.sortedKeys, .withoutEscapingSlashes]` and epoch-second dates, byte for byte:
    /// members in sorted order, absent members left out, numbers as Swift's shortest round-trip `description`
    /// without a trailing `.0`, strings with `"`, `\` and control characters escaped and other text (non-ASCII
    /// included) as raw UTF-8.
    ///
    /// Values must be finite: ``putMetricData(namespace:data:)`` validates them first (a non-finite number has
    /// no JSON form and is written as `null`, which CloudWatch refuses).
    enum MetricDataBody {
        /// The body for `namespace` and `data`.
        static func encode(namespace: String, data: [MetricDatum]) -> Data {
            var writer = JSONBodyWriter(capacity: 64 + namespace.utf8.count + data.count * 160)
            writer.append("{\"MetricData\":[")
            for (index, datum) in data.enumerated() {
                if index > 0 { writer.append(",") }
                write(datum, into: &writer)
            }
            writer.append("],\"Namespace\":")
            writer.string(namespace)
            writer.append("}")
            return writer.data
        }

        /// One datum, members in sorted order: Counts, Dimensions, MetricName, StatisticValues, StorageResolution,
        /// Timestamp, Unit, Value, Values.
        private static func write(_ datum: MetricDatum, into writer: inout JSONBodyWriter) {
            writer.append("{")
            if case .distribution(_, let counts?) = datum.value {
                writer.append("\"Counts\":")
                writer.numbers(counts)
                writer.append(",")
            }
            if !datum.dimensions.isEmpty {
                writer.append("\"Dimensions\":[")
                for (index, dimension) in datum.dimensions.enumerated() {
                    writer.append(index > 0 ? ",{\"Name\":" : "{\"Name\":")
                    writer.string(dimension.name)
                    writer.append(",\"Value\":")
                    writer.string(dimension.value)
                    writer.append("}")
                }
                writer.append("],")
            }
            writer.append("\"MetricName\":")
            writer.string(datum.name)
            if case .statistics(let set) = datum.value {
                writer.append(",\"StatisticValues\":{\"Maximum\":")
                writer.number(set.maximum)
                writer.append(",\"Minimum\":")
                writer.number(set.minimum)
                writer.append(",\"SampleCount\":")
                writer.number(set.sampleCount)
                writer.append(",\"Sum\":")
                writer.number(set.sum)
                writer.append("}")
            }
            if let resolution = datum.storageResolution {
                writer.append(",\"StorageResolution\":")
                writer.number(Double(resolution.rawValue))
            }
            if let timestamp = datum.timestamp {
                writer.append(",\"Timestamp\":")
                writer.number(timestamp.timeIntervalSince1970)
            }
            if let unit = datum.unit {
                writer.append(",\"Unit\":")
                writer.string(unit.rawValue)
            }
            switch datum.value {
            case .single(let value):
                writer.append(",\"Value\":")
                writer.number(value)
            case .distribution(let values, _):
                writer.append(",\"Values\":")
                writer.numbers(values)
            case .statistics:
                break
            }
            writer.append("}")
        }
    }
}

/// A growing byte buffer with the JSON primitives ``CloudWatchClient/MetricDataBody`` needs.
struct JSONBodyWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    /// An empty writer with room for `capacity` bytes.
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes as `Data`.
    var data: Data { Data(bytes) }

    /// Appends literal JSON punctuation or member names (ASCII, already escaped).
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `text` as a JSON string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or
    /// `\u00XX`, everything else (`/` and non-ASCII included) as its UTF-8 bytes.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a JSON array of numbers.
    mutating func numbers(_ values: [Double]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            number(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Appends `value` as `JSONEncoder` writes a `Double`: Swift's shortest round-trip `description`, without a
    /// trailing `.0` (`3`, `12.5`, `-0`, `1e-07`, `2.348542582773834e+108`). Whole numbers below 10^15 are
    /// written digit by digit (their `description` is never exponential), the rest through `description`.
    /// A NaN or an infinity, which JSON cannot express, is written as `null`.
    mutating func number(_ value: Double) {
        guard value.isFinite else {
            append("null")
            return
        }
        let magnitude = value.magnitude
        if magnitude < 1e15, magnitude.rounded(.towardZero) == magnitude {
            if value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
            integer(UInt64(magnitude))
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends the decimal digits of `value`.
    private mutating func integer(_ value: UInt64) {
        guard value >= 10 else {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes on the stack: enough for 20 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var remaining = value
            var position = buffer.count
            while remaining > 0 {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            bytes.append(contentsOf: buffer[position...])
        }
    }
}
