import Foundation
import Testing
import TransferWatchAWS
@testable import TransferWatchTelemetry

/// EMF lines checked against the shape of the Embedded Metric Format specification.
@Suite struct EMFEncoderTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000.25)

    /// Every rule of the specification this output relies on; returns the problems found in one event line.
    static func specificationProblems(_ line: String) -> [String] {
        var problems: [String] = []
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return ["not a JSON object: \(line)"]
        }
        guard let aws = object["_aws"] as? [String: Any] else { return ["no _aws member"] }
        guard let timestamp = aws["Timestamp"] as? NSNumber, timestamp.doubleValue == timestamp.doubleValue.rounded(),
            timestamp.doubleValue > 1e12
        else { return ["_aws.Timestamp is not epoch milliseconds"] }
        guard let directives = aws["CloudWatchMetrics"] as? [[String: Any]], !directives.isEmpty else {
            return ["_aws.CloudWatchMetrics is not a non-empty array"]
        }
        for directive in directives {
            guard let namespace = directive["Namespace"] as? String, !namespace.isEmpty else {
                problems.append("directive without Namespace")
                continue
            }
            let dimensionSets = directive["Dimensions"] as? [[String]] ?? []
            if dimensionSets.isEmpty { problems.append("directive without Dimensions") }
            for set in dimensionSets {
                if set.count > 30 { problems.append("more than 30 dimensions") }
                for key in set where !(object[key] is String) { problems.append("dimension \(key) is not a root string") }
            }
            let metrics = directive["Metrics"] as? [[String: Any]] ?? []
            if metrics.isEmpty || metrics.count > 100 { problems.append("Metrics has \(metrics.count) entries") }
            for metric in metrics {
                guard let name = metric["Name"] as? String else {
                    problems.append("metric without Name")
                    continue
                }
                if let unit = metric["Unit"] as? String, CloudWatchClient.StandardUnit(rawValue: unit) == nil {
                    problems.append("unknown unit \(unit)")
                }
                switch object[name] {
                case let array as [NSNumber]:
                    if array.isEmpty || array.count > 100 { problems.append("\(name) has \(array.count) values") }
                case is NSNumber: break
                default: problems.append("metric \(name) is not a root number or array of numbers")
                }
            }
        }
        return problems
    }

    static func values(_ line: String, _ name: String) -> [Double] {
        let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
        if let array = object[name] as? [NSNumber] { return array.map(\.doubleValue) }
        if let number = object[name] as? NSNumber { return [number.doubleValue] }
        return []
    }

    @Test func linesFollowTheSpecificationAndKeepEverySample() throws {
        var aggregator = MetricAggregator(
            environment: "prod", distributionMetrics: Set(MetricName.all.map(\.name)))
        for index in 0..<250 {
            aggregator.add(MetricSample(.copyLatency, Double(index % 180), at: Self.now))
            aggregator.add(MetricSample(.copySucceeded, 1, at: Self.now))
        }
        aggregator.add(MetricSample(.ruleViolations, 1, dimensions: ["Rule": "copy-failed"], at: Self.now))
        aggregator.add(MetricSample(.ruleViolations, 1, dimensions: ["Rule": "stale-server"], at: Self.now.addingTimeInterval(60)))
        let lines = EMFEncoder.lines(namespace: "TransferWatch", data: aggregator.drain(), now: Self.now)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(!line.contains("\n"))
            #expect(Self.specificationProblems(line) == [], "\(line.prefix(300))")
        }
        #expect(lines.flatMap { Self.values($0, "CopyLatency") }.reduce(0, +) == Double((0..<250).map { $0 % 180 }.reduce(0, +)))
        #expect(lines.flatMap { Self.values($0, "CopyLatency") }.count == 250)
        #expect(lines.flatMap { Self.values($0, "CopySucceeded") }.count == 250)
        let ruleLines = lines.filter { $0.contains("\"Rule\"") }
        #expect(ruleLines.count == 2)
        #expect(ruleLines.allSatisfy { $0.contains(#""Dimensions":[["Environment","Rule"]]"#) })
        #expect(lines.first?.contains(#""Timestamp":1794999960000"#) == true)
        #expect(lines.first?.contains(#""Namespace":"TransferWatch""#) == true)
        #expect(lines.first?.contains(#"{"Name":"CopyLatency","Unit":"Milliseconds"}"#) == true)
    }

    @Test func theValidatorRejectsBrokenEvents() {
        #expect(!Self.specificationProblems(#"{"CopyLatency":[1]}"#).isEmpty)
        #expect(!Self.specificationProblems(
            #"{"_aws":{"Timestamp":1795000000000,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["Environment"]],"Metrics":[{"Name":"X","Unit":"Count"}]}]},"X":[1]}"#
        ).isEmpty)
        #expect(Self.specificationProblems(
            #"{"_aws":{"Timestamp":1795000000000,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["Environment"]],"Metrics":[{"Name":"X","Unit":"Count"}]}]},"Environment":"p","X":[1]}"#
        ) == [])
    }
}
