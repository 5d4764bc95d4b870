import Foundation
import Testing
import TransferWatchConfig

/// The `metrics` configuration key: defaults, values, and file:line errors.
@Suite struct MetricsConfigurationTests {
    static let base = """
        region: us-east-1
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}

        """

    static func load(_ yaml: String) throws(ConfigurationErrors) -> Configuration {
        try Configuration(yaml: yaml, file: "conf/transferwatch.yaml", environment: [:])
    }

    @Test func defaultsWhenAbsent() throws {
        let metrics = try Self.load(Self.base).metrics
        #expect(metrics == Configuration.Metrics(output: .cloudwatch, flushInterval: .seconds(60), spoolMaxBytes: .mebibytes(64)))
    }

    @Test func readsEveryKey() throws {
        let metrics = try Self.load(Self.base + "metrics: {output: emf, flushInterval: 15s, spoolMaxBytes: 8MiB}\n").metrics
        #expect(metrics == Configuration.Metrics(output: .emf, flushInterval: .seconds(15), spoolMaxBytes: .mebibytes(8)))
    }

    struct BadCase: Sendable, CustomStringConvertible {
        var name: String
        var yaml: String
        var error: String
        var description: String { name }
    }

    @Test(arguments: [
        BadCase(
            name: "unknown output",
            yaml: "metrics:\n  output: prometheus\n",
            error: "conf/transferwatch.yaml:5:11: error: metrics.output: unknown metrics output 'prometheus' (expected cloudwatch or emf)"),
        BadCase(
            name: "flush interval too long",
            yaml: "metrics:\n  flushInterval: 2h\n",
            error: "conf/transferwatch.yaml:5:18: error: metrics.flushInterval: 2h is outside 1s-1h"),
        BadCase(
            name: "spool too small for one batch",
            yaml: "metrics:\n  spoolMaxBytes: 100KiB\n",
            error: "conf/transferwatch.yaml:5:18: error: metrics.spoolMaxBytes: 100KiB is outside 1MiB-64GiB (room for at least one 1MB PutMetricData batch)"),
        BadCase(
            name: "misspelt key",
            yaml: "metrics:\n  flushInterva: 30s\n",
            error: "conf/transferwatch.yaml:5:3: error: metrics.flushInterva: unknown key (did you mean 'flushInterval'?)"),
    ])
    func reportsTheFileAndLine(_ bad: BadCase) {
        do {
            _ = try Self.load(Self.base + bad.yaml)
            Issue.record("\(bad.name) was accepted")
        } catch {
            #expect(error.description == bad.error)
        }
    }
}
