import Foundation
import Testing
import TransferWatchAWS
@testable import TransferWatchTelemetry

/// CloudWatch accepts two weeks back to two hours ahead; the window keeps a margin inside both.
@Suite struct MetricTimestampWindowTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func datum(ageSeconds: TimeInterval?) -> CloudWatchClient.MetricDatum {
        .init(name: "CopyFailed", value: .single(1), timestamp: ageSeconds.map { now.addingTimeInterval(-$0) })
    }

    static let cases: [(Double, Bool)] = [
        (0, true), (14 * 86_400 - 301, true), (14 * 86_400 - 299, false), (15 * 86_400, false),
        (-(2 * 3600 - 301), true), (-(2 * 3600 - 299), false), (-86_400, false),
    ]

    @Test(arguments: cases)
    func acceptsOnlyInsideTheMargin(age: Double, accepted: Bool) {
        #expect(MetricTimestampWindow(now: Self.now).accepts(Self.datum(ageSeconds: age)) == accepted)
    }

    @Test func partitionKeepsOrderAndUntimedDataPoints() {
        let data = [Self.datum(ageSeconds: 10), Self.datum(ageSeconds: 20 * 86_400), Self.datum(ageSeconds: nil)]
        let (accepted, outOfRange) = MetricTimestampWindow(now: Self.now).partition(data)
        #expect(accepted == [data[0], data[2]])
        #expect(outOfRange == [data[1]])
    }
}
