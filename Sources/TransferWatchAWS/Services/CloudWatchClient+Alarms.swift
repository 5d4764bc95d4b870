import Foundation

extension CloudWatchClient {
    /// How an alarm compares its metric with the threshold (`ComparisonOperator`).
    package struct ComparisonOperator: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// AWS's spelling.
        package let rawValue: String
        /// Wraps any spelling, known or not.
        package init(rawValue: String) { self.rawValue = rawValue }

        /// Metric ≥ threshold.
        package static let greaterThanOrEqualToThreshold = ComparisonOperator(rawValue: "GreaterThanOrEqualToThreshold")
        /// Metric > threshold.
        package static let greaterThanThreshold = ComparisonOperator(rawValue: "GreaterThanThreshold")
        /// Metric < threshold.
        package static let lessThanThreshold = ComparisonOperator(rawValue: "LessThanThreshold")
        /// Metric ≤ threshold.
        package static let lessThanOrEqualToThreshold = ComparisonOperator(rawValue: "LessThanOrEqualToThreshold")
        /// Anomaly-detection band operators (they compare with `ThresholdMetricId`, not `Threshold`).
        package static let lessThanLowerOrGreaterThanUpperThreshold = ComparisonOperator(
            rawValue: "LessThanLowerOrGreaterThanUpperThreshold")
        /// Below the anomaly band.
        package static let lessThanLowerThreshold = ComparisonOperator(rawValue: "LessThanLowerThreshold")
        /// Above the anomaly band.
        package static let greaterThanUpperThreshold = ComparisonOperator(rawValue: "GreaterThanUpperThreshold")

