import Testing
import TransferWatchConfig

@Suite struct DurationParsingTests {
    struct ValidCase: Sendable, CustomTestStringConvertible {
        let text: String
        let milliseconds: Int64
        var testDescription: String { text }
    }

    @Test(arguments: [
        ValidCase(text: "500ms", milliseconds: 500),
        ValidCase(text: "30s", milliseconds: 30_000),
        ValidCase(text: "15m", milliseconds: 900_000),
        ValidCase(text: "6h", milliseconds: 21_600_000),
        ValidCase(text: "2d", milliseconds: 172_800_000),
        ValidCase(text: "1w", milliseconds: 604_800_000),
        ValidCase(text: "1h30m", milliseconds: 5_400_000),
        ValidCase(text: "1d12h", milliseconds: 129_600_000),
        ValidCase(text: "2h30m15s500ms", milliseconds: 9_015_500),
        ValidCase(text: "0s", milliseconds: 0),
        ValidCase(text: "0", milliseconds: 0),
        ValidCase(text: "90m", milliseconds: 5_400_000),
        ValidCase(text: "0001s", milliseconds: 1000),
    ])
    func parsesValidDuration(_ valid: ValidCase) {
        #expect(parseDuration(valid.text) == .milliseconds(valid.milliseconds))
    }

    @Test(arguments: [
        "", "5", "-5s", "+5s", "1.5h", "2 days", "2 d", " 2d", "2d ", "5x", "5S", "h", "1h1h", "30m1h", "1s1m",
        "1ms1s", "99999999999999999999s", "106751991167w", "9223372036854775807ms1w", "1hh", "1h 30m", "1µs",
    ])
    func rejectsMalformedDuration(_ text: String) {
        #expect(parseDuration(text) == nil)
    }

    @Test func acceptsLargestRepresentableDuration() {
        #expect(parseDuration("9223372036854775807ms") == .milliseconds(Int64.max))
    }

    struct FormatCase: Sendable, CustomTestStringConvertible {
        let duration: Duration
        let text: String
        var testDescription: String { text }
    }

    @Test(arguments: [
        FormatCase(duration: .zero, text: "0s"),
        FormatCase(duration: .milliseconds(500), text: "500ms"),
        FormatCase(duration: .seconds(30), text: "30s"),
        FormatCase(duration: .seconds(5400), text: "1h30m"),
        FormatCase(duration: .seconds(172_800), text: "2d"),
        FormatCase(duration: .seconds(8 * 86_400), text: "8d"),
        FormatCase(duration: .seconds(14 * 86_400), text: "2w"),
        FormatCase(duration: .seconds(7 * 86_400 + 3600), text: "1w1h"),
        FormatCase(duration: .seconds(65), text: "1m5s"),
        FormatCase(duration: .milliseconds(3_600_001), text: "1h1ms"),
        FormatCase(duration: .microseconds(1500), text: "1ms"),
        FormatCase(duration: .seconds(-90), text: "-1m30s"),
    ])
    func formatsShortestCanonicalForm(_ format: FormatCase) {
        #expect(formatDuration(format.duration) == format.text)
    }

    @Test func formatThenParseRoundTripsForSeededRandomDurations() {
        var generator = SplitMix64(seed: 0x5EED_D0A7)
        for _ in 0..<500 {
            let milliseconds = Int64.random(in: 0...(400 * 86_400_000), using: &generator)
            let duration = Duration.milliseconds(milliseconds)
            let text = formatDuration(duration)
            #expect(parseDuration(text) == duration, "\(milliseconds)ms formatted as \(text)")
        }
    }
}
