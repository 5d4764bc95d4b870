import Foundation

/// The date formats AWS uses, formatted and parsed by hand.
///
/// No `DateFormatter` or `ISO8601DateFormatter`: building one costs tens of microseconds of ICU set-up (it was
/// a fifth of the agent's CPU when one was made per S3 event and per CopyObject answer), a shared one is not
/// thread-safe, and ICU is lenient in ways AWS input never needs (`2026-02-30` became March 2, trailing garbage
/// was ignored). These parsers accept exactly the documented grammar and reject the rest with `nil`. All
/// arithmetic is proleptic Gregorian in UTC.
package enum AWSDate {
    // MARK: - Formatting

    /// `yyyyMMdd'T'HHmmss'Z'`, SigV4's `X-Amz-Date`.
    package static func amzDate(_ date: Date) -> String {
        let parts = CivilTime(date)
        return format(16) { out in
            var index = 0
            parts.writeDate(into: out, at: &index, separator: nil)
            out[index] = UInt8(ascii: "T")
            index += 1
            parts.writeTime(into: out, at: &index, separator: nil)
            out[index] = UInt8(ascii: "Z")
        }
    }

    /// `yyyy-MM-dd'T'HH:mm:ss'Z'`.
    package static func iso8601(_ date: Date) -> String {
        let parts = CivilTime(date)
        return format(20) { out in
            var index = 0
            parts.writeDate(into: out, at: &index, separator: UInt8(ascii: "-"))
            out[index] = UInt8(ascii: "T")
            index += 1
            parts.writeTime(into: out, at: &index, separator: UInt8(ascii: ":"))
            out[index] = UInt8(ascii: "Z")
        }
    }

    private static func format(_ count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Void) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            body(buffer)
            return count
        }
    }

    // MARK: - Parsing

    /// Parses an RFC 3339 timestamp as AWS sends it: `2026-11-28T10:00:00Z`, with optional fractional seconds
    /// (`.5`, `.123456789`; digits past nanoseconds are ignored) and `Z` or an offset (`+01:00`, `-0530`, `+01`).
    ///
    /// `T` and `Z` may be lowercase (RFC 3339 §5.6). Rejected with `nil`: impossible dates (`2025-02-29`,
    /// `2026-13-01`), hours past 23, minutes or seconds past 59 (a leap second cannot be represented), a missing
    /// offset, a space instead of `T`, surrounding whitespace and anything after the offset.
    package static func parseISO8601(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            var scanner = DateScanner(bytes)
            guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
                let day = scanner.digits(2), scanner.skip("T") || scanner.skip("t"),
                let hour = scanner.digits(2), scanner.skip(":"), let minute = scanner.digits(2), scanner.skip(":"),
                let second = scanner.digits(2)
            else { return nil }
            var nanoseconds = 0
            if scanner.skip(".") {
                guard let fraction = scanner.fraction() else { return nil }
                nanoseconds = fraction
            }
            let offset: Int
            if scanner.skip("Z") || scanner.skip("z") {
                offset = 0
            } else if let sign = scanner.sign() {
                guard let hours = scanner.digits(2), hours < 24 else { return nil }
                var minutes = 0
                if !scanner.isAtEnd {
                    _ = scanner.skip(":")
                    guard let value = scanner.digits(2), value < 60 else { return nil }
                    minutes = value
                }
                offset = sign * (hours * 3600 + minutes * 60)
            } else {
                return nil
            }
            guard scanner.isAtEnd,
                let seconds = epochSeconds(
                    year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            else { return nil }
            return makeDate(seconds: seconds - offset, nanoseconds: nanoseconds)
        }
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'` (SigV4's `X-Amz-Date`).
    package static func parseAmzDate(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            var scanner = DateScanner(bytes)
            guard let year = scanner.digits(4), let month = scanner.digits(2), let day = scanner.digits(2),
                scanner.skip("T"), let hour = scanner.digits(2), let minute = scanner.digits(2),
                let second = scanner.digits(2), scanner.skip("Z"), scanner.isAtEnd,
                let seconds = epochSeconds(
                    year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            else { return nil }
            return makeDate(seconds: seconds, nanoseconds: 0)
        }
    }

    /// Parses an RFC 7231 IMF-fixdate (`Date`, `Last-Modified`): `Sun, 06 Nov 1994 08:49:37 GMT`.
    ///
    /// The day name must be one of the seven (it is not checked against the date), the day may have one digit,
    /// the month name is case-insensitive, and the zone is `GMT`, `UTC` or `+0000`; anything else is `nil`.
    package static func parseHTTPDate(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            var scanner = DateScanner(bytes)
            guard let name = scanner.letters(3), dayNames.contains(name), scanner.skip(","), scanner.skip(" ") else {
                return nil
            }
            guard let day = scanner.digits(2) ?? scanner.digits(1), scanner.skip(" "),
                let monthName = scanner.letters(3), let monthIndex = monthNames.firstIndex(of: monthName),
                scanner.skip(" "), let year = scanner.digits(4), scanner.skip(" "),
                let hour = scanner.digits(2), scanner.skip(":"), let minute = scanner.digits(2), scanner.skip(":"),
                let second = scanner.digits(2), scanner.skip(" ")
            else { return nil }
            guard let zone = scanner.rest(), ["GMT", "UTC", "+0000"].contains(zone),
                let seconds = epochSeconds(
                    year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
            else { return nil }
            return makeDate(seconds: seconds, nanoseconds: 0)
        }
    }

    private static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970-01-01T00:00:00Z of a valid civil time, or `nil` when a field is out of range.
    static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int? {
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func makeDate(seconds: Int, nanoseconds: Int) -> Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }
}