        /// AWS's spelling.
        package var description: String { rawValue }
    }

    /// What an alarm does with missing data points (`TreatMissingData`).
    package struct TreatMissingData: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// AWS's spelling.
        package let rawValue: String
        /// Wraps any spelling, known or not.
        package init(rawValue: String) { self.rawValue = rawValue }

        /// Missing data counts as breaching.
        package static let breaching = TreatMissingData(rawValue: "breaching")
        /// Missing data counts as within the threshold.
        package static let notBreaching = TreatMissingData(rawValue: "notBreaching")
        /// Missing data keeps the current state.
        package static let ignore = TreatMissingData(rawValue: "ignore")
        /// The default.
        package static let missing = TreatMissingData(rawValue: "missing")

        /// AWS's spelling.
        package var description: String { rawValue }
    }

    /// An alarm's state (`StateValue`).
    package struct AlarmState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// AWS's spelling.
        package let rawValue: String
        /// Wraps any spelling, known or not.
        package init(rawValue: String) { self.rawValue = rawValue }

        /// Within the threshold.
        package static let ok = AlarmState(rawValue: "OK")
        /// Breaching.
        package static let alarm = AlarmState(rawValue: "ALARM")
        /// Not enough data to decide.
        package static let insufficientData = AlarmState(rawValue: "INSUFFICIENT_DATA")

        /// AWS's spelling.
        package var description: String { rawValue }
    }

    /// The kinds of alarm `DescribeAlarms` can return.
    package enum AlarmType: String, Sendable, Hashable, CaseIterable {
        case metric = "MetricAlarm"
        case composite = "CompositeAlarm"
    }

    /// A standard or an extended (percentile) statistic.
    package enum AlarmStatistic: Sendable, Hashable {
        /// `Statistic`.
        case standard(Statistic)
        /// `ExtendedStatistic`, e.g. `p99` or `TM(10%:90%)`.
        case extended(String)
    }

    /// The actions an alarm takes on each transition, at most 5 ARNs each.
    package struct AlarmActions: Sendable, Hashable {
        /// `ActionsEnabled` (default `true`).
        package var isEnabled: Bool
        /// On entering ALARM.
        package var alarm: [String]
        /// On entering OK.
        package var ok: [String]
        /// On entering INSUFFICIENT_DATA.
        package var insufficientData: [String]

        /// Actions (enabled unless told otherwise).
        package init(isEnabled: Bool = true, alarm: [String] = [], ok: [String] = [], insufficientData: [String] = []) {
            self.isEnabled = isEnabled
            self.alarm = alarm
            self.ok = ok
            self.insufficientData = insufficientData
        }

        /// No actions.
        package static let none = AlarmActions()
    }

    /// A metric alarm's whole configuration, as `PutMetricAlarm` takes it (which replaces an existing alarm's
    /// configuration but keeps its state; tags are applied only on creation).
    package struct MetricAlarm: Sendable, Hashable {
        /// What the alarm watches.
        package enum Source: Sendable, Hashable {
            /// One metric's statistic over `period` seconds (10, 20, 30 or a multiple of 60).
            case metric(
                namespace: String, name: String, dimensions: [Dimension] = [], statistic: AlarmStatistic, period: Int,
                unit: StandardUnit? = nil)
            /// Metric math: exactly one query returns data, and that is what is compared.
            case queries([MetricDataQuery])
        }

        /// 1–255 characters.
        package var name: String
        /// At most 1024 characters.
        package var description: String?
        /// The metric or queries watched.
        package var source: Source
        /// How the value is compared with the threshold.
        package var comparisonOperator: ComparisonOperator
        /// Required unless ``thresholdMetricID`` is set.
        package var threshold: Double?
        /// The anomaly band query's ID, for the band operators.
        package var thresholdMetricID: String?
        /// At least 1; `period × evaluationPeriods` is at most 7 days (1 day when the period is under an hour).
        package var evaluationPeriods: Int
        /// "M out of N": at most ``evaluationPeriods``.
        package var datapointsToAlarm: Int?
        /// What missing data means; `nil` leaves the default (`missing`).
        package var treatMissingData: TreatMissingData?
        /// `evaluate` or `ignore`, for percentile statistics only.
        package var evaluateLowSampleCountPercentile: String?
        /// What happens on each transition.
        package var actions: AlarmActions
        /// At most 50; applied only when the alarm is created (use ``CloudWatchClient/tagResource(arn:tags:)`` later).
        package var tags: [String: String]

        /// A metric alarm configuration.
        package init(
            name: String, description: String? = nil, source: Source, comparisonOperator: ComparisonOperator,
            threshold: Double?,
            thresholdMetricID: String? = nil, evaluationPeriods: Int, datapointsToAlarm: Int? = nil,
            treatMissingData: TreatMissingData? = nil, evaluateLowSampleCountPercentile: String? = nil,
            actions: AlarmActions = .none, tags: [String: String] = [:]
        ) {
            self.name = name
            self.description = description
            self.source = source
            self.comparisonOperator = comparisonOperator
            self.threshold = threshold
            self.thresholdMetricID = thresholdMetricID
            self.evaluationPeriods = evaluationPeriods
            self.datapointsToAlarm = datapointsToAlarm
            self.treatMissingData = treatMissingData
            self.evaluateLowSampleCountPercentile = evaluateLowSampleCountPercentile
            self.actions = actions
            self.tags = tags
        }
    }

    /// A composite alarm's configuration: a rule over other alarms' states.
    package struct CompositeAlarm: Sendable, Hashable {
        /// 1–255 characters.
        package var name: String
        /// E.g. `ALARM("copy-failed") OR ALARM("copy-integrity")`; 1–10240 characters.
        package var rule: String
        /// At most 1024 characters.
        package var description: String?
        /// What happens on each transition.
        package var actions: AlarmActions

        /// A composite alarm configuration.
        package init(name: String, rule: String, description: String? = nil, actions: AlarmActions = .none) {
            self.name = name
            self.rule = rule
            self.description = description
            self.actions = actions
        }
    }

    /// The state part of a described alarm.
    package struct AlarmStatus: Sendable, Hashable {
        /// The alarm's ARN (`arn:aws:cloudwatch:<region>:<account>:alarm:<name>`).
        package var arn: String?
        /// The current state.
        package var state: AlarmState?
        /// Why the alarm is in its state.
        package var reason: String?
        /// The reason as JSON, when CloudWatch gives it.
        package var reasonData: String?
        /// When the state was last updated.
        package var updated: Date?
        /// When the state last changed.
        package var transitioned: Date?
        /// When the configuration last changed.
        package var configurationUpdated: Date?
    }

    /// A metric alarm as `DescribeAlarms` reports it: its configuration (without tags, which `DescribeAlarms`
    /// does not return) and its state.
    package struct DescribedMetricAlarm: Sendable, Hashable {
        /// The configuration (tags empty).
        package var alarm: MetricAlarm
        /// ARN, state and timestamps.
        package var status: AlarmStatus
    }

    /// A composite alarm as `DescribeAlarms` reports it.
    package struct DescribedCompositeAlarm: Sendable, Hashable {
        /// The configuration.
        package var alarm: CompositeAlarm
        /// ARN, state and timestamps.
        package var status: AlarmStatus
    }

    /// What `DescribeAlarms` returned, all pages merged.
    package struct Alarms: Sendable, Hashable {
        /// Metric alarms, in the order returned.
        package var metricAlarms: [DescribedMetricAlarm]
        /// Composite alarms, in the order returned.
        package var compositeAlarms: [DescribedCompositeAlarm]

        /// Every alarm's name, metric alarms first.
        package var names: [String] { metricAlarms.map(\.alarm.name) + compositeAlarms.map(\.alarm.name) }
    }
}

extension CloudWatchClient {
    /// Creates a metric alarm, or replaces an existing one's whole configuration (its state is kept, and tags
    /// are applied only on creation).
    ///
    /// - Throws: ``AWSError``: `invalidRequest` for a broken rule (periods, actions, thresholds, tags, …), else
    ///   what CloudWatch answered (`LimitExceeded`).
    package func putMetricAlarm(_ alarm: MetricAlarm) async throws(AWSError) {
        var problems = ParameterProblems()
        Validation.checkMetricAlarm(alarm, into: &problems)
        try problems.check(client.service, Operations.putMetricAlarm)
        _ = try await client.json(
            Operations.putMetricAlarm, CloudWatchWire.PutMetricAlarmRequest(alarm), as: CloudWatchWire.Empty.self)
    }

