import Testing
import TransferWatchAgent
import TransferWatchTelemetry

/// The text exposition writer and the metric store, on values.
@Suite struct PrometheusTextFormatTests {
    @Test func writesHelpTypeAndSamplesSortedWithCountersSuffixed() {
        let text = PrometheusTextFormat.render([
            MetricFamily(name: "b_gauge", help: "A gauge", kind: .gauge, metrics: [.init(value: .single(2.5))]),
            MetricFamily(
                name: "a_events", help: "Events", kind: .counter,
                metrics: [
                    .init(labels: ["z": "1", "a": "2"], value: .single(3))
                ]),
        ])
        #expect(
            text == """
                # HELP a_events_total Events
                # TYPE a_events_total counter
                a_events_total{a="2",z="1"} 3
                # HELP b_gauge A gauge
                # TYPE b_gauge gauge
                b_gauge 2.5

                """)
    }

    @Test func escapesLabelValuesAndHelp() {
        let text = PrometheusTextFormat.render([
            MetricFamily(
                name: "x", help: "line one\nback\\slash \"quoted\"", kind: .gauge,
                metrics: [
                    .init(labels: ["rule": "a\"b\\c\nd"], value: .single(1))
                ])
        ])
        #expect(text.contains(#"# HELP x line one\nback\\slash "quoted""# + "\n"))
        #expect(text.contains(#"x{rule="a\"b\\c\nd"} 1"# + "\n"))
    }

    @Test func formatsSpecialValues() {
        #expect(PrometheusTextFormat.format(.infinity) == "+Inf")
        #expect(PrometheusTextFormat.format(-.infinity) == "-Inf")
        #expect(PrometheusTextFormat.format(.nan) == "NaN")
        #expect(PrometheusTextFormat.format(42) == "42")
        #expect(PrometheusTextFormat.format(0.25) == "0.25")
        #expect(PrometheusTextFormat.format(-3) == "-3")
    }

    @Test func writesHistogramsWithCumulativeBucketsEndingAtInf() {
        let text = PrometheusTextFormat.render([
            MetricFamily(
                name: "latency_seconds", help: "h", kind: .histogram,
                metrics: [
                    .init(
                        value: .histogram(
                            buckets: [.init(upperBound: 1, count: 3), .init(upperBound: 0.5, count: 1)], count: 4,
                            sum: 2.75))
                ])
        ])
        #expect(
            text.hasSuffix(
                """
                latency_seconds_bucket{le="0.5"} 1
                latency_seconds_bucket{le="1"} 3
                latency_seconds_bucket{le="+Inf"} 4
                latency_seconds_sum 2.75
                latency_seconds_count 4

                """))
    }

    @Test func writesSummariesWithQuantiles() {
        let text = PrometheusTextFormat.render([
            MetricFamily(
                name: "s", help: "h", kind: .summary,
                metrics: [
                    .init(
                        labels: ["env": "p"],
                        value: .summary(
                            quantiles: [.init(quantile: 0.99, value: .nan), .init(quantile: 0.5, value: 1)], count: 0,
                            sum: 0))
                ])
        ])
        #expect(
            text.contains("s{env=\"p\",quantile=\"0.5\"} 1\ns{env=\"p\",quantile=\"0.99\"} NaN\ns_sum{env=\"p\"} 0\n"))
    }

    @Test func mergesFamiliesByNameAndDropsConflictingTypesAndDuplicateSeries() {
        let text = PrometheusTextFormat.render([
            MetricFamily(
                name: "m", help: "first", kind: .gauge, metrics: [.init(labels: ["a": "1"], value: .single(1))]),
            MetricFamily(
                name: "m", help: "second", kind: .gauge,
                metrics: [
                    .init(labels: ["a": "2"], value: .single(2)), .init(labels: ["a": "1"], value: .single(9)),
                    .init(value: .histogram(buckets: [], count: 0, sum: 0)),
                ]),
        ])
        #expect(text == "# HELP m first\n# TYPE m gauge\nm{a=\"1\"} 1\nm{a=\"2\"} 2\n")
    }

    @Test func sanitisesNamesAndDropsReservedLabels() {
        let text = PrometheusTextFormat.render([
            MetricFamily(
                name: "9bad-name", help: "h", kind: .gauge,
                metrics: [
                    .init(labels: ["le": "x", "__x": "y", "ok-label": "z"], value: .single(1))
                ])
        ])
        #expect(text == "# HELP _bad_name h\n# TYPE _bad_name gauge\n_bad_name{ok_label=\"z\"} 1\n")
    }

    @Test func storeExposesTheWholeCatalogueAndAccumulates() async {
        let store = PrometheusMetricStore(environment: "prod")
        store.record(.copySucceeded, value: 1)
        store.record(.copySucceeded, value: 1)
        store.record(.copySucceeded, value: -5)  // ignored: counters never go down
        store.record(.serverOnline, value: 1)
        store.record(.serverOnline, value: 0)
        store.record(.copyLatency, value: 80)  // ms
        store.record(.copyLatency, value: 3_000)
        store.record(.ruleViolations, value: 1, dimensions: ["Rule": "copy-failed", "Environment": "ignored"])
        let text = PrometheusTextFormat.render(await store.metricFamilies())
        #expect(text.contains("transferwatch_copy_succeeded_total{environment=\"prod\"} 2\n"))
        #expect(text.contains("transferwatch_server_online{environment=\"prod\"} 0\n"))
        #expect(text.contains("transferwatch_copy_latency_seconds_bucket{environment=\"prod\",le=\"0.1\"} 1\n"))
        #expect(text.contains("transferwatch_copy_latency_seconds_bucket{environment=\"prod\",le=\"5\"} 2\n"))
        #expect(text.contains("transferwatch_copy_latency_seconds_sum{environment=\"prod\"} 3.08\n"))
        #expect(text.contains("transferwatch_rule_violations_total{environment=\"prod\",rule=\"copy-failed\"} 1\n"))
        for metric in MetricName.all {
            #expect(text.contains(PrometheusMetricStore.prometheusName(for: metric)), "\(metric.name) missing")
        }
    }
}
