import Foundation
import Testing

@testable import TransferWatchConfig

/// Webhook URLs and PagerDuty routing keys are credentials: interpolating a webhook, or the whole configuration,
/// into a log line or an error never shows them.
@Suite struct WebhookRedactionTests {
    static let secret = "s3cr3tT0k3n"

    @Test func aWebhookPrintsItsFormatAndHostOnly() throws {
        let slack = Configuration.Webhook(
            url: try #require(URL(string: "https://hooks.slack.com/services/T000/B000/\(Self.secret)")), format: .slack)
        #expect("\(slack)" == "slack webhook https://hooks.slack.com/…")
        let pagerDuty = Configuration.Webhook(
            url: try #require(URL(string: "https://events.pagerduty.com:443/v2/enqueue?token=\(Self.secret)")),
            format: .pagerduty, routingKey: Self.secret)
        #expect("\(pagerDuty)" == "pagerduty webhook https://events.pagerduty.com:443/… (routing key hidden)")
        #expect(String(reflecting: pagerDuty) == "\(pagerDuty)")
    }

    @Test func aPrintedConfigurationHidesEveryWebhookSecret() throws {
        let configuration = try Configuration(
            yaml: """
                region: us-east-1
                buckets: {source: invoices-incoming, destination: invoices-archive}
                tables: {employees: SFTPUsers, state: TransferWatchState}
                alerts:
                  webhooks:
                    - {url: "https://hooks.slack.com/services/T000/B000/\(Self.secret)", format: slack}
                    - {url: "https://events.pagerduty.com/v2/enqueue", format: pagerduty, routingKey: \(Self.secret)}
                """, file: "transferwatch.yaml", environment: [:])
        #expect(configuration.alerts.webhooks.count == 2)
        for printed in [
            String(describing: configuration), String(reflecting: configuration), "\(configuration.alerts)",
        ] {
            #expect(!printed.contains(Self.secret), "\(printed)")
            #expect(printed.contains("slack webhook https://hooks.slack.com/…"), "\(printed)")
        }
    }
}
