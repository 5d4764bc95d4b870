import Foundation
import TransferWatchConfig
import TransferWatchRules

/// A notification in its receiver's wire form, ready to send and to persist in the outbox.
package struct RenderedMessage: Sendable, Hashable, Codable {
    /// The JSON body of a webhook, or the text of an SNS message.
    package var body: String
    /// SNS's subject (fewer than 100 ASCII characters, one line).
    package var subject: String?
    /// SNS message attributes (`severity`, `alertname`, `status`), all strings.
    package var attributes: [String: String]

    /// Creates a message.
    package init(body: String, subject: String? = nil, attributes: [String: String] = [:]) {
        self.body = body
        self.subject = subject
        self.attributes = attributes
    }
}

extension AlertReceiver {
    /// The notification in this receiver's format.
    package func render(_ notification: AlertNotification) -> RenderedMessage {
        switch kind {
        case .sns:
            return SNSMessage.render(notification)
        case .webhook(_, let format, let routingKey):
            switch format {
            case .alertmanager: return RenderedMessage(body: AlertmanagerPayload(notification).json())
            case .slack: return RenderedMessage(body: SlackPayload(notification).json())
            case .pagerduty:
                return RenderedMessage(body: PagerDutyEvent(notification, routingKey: routingKey ?? "").json())
            }
        }
    }

    /// The announcement in this receiver's format, or `nil` when it takes none (see ``takesAnnouncements``).
    package func render(_ announcement: SilenceAnnouncement) -> RenderedMessage? {
        guard takesAnnouncements else { return nil }
        switch kind {
        case .sns: return SNSMessage.render(announcement)
        case .webhook: return RenderedMessage(body: SlackPayload(announcement).json())
        }
    }
}

/// JSON with sorted keys and unescaped slashes, for stable payloads.
func encodeJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Every payload is made of strings, numbers, Booleans, arrays and dictionaries: encoding cannot fail.
    let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
}
