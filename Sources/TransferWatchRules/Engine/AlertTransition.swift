/// One change in an alert's life cycle, as ``AlertTracker`` reports it after each observation.
///
/// `from == nil` is an alert seen for the first time; `to == nil` is an alert the tracker stopped tracking (a
/// pending alert whose condition cleared before its `for` ran out, or a resolved alert past its retention).
/// Alerting notifies on `to == .firing` and on `from == .firing, to == .resolved`.
package struct AlertTransition: Sendable, Hashable, Codable {
    /// The alert as it is after the transition (as it was last, when `to` is `nil`).
    package var alert: AlertInstance
    /// The state before, or `nil` for a new alert.
    package var from: AlertState?
    /// The state after, or `nil` when the alert is no longer tracked.
    package var to: AlertState?

    /// Creates a transition.
    package init(alert: AlertInstance, from: AlertState?, to: AlertState?) {
        self.alert = alert
        self.from = from
        self.to = to
    }
}
