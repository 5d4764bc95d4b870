import Foundation
import TransferWatchAWS
import TransferWatchRules

/// The SNS form of a notification: a one-line ASCII subject under 100 characters, a text message, and
/// `severity`, `alertname` and `status` message attributes for subscription filter policies.
package enum SNSMessage {
    /// The longest subject sent (SNS refuses 100 characters or more).
    package static let maxSubjectLength = SNSClient.maxSubjectLength - 1

    /// Renders a notification.
    package static func render(_ notification: AlertNotification) -> RenderedMessage {
        let environment = notification.commonLabels["environment"].map { " (\($0))" } ?? ""
        let subject = self.subject(AlertText.title(notification) + environment)
        var body = AlertText.body(notification)
        if body.utf8.count > SNSClient.maxMessageBytes {
            body =
                String(decoding: Data(body.utf8).prefix(SNSClient.maxMessageBytes - 64), as: UTF8.self)
                + "\n… (cut to fit SNS's 256 KiB)"
        }
        return RenderedMessage(
            body: body, subject: subject,
            attributes: [
                "severity": notification.severity, "alertname": notification.alertNames.joined(separator: ","),
                "status": notification.status,
            ])
    }

    /// Renders a silence announcement.
    package static func render(_ announcement: SilenceAnnouncement) -> RenderedMessage {
        let alertname = announcement.silence.matchers.first { $0.name == "alertname" && !$0.isNegative }?.value ?? "*"
        return RenderedMessage(
            body: AlertText.body(announcement),
            subject: subject("[SILENCE \(announcement.action.rawValue.uppercased())] \(alertname)"),
            attributes: [
                "severity": "info", "alertname": alertname, "status": "silence-\(announcement.action.rawValue)",
            ])
    }

    /// `text` as a valid subject: printable ASCII only (others become `?`), one line, at most 99 characters.
    package static func subject(_ text: String) -> String {
        let ascii = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    if scalar == "\n" || scalar == "\r" || scalar == "\t" { return " " }
                    return (0x20..<0x7F).contains(scalar.value) ? scalar : "?"
                }))
        guard ascii.count > maxSubjectLength else { return ascii }
        return String(ascii.prefix(maxSubjectLength - 3)) + "..."
    }
}
