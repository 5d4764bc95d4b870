import TransferWatchConfig

/// One problem in a dashboard file, printed as `dashboards/transferwatch.json:12:9: error: unknown metric 'X'`.
package struct DashboardDiagnostic: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Where: file, line and column.
    package var location: SourceLocation
    /// What is wrong, without the position.
    package var message: String

    /// A diagnostic.
    package init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    /// `file:line:col: error: message`.
    package var description: String { "\(location): error: \(message)" }

    /// By file, line and column, then message.
    package static func < (lhs: DashboardDiagnostic, rhs: DashboardDiagnostic) -> Bool {
        (lhs.location, lhs.message) < (rhs.location, rhs.message)
    }
}
