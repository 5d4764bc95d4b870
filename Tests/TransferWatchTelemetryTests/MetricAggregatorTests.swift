import Foundation
import Testing
import TransferWatchAWS
@testable import TransferWatchTelemetry

/// The aggregation into statistic sets and values-and-counts, per period and dimensions.
@Suite struct MetricAggregatorTests {
    static let base = Date(timeIntervalSince1970: 1_795_000_000)  // 40 s into a minute

    @Test func statisticSetsAreExactPerPeriod() throws {
        var aggregator = MetricAggregator(environment: "prod")
        let values: [Double] = [1024, 0, 7, 99_999_999, 3.5]
        for (index, value) in values.enumerated() {
            aggregator.add(MetricSample(.bytesCopied, value, at: Self.base.addingTimeInterval(Double(index))))
        }
        aggregator.add(MetricSample(.bytesCopied, 5, at: Self.base.addingTimeInterval(30)))
        let data = aggregator.drain()
        #expect(data.count == 2)
        let first = try #require(data.first)
        #expect(first.name == "BytesCopied")
        #expect(first.unit == .bytes)
        #expect(first.dimensions == [.init(name: "Environment", value: "prod")])
        #expect(first.timestamp == Date(timeIntervalSince1970: 1_794_999_960))
        #expect(first.value == .statistics(.init(sampleCount: 5, sum: values.reduce(0, +), minimum: 0, maximum: 99_999_999)))
        #expect(data[1].value == .statistics(.init(sampleCount: 1, sum: 5, minimum: 5, maximum: 5)))
        #expect(data[1].timestamp == first.timestamp?.addingTimeInterval(60))
        #expect(aggregator.drain().isEmpty)
    }

    @Test func copyLatencyKeepsValuesAndCountsMerged() throws {
        var aggregator = MetricAggregator(environment: "prod")
        for latency in [120, 80, 120, 120, 80, 5000] {
            aggregator.add(MetricSample(.copyLatency, Double(latency), at: Self.base))
        }
        let data = aggregator.drain()
        #expect(data.count == 1)
        #expect(data.first?.value == .distribution(values: [80, 120, 5000], counts: [2, 3, 1]))
        #expect(data.first?.unit == .milliseconds)
        #expect(data.sampleCount == 6)
    }

    @Test func moreThan150DistinctValuesSplitIntoDatumsOfTheSameTimestamp() throws {
        var aggregator = MetricAggregator(environment: "prod")
        for latency in 0..<400 { aggregator.add(MetricSample(.copyLatency, Double(latency), at: Self.base)) }
        for latency in 0..<10 { aggregator.add(MetricSample(.copyLatency, Double(latency), at: Self.base)) }
        let data = aggregator.drain()
        #expect(data.count == 3)
        var total = 0.0
        var seen: [Double] = []
        for datum in data {
            guard case .distribution(let values, let counts?) = datum.value else {
                Issue.record("expected values and counts")
                continue
            }
            #expect(values.count <= 150)
            #expect(datum.timestamp == data[0].timestamp)
            total += zip(values, counts).map { $0 * $1 }.reduce(0, +)
            seen += values
        }
        #expect(seen == (0..<400).map(Double.init))
        #expect(total == Double((0..<400).reduce(0, +) + (0..<10).reduce(0, +)))
        #expect(data.sampleCount == 410)
    }

    @Test func ruleDimensionSeparatesSeries() {
        var aggregator = MetricAggregator(environment: "staging")
        aggregator.add(MetricSample(.ruleViolations, 1, dimensions: ["Rule": "copy-failed"], at: Self.base))
        aggregator.add(MetricSample(.ruleViolations, 1, dimensions: ["Rule": "stale-server"], at: Self.base))
        aggregator.add(MetricSample(.ruleViolations, 1, dimensions: ["Rule": "copy-failed"], at: Self.base))
        let data = aggregator.drain()
        #expect(data.map(\.dimensions) == [
            [.init(name: "Environment", value: "staging"), .init(name: "Rule", value: "copy-failed")],
            [.init(name: "Environment", value: "staging"), .init(name: "Rule", value: "stale-server")],
        ])
        #expect(data.map(\.sampleCount) == [2, 1])
    }

    @Test func nonFiniteSamplesAreRefusedAndCounted() {
        var aggregator = MetricAggregator(environment: "prod")
        let nan = aggregator.add(MetricSample(.copyLatency, .nan, at: Self.base))
        let infinite = aggregator.add(MetricSample(.bytesCopied, .infinity, at: Self.base))
        let finite = aggregator.add(MetricSample(.bytesCopied, 1, at: Self.base))
        #expect(!nan && !infinite && finite)
        #expect(aggregator.rejectedSamples == 2)
        #expect(aggregator.drain().sampleCount == 1)
    }

    @Test func periodBucketsBeforeTheEpochRoundDown() {
        var aggregator = MetricAggregator(environment: "prod", period: .seconds(300))
        aggregator.add(MetricSample(.copyFailed, 1, at: Date(timeIntervalSince1970: -1)))
        aggregator.add(MetricSample(.copyFailed, 1, at: Date(timeIntervalSince1970: 299.9)))
        #expect(aggregator.drain().map(\.timestamp) == [Date(timeIntervalSince1970: -300), Date(timeIntervalSince1970: 0)])
    }
}
