import Foundation

/// Maps between instants and wall-clock times in one time zone, with an explicit policy for the
/// wall-clock times that daylight saving time skips or repeats.
///
/// A wall-clock time that never happens (clocks jump over it in spring) has no instant; one that
/// happens twice (clocks fall back in autumn) maps to its earlier instant only. This is how
/// EventBridge Scheduler treats schedules: a skipped time does not fire, a repeated one fires once.
struct ZoneMapping {
    let timeZone: TimeZone

    /// The UTC offset in seconds at an instant given in seconds since 1970.
    func offset(atUnixSeconds seconds: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    /// The wall-clock time of an instant, as seconds since 1970-01-01T00:00:00 on that clock.
    func localSeconds(atUnixSeconds seconds: Int64) -> Int64 {
        seconds + offset(atUnixSeconds: seconds)
    }

    /// The earliest instant, in seconds since 1970, whose wall-clock time is `local`, or `nil`
    /// when daylight saving time skips that wall-clock time.
    func earliestInstant(localSeconds local: Int64) -> Int64? {
        // The true offset is the offset in force at the answer, which lies within a day of
        // `local` read as UTC; the offsets a day before, at, and a day after cover both sides
        // of any transition near it.
        var candidates: [Int64] = []
        for probe in [local - 86_400, local, local + 86_400] {
            let offset = offset(atUnixSeconds: probe)
            if !candidates.contains(offset) { candidates.append(offset) }
        }
        var best: Int64?
        for offset in candidates {
            let instant = local - offset
            if self.offset(atUnixSeconds: instant) == offset, best.map({ instant < $0 }) ?? true {
                best = instant
            }
        }
        return best
    }
}

/// Whole seconds since 1970 at or before `date`.
func unixSecondsFloor(_ date: Date) -> Int64 {
    let interval = date.timeIntervalSince1970
    guard interval.isFinite else { return interval > 0 ? Int64.max / 2 : Int64.min / 2 }
    let clamped = min(max(interval, -1e15), 1e15)
    return Int64(clamped.rounded(.down))
}
