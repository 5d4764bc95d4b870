import Foundation

/// A timestamp layout in Go's reference-time syntax, as Prometheus and Alertmanager templates use it:
/// the layout shows how the reference time `Mon Jan 2 15:04:05 MST 2006` (offset `-0700`) would look.
///
/// Elements: `2006` `06` (year), `01` `1` `Jan` `January` (month), `02` `2` `_2` (day), `002` (day of year),
/// `Mon` `Monday` (weekday), `15` `03` `3` (hour), `04` `4` (minute), `05` `5` (second), `.000` (fractions,
/// 1 to 9 digits), `PM` `pm`, `-0700` `-07:00` `-07` (offset), `Z0700` `Z07:00` `Z07` (offset, `Z` for UTC)
/// and `MST` (the zone's abbreviation, as the system names it). Anything else is copied as it is.
///
/// ```swift
/// let layout = try DateLayout("2006-01-02 15:04")   // 2026-11-28 09:30
/// ```
package struct DateLayout: Sendable, Equatable {
    /// RFC 3339, the layout used when `date` gets none: `2006-01-02T15:04:05Z07:00`.
    package static let rfc3339 = DateLayout(elements: DateLayout.elements(of: "2006-01-02T15:04:05Z07:00"))

    enum Element: Sendable, Equatable {
        case literal(String)
        case longYear, shortYear
        case zeroMonth, month, shortMonthName, longMonthName
        case zeroDay, day, spaceDay, dayOfYear
        case shortWeekday, longWeekday
        case hour, zeroHour12, hour12, zeroMinute, minute, zeroSecond, second
        case fraction(digits: Int)
        case upperMeridiem, lowerMeridiem
        case offset(colon: Bool, hoursOnly: Bool, zulu: Bool)
        case zoneAbbreviation
    }

    let elements: [Element]

    private init(elements: [Element]) {
        self.elements = elements
    }

    /// Parses a layout.
    ///
    /// - Returns: `nil` when the layout has no element of the reference time (only literal text),
    ///   which is always a mistake.
    package init?(_ layout: String) {
        let elements = DateLayout.elements(of: layout)
        guard elements.contains(where: { if case .literal = $0 { return false } else { return true } }) else {
            return nil
        }
        self.elements = elements
    }

    private static let prefixes: [(String, Element)] = [
        ("January", .longMonthName), ("Jan", .shortMonthName), ("Monday", .longWeekday), ("Mon", .shortWeekday),
        ("MST", .zoneAbbreviation), ("2006", .longYear), ("002", .dayOfYear),
        ("01", .zeroMonth), ("02", .zeroDay), ("03", .zeroHour12), ("04", .zeroMinute), ("05", .zeroSecond),
        ("06", .shortYear),
        ("15", .hour), ("1", .month), ("2", .day), ("_2", .spaceDay), ("3", .hour12), ("4", .minute), ("5", .second),
        ("PM", .upperMeridiem), ("pm", .lowerMeridiem),
        ("-07:00", .offset(colon: true, hoursOnly: false, zulu: false)),
        ("-0700", .offset(colon: false, hoursOnly: false, zulu: false)),
        ("-07", .offset(colon: false, hoursOnly: true, zulu: false)),
        ("Z07:00", .offset(colon: true, hoursOnly: false, zulu: true)),
        ("Z0700", .offset(colon: false, hoursOnly: false, zulu: true)),
        ("Z07", .offset(colon: false, hoursOnly: true, zulu: true)),
    ]

    private static func elements(of layout: String) -> [Element] {
        let scalars = Array(layout.unicodeScalars)
        var elements: [Element] = []
        var literal = ""
        var index = 0
        func matches(_ prefix: String) -> Bool {
            let prefixScalars = Array(prefix.unicodeScalars)
            guard index + prefixScalars.count <= scalars.count else { return false }
            return Array(scalars[index..<index + prefixScalars.count]) == prefixScalars
        }
        while index < scalars.count {
            // Fractional seconds: `.` or `,` then 0s (or 9s), not followed by another digit.
            if scalars[index] == "." || scalars[index] == "," {
                var end = index + 1
                while end < scalars.count, scalars[end] == "0" || scalars[end] == "9" { end += 1 }
                let digits = end - index - 1
                let nextIsDigit = end < scalars.count && scalars[end].properties.numericType != nil
                if digits > 0, digits <= 9, !nextIsDigit {
                    if !literal.isEmpty { elements.append(.literal(literal)) }
                    literal = ""
                    elements.append(.fraction(digits: digits))
                    index = end
                    continue
                }
            }
            if let (prefix, element) = prefixes.first(where: { matches($0.0) }) {
                if !literal.isEmpty { elements.append(.literal(literal)) }
                literal = ""
                elements.append(element)
                index += prefix.unicodeScalars.count
            } else {
                literal.unicodeScalars.append(scalars[index])
                index += 1
            }
        }
        if !literal.isEmpty { elements.append(.literal(literal)) }
        return elements
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]
    private static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Formats an instant in a time zone, or returns `nil` when it has no calendar fields.
    package func format(_ date: Date, in timeZone: TimeZone) -> String? {
        guard let civil = CivilTime(date, in: timeZone) else { return nil }
        let pad = ValueFormatting.pad
        var text = ""
        for element in elements {
            switch element {
            case .literal(let literal): text += literal
            case .longYear: text += pad(civil.year, 4)
            case .shortYear: text += pad(floorModulo(civil.year, 100), 2)
            case .zeroMonth: text += pad(civil.month, 2)
            case .month: text += String(civil.month)
            case .shortMonthName: text += String(DateLayout.monthNames[Int(civil.month) - 1].prefix(3))
            case .longMonthName: text += DateLayout.monthNames[Int(civil.month) - 1]
            case .zeroDay: text += pad(civil.day, 2)
            case .day: text += String(civil.day)
            case .spaceDay: text += civil.day < 10 ? " \(civil.day)" : String(civil.day)
            case .dayOfYear:
                let first = daysFromCivil(year: civil.year, month: 1, day: 1)
                text += pad(daysFromCivil(year: civil.year, month: civil.month, day: civil.day) - first + 1, 3)
            case .shortWeekday: text += String(DateLayout.weekdayNames[Int(civil.weekday) - 1].prefix(3))
            case .longWeekday: text += DateLayout.weekdayNames[Int(civil.weekday) - 1]
            case .hour: text += pad(civil.hour, 2)
            case .zeroHour12: text += pad(civil.hour % 12 == 0 ? 12 : civil.hour % 12, 2)
            case .hour12: text += String(civil.hour % 12 == 0 ? 12 : civil.hour % 12)
            case .zeroMinute: text += pad(civil.minute, 2)
            case .minute: text += String(civil.minute)
            case .zeroSecond: text += pad(civil.second, 2)
            case .second: text += String(civil.second)
            case .fraction(let digits):
                let fraction = pad(civil.millisecond, 3) + String(repeating: "0", count: 6)
                text += "." + fraction.prefix(digits)
            case .upperMeridiem: text += civil.hour < 12 ? "AM" : "PM"
            case .lowerMeridiem: text += civil.hour < 12 ? "am" : "pm"
            case .offset(let colon, let hoursOnly, let zulu):
                if zulu, civil.offset == 0 {
                    text += "Z"
                } else if hoursOnly {
                    text += (civil.offset < 0 ? "-" : "+") + pad(abs(civil.offset) / 3600, 2)
                } else {
                    text += ValueFormatting.formatOffset(civil.offset, separator: colon ? ":" : "", zulu: false)
                }
            case .zoneAbbreviation:
                text +=
                    timeZone.abbreviation(for: date)
                    ?? ValueFormatting.formatOffset(civil.offset, separator: "", zulu: false)
            }
        }
        return text
    }
}
