import Foundation

extension ValueFormatting {
    /// A duration for people: its largest unit and, when not zero, the next one, truncated (`2d 3h`,
    /// `45m 10s`, `3s`, `250ms`, `1h`). Units are `d`, `h`, `m`, `s`, `ms`; zero and anything under a
    /// millisecond is `0s`, and a negative duration starts with `-`.
    static func humanize(_ duration: Duration) -> String {
        let milliseconds = duration.attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        if milliseconds < 0 { return "-" + humanize(DurationArithmetic.negate(duration)) }
        let units: [(String, Int128)] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        guard let largest = units.firstIndex(where: { milliseconds >= $0.1 }) else { return "0s" }
        let count = milliseconds / units[largest].1
        var text = "\(count)\(units[largest].0)"
        if largest + 1 < units.count {
            let next = (milliseconds % units[largest].1) / units[largest + 1].1
            if next > 0 { text += " \(next)\(units[largest + 1].0)" }
        }
        return text
    }

    /// A number for people, with SI prefixes from a thousand up and one decimal (`1.2k`, `15.3k`, `3.4M`),
    /// and below a thousand at most two decimals (`999`, `0.5`, `12.35`).
    static func humanize(_ number: Double) -> String {
        guard number.isFinite else { return formatNumber(number) }
        if number < 0 { return "-" + humanize(-number) }
        return scaled(number, base: 1000, units: ["", "k", "M", "G", "T", "P", "E"], separator: "")
    }

    /// A number of bytes for people, in powers of 1024: `512 B`, `1.5 KiB`, `3.2 MiB`, `1 GiB`.
    static func humanizeBytes(_ number: Double) -> String {
        guard number.isFinite else { return formatNumber(number) }
        if number < 0 { return "-" + humanizeBytes(-number) }
        return scaled(number, base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"], separator: " ")
    }

    private static func scaled(_ number: Double, base: Double, units: [String], separator: String) -> String {
        var value = number
        var unit = 0
        while value >= base, unit < units.count - 1 {
            value /= base
            unit += 1
        }
        var text = trimmed(String(format: unit == 0 ? "%.2f" : "%.1f", value))
        // Rounding can reach the base (999.96k → "1000k"): move up one unit.
        if unit < units.count - 1, Double(text) ?? 0 >= base {
            unit += 1
            text = trimmed(String(format: "%.1f", value / base))
        }
        return text + separator + units[unit]
    }

    /// `1.50` → `1.5`, `2.00` → `2`.
    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }
}