    /// Creates or replaces a composite alarm: a rule over other alarms' states.
    ///
    /// - Parameters:
    ///   - rule: e.g. `ALARM("copy-failed") OR ALARM("copy-integrity")`, 1–10240 characters.
    ///   - actions: at most 5 ARNs per transition.
    ///   - tags: applied on creation only.
    package func putCompositeAlarm(
        name: String, rule: String, actions: AlarmActions = .none, tags: [String: String] = [:],
        description: String? = nil
    ) async throws(AWSError) {
        var problems = ParameterProblems()
        Validation.checkAlarmName(name, into: &problems)
        problems.require(
            (1...10_240).contains(rule.utf8.count),
            "AlarmRule must be 1 to 10240 characters (it has \(rule.utf8.count))")
        if let description {
            problems.require(description.utf8.count <= 1024, "AlarmDescription must be at most 1024 characters")
        }
        Validation.checkActions(actions, into: &problems)
        Validation.checkTags(tags, into: &problems)
        try problems.check(client.service, Operations.putCompositeAlarm)
        let request = CloudWatchWire.PutCompositeAlarmRequest(
            AlarmName: name, AlarmRule: rule, AlarmDescription: description, ActionsEnabled: actions.isEnabled,
            OKActions: actions.ok.isEmpty ? nil : actions.ok, AlarmActions: actions.alarm.isEmpty ? nil : actions.alarm,
            InsufficientDataActions: actions.insufficientData.isEmpty ? nil : actions.insufficientData,
            Tags: TransferWire.Tag.list(tags))
        _ = try await client.json(Operations.putCompositeAlarm, request, as: CloudWatchWire.Empty.self)
    }

    /// Describes alarms (`DescribeAlarms`), following `NextToken` to the end. More than 100 names are asked for
    /// in several calls.
    ///
    /// - Parameters:
    ///   - names: only these alarms; empty for all (or all matching `prefix`).
    ///   - prefix: only alarms whose name starts with this; not together with `names`.
    ///   - types: which kinds to return. Both by default (CloudWatch itself returns only metric alarms when
    ///     `AlarmTypes` is absent).
    package func describeAlarms(
        names: [String] = [], prefix: String? = nil,
        types: Set<AlarmType> = [.metric, .composite]
    ) async throws(AWSError) -> Alarms {
        var problems = ParameterProblems()
        problems.require(names.isEmpty || prefix == nil, "give AlarmNames or AlarmNamePrefix, not both")
        if let prefix {
            problems.require((1...255).contains(prefix.utf8.count), "AlarmNamePrefix must be 1 to 255 characters")
        }
        problems.require(!types.isEmpty, "AlarmTypes must name at least one type")
        try problems.check(client.service, Operations.describeAlarms)

        let typeNames = AlarmType.allCases.filter(types.contains).map(\.rawValue)
        let batches: [[String]?] =
            names.isEmpty
            ? [nil]
            : stride(from: 0, to: names.count, by: Validation.maxAlarmNamesPerCall).map {
                Array(names[$0..<min($0 + Validation.maxAlarmNamesPerCall, names.count)])
            }
        var alarms = Alarms(metricAlarms: [], compositeAlarms: [])
        for batch in batches {
            var token: String?
            var seen = Set<String>()
            repeat {
                let request = CloudWatchWire.DescribeAlarmsRequest(
                    AlarmNames: batch, AlarmNamePrefix: prefix, AlarmTypes: typeNames,
                    MaxRecords: 100, NextToken: token)
                let page = try await client.json(
                    Operations.describeAlarms, request, as: CloudWatchWire.DescribeAlarmsResponse.self)
                alarms.metricAlarms += (page.MetricAlarms ?? []).map(DescribedMetricAlarm.init)
                alarms.compositeAlarms += (page.CompositeAlarms ?? []).map(DescribedCompositeAlarm.init)
                token = try nextToken(page.NextToken, seen: &seen, Operations.describeAlarms)
            } while token != nil
        }
        return alarms
    }

    /// Deletes alarms, 100 names per `DeleteAlarms` call. Names that do not exist do not stop the others.
    ///
    /// A call may include at most one composite alarm, so `compositeNames` are deleted one per call, before
    /// the metric alarms (a composite alarm may refer to them).
    package func deleteAlarms(names: [String], compositeNames: [String] = []) async throws(AWSError) {
        var problems = ParameterProblems()
        for name in compositeNames + names { Validation.checkAlarmName(name, into: &problems) }
        try problems.check(client.service, Operations.deleteAlarms)
        for composite in compositeNames {
            _ = try await client.json(
                Operations.deleteAlarms, CloudWatchWire.AlarmNamesRequest(AlarmNames: [composite]),
                as: CloudWatchWire.Empty.self)
        }
        for start in stride(from: 0, to: names.count, by: Validation.maxAlarmNamesPerCall) {
            let batch = Array(names[start..<min(start + Validation.maxAlarmNamesPerCall, names.count)])
            _ = try await client.json(
                Operations.deleteAlarms, CloudWatchWire.AlarmNamesRequest(AlarmNames: batch),
                as: CloudWatchWire.Empty.self)
        }
    }
}
