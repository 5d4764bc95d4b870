import TransferWatchAWS

/// What `alarms sync` will do, alarm by alarm: desired state minus the owned alarms CloudWatch has.
///
/// Built by ``make(desired:ownedMetricAlarms:ownedCompositeAlarms:)`` without I/O, printed like
/// `terraform plan` (``AlarmPlan/rendered(dryRun:)``), then carried out by ``AlarmSynchronizer``.
package struct AlarmPlan: Sendable, Hashable {
    /// One step for one alarm.
    package enum Step<Alarm: Sendable & Hashable>: Sendable, Hashable {
        /// The alarm does not exist yet.
        case create(Alarm)
        /// The alarm exists with a different configuration; the changes, field by field.
        case update(Alarm, [AlarmFieldChange])
        /// An owned alarm no rule declares any more.
        case delete(name: String)
        /// The alarm matches the rule.
        case unchanged(name: String)
        /// An alarm with the desired name exists but is not ours (no ownership tags): left alone, and the sync
        /// fails until someone tags, renames or deletes it.
        case conflict(name: String)

        /// The alarm's name.
        package var name: String {
            switch self {
            case .create(let alarm), .update(let alarm, _): Self.name(of: alarm)
            case .delete(let name), .unchanged(let name), .conflict(let name): name
            }
        }

        /// Whether carrying the step out writes to CloudWatch.
        package var isWrite: Bool {
            switch self {
            case .unchanged, .conflict: false
            case .create, .update, .delete: true
            }
        }

        private static func name(of alarm: Alarm) -> String {
            switch alarm {
            case let metric as CloudWatchClient.MetricAlarm: metric.name
            case let composite as CloudWatchClient.CompositeAlarm: composite.name
            default: "\(alarm)"
            }
        }
    }

    /// The metric alarms' steps, sorted by name (deletions included).
    package var metricSteps: [Step<CloudWatchClient.MetricAlarm>]
    /// The composite alarm's step, if there is or should be one.
    package var compositeSteps: [Step<CloudWatchClient.CompositeAlarm>]

    /// A plan made of these steps.
    package init(
        metricSteps: [Step<CloudWatchClient.MetricAlarm>], compositeSteps: [Step<CloudWatchClient.CompositeAlarm>]
    ) {
        self.metricSteps = metricSteps
        self.compositeSteps = compositeSteps
    }

    /// How many steps write to CloudWatch.
    package var writeCount: Int {
        metricSteps.filter(\.isWrite).count + compositeSteps.filter(\.isWrite).count
    }

    /// The steps that conflict with alarms we do not own.
    package var conflicts: [String] {
        (metricSteps.map { ($0.kind, $0.name) } + compositeSteps.map { ($0.kind, $0.name) })
            .filter { $0.0 == "conflict" }.map(\.1)
    }

    /// The plan that makes the owned alarms match `desired`.
    ///
    /// - Parameters:
    ///   - desired: what the rules declare.
    ///   - ownedMetricAlarms: metric alarms CloudWatch has that carry our ownership tags (tags ignored here).
    ///   - ownedCompositeAlarms: likewise for composite alarms.
    ///   - foreignNames: alarms CloudWatch has that are not ours; a desired alarm of the same name is a conflict.
    package static func make(
        desired: DesiredAlarms, ownedMetricAlarms: [CloudWatchClient.MetricAlarm],
        ownedCompositeAlarms: [CloudWatchClient.CompositeAlarm], foreignNames: Set<String> = []
    ) -> AlarmPlan {
        let owned = Dictionary(ownedMetricAlarms.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var metricSteps: [Step<CloudWatchClient.MetricAlarm>] = desired.metricAlarms.map { alarm in
            if foreignNames.contains(alarm.name) { return .conflict(name: alarm.name) }
            guard let existing = owned[alarm.name] else { return .create(alarm) }
            let changes = AlarmFieldChange.changes(from: existing, to: alarm)
            return changes.isEmpty ? .unchanged(name: alarm.name) : .update(alarm, changes)
        }
        let declared = Set(desired.metricAlarms.map(\.name))
        metricSteps += owned.keys.filter { !declared.contains($0) }.map { .delete(name: $0) }
        metricSteps.sort { $0.name < $1.name }

        let ownedComposites = Dictionary(
            ownedCompositeAlarms.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var compositeSteps: [Step<CloudWatchClient.CompositeAlarm>] = []
        if let composite = desired.composite {
            if foreignNames.contains(composite.name) {
                compositeSteps.append(.conflict(name: composite.name))
            } else if let existing = ownedComposites[composite.name] {
                let changes = AlarmFieldChange.changes(from: existing, to: composite)
                compositeSteps.append(changes.isEmpty ? .unchanged(name: composite.name) : .update(composite, changes))
            } else {
                compositeSteps.append(.create(composite))
            }
        }
        compositeSteps += ownedComposites.keys.filter { $0 != desired.composite?.name }.sorted()
            .map { .delete(name: $0) }
        return AlarmPlan(metricSteps: metricSteps, compositeSteps: compositeSteps)
    }
}
