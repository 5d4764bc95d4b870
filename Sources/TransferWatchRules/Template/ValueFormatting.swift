import Foundation
import TransferWatchConfig

/// How values become text: in templates without a filter, in `join`, and in messages.
enum ValueFormatting {
    /// What an absent value renders as, as in Prometheus and Alertmanager templates.
    static let absentText = "<no value>"

    /// The default text of a value.
    ///
    /// Numbers print without a fraction when whole (`3`, `0.3`); durations in the canonical form
    /// (`1h30m`); timestamps as RFC 3339 in `timeZone` (`2026-11-28T09:00:00+01:00`); lists as their
    /// elements joined by `, `; an absent value as `<no value>`.
    static func text(_ value: FactValue, timeZone: TimeZone) -> String {
        switch value {
        case .null: return absentText
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return formatNumber(value)
        case .string(let value): return value
        case .duration(let value): return formatDuration(value)
        case .timestamp(let value): return formatRFC3339(value, timeZone: timeZone)
        case .list(let elements): return elements.map { text($0, timeZone: timeZone) }.joined(separator: ", ")
        case .object: return "{…}"
        }
    }

    /// RFC 3339 with the zone's offset (`Z` for UTC), and milliseconds only when there are some.
    static func formatRFC3339(_ date: Date, timeZone: TimeZone) -> String {
        guard let civil = CivilTime(date, in: timeZone) else { return "\(date.timeIntervalSince1970)" }
        var text = "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))"
        text += "T\(pad(civil.hour, 2)):\(pad(civil.minute, 2)):\(pad(civil.second, 2))"
        if civil.millisecond != 0 { text += ".\(pad(civil.millisecond, 3))" }
        return text + formatOffset(civil.offset, separator: ":", zulu: true)
    }

    /// `+01:00`, `-0500`, or `Z` for zero when `zulu` is set.
    static func formatOffset(_ offset: Int64, separator: String, zulu: Bool) -> String {
        if offset == 0, zulu { return "Z" }
        let magnitude = abs(offset)
        return (offset < 0 ? "-" : "+") + pad(magnitude / 3600, 2) + separator + pad(magnitude % 3600 / 60, 2)
    }

    /// A non-negative integer with leading zeros to `width` digits (a sign first when negative).
    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }
}
