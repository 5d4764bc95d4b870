import Foundation
import TransferWatchRules

/// One notification of one group to one receiver: what is firing and what resolved since the last one.
package struct AlertNotification: Sendable, Hashable {
    /// The receiver's name.
    package var receiver: String
    /// The group.
    package var group: AlertGroupKey
    /// The alerts firing (and not muted), oldest first.
    package var firing: [AlertRecord]
    /// The alerts that resolved since the receiver heard them firing.
    package var resolved: [AlertRecord]
    /// Why it is sent.
    package var reason: DedupPolicy.Reason
    /// When it was decided.
    package var at: Date
    /// The link back to the agent, if configured.
    package var externalURL: URL?

    /// Creates a notification.
    package init(
        receiver: String, group: AlertGroupKey, firing: [AlertRecord], resolved: [AlertRecord],
        reason: DedupPolicy.Reason, at: Date, externalURL: URL? = nil
    ) {
        self.receiver = receiver
        self.group = group
        self.firing = firing
        self.resolved = resolved
        self.reason = reason
        self.at = at
        self.externalURL = externalURL
    }

    /// `firing` while any alert fires, else `resolved`.
    package var status: String { firing.isEmpty ? "resolved" : "firing" }

    /// Every alert, firing first.
    package var alerts: [AlertRecord] { firing + resolved }

    /// The labels every alert shares.
    package var commonLabels: [String: String] { Self.common(alerts.map(\.alert.labels)) }

    /// The annotations every alert shares.
    package var commonAnnotations: [String: String] { Self.common(alerts.map(\.alert.annotations)) }

    /// The alert names in the notification, sorted, without repeats.
    package var alertNames: [String] { Array(Set(alerts.map(\.name))).sorted() }

    /// The highest severity among the firing alerts (or the resolved ones when none fires).
    package var severity: String {
        let severities = Set((firing.isEmpty ? resolved : firing).map { $0.alert.severity.rawValue })
        return ["critical", "warning", "info"].first { severities.contains($0) } ?? "warning"
    }

    private static func common(_ sets: [[String: String]]) -> [String: String] {
        guard var result = sets.first else { return [:] }
        for set in sets.dropFirst() { result = result.filter { set[$0.key] == $0.value } }
        return result
    }
}

/// A silence being created or expired, announced to the receivers people read.
package struct SilenceAnnouncement: Sendable, Hashable {
    /// Created or expired.
    package enum Action: String, Sendable, Hashable { case created, expired }

    /// The silence.
    package var silence: Silence
    /// What happened to it.
    package var action: Action
    /// When.
    package var at: Date
    /// Who did it.
    package var by: String

    /// Creates an announcement.
    package init(silence: Silence, action: Action, at: Date, by: String) {
        self.silence = silence
        self.action = action
        self.at = at
        self.by = by
    }
}
