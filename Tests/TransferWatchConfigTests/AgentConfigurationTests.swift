import Foundation
import Testing
import TransferWatchConfig

/// The `agent:` section: defaults, values, and one-line errors at the key's line.
@Suite struct AgentConfigurationTests {
    static let minimal = """
        region: us-east-1
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}

        """

    @Test func defaultsWhenAbsent() throws {
        let configuration = try Configuration(yaml: Self.minimal, file: "transferwatch.yaml", environment: [:])
        #expect(configuration.agent == .init())
        #expect(configuration.agent.shutdownTimeout == .seconds(20))
        #expect(configuration.agent.lease == .seconds(30))
        #expect(configuration.agent.reconcileInterval == .seconds(300))
        #expect(configuration.agent.tickInterval == .seconds(60))
        #expect(configuration.agent.visibilityTimeout == .seconds(60))
        #expect(configuration.agent.maxReceiveCount == 5)
    }

    @Test func readsEveryKey() throws {
        let yaml =
            Self.minimal + """
                agent:
                  shutdownTimeout: 45s
                  lease: 1m
                  reconcileInterval: 10m
                  tickInterval: 30s
                  visibilityTimeout: 5m
                  maxReceiveCount: 3

                """
        let configuration = try Configuration(yaml: yaml, file: "transferwatch.yaml", environment: [:])
        #expect(
            configuration.agent
                == .init(
                    shutdownTimeout: .seconds(45), lease: .seconds(60), reconcileInterval: .seconds(600),
                    tickInterval: .seconds(30), visibilityTimeout: .seconds(300), maxReceiveCount: 3))
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String
        var section: String
        var error: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        // SQS counts visibility in whole seconds, up to 12 hours.
        Bad(
            name: "visibility too long", section: "  visibilityTimeout: 13h",
            error: "conf.yaml:5:22: error: agent.visibilityTimeout: must be at most 43200s"),
        Bad(
            name: "zero lease", section: "  lease: 0s",
            error: "conf.yaml:5:10: error: agent.lease: duration must be longer than zero"),
        // SQS's redrive limit.
        Bad(
            name: "receive count too high", section: "  maxReceiveCount: 5000",
            error: "conf.yaml:5:20: error: agent.maxReceiveCount: must be at most 1000 (SQS's limit)"),
        Bad(name: "unknown key", section: "  leases: 30s", error: "conf.yaml:5:3: error: agent.leases: unknown key"),
    ])
    func reportsABadValueAtItsLine(_ bad: Bad) throws {
        let yaml = Self.minimal + "agent:\n" + bad.section + "\n"
        do {
            _ = try Configuration(yaml: yaml, file: "conf.yaml", environment: [:])
            Issue.record("\(bad.name): accepted")
        } catch {
            #expect(error.description.hasPrefix(bad.error), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }
}
