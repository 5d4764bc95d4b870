import Foundation
import TransferWatchConfig
import TransferWatchRules

/// Applies inhibit rules: a firing alert matching a rule's source holds back alerts matching its target that
/// have the same values of the rule's `equal` labels (a label missing from both counts as equal).
package struct Inhibitor: Sendable {
    /// The rules, from `alerts.inhibit` (or its defaults).
    package var rules: [Configuration.InhibitRule]

    /// Creates an inhibitor.
    package init(rules: [Configuration.InhibitRule]) { self.rules = rules }

    /// The fingerprint of a firing alert that inhibits `target`, or `nil` when nothing does.
    ///
    /// - Parameter firing: the firing alerts (fingerprint and labels); an alert never inhibits itself.
    package func inhibitor(of target: AlertRecord, among firing: [AlertRecord]) -> String? {
        for rule in rules where Self.matches(rule.targetMatchers, target.alert.labels) {
            for source in firing where source.fingerprint != target.fingerprint {
                guard Self.matches(rule.sourceMatchers, source.alert.labels) else { continue }
                // An alert that is itself a target of this rule and a source cannot inhibit its peers.
                if Self.matches(rule.targetMatchers, source.alert.labels) { continue }
                if rule.equal.allSatisfy({ (source.alert.labels[$0] ?? "") == (target.alert.labels[$0] ?? "") }) {
                    return source.fingerprint
                }
            }
        }
        return nil
    }

    private static func matches(_ matchers: [String: String], _ labels: [String: String]) -> Bool {
        matchers.allSatisfy { labels[$0.key] == $0.value }
    }
}
