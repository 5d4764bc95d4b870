import Foundation
import Testing
import TransferWatchAWS

@Suite struct AWSDateTests {
    /// One parsing case: the text and the epoch seconds it means (`nil`: rejected).
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var epoch: Double?
        var testDescription: String { name }
    }

    static let iso8601Cases: [Case] = [
        // What S3, STS, IAM and the event notifications send.
        Case(name: "Z, whole seconds", text: "2026-11-28T10:00:00Z", epoch: 1_795_860_000),
        Case(name: "S3 LastModified, milliseconds", text: "2026-11-28T10:00:00.000Z", epoch: 1_795_860_000),
        Case(name: "one fractional digit", text: "2026-11-28T10:00:00.5Z", epoch: 1_795_860_000.5),
        Case(name: "event time, milliseconds", text: "2026-11-28T10:00:00.123Z", epoch: 1_795_860_000.123),
        Case(name: "nanoseconds", text: "2026-11-28T10:00:00.123456789Z", epoch: 1_795_860_000.123456789),
        Case(name: "digits past nanoseconds are dropped", text: "2026-11-28T10:00:00.1234567899Z", epoch: 1_795_860_000.123456789),
        // Offsets.
        Case(name: "positive offset", text: "2026-11-28T10:00:00+01:00", epoch: 1_795_856_400),
        Case(name: "negative offset with minutes", text: "2026-11-28T10:00:00-05:30", epoch: 1_795_879_800),
        Case(name: "offset without colon", text: "2026-11-28T10:00:00+0100", epoch: 1_795_856_400),
        Case(name: "offset in hours only", text: "2026-11-28T10:00:00+01", epoch: 1_795_856_400),
        Case(name: "minus zero", text: "2026-11-28T10:00:00-00:00", epoch: 1_795_860_000),
        Case(name: "fraction and offset", text: "2026-11-28T10:00:00.25+01:00", epoch: 1_795_856_400.25),
        Case(name: "lowercase t and z (RFC 3339 5.6)", text: "2026-11-28t10:00:00z", epoch: 1_795_860_000),
        // Calendar edges.
        Case(name: "epoch", text: "1970-01-01T00:00:00Z", epoch: 0),
        Case(name: "before the epoch", text: "1969-12-31T23:59:59Z", epoch: -1),
        Case(name: "leap day", text: "2024-02-29T00:00:00Z", epoch: 1_709_164_800),
        Case(name: "2000 is a leap year", text: "2000-02-29T12:00:00Z", epoch: 951_825_600),
        Case(name: "end of a year", text: "2026-12-31T23:59:59Z", epoch: 1_798_761_599),
        // Rejected.
        Case(name: "no leap day in 2025", text: "2025-02-29T00:00:00Z", epoch: nil),
        Case(name: "no leap day in 1900", text: "1900-02-29T00:00:00Z", epoch: nil),
        Case(name: "February 30", text: "2026-02-30T00:00:00Z", epoch: nil),
        Case(name: "April 31", text: "2026-04-31T00:00:00Z", epoch: nil),
        Case(name: "month 13", text: "2026-13-01T00:00:00Z", epoch: nil),
        Case(name: "month 0", text: "2026-00-01T00:00:00Z", epoch: nil),
        Case(name: "day 0", text: "2026-11-00T00:00:00Z", epoch: nil),
        Case(name: "hour 24", text: "2026-11-28T24:00:00Z", epoch: nil),
        Case(name: "minute 60", text: "2026-11-28T10:60:00Z", epoch: nil),
        Case(name: "leap second", text: "2026-12-31T23:59:60Z", epoch: nil),
        Case(name: "no zone", text: "2026-11-28T10:00:00", epoch: nil),
        Case(name: "space for T", text: "2026-11-28 10:00:00Z", epoch: nil),
        Case(name: "leading space", text: " 2026-11-28T10:00:00Z", epoch: nil),
        Case(name: "trailing garbage", text: "2026-11-28T10:00:00Zx", epoch: nil),
        Case(name: "point without digits", text: "2026-11-28T10:00:00.Z", epoch: nil),
        Case(name: "comma fraction", text: "2026-11-28T10:00:00,5Z", epoch: nil),
        Case(name: "offset hour 24", text: "2026-11-28T10:00:00+24:00", epoch: nil),
        Case(name: "offset minute 60", text: "2026-11-28T10:00:00+05:60", epoch: nil),
        Case(name: "offset cut short", text: "2026-11-28T10:00:00+05:", epoch: nil),
        Case(name: "basic format", text: "20261128T100000Z", epoch: nil),
        Case(name: "date only", text: "2026-11-28", epoch: nil),
        Case(name: "two-digit year", text: "26-11-28T10:00:00Z", epoch: nil),
        Case(name: "sign in a field", text: "2026-+1-28T10:00:00Z", epoch: nil),
        Case(name: "empty", text: "", epoch: nil),
        Case(name: "non-ASCII digit", text: "2026-11-2٨T10:00:00Z", epoch: nil),
    ]

    @Test(arguments: iso8601Cases)
    func parsesISO8601(_ example: Case) {
        let parsed = AWSDate.parseISO8601(example.text)
        if let epoch = example.epoch {
            let seconds = try? #require(parsed).timeIntervalSince1970
            #expect(abs((seconds ?? .nan) - epoch) < 1e-6, "\(example.text) → \(String(describing: seconds))")
        } else {
            #expect(parsed == nil, "\(example.text) should be rejected")
        }
    }

    static let httpCases: [Case] = [
        Case(name: "IMF-fixdate", text: "Sun, 06 Nov 1994 08:49:37 GMT", epoch: 784_111_777),
        Case(name: "the day name is not checked against the date", text: "Mon, 06 Nov 1994 08:49:37 GMT", epoch: 784_111_777),
        Case(name: "one-digit day", text: "Sun, 6 Nov 1994 08:49:37 GMT", epoch: 784_111_777),
        Case(name: "UTC", text: "Sun, 06 Nov 1994 08:49:37 UTC", epoch: 784_111_777),
        Case(name: "+0000", text: "Sun, 06 Nov 1994 08:49:37 +0000", epoch: 784_111_777),
        Case(name: "lowercase month", text: "Sun, 06 nov 1994 08:49:37 GMT", epoch: 784_111_777),
        Case(name: "S3's Last-Modified", text: "Sat, 28 Nov 2026 10:00:00 GMT", epoch: 1_795_860_000),
        Case(name: "another zone", text: "Sun, 06 Nov 1994 08:49:37 PST", epoch: nil),
        Case(name: "RFC 850", text: "Sunday, 06-Nov-94 08:49:37 GMT", epoch: nil),
        Case(name: "asctime", text: "Sun Nov  6 08:49:37 1994", epoch: nil),
        Case(name: "not a day name", text: "Xyz, 06 Nov 1994 08:49:37 GMT", epoch: nil),
        Case(name: "not a month", text: "Sun, 06 Nox 1994 08:49:37 GMT", epoch: nil),
        Case(name: "day 31 of November", text: "Sun, 31 Nov 1994 08:49:37 GMT", epoch: nil),
        Case(name: "three-digit day", text: "Sun, 006 Nov 1994 08:49:37 GMT", epoch: nil),
        Case(name: "no zone", text: "Sun, 06 Nov 1994 08:49:37", epoch: nil),
        Case(name: "empty", text: "", epoch: nil),
    ]

    @Test(arguments: httpCases)
    func parsesHTTPDates(_ example: Case) {
        let parsed = AWSDate.parseHTTPDate(example.text)
        if let epoch = example.epoch {
            #expect(parsed?.timeIntervalSince1970 == epoch, "\(example.text)")
        } else {
            #expect(parsed == nil, "\(example.text) should be rejected")
        }
    }

    static let amzCases: [Case] = [
        Case(name: "SigV4 test suite date", text: "20150830T123600Z", epoch: 1_440_938_160),
        Case(name: "leap day", text: "20240229T000000Z", epoch: 1_709_164_800),
        Case(name: "extended format", text: "2015-08-30T12:36:00Z", epoch: nil),
        Case(name: "no Z", text: "20150830T123600", epoch: nil),
        Case(name: "impossible date", text: "20150231T123600Z", epoch: nil),
        Case(name: "trailing garbage", text: "20150830T123600Z1", epoch: nil),
    ]

    @Test(arguments: amzCases)
    func parsesAmzDates(_ example: Case) {
        let parsed = AWSDate.parseAmzDate(example.text)
        if let epoch = example.epoch {
            #expect(parsed?.timeIntervalSince1970 == epoch)
        } else {
            #expect(parsed == nil, "\(example.text) should be rejected")
        }
    }

    /// Formatting agrees with Foundation's UTC calendar, and parsing what was formatted gives the instant back
    /// (rounded down to the second), over four centuries of pseudo-random instants and the days around leap days.
    @Test func formatsAndParsesBackAcrossCenturies() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let from = -2_208_988_800.0  // 1900-01-01
        let span = 12_622_780_800.0  // to 2300-01-01
        var instants = (0..<2000).map { _ in from + Double(next() % UInt64(span)) + Double(next() % 1000) / 1000 }
        for year in [1900, 2000, 2024, 2100] {
            let leap = Double(AWSDateTests.days(year: year, month: 2, day: 28)) * 86_400
            instants += [leap - 1, leap, leap + 86_399, leap + 86_400, leap + 172_800]
        }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!,
                parts.minute!, parts.second!)
            #expect(AWSDate.iso8601(date) == expected)
            #expect(AWSDate.amzDate(date) == expected.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: ""))
            let whole = seconds.rounded(.down)
            #expect(AWSDate.parseISO8601(AWSDate.iso8601(date))?.timeIntervalSince1970 == whole)
            #expect(AWSDate.parseAmzDate(AWSDate.amzDate(date))?.timeIntervalSince1970 == whole)
        }
    }

    /// Where ICU's formatter and ours both accept a canonical timestamp, they agree to the millisecond.
    @Test func agreesWithISO8601DateFormatterOnCanonicalInput() throws {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for text in [
            "2026-11-28T10:00:00Z", "2026-11-28T10:00:00.123Z", "2026-11-28T10:00:00+05:30", "1999-12-31T23:59:59Z",
            "2024-02-29T23:59:59.999-01:00", "2038-01-19T03:14:08Z",
        ] {
            let reference = try #require(plain.date(from: text) ?? fractional.date(from: text))
            let ours = try #require(AWSDate.parseISO8601(text))
            #expect(abs(ours.timeIntervalSince(reference)) < 0.001, "\(text)")
        }
    }

    private static func days(year: Int, month: Int, day: Int) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        return Int(date.timeIntervalSince1970 / 86_400)
    }
}
