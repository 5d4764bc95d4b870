import Foundation

/// Settings that are fixed when an expression or template is compiled, not read from the facts.
///
/// The time zone is the pipeline's configured zone: `dayOfMonth(now)`, `hourOfDay(now)`,
/// `startOfMonth(now)` and the `date` filter read calendar fields in it, unless a call names
/// another zone (`dayOfMonth(now, "Europe/Berlin")`).
package struct ExpressionEnvironment: Sendable {
    /// The zone for calendar functions and for rendering timestamps; UTC by default.
    package var timeZone: TimeZone

    /// Creates an environment.
    package init(timeZone: TimeZone = .gmt) {
        self.timeZone = timeZone
    }
}
