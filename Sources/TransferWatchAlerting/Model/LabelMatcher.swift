import Foundation
import TransferWatchRules

/// One label condition of a silence: `name=value` (equal) or `name!=value` (not equal).
///
/// A label the alert does not have has the empty value, as in Alertmanager: `team!=ops` matches an alert
/// with no `team` label.
package struct LabelMatcher: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The label's name.
    package var name: String
    /// The value compared with.
    package var value: String
    /// `true` for `!=`.
    package var isNegative: Bool

    /// Creates a matcher.
    package init(name: String, value: String, isNegative: Bool = false) {
        self.name = name
        self.value = value
        self.isNegative = isNegative
    }

    /// Parses `name=value` or `name!=value`.
    ///
    /// - Throws: ``AlertingError/invalidMatcher(_:reason:)`` naming the text at fault.
    package static func parse(_ text: String) throws(AlertingError) -> LabelMatcher {
        let isNegative: Bool
        let parts: [Substring]
        if let range = text.range(of: "!=") {
            isNegative = true
            parts = [text[..<range.lowerBound], text[range.upperBound...]]
        } else if let index = text.firstIndex(of: "=") {
            isNegative = false
            parts = [text[..<index], text[text.index(after: index)...]]
        } else {
            throw .invalidMatcher(text, reason: "expected name=value or name!=value")
        }
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        guard LabelMatcher.isLabelName(name) else {
            throw .invalidMatcher(text, reason: "'\(name)' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")
        }
        return LabelMatcher(name: name, value: String(parts[1]), isNegative: isNegative)
    }

    /// Whether `labels` satisfy this matcher.
    package func matches(_ labels: [String: String]) -> Bool {
        (labels[name] ?? "") == value ? !isNegative : isNegative
    }

    /// `name="value"` or `name!="value"`.
    package var description: String { "\(name)\(isNegative ? "!=" : "=")\"\(value)\"" }

    /// Whether `name` is a Prometheus label name.
    package static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }
}
