import TransferWatchConfig

/// One problem in a rule file, at the position of the YAML node at fault.
///
/// Printed as `rules/copy.yaml:12:5: error: unknown key 'fro' (did you mean 'for'?)`.
package struct RuleDiagnostic: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Where: file, line and column.
    package var location: SourceLocation
    /// What is wrong, without the position.
    package var message: String

    /// Creates a diagnostic.
    package init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    /// `file:line:col: error: message`.
    /// Always one line: control characters a message may quote from the file are escaped.
    package var description: String { "\(location): error: \(oneLineExcerpt(message, limit: .max))" }

    /// Sorted by file, line and column, then by message.
    package static func < (lhs: RuleDiagnostic, rhs: RuleDiagnostic) -> Bool {
        (lhs.location, lhs.message) < (rhs.location, rhs.message)
    }
}
