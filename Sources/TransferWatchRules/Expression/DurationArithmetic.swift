import Foundation

/// Duration arithmetic that saturates instead of trapping, so no fact value can crash an evaluation.
///
/// Durations are 128-bit counts of attoseconds; results beyond ±9·10^18 seconds (about 2.8·10^11 years,
/// which no real fact comes near) are clamped to ``largestAttoseconds``. The bound keeps every duration's
/// whole seconds within `Int64`, where `Duration.components` (and so formatting) would otherwise trap.
enum DurationArithmetic {
    /// The largest magnitude a duration takes: 9·10^36 attoseconds.
    static let largestAttoseconds: Int128 = 9_000_000_000_000_000_000_000_000_000_000_000_000

    /// `duration` limited to ±``largestAttoseconds``.
    static func clamped(_ duration: Duration) -> Duration {
        Duration(attoseconds: min(max(duration.attoseconds, -largestAttoseconds), largestAttoseconds))
    }

    static func add(_ a: Duration, _ b: Duration) -> Duration {
        clamp(a.attoseconds.addingReportingOverflow(b.attoseconds), sign: a.attoseconds)
    }

    static func subtract(_ a: Duration, _ b: Duration) -> Duration {
        clamp(a.attoseconds.subtractingReportingOverflow(b.attoseconds), sign: a.attoseconds)
    }

    static func negate(_ a: Duration) -> Duration {
        clamp(Int128.zero.subtractingReportingOverflow(a.attoseconds), sign: a.attoseconds < 0 ? 1 : -1)
    }

    /// `a * factor`: exact for whole factors, to the nanosecond otherwise.
    static func multiply(_ a: Duration, by factor: Double) -> Duration {
        if let whole = exactInteger(factor) {
            return clamp(
                a.attoseconds.multipliedReportingOverflow(by: whole), sign: a.attoseconds.signum() * whole.signum())
        }
        return fromSeconds(seconds(a) * factor)
    }

    /// `a / divisor` (exact to the attosecond for whole divisors, to the nanosecond otherwise), or `nil`
    /// when the divisor is zero or not a number.
    static func divide(_ a: Duration, by divisor: Double) -> Duration? {
        guard divisor != 0, !divisor.isNaN else { return nil }
        if let whole = exactInteger(divisor) {
            return clamp(
                a.attoseconds.dividedReportingOverflow(by: whole), sign: a.attoseconds.signum() * whole.signum())
        }
        return fromSeconds(seconds(a) / divisor)
    }

    /// `value` as an integer when it is a whole number small enough to be exact in a `Double`.
    private static func exactInteger(_ value: Double) -> Int128? {
        guard value == value.rounded(), abs(value) < 9e15 else { return nil }
        return Int128(value)
    }

    /// `a / b` as a number (IEEE rules: dividing by a zero duration gives ±infinity or NaN).
    static func ratio(_ a: Duration, _ b: Duration) -> Double {
        guard b.attoseconds != 0 else { return seconds(a) / 0 }
        let (quotient, remainder) = a.attoseconds.quotientAndRemainder(dividingBy: b.attoseconds)
        return Double(quotient) + Double(remainder) / Double(b.attoseconds)
    }

    /// `a % b` with the sign of `a`, or `nil` when `b` is zero.
    static func remainder(_ a: Duration, _ b: Duration) -> Duration? {
        guard b.attoseconds != 0 else { return nil }
        let (result, overflow) = a.attoseconds.remainderReportingOverflow(dividingBy: b.attoseconds)
        return overflow ? .zero : Duration(attoseconds: result)
    }

    static func magnitude(_ a: Duration) -> Duration {
        a.attoseconds < 0 ? negate(a) : a
    }

    /// The duration in seconds, as a `Double` (whole seconds and the fraction converted apart, so
    /// `74h` is exactly 266400).
    static func seconds(_ a: Duration) -> Double {
        let (whole, fraction) = a.attoseconds.quotientAndRemainder(dividingBy: attosecondsPerSecond)
        return Double(whole) + Double(fraction) / 1e18
    }

    /// A duration of `seconds` rounded to the nanosecond, clamped to ±``largestAttoseconds``; NaN is zero.
    ///
    /// Rounding to nanoseconds keeps results of `Double` arithmetic on seconds (timestamp differences,
    /// fractional factors) free of sub-nanosecond noise: `now - startOfDay(now)` is exactly `11h`.
    static func fromSeconds(_ seconds: Double) -> Duration {
        guard !seconds.isNaN else { return .zero }
        let nanoseconds = (seconds * 1e9).rounded()
        let limit = Double(largestAttoseconds / 1_000_000_000)
        if nanoseconds >= limit { return Duration(attoseconds: largestAttoseconds) }
        if nanoseconds <= -limit { return Duration(attoseconds: -largestAttoseconds) }
        return Duration(attoseconds: Int128(nanoseconds) * 1_000_000_000)
    }

    private static let attosecondsPerSecond: Int128 = 1_000_000_000_000_000_000

    /// `date + duration`.
    static func add(_ date: Date, _ duration: Duration) -> Date {
        Date(timeIntervalSinceReferenceDate: date.timeIntervalSinceReferenceDate + seconds(duration))
    }

    /// `a - b` as a duration.
    static func difference(_ a: Date, _ b: Date) -> Duration {
        fromSeconds(a.timeIntervalSinceReferenceDate - b.timeIntervalSinceReferenceDate)
    }

    private static func clamp(_ result: (partialValue: Int128, overflow: Bool), sign: Int128) -> Duration {
        let value = result.overflow ? (sign < 0 ? -largestAttoseconds : largestAttoseconds) : result.partialValue
        return Duration(attoseconds: min(max(value, -largestAttoseconds), largestAttoseconds))
    }
}
