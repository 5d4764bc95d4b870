/// How `alarms sync` names the CloudWatch alarms it manages and how it recognises them as its own.
///
/// Names are `<namespace>-<environment>-<alert>` (e.g. `TransferWatch-prod-copy-failed`); the composite
/// alarm that summarises them is `<namespace>-<environment>-pipeline-unhealthy`. A name is only a hint:
/// an alarm is ours when its tags say so (``isOwned(tags:)``), read with `ListTagsForResource`.
package struct AlarmNaming: Sendable, Hashable {
    /// The tag that marks an alarm as managed by `alarms sync` (value `true`).
    package static let managedTag = "transferwatch:managed"
    /// The tag that names the environment an owned alarm belongs to.
    package static let environmentTag = "transferwatch:environment"
    /// The last part of the composite alarm's name.
    package static let compositeSuffix = "pipeline-unhealthy"

    /// The CloudWatch namespace (configuration `namespace`).
    package var namespace: String
    /// The environment (configuration `environment`).
    package var environment: String

    /// Naming for one namespace and environment.
    package init(namespace: String, environment: String) {
        self.namespace = namespace
        self.environment = environment
    }

    /// `<namespace>-<environment>-`: what every managed alarm's name starts with.
    package var prefix: String { "\(namespace)-\(environment)-" }

    /// The metric alarm derived from the rule whose alert is `alert`.
    package func metricAlarmName(for alert: String) -> String { prefix + alert }

    /// The composite "pipeline unhealthy" alarm.
    package var compositeAlarmName: String { prefix + Self.compositeSuffix }

    /// The tags every managed alarm carries.
    package var ownershipTags: [String: String] {
        [Self.managedTag: "true", Self.environmentTag: environment]
    }

    /// Whether an alarm with these tags is managed by `alarms sync` for this environment.
    package func isOwned(tags: [String: String]) -> Bool {
        tags[Self.managedTag] == "true" && tags[Self.environmentTag] == environment
    }
}
