import Foundation
import Testing
import TransferWatchAgent
import TransferWatchTelemetry
import TransferWatchTestSupport

/// `/metrics` as served over HTTP, parsed by prometheus_client's parser (scripts/check_prometheus_exposition.py).
///
/// Not skipped when Python is missing: `make test` provides .venv, and without it this fails.
@Suite struct PrometheusExpositionTests {
    /// The store plus families that exercise the writer's edges: NaN and infinities, a summary, and label
    /// values with quotes, backslashes, line feeds and non-ASCII text.
    struct EdgeExposition: MetricsExposition {
        let store: PrometheusMetricStore

        func metricFamilies() async -> [MetricFamily] {
            await store.metricFamilies() + [
                MetricFamily(
                    name: "transferwatch_edge_values", help: "Edge values\nwith a \\ backslash", kind: .gauge,
                    metrics: [
                        .init(labels: ["case": "nan"], value: .single(.nan)),
                        .init(labels: ["case": "inf"], value: .single(.infinity)),
                        .init(labels: ["case": "minus-inf"], value: .single(-.infinity)),
                        .init(labels: ["case": "fraction"], value: .single(0.000123)),
                    ]),
                MetricFamily(
                    name: "transferwatch_edge_summary", help: "A summary", kind: .summary,
                    metrics: [
                        .init(
                            value: .summary(
                                quantiles: [.init(quantile: 0.5, value: 0.2), .init(quantile: 0.99, value: 1.5)],
                                count: 7, sum: 3.25))
                    ]),
            ]
        }
    }

    @Test func metricsParseWithPrometheusClient() async throws {
        let python = try #require(
            RepositoryPaths.testPython(),
            "no Python for the exposition check: run `make venv` or set TRANSFERWATCH_PYTHON")
        let script = try #require(RepositoryPaths.root()).appendingPathComponent(
            "scripts/check_prometheus_exposition.py")

        let store = PrometheusMetricStore(environment: "prod")
        store.record(.copySucceeded, value: 1)
        store.record(.copySucceeded, value: 1)
        store.record(.copyFailed, value: 1)
        store.record(.bytesCopied, value: 248_113)
        store.record(.copyLatency, value: 412)
        store.record(.copyLatency, value: 95)
        store.record(.copyLatency, value: 70_000)
        store.record(.serverOnline, value: 1)
        store.record(.serverAgeHours, value: 34.0)
        store.record(.ruleViolations, value: 2, dimensions: ["Rule": "weird \"rule\" \\ with\nnewline é"])
        let server = try StatusFixtures.startServer(metrics: EdgeExposition(store: store))
        defer { server.server.stop() }

        let response = try await fetch("/metrics", port: server.port)
        #expect(response.status == 200)
        let result = try await HTTPTestProcess.run(python, [script.path], input: Data(response.body))
        #expect(result.status == 0, "\(result.standardError)")
        let parsed = try JSONDecoder().decode(Parsed.self, from: result.standardOutput)
        let families = Dictionary(uniqueKeysWithValues: parsed.families.map { ($0.name, $0) })

        // One family per CloudWatch metric, with the right type, plus the two edge families.
        #expect(parsed.families.count == MetricName.all.count + 2)
        #expect(parsed.families.map(\.name) == parsed.families.map(\.name).sorted())
        #expect(families["transferwatch_copy_succeeded"]?.type == "counter")
        #expect(families["transferwatch_copy_succeeded"]?.value(of: "transferwatch_copy_succeeded_total") == .number(2))
        #expect(
            families["transferwatch_bytes_copied"]?.value(of: "transferwatch_bytes_copied_total") == .number(248_113))
        #expect(families["transferwatch_server_age_hours"]?.type == "gauge")
        #expect(families["transferwatch_server_age_hours"]?.value(of: "transferwatch_server_age_hours") == .number(34))

        let latency = try #require(families["transferwatch_copy_latency_seconds"])
        #expect(latency.type == "histogram")
        #expect(latency.value(of: "transferwatch_copy_latency_seconds_count") == .number(3))
        #expect(latency.value(of: "transferwatch_copy_latency_seconds_bucket", labels: ["le": "0.5"]) == .number(2))
        #expect(latency.value(of: "transferwatch_copy_latency_seconds_bucket", labels: ["le": "120"]) == .number(3))
        #expect(latency.value(of: "transferwatch_copy_latency_seconds_bucket", labels: ["le": "60"]) == .number(2))

        let violations = try #require(families["transferwatch_rule_violations"])
        #expect(
            violations.samples.first?.labels == ["environment": "prod", "rule": "weird \"rule\" \\ with\nnewline é"])

        let edges = try #require(families["transferwatch_edge_values"])
        #expect(edges.help == "Edge values\nwith a \\ backslash")
        #expect(edges.value(of: "transferwatch_edge_values", labels: ["case": "nan"]) == .text("NaN"))
        #expect(edges.value(of: "transferwatch_edge_values", labels: ["case": "inf"]) == .text("+Inf"))
        #expect(edges.value(of: "transferwatch_edge_values", labels: ["case": "minus-inf"]) == .text("-Inf"))
        #expect(edges.value(of: "transferwatch_edge_values", labels: ["case": "fraction"]) == .number(0.000123))
        let summary = try #require(families["transferwatch_edge_summary"])
        #expect(summary.type == "summary")
        #expect(summary.value(of: "transferwatch_edge_summary", labels: ["quantile": "0.99"]) == .number(1.5))
        #expect(summary.value(of: "transferwatch_edge_summary_count") == .number(7))
    }

    @Test func theCheckerRejectsABrokenExposition() async throws {
        // The checker must be able to fail, or the test above proves nothing.
        let python = try #require(
            RepositoryPaths.testPython(), "no Python: run `make venv` or set TRANSFERWATCH_PYTHON")
        let script = try #require(RepositoryPaths.root()).appendingPathComponent(
            "scripts/check_prometheus_exposition.py")
        for broken in [
            "# HELP a_total x\n# TYPE a_total counter\na 1\n",  // counter sample without _total
            "# HELP a x\n# TYPE a counter\na_total 1\n",  // counter family not named *_total
            "# HELP a x\n# TYPE a gauge\n# TYPE a gauge\na 1\n",  // two TYPE lines
            "# HELP a x\n# TYPE a gauge\na{l=\"unterminated} 1\n",  // bad label value
            "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",  // no +Inf bucket
        ] {
            let result = try await HTTPTestProcess.run(python, [script.path], input: Data(broken.utf8))
            #expect(result.status == 1, "accepted: \(broken)")
            #expect(result.standardError.hasPrefix("check_prometheus_exposition: "))
        }
    }

    struct Parsed: Decodable {
        var families: [Family]
    }

    struct Family: Decodable {
        var name: String
        var type: String
        var help: String
        var samples: [Sample]

        func value(of name: String, labels: [String: String] = [:]) -> SampleValue? {
            samples.first { sample in
                sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
            }?.value
        }
    }

    struct Sample: Decodable {
        var name: String
        var labels: [String: String]
        var value: SampleValue
    }

    enum SampleValue: Decodable, Equatable {
        case number(Double)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }
}
