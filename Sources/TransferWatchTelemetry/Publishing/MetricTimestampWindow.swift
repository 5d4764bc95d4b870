import Foundation
import TransferWatchAWS

/// The timestamps CloudWatch accepts at `now`: from two weeks in the past to two hours in the future, narrowed
/// by a margin on each side so a data point does not age out between the check and the request.
package struct MetricTimestampWindow: Sendable, Equatable {
    /// The oldest accepted timestamp.
    package var earliest: Date
    /// The newest accepted timestamp.
    package var latest: Date

    /// How far back CloudWatch accepts data points.
    package static let maxAge: TimeInterval = 14 * 24 * 3600
    /// How far ahead CloudWatch accepts data points.
    package static let maxLead: TimeInterval = 2 * 3600

    /// The window at `now`, `margin` inside CloudWatch's limits on each side.
    package init(now: Date, margin: TimeInterval = 300) {
        earliest = now.addingTimeInterval(-Self.maxAge + margin)
        latest = now.addingTimeInterval(Self.maxLead - margin)
    }

    /// Whether `datum` may be sent (a data point without a timestamp always may).
    package func accepts(_ datum: CloudWatchClient.MetricDatum) -> Bool {
        guard let timestamp = datum.timestamp else { return true }
        return timestamp >= earliest && timestamp <= latest
    }

    /// Splits `data` into what may be sent and what is out of range.
    package func partition(_ data: [CloudWatchClient.MetricDatum]) -> (
        accepted: [CloudWatchClient.MetricDatum], outOfRange: [CloudWatchClient.MetricDatum]
    ) {
        var accepted: [CloudWatchClient.MetricDatum] = []
        var outOfRange: [CloudWatchClient.MetricDatum] = []
        for datum in data {
            if accepts(datum) { accepted.append(datum) } else { outOfRange.append(datum) }
        }
        return (accepted, outOfRange)
    }
}
