import Foundation
import Testing
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchRules

/// Silences, matchers and inhibit rules on plain values.
@Suite struct MutingTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func record(_ labels: [String: String]) -> AlertRecord {
        AlertRecord(
            alert: AlertInstance(
                rule: labels["alertname"] ?? "x", labels: labels, annotations: [:], state: .firing, activeAt: now,
                firedAt: now, evaluatedAt: now))
    }

    @Test func matchersParseAndMatchLikeAlertmanagers() throws {
        let equal = try LabelMatcher.parse("window=2026-11")
        #expect(equal == LabelMatcher(name: "window", value: "2026-11"))
        #expect(equal.matches(["window": "2026-11"]))
        #expect(!equal.matches([:]))
        let notEqual = try LabelMatcher.parse("team!=ops")
        #expect(notEqual.isNegative)
        #expect(notEqual.matches([:]), "a missing label has the empty value")
        #expect(try LabelMatcher.parse("key=a=b").value == "a=b")
        #expect(throws: AlertingError.invalidMatcher("novalue", reason: "expected name=value or name!=value")) {
            try LabelMatcher.parse("novalue")
        }
        #expect(
            throws: AlertingError.invalidMatcher("9x=1", reason: "'9x' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")
        ) {
            try LabelMatcher.parse("9x=1")
        }
    }

    @Test func aSilenceHoldsOnlyWhileActiveAndWhenEveryMatcherHolds() {
        let silence = Silence(
            matchers: [
                LabelMatcher(name: "alertname", value: "copy-failed"), LabelMatcher(name: "user", value: "alice"),
            ],
            startsAt: Self.now, endsAt: Self.now.addingTimeInterval(7200), createdBy: "me", comment: "c")
        let labels = ["alertname": "copy-failed", "user": "alice"]
        #expect(silence.silences(labels, at: Self.now))
        #expect(!silence.silences(["alertname": "copy-failed", "user": "bob"], at: Self.now))
        #expect(!silence.silences(labels, at: Self.now.addingTimeInterval(7200)), "ended")
        #expect(!silence.silences(labels, at: Self.now.addingTimeInterval(-1)), "not started")
        #expect(silence.state(at: Self.now.addingTimeInterval(-1)) == "pending")
        #expect(silence.state(at: Self.now) == "active")
        #expect(silence.state(at: Self.now.addingTimeInterval(7200)) == "expired")
        #expect(silence.matcherText == #"{alertname="copy-failed", user="alice"}"#)
    }

    @Test func defaultInhibitRulesHoldBackTheStalledCounterOfTheSameWindow() {
        let inhibitor = Inhibitor(rules: Configuration.Alerts.defaultInhibitRules)
        let stale = Self.record(["alertname": "stale-server", "environment": "prod", "window": "2026-11"])
        let orphan = Self.record(["alertname": "orphan-server", "environment": "prod"])
        let counter = Self.record(["alertname": "stalled-counter", "environment": "prod", "window": "2026-11"])
        let otherWindow = Self.record(["alertname": "stalled-counter", "environment": "prod", "window": "2026-10"])
        let staging = Self.record(["alertname": "stalled-counter", "environment": "staging", "window": "2026-11"])
        let copy = Self.record(["alertname": "copy-failed", "environment": "prod", "window": "2026-11"])
        #expect(inhibitor.inhibitor(of: counter, among: [stale, counter]) == stale.fingerprint)
        #expect(inhibitor.inhibitor(of: otherWindow, among: [stale, otherWindow]) == nil)
        #expect(inhibitor.inhibitor(of: staging, among: [stale, staging]) == nil)
        #expect(inhibitor.inhibitor(of: copy, among: [stale, copy]) == nil, "only the stalled counter is a target")
        #expect(inhibitor.inhibitor(of: stale, among: [stale, counter]) == nil, "the source is not held back")
        // The orphan carries no window label, the counter does: not equal.
        #expect(inhibitor.inhibitor(of: counter, among: [orphan]) == nil)
        let windowless = Self.record(["alertname": "stalled-counter", "environment": "prod"])
        #expect(inhibitor.inhibitor(of: windowless, among: [orphan]) == orphan.fingerprint)
    }

    @Test func groupKeysUseOnlyTheGroupByLabels() {
        let key = AlertGroupKey(
            alertLabels: ["alertname": "copy-failed", "environment": "prod", "key": "a/b"],
            groupBy: ["alertname", "environment", "team"])
        #expect(key.labels == ["alertname": "copy-failed", "environment": "prod"])
        #expect(key.description == #"{alertname="copy-failed", environment="prod"}"#)
        #expect(key.id == AlertGroupKey(labels: ["environment": "prod", "alertname": "copy-failed"]).id)
        #expect(key.id.count == 16)
    }

    @Test func receiverNamesAreStableAndHideTheURL() throws {
        let secret = URL(string: "https://hooks.slack.com/services/T000/B000/SECRETTOKEN")!
        let receiver = AlertReceiver(.webhook(url: secret, format: .slack, routingKey: nil))
        #expect(receiver.name.hasPrefix("slack-"))
        #expect(!receiver.name.contains("SECRET"))
        #expect(receiver.name == AlertReceiver(.webhook(url: secret, format: .slack, routingKey: nil)).name)
        #expect(AlertReceiver(.sns(topicARN: "arn:aws:sns:us-east-1:123456789012:oncall")).name == "sns:oncall")
    }
}
