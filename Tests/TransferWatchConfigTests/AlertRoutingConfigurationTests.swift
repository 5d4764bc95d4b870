import Foundation
import Testing
import TransferWatchConfig

/// The `alerts` routing keys: grouping, timers, inhibit rules, delivery limits.
@Suite struct AlertRoutingConfigurationTests {
    static let base = """
        region: us-east-1
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}

        """

    @Test func defaultsAreAlertmanagersAndInhibitTheStalledCounter() throws {
        let configuration = try Configuration(yaml: Self.base, file: "tw.yaml", environment: [:])
        let alerts = configuration.alerts
        #expect(alerts.groupBy == ["alertname", "environment"])
        #expect(alerts.groupWait == .seconds(30))
        #expect(alerts.groupInterval == .seconds(300))
        #expect(alerts.repeatInterval == .seconds(14_400))
        #expect(
            alerts.inhibitRules.map(\.sourceMatchers) == [
                ["alertname": "stale-server"], ["alertname": "orphan-server"],
            ])
        #expect(alerts.inhibitRules.allSatisfy { $0.targetMatchers == ["alertname": "stalled-counter"] })
    }

    @Test func readsEveryRoutingKey() throws {
        let yaml =
            Self.base + """
                alerts:
                  groupBy: [alertname]
                  groupWait: 10s
                  groupInterval: 1m
                  repeatInterval: 2h
                  deliveryTimeout: 5s
                  deliveryExpiry: 6h
                  externalURL: http://agent.internal:9464
                  inhibit:
                    - source: {alertname: stale-server, severity: critical}
                      target: {alertname: copy-failed}
                      equal: [environment]
                """
        let alerts = try Configuration(yaml: yaml, file: "tw.yaml", environment: [:]).alerts
        #expect(alerts.groupBy == ["alertname"])
        #expect(alerts.groupWait == .seconds(10))
        #expect(alerts.groupInterval == .seconds(60))
        #expect(alerts.repeatInterval == .seconds(7200))
        #expect(alerts.deliveryTimeout == .seconds(5))
        #expect(alerts.deliveryExpiry == .seconds(21_600))
        #expect(alerts.externalURL?.absoluteString == "http://agent.internal:9464")
        #expect(
            alerts.inhibitRules == [
                .init(
                    sourceMatchers: ["alertname": "stale-server", "severity": "critical"],
                    targetMatchers: ["alertname": "copy-failed"], equal: ["environment"])
            ])
    }

    @Test func anEmptyInhibitListTurnsInhibitionOff() throws {
        let alerts = try Configuration(yaml: Self.base + "alerts: {inhibit: []}\n", file: "tw.yaml", environment: [:])
            .alerts
        #expect(alerts.inhibitRules.isEmpty)
    }

    @Test func badRoutingValuesAreReportedWithFileAndLine() {
        let yaml =
            Self.base + """
                alerts:
                  groupBy: [alertname, "bad-label"]
                  groupInterval: 10m
                  repeatInterval: 5m
                  inhibit:
                    - source: {alertname: stale-server}
                      equal: [environment, environment]
                """
        #expect {
            try Configuration(yaml: yaml, file: "tw.yaml", environment: [:])
        } throws: { error in
            let text = String(describing: error)
            return text == """
                tw.yaml:5:12: error: alerts.groupBy: 'bad-label' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)
                tw.yaml:7:19: error: alerts.repeatInterval: must be at least alerts.groupInterval
                tw.yaml:9:7: error: alerts.inhibit[0].target: missing required key
                tw.yaml:10:14: error: alerts.inhibit[0].equal: label 'environment' is listed twice
                """
        }
    }
}
