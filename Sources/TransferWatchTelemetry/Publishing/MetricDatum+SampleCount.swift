import Foundation
import TransferWatchAWS

extension CloudWatchClient.MetricDatum {
    /// How many samples this data point stands for: 1 for a value, the counts' total for values and counts
    /// (each value once when counts are absent), `SampleCount` for a statistic set.
    package var sampleCount: Int {
        switch value {
        case .single: return 1
        case .distribution(let values, let counts):
            return counts.map { Int($0.reduce(0, +).rounded()) } ?? values.count
        case .statistics(let set): return Int(set.sampleCount.rounded())
        }
    }
}

extension Array where Element == CloudWatchClient.MetricDatum {
    /// The samples all these data points stand for.
    package var sampleCount: Int { reduce(0) { $0 + $1.sampleCount } }
}
