/// The units a duration string may use, largest first, with their length in milliseconds.
///
/// A compound duration must use them in this order, each at most once (`1d6h`, not `6h1d`).
private let durationUnits: [(symbol: String, milliseconds: Int64)] = [
    ("w", 7 * 86_400_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
]

/// Parses a duration written as a number and a unit, or several of them, such as `30s` or `1h30m`.
///
/// The units are `ms`, `s`, `m`, `h`, `d` (24 hours) and `w` (7 days). A compound duration lists
/// its parts from the largest unit to the smallest, each unit at most once (`1d12h`, `2h30m15s`).
/// The bare number `0` is accepted as zero; any other number needs a unit. Signs, fractions,
/// spaces and lengths that do not fit in 64-bit milliseconds are rejected.
///
/// ```swift
/// parseDuration("1h30m")   // .seconds(5400)
/// parseDuration("500ms")   // .milliseconds(500)
/// parseDuration("2 days")  // nil
/// ```
///
/// - Parameter text: The duration as written in a configuration or rule file.
/// - Returns: The duration, or `nil` when `text` is not a well-formed duration.
package func parseDuration(_ text: String) -> Duration? {
    guard let milliseconds = parseDurationMilliseconds(text) else { return nil }
    return .milliseconds(milliseconds)
}

/// Formats a duration in the shortest canonical form that ``parseDuration(_:)`` reads back.
///
/// Each unit from days down to milliseconds is used at most once, largest first, and parts that
/// are zero are left out (`1h30m`, `2d`, `1m5s`). Weeks are used only for whole numbers of weeks' worth of
/// days, so 14 days is `2w` but 8 days is `8d`. Zero is `0s`. Precision below a millisecond is
/// dropped, and a negative duration is formatted as its magnitude preceded by `-`, which
/// ``parseDuration(_:)`` does not accept.
///
/// - Parameter duration: The duration to format.
/// - Returns: The canonical text, such as `2d`, `1h30m` or `500ms`.
package func formatDuration(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let millisecondsPart = attoseconds / 1_000_000_000_000_000
    let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    guard !overflow else { return "\(seconds)s" }
    let (total, sumOverflow) = product.addingReportingOverflow(millisecondsPart)
    guard !sumOverflow else { return "\(seconds)s" }
    if total == 0 { return "0s" }
    if total < 0 {
        guard total != .min else { return "\(seconds)s" }
        return "-" + formatMilliseconds(-total)
    }
    return formatMilliseconds(total)
}

/// Formats a positive number of milliseconds with ``durationUnits``, largest unit first.
private func formatMilliseconds(_ value: Int64) -> String {
    var remaining = value
    var text = ""
    let day: Int64 = 86_400_000
    let days = remaining / day
    if days > 0 {
        if days % 7 == 0 {
            text += "\(days / 7)w"
        } else {
            text += "\(days)d"
        }
        remaining -= days * day
    }
    for (symbol, length) in durationUnits where length < day {
        let count = remaining / length
        if count > 0 {
            text += "\(count)\(symbol)"
            remaining -= count * length
        }
    }
    return text
}

/// Parses a duration string into milliseconds; see ``parseDuration(_:)``.
private func parseDurationMilliseconds(_ text: String) -> Int64? {
    if text == "0" { return 0 }
    let scalars = Array(text.unicodeScalars)
    guard !scalars.isEmpty else { return nil }
    var index = 0
    var total: Int64 = 0
    var lastUnitIndex = -1
    while index < scalars.count {
        // The number.
        var number: Int64 = 0
        var digits = 0
        while index < scalars.count, let digit = asciiDigit(scalars[index]) {
            let (shifted, overflow1) = number.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            number = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        // The unit: the longest run of ASCII letters.
        var symbol = ""
        while index < scalars.count, scalars[index].properties.isAlphabetic, scalars[index].isASCII {
            symbol.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard let unitIndex = durationUnits.firstIndex(where: { $0.symbol == symbol }),
            unitIndex > lastUnitIndex
        else { return nil }
        lastUnitIndex = unitIndex
        let (part, overflow3) = number.multipliedReportingOverflow(by: durationUnits[unitIndex].milliseconds)
        guard !overflow3 else { return nil }
        let (sum, overflow4) = total.addingReportingOverflow(part)
        guard !overflow4 else { return nil }
        total = sum
    }
    return total
}

/// The value of an ASCII decimal digit, or `nil`.
func asciiDigit(_ scalar: Unicode.Scalar) -> Int? {
    guard scalar.value >= 0x30, scalar.value <= 0x39 else { return nil }
    return Int(scalar.value - 0x30)
}
