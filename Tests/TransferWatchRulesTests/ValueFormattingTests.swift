import Foundation
import Testing
import TransferWatchRules

/// The filters' formatting, through one-placeholder templates.
@Suite struct ValueFormattingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let placeholder: String
        let text: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "zero duration", placeholder: "0s | humanize", text: "0s"),
        Case(name: "milliseconds", placeholder: "250ms | humanize", text: "250ms"),
        Case(name: "seconds and milliseconds", placeholder: "3s + 250ms | humanize", text: "3s 250ms"),
        Case(name: "minutes and seconds", placeholder: "45m10s | humanize", text: "45m 10s"),
        Case(name: "a whole hour", placeholder: "1h | humanize", text: "1h"),
        Case(name: "the next unit only, truncated", placeholder: "2d3h59m | humanize", text: "2d 3h"),
        Case(name: "a zero next unit is left out", placeholder: "2d5m | humanize", text: "2d"),
        Case(name: "weeks are days", placeholder: "2w | humanize", text: "14d"),
        Case(name: "negative duration", placeholder: "-90m | humanize", text: "-1h 30m"),
        Case(name: "small number", placeholder: "12.345 | humanize", text: "12.35"),
        Case(name: "thousands", placeholder: "15300 | humanize", text: "15.3k"),
        Case(name: "rounding up into the next prefix", placeholder: "999999 | humanize", text: "1M"),
        Case(name: "rounding up from below a thousand", placeholder: "999.999 | humanize", text: "1k"),
        Case(name: "negative number", placeholder: "-2500 | humanize", text: "-2.5k"),
        Case(name: "bytes", placeholder: "512 | humanizeBytes", text: "512 B"),
        Case(name: "kibibytes", placeholder: "1536 | humanizeBytes", text: "1.5 KiB"),
        Case(name: "gibibytes", placeholder: "1073741824 | humanizeBytes", text: "1 GiB"),
        Case(name: "printf with width and sign", placeholder: "3.14159 | printf(\"%+8.3f\")", text: "  +3.142"),
        Case(name: "printf exponent", placeholder: "1234.5 | printf(\"%.1e\")", text: "1.2e+03"),
        Case(name: "printf general", placeholder: "0.0001234 | printf(\"%g\")", text: "0.0001234"),
        Case(name: "printf truncates toward zero for %d", placeholder: "-7.9 | printf(\"%d\")", text: "-7"),
        Case(name: "printf hexadecimal", placeholder: "255 | printf(\"0x%04X\")", text: "0x00FF"),
        Case(name: "printf %i", placeholder: "42 | printf(\"%i\")", text: "42"),
        Case(name: "printf %s of a duration", placeholder: "90m | printf(\"took %s\")", text: "took 1h30m"),
        Case(name: "printf %s precision cuts", placeholder: "\"abcdef\" | printf(\"%.3s\")", text: "abc"),
        Case(name: "printf of NaN with %d", placeholder: "0 / 0 | printf(\"%d\")", text: "0"),
        Case(
            name: "printf of a huge number with %d", placeholder: "1e300 | printf(\"%d\")", text: "9200000000000000000"),
        Case(
            name: "every date element",
            placeholder: "now | date(\"2006 06 01 1 Jan January 02 2 _2 002 Mon Monday 15 03 3 04 4 05 5 PM pm\")",
            text: "2026 26 03 3 Mar March 05 5  5 064 Thu Thursday 16 04 4 07 7 09 9 PM pm"),
        Case(
            name: "date fractions and offsets",
            placeholder: "now + 250ms | date(\"05.000 Z07:00 Z0700 Z07 -07\", \"Asia/Kolkata\")",
            text: "09.250 +05:30 +0530 +05 +05"),
        Case(name: "Z in UTC", placeholder: "now | date(\"Z07:00\")", text: "Z"),
        Case(name: "midnight in 12-hour form", placeholder: "startOfDay(now) | date(\"3:04 PM\")", text: "12:00 AM"),
        Case(name: "RFC 3339 keeps milliseconds", placeholder: "now + 5ms", text: "2026-03-05T16:07:09.005Z"),
        Case(
            name: "numbers render without a needless fraction", placeholder: "[3, -0.0, 1e21, 0.1 + 0.2, 1 / 0]",
            text: "3, 0, 1e+21, 0.30000000000000004, +Inf"),
    ])
    func formats(_ test: Case) throws {
        // 2026-03-05 16:07:09 UTC, a Thursday.
        let facts = try makeFacts(["now": .timestamp(utc(2026, 3, 5, 16, 7, 9))])
        let template = try Template.compile("{{ \(test.placeholder) }}", schema: pipelineSchema)
        #expect(template.render(facts) == test.text)
    }
}