/// A UTC instant broken into civil fields, written as fixed-width digits.
private struct CivilTime {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int

    /// The fields of `date`, rounded down to the second (Hinnant's `civil_from_days`).
    init(_ date: Date) {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        var days = total / 86_400
        var secondOfDay = total % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
    }

    func writeDate(into out: UnsafeMutableBufferPointer<UInt8>, at index: inout Int, separator: UInt8?) {
        write(year, width: 4, into: out, at: &index)
        if let separator { out[index] = separator; index += 1 }
        write(month, width: 2, into: out, at: &index)
        if let separator { out[index] = separator; index += 1 }
        write(day, width: 2, into: out, at: &index)
    }

    func writeTime(into out: UnsafeMutableBufferPointer<UInt8>, at index: inout Int, separator: UInt8?) {
        write(hour, width: 2, into: out, at: &index)
        if let separator { out[index] = separator; index += 1 }
        write(minute, width: 2, into: out, at: &index)
        if let separator { out[index] = separator; index += 1 }
        write(second, width: 2, into: out, at: &index)
    }

    /// Writes `value` as exactly `width` digits (years outside 0...9999 keep their low four digits).
    private func write(_ value: Int, width: Int, into out: UnsafeMutableBufferPointer<UInt8>, at index: inout Int) {
        var remaining = abs(value)
        for position in stride(from: index + width - 1, through: index, by: -1) {
            out[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        index += width
    }
}

/// Reads a date's bytes left to right; every read either consumes what it matched or nothing.
private struct DateScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    /// Exactly `count` ASCII digits, as a number.
    mutating func digits(_ count: Int) -> Int? {
        guard position + count <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<count {
            let byte = bytes[position + offset]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        position += count
        return value
    }

    /// One or more digits after a decimal point, as nanoseconds (digits past the ninth are read and dropped).
    mutating func fraction() -> Int? {
        var value = 0
        var count = 0
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
            if count < 9 { value = value * 10 + Int(bytes[position] - 0x30) }
            count += 1
            position += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 9) { value *= 10 }
        return value
    }

    /// Consumes `character` if it comes next.
    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    /// `+1` or `-1` for a sign that comes next.
    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    /// Exactly `count` ASCII letters, lowercased.
    mutating func letters(_ count: Int) -> String? {
        guard position + count <= bytes.count else { return nil }
        var result = ""
        for offset in 0..<count {
            let byte = bytes[position + offset]
            let lower = byte | 0x20
            guard lower >= 0x61, lower <= 0x7A else { return nil }
            result.unicodeScalars.append(Unicode.Scalar(lower))
        }
        position += count
        return result
    }

    /// Everything left, as text.
    mutating func rest() -> String? {
        defer { position = bytes.count }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[position...]), as: UTF8.self)
    }
}
