import Foundation
import Testing
import TransferWatchAlerting
import TransferWatchConfig

/// A receiver interpolated into a log line or an error never shows a webhook's URL or PagerDuty routing key.
@Suite struct AlertReceiverRedactionTests {
    @Test func receiversPrintTheirNameAndNeverTheirSecrets() throws {
        let secret = "s3cr3tT0k3n"
        let alerts = Configuration.Alerts(
            snsTopicArn: try ARN.snsTopic("arn:aws:sns:us-east-1:123456789012:oncall"),
            webhooks: [
                .init(
                    url: try #require(URL(string: "https://hooks.slack.com/services/T0/B0/\(secret)")), format: .slack),
                .init(
                    url: try #require(URL(string: "https://events.pagerduty.com/v2/enqueue")), format: .pagerduty,
                    routingKey: secret),
            ])
        let receivers = AlertReceiver.all(from: alerts)
        #expect(receivers.count == 3)
        for receiver in receivers {
            for printed in ["\(receiver)", String(reflecting: receiver), "\(receiver.kind)", "\(receivers)"] {
                #expect(!printed.contains(secret), "\(printed)")
            }
            #expect("\(receiver)" == receiver.name)
        }
        #expect("\(receivers[1].kind)" == "slack webhook https://hooks.slack.com/…")
        #expect("\(receivers[2].kind)" == "pagerduty webhook https://events.pagerduty.com/… (routing key hidden)")
        #expect("\(receivers[0].kind)" == "sns arn:aws:sns:us-east-1:123456789012:oncall")
    }
}
