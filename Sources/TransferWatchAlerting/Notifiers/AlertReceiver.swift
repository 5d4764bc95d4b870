import Foundation
import TransferWatchConfig
import TransferWatchRules

/// One place notifications go: the SNS topic or a webhook in one of three formats.
///
/// Its ``name`` is stable across restarts and never contains a secret (a webhook is named by its format and a
/// hash of its URL, since Slack and PagerDuty URLs and keys are credentials).
package struct AlertReceiver: Sendable, Hashable {
    /// Where and how.
    package enum Kind: Sendable, Hashable {
        /// An SNS topic (publish with a subject and message attributes).
        case sns(topicARN: String)
        /// An HTTP POST of JSON in `format`.
        case webhook(url: URL, format: Configuration.WebhookFormat, routingKey: String?)
    }

    /// The receiver's stable name (`sns:oncall`, `slack-9f2c41d0`).
    package var name: String
    /// Where and how.
    package var kind: Kind

    /// Creates a receiver named after its kind.
    package init(_ kind: Kind) {
        self.kind = kind
        switch kind {
        case .sns(let arn):
            name = "sns:" + (arn.split(separator: ":").last.map(String.init) ?? arn)
        case .webhook(let url, let format, _):
            name = "\(format.rawValue)-" + AlertFingerprint.of(["url": url.absoluteString]).prefix(8)
        }
    }

    /// The receivers of a configuration: the topic (if any), then the webhooks in order.
    package static func all(from alerts: Configuration.Alerts) -> [AlertReceiver] {
        var receivers: [AlertReceiver] = []
        if let topic = alerts.snsTopicArn { receivers.append(AlertReceiver(.sns(topicARN: topic.description))) }
        for webhook in alerts.webhooks {
            receivers.append(
                AlertReceiver(.webhook(url: webhook.url, format: webhook.format, routingKey: webhook.routingKey)))
        }
        return receivers
    }

    /// Whether silence announcements go here (people read SNS and Slack; Alertmanager and PagerDuty
    /// receivers only understand alerts).
    package var takesAnnouncements: Bool {
        switch kind {
        case .sns: true
        case .webhook(_, let format, _): format == .slack
        }
    }
}
