import Foundation
import TransferWatchRules

/// A silence: while it is active, alerts matching all its matchers are not sent (they are listed as silenced).
package struct Silence: Sendable, Hashable, Codable {
    /// A unique ID (a UUID, lowercase).
    package var id: String
    /// Every matcher must hold for an alert to be silenced.
    package var matchers: [LabelMatcher]
    /// When it starts.
    package var startsAt: Date
    /// When it ends (moved to the expiry time by `silence expire`).
    package var endsAt: Date
    /// Who created it.
    package var createdBy: String
    /// Why.
    package var comment: String

    /// Creates a silence.
    package init(
        id: String = UUID().uuidString.lowercased(), matchers: [LabelMatcher], startsAt: Date, endsAt: Date,
        createdBy: String, comment: String
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// Whether it is in force at `now`.
    package func isActive(at now: Date) -> Bool { startsAt <= now && now < endsAt }

    /// `active`, `pending` (starts later) or `expired`, at `now`.
    package func state(at now: Date) -> String {
        now < startsAt ? "pending" : now < endsAt ? "active" : "expired"
    }

    /// Whether it silences an alert with `labels` at `now`.
    package func silences(_ labels: [String: String], at now: Date) -> Bool {
        isActive(at: now) && matchers.allSatisfy { $0.matches(labels) }
    }

    /// The matchers as `{alertname="x", k="v"}`.
    package var matcherText: String { "{" + matchers.map(\.description).joined(separator: ", ") + "}" }
}
