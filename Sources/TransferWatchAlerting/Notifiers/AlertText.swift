import Foundation
import TransferWatchRules

/// Plain-text descriptions of alerts shared by every format: what, where, since when, what to do.
package enum AlertText {
    /// `2026-11-29T10:00:00Z`.
    package static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    /// `2h 5m`, `3d 4h`, `45s`.
    package static func age(from start: Date, to now: Date) -> String {
        var seconds = max(0, Int(now.timeIntervalSince(start)))
        let days = seconds / 86_400
        seconds %= 86_400
        let hours = seconds / 3600
        seconds %= 3600
        let minutes = seconds / 60
        seconds %= 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(seconds)s" }
        return "\(seconds)s"
    }

    /// `[FIRING:2] copy-failed` / `[RESOLVED] copy-failed`.
    package static func title(_ notification: AlertNotification) -> String {
        let status =
            notification.firing.isEmpty
            ? "[RESOLVED]" : "[FIRING:\(notification.firing.count)]"
        return "\(status) \(notification.alertNames.joined(separator: ", "))"
    }

    /// One alert as text lines: headline, summary, description, runbook, labels, other annotations.
    package static func lines(for record: AlertRecord, now: Date) -> [String] {
        let alert = record.alert
        var lines: [String] = []
        if let resolvedAt = alert.resolvedAt, alert.state == .resolved {
            lines.append(
                "RESOLVED \(record.name) (\(alert.severity.rawValue)) at \(timestamp(resolvedAt)), "
                    + "after firing since \(timestamp(record.since))")
        } else {
            lines.append(
                "FIRING \(record.name) (\(alert.severity.rawValue)) since \(timestamp(record.since)) "
                    + "(\(age(from: record.since, to: now)))")
        }
        if let summary = alert.annotations["summary"] { lines.append("Summary: \(summary)") }
        if let description = alert.annotations["description"] { lines.append("Description: \(description)") }
        if let runbook = alert.annotations["runbook_url"] { lines.append("Runbook: \(runbook)") }
        let labels = alert.labels.keys.sorted().filter { $0 != "alertname" }.map { "\($0)=\(alert.labels[$0]!)" }
        if !labels.isEmpty { lines.append("Labels: " + labels.joined(separator: ", ")) }
        for key in alert.annotations.keys.sorted() where !["summary", "description", "runbook_url"].contains(key) {
            lines.append("\(key): \(alert.annotations[key]!)")
        }
        lines.append("Fingerprint: \(record.fingerprint)")
        return lines
    }

    /// The whole notification as text (SNS's message).
    package static func body(_ notification: AlertNotification) -> String {
        var sections = [title(notification) + " " + notification.group.description]
        for record in notification.alerts {
            sections.append(lines(for: record, now: notification.at).joined(separator: "\n"))
        }
        if let url = notification.externalURL { sections.append("Agent: \(url.absoluteString)") }
        return sections.joined(separator: "\n\n")
    }

    /// The announcement as text.
    package static func body(_ announcement: SilenceAnnouncement) -> String {
        let silence = announcement.silence
        switch announcement.action {
        case .created:
            return """
                Silence \(silence.id) created by \(announcement.by)
                Matchers: \(silence.matcherText)
                From \(timestamp(silence.startsAt)) until \(timestamp(silence.endsAt))
                Comment: \(silence.comment)
                Matching alerts are not sent until it ends; `transferwatch silence expire \(silence.id)` ends it.
                """
        case .expired:
            return """
                Silence \(silence.id) expired by \(announcement.by) at \(timestamp(announcement.at))
                Matchers: \(silence.matcherText)
                Comment: \(silence.comment)
                Matching alerts are sent again.
                """
        }
    }

    /// `text` cut to at most `limit` characters, ending in `…` when cut.
    package static func truncate(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}
