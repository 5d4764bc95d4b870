import Logging
import TransferWatchAWS

/// Makes CloudWatch's alarms match the rules: finds the alarms it owns, plans, and carries the plan out.
///
/// ```swift
/// let synchronizer = AlarmSynchronizer(cloudWatch: cloudWatch, naming: naming, logger: logger)
/// let plan = try await synchronizer.plan(for: compiled.alarms)
/// print(plan.rendered(dryRun: false))
/// let outcome = await synchronizer.apply(plan)
/// ```
///
/// Ownership is by tag, never by name alone: every alarm whose name starts with ``AlarmNaming/prefix`` has its
/// tags read with `ListTagsForResource`, and only those tagged `transferwatch:managed=true` and
/// `transferwatch:environment=<environment>` are compared, updated or deleted. Anything else, even with a
/// similar name, is left alone.
package struct AlarmSynchronizer: Sendable {
    /// The CloudWatch client.
    package var cloudWatch: CloudWatchClient
    /// Names and ownership tags.
    package var naming: AlarmNaming
    /// Where progress is logged.
    package var logger: Logger

    /// A synchronizer.
    package init(cloudWatch: CloudWatchClient, naming: AlarmNaming, logger: Logger) {
        self.cloudWatch = cloudWatch
        self.naming = naming
        self.logger = logger
    }

    /// The alarms CloudWatch has that this environment owns.
    package struct OwnedAlarms: Sendable, Hashable {
        /// Owned metric alarms (tags empty, as `DescribeAlarms` reports them).
        package var metricAlarms: [CloudWatchClient.MetricAlarm]
        /// Owned composite alarms.
        package var compositeAlarms: [CloudWatchClient.CompositeAlarm]
        /// Alarms with our prefix that are not ours (untagged, or another environment's), by name.
        package var foreignNames: [String]
    }

    /// Reads the alarms with our name prefix and keeps those whose tags mark them as ours.
    ///
    /// - Throws: ``AWSError`` from `DescribeAlarms` or `ListTagsForResource`.
    package func ownedAlarms() async throws(AWSError) -> OwnedAlarms {
        let described = try await cloudWatch.describeAlarms(prefix: naming.prefix)
        var owned = OwnedAlarms(metricAlarms: [], compositeAlarms: [], foreignNames: [])
        for alarm in described.metricAlarms {
            if try await isOwned(name: alarm.alarm.name, arn: alarm.status.arn) {
                owned.metricAlarms.append(alarm.alarm)
            } else {
                owned.foreignNames.append(alarm.alarm.name)
            }
        }
        for alarm in described.compositeAlarms {
            if try await isOwned(name: alarm.alarm.name, arn: alarm.status.arn) {
                owned.compositeAlarms.append(alarm.alarm)
            } else {
                owned.foreignNames.append(alarm.alarm.name)
            }
        }
        return owned
    }

    private func isOwned(name: String, arn: String?) async throws(AWSError) -> Bool {
        guard let arn else {
            logger.warning("alarm without an ARN is not managed", metadata: ["alarm.name": "\(name)"])
            return false
        }
        let tags = try await cloudWatch.listTagsForResource(arn: arn)
        return naming.isOwned(tags: tags)
    }

    /// The plan that makes the owned alarms match `desired`.
    ///
    /// - Throws: ``AWSError`` from reading the current alarms.
    package func plan(for desired: DesiredAlarms) async throws(AWSError) -> AlarmPlan {
        let owned = try await ownedAlarms()
        if !owned.foreignNames.isEmpty {
            logger.info(
                "leaving alarms not managed by transferwatch alone",
                metadata: ["alarm.names": "\(owned.foreignNames.sorted().joined(separator: ","))"])
        }
        return AlarmPlan.make(
            desired: desired, ownedMetricAlarms: owned.metricAlarms, ownedCompositeAlarms: owned.compositeAlarms,
            foreignNames: Set(owned.foreignNames))
    }

    /// What carrying out a plan did.
    package struct Outcome: Sendable {
        /// Steps carried out, in order, as `created X`, `updated X`, `deleted X`.
        package var done: [String]
        /// Steps that failed, as `create X`, with CloudWatch's error; the others were still attempted.
        package var failures: [(step: String, error: AWSError)]
    }

    /// Carries a plan out: metric alarms created and updated first, then the composite alarm (which refers to
    /// them), then deletions (composite before metric alarms). A failed step does not stop the others.
    package func apply(_ plan: AlarmPlan) async -> Outcome {
        var outcome = Outcome(done: [], failures: [])
        func attempt(_ verb: String, _ name: String, _ body: () async throws(AWSError) -> Void) async {
            do {
                try await body()
                outcome.done.append("\(verb)d \(name)")
                logger.info("alarm changed", metadata: ["alarm.step": "\(verb)", "alarm.name": "\(name)"])
            } catch {
                outcome.failures.append(("\(verb) \(name)", error))
                logger.error(
                    "alarm change failed",
                    metadata: [
                        "alarm.step": "\(verb)", "alarm.name": "\(name)",
                        "error": "\("\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))",
                    ])
            }
        }
        let tags = naming.ownershipTags
        for step in plan.metricSteps {
            switch step {
            case .create(var alarm):
                alarm.tags = tags
                await attempt("create", alarm.name) { () throws(AWSError) in try await cloudWatch.putMetricAlarm(alarm)
                }
            case .update(var alarm, _):
                alarm.tags = tags
                await attempt("update", alarm.name) { () throws(AWSError) in try await cloudWatch.putMetricAlarm(alarm)
                }
            case .delete, .unchanged, .conflict:
                continue
            }
        }
        for step in plan.compositeSteps {
            switch step {
            case .create(let alarm), .update(let alarm, _):
                await attempt(step.kind, alarm.name) { () throws(AWSError) in
                    try await cloudWatch.putCompositeAlarm(
                        name: alarm.name, rule: alarm.rule, actions: alarm.actions, tags: tags,
                        description: alarm.description)
                }
            case .delete(let name):
                await attempt("delete", name) { () throws(AWSError) in
                    try await cloudWatch.deleteAlarms(names: [], compositeNames: [name])
                }
            case .unchanged, .conflict:
                continue
            }
        }
        let deletions = plan.metricSteps.compactMap { step -> String? in
            if case .delete(let name) = step { return name }
            return nil
        }
        if !deletions.isEmpty {
            await attempt("delete", deletions.joined(separator: ", ")) { () throws(AWSError) in
                try await cloudWatch.deleteAlarms(names: deletions)
            }
        }
        return outcome
    }
}
