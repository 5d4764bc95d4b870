import Foundation
import TransferWatchRules

/// A Slack incoming-webhook message: `text` (the notification's title, also the fallback), Block Kit
/// `blocks` (a header and one section per alert), and one `attachment` coloured by severity.
///
/// Slack's limits are kept: a header's text at most 150 characters, a section's at most 3,000, at most 50
/// blocks (alerts beyond 45 are counted in a last section instead).
package struct SlackPayload: Sendable, Hashable, Codable {
    /// A Block Kit text object.
    package struct Text: Sendable, Hashable, Codable {
        /// `plain_text` or `mrkdwn`.
        package var type: String
        /// The text.
        package var text: String
    }

    /// A Block Kit block (`header`, `section` or `context`).
    package struct Block: Sendable, Hashable, Codable {
        /// The block type.
        package var type: String
        /// The text of a header or section.
        package var text: Text?
        /// The elements of a context block.
        package var elements: [Text]?
    }

    /// A legacy attachment, used for the colour bar.
    package struct Attachment: Sendable, Hashable, Codable {
        /// `#rrggbb`.
        package var color: String
        /// The text shown where blocks are not.
        package var fallback: String
        /// The attachment's text.
        package var text: String
    }

    /// The message's text (shown in notifications, and where blocks are not).
    package var text: String
    /// The blocks.
    package var blocks: [Block]
    /// The colour bar.
    package var attachments: [Attachment]

    /// The most blocks Slack accepts in one message.
    package static let maxBlocks = 50
    /// The longest header text.
    package static let maxHeaderLength = 150
    /// The longest section text.
    package static let maxSectionLength = 3000

    /// The colour of a severity, green once resolved.
    package static func color(severity: String, resolved: Bool) -> String {
        if resolved { return "#2eb886" }
        switch severity {
        case "critical": return "#d00000"
        case "warning": return "#daa038"
        default: return "#439fe0"
        }
    }

    /// The message of a notification.
    package init(_ notification: AlertNotification) {
        let title = AlertText.title(notification)
        let environment = notification.commonLabels["environment"].map { " (\($0))" } ?? ""
        text = AlertText.truncate(title + environment, to: 3000)
        var blocks = [
            Block(
                type: "header",
                text: Text(type: "plain_text", text: AlertText.truncate(title + environment, to: Self.maxHeaderLength)))
        ]
        let shown = notification.alerts.prefix(45)
        for record in shown {
            var lines = AlertText.lines(for: record, now: notification.at)
            lines[0] = "*\(lines[0])*"
            if let runbook = record.alert.annotations["runbook_url"],
                let index = lines.firstIndex(of: "Runbook: \(runbook)")
            {
                lines[index] = "Runbook: <\(runbook)|\(runbook)>"
            }
            blocks.append(
                Block(
                    type: "section",
                    text: Text(
                        type: "mrkdwn",
                        text: AlertText.truncate(lines.joined(separator: "\n"), to: Self.maxSectionLength))))
        }
        if notification.alerts.count > shown.count {
            blocks.append(
                Block(
                    type: "section",
                    text: Text(type: "mrkdwn", text: "… and \(notification.alerts.count - shown.count) more alerts")))
        }
        var context = ["group \(notification.group.description)"]
        if let url = notification.externalURL { context.append("<\(url.absoluteString)|agent>") }
        blocks.append(
            Block(
                type: "context",
                elements: [Text(type: "mrkdwn", text: AlertText.truncate(context.joined(separator: " · "), to: 3000))]))
        self.blocks = blocks
        attachments = [
            Attachment(
                color: Self.color(severity: notification.severity, resolved: notification.firing.isEmpty),
                fallback: text,
                text: AlertText.truncate(
                    notification.alerts.compactMap { $0.alert.annotations["summary"] }.joined(separator: "\n"),
                    to: 3000))
        ]
    }

    /// The message of a silence announcement.
    package init(_ announcement: SilenceAnnouncement) {
        let title = "Silence \(announcement.action.rawValue): \(announcement.silence.matcherText)"
        text = AlertText.truncate(title, to: 3000)
        blocks = [
            Block(
                type: "header",
                text: Text(type: "plain_text", text: AlertText.truncate(title, to: Self.maxHeaderLength))),
            Block(
                type: "section",
                text: Text(
                    type: "mrkdwn", text: AlertText.truncate(AlertText.body(announcement), to: Self.maxSectionLength))),
        ]
        attachments = [Attachment(color: "#439fe0", fallback: text, text: announcement.silence.comment)]
    }

    /// The JSON text.
    package func json() -> String { encodeJSON(self) }
}
