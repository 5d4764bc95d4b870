import Foundation

/// The JSON shapes of CloudWatch's requests and responses (BC-model cloudwatch 2010-08-01, JSON 1.0), kept
/// apart from the values callers see. Responses decode leniently: members may be absent or `null`.
enum CloudWatchWire {
    typealias Tag = TransferWire.Tag

    struct GetMetricDataRequest: Encodable {
        let MetricDataQueries: [CloudWatchClient.MetricDataQuery]
        let StartTime: Date
        let EndTime: Date
        let NextToken: String?
        let ScanBy: String?
        let MaxDatapoints: Int?
    }

    struct GetMetricDataResponse: Decodable {
        let MetricDataResults: [Result]?
        let NextToken: String?
        let Messages: [CloudWatchClient.Message]?

        struct Result: Decodable {
            let Id: String
            let Label: String?
            let Timestamps: [Date]?
            let Values: [Double]?
            let StatusCode: String?
            let Messages: [CloudWatchClient.Message]?
        }
    }

    struct GetMetricStatisticsRequest: Encodable {
        let Namespace: String
        let MetricName: String
        let Dimensions: [CloudWatchClient.Dimension]?
        let StartTime: Date
        let EndTime: Date
        let Period: Int
        let Statistics: [CloudWatchClient.Statistic]
        let Unit: CloudWatchClient.StandardUnit?
    }

    struct GetMetricStatisticsResponse: Decodable {
        let Label: String?
        let Datapoints: [Point]?

        struct Point: Decodable {
            let Timestamp: Date
            let SampleCount: Double?
            let Average: Double?
            let Sum: Double?
            let Minimum: Double?
            let Maximum: Double?
            let Unit: String?
        }
    }

    struct ListMetricsRequest: Encodable {
        let Namespace: String?
        let MetricName: String?
        let Dimensions: [DimensionFilter]?
        let NextToken: String?
    }

    struct DimensionFilter: Encodable {
        let Name: String
        let Value: String?
    }

    struct ListMetricsResponse: Decodable {
        let Metrics: [CloudWatchClient.Metric]?
        let NextToken: String?
    }

    struct PutMetricAlarmRequest: Encodable {
        let AlarmName: String
        let AlarmDescription: String?
        let ActionsEnabled: Bool
        let OKActions: [String]?
        let AlarmActions: [String]?
        let InsufficientDataActions: [String]?
        let MetricName: String?
        let Namespace: String?
        let Statistic: CloudWatchClient.Statistic?
        let ExtendedStatistic: String?
        let Dimensions: [CloudWatchClient.Dimension]?
        let Period: Int?
        let Unit: CloudWatchClient.StandardUnit?
        let EvaluationPeriods: Int
        let DatapointsToAlarm: Int?
        let Threshold: Double?
        let ComparisonOperator: CloudWatchClient.ComparisonOperator
        let TreatMissingData: CloudWatchClient.TreatMissingData?
        let EvaluateLowSampleCountPercentile: String?
        let Metrics: [CloudWatchClient.MetricDataQuery]?
        let Tags: [Tag]?
        let ThresholdMetricId: String?

        init(_ alarm: CloudWatchClient.MetricAlarm) {
            AlarmName = alarm.name
            AlarmDescription = alarm.description
            ActionsEnabled = alarm.actions.isEnabled
            OKActions = alarm.actions.ok.isEmpty ? nil : alarm.actions.ok
            AlarmActions = alarm.actions.alarm.isEmpty ? nil : alarm.actions.alarm
            InsufficientDataActions = alarm.actions.insufficientData.isEmpty ? nil : alarm.actions.insufficientData
            switch alarm.source {
            case .metric(let namespace, let name, let dimensions, let statistic, let period, let unit):
                MetricName = name
                Namespace = namespace
                switch statistic {
                case .standard(let standard): (Statistic, ExtendedStatistic) = (standard, nil)
                case .extended(let extended): (Statistic, ExtendedStatistic) = (nil, extended)
                }
                Dimensions = dimensions.isEmpty ? nil : dimensions
                Period = period
                Unit = unit
                Metrics = nil
            case .queries(let queries):
                (MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period, Unit) = (
                    nil, nil, nil, nil, nil, nil, nil
                )
                Metrics = queries
            }
            EvaluationPeriods = alarm.evaluationPeriods
            DatapointsToAlarm = alarm.datapointsToAlarm
            Threshold = alarm.threshold
            ComparisonOperator = alarm.comparisonOperator
            TreatMissingData = alarm.treatMissingData
            EvaluateLowSampleCountPercentile = alarm.evaluateLowSampleCountPercentile
            Tags = Tag.list(alarm.tags)
            ThresholdMetricId = alarm.thresholdMetricID
        }
    }

    struct PutCompositeAlarmRequest: Encodable {
        let AlarmName: String
        let AlarmRule: String
        let AlarmDescription: String?
        let ActionsEnabled: Bool
        let OKActions: [String]?
        let AlarmActions: [String]?
        let InsufficientDataActions: [String]?
        let Tags: [Tag]?
    }

    struct DescribeAlarmsRequest: Encodable {
        let AlarmNames: [String]?
        let AlarmNamePrefix: String?
        let AlarmTypes: [String]
        let MaxRecords: Int?
        let NextToken: String?
    }

    struct DescribeAlarmsResponse: Decodable {
        let MetricAlarms: [DescribedMetricAlarm]?
        let CompositeAlarms: [DescribedCompositeAlarm]?
        let NextToken: String?
    }

    struct DescribedMetricAlarm: Decodable {
        let AlarmName: String
        let AlarmArn: String?
        let AlarmDescription: String?
        let AlarmConfigurationUpdatedTimestamp: Date?
        let ActionsEnabled: Bool?
        let OKActions: [String]?
        let AlarmActions: [String]?
        let InsufficientDataActions: [String]?
        let StateValue: CloudWatchClient.AlarmState?
        let StateReason: String?
        let StateReasonData: String?
        let StateUpdatedTimestamp: Date?
        let StateTransitionedTimestamp: Date?
        let MetricName: String?
        let Namespace: String?
        let Statistic: CloudWatchClient.Statistic?
        let ExtendedStatistic: String?
        let Dimensions: [CloudWatchClient.Dimension]?
        let Period: Int?
        let Unit: String?
        let EvaluationPeriods: Int?
        let DatapointsToAlarm: Int?
        let Threshold: Double?
        let ComparisonOperator: CloudWatchClient.ComparisonOperator?
        let TreatMissingData: CloudWatchClient.TreatMissingData?
        let EvaluateLowSampleCountPercentile: String?
        let Metrics: [CloudWatchClient.MetricDataQuery]?
        let ThresholdMetricId: String?
    }

    struct DescribedCompositeAlarm: Decodable {
        let AlarmName: String
        let AlarmArn: String?
        let AlarmDescription: String?
        let AlarmRule: String?
        let AlarmConfigurationUpdatedTimestamp: Date?
        let ActionsEnabled: Bool?
        let OKActions: [String]?
        let AlarmActions: [String]?
        let InsufficientDataActions: [String]?
        let StateValue: CloudWatchClient.AlarmState?
        let StateReason: String?
        let StateReasonData: String?
        let StateUpdatedTimestamp: Date?
        let StateTransitionedTimestamp: Date?
    }

    struct AlarmNamesRequest: Encodable {
        let AlarmNames: [String]
    }

    struct ResourceRequest: Encodable {
        let ResourceARN: String
    }

    struct TagResourceRequest: Encodable {
        let ResourceARN: String
        let Tags: [Tag]
    }

    struct ListTagsResponse: Decodable {
        let Tags: [Tag]?
    }

    struct PutDashboardRequest: Encodable {
        let DashboardName: String
        let DashboardBody: String
    }

    struct PutDashboardResponse: Decodable {
        let DashboardValidationMessages: [ValidationMessage]?

        struct ValidationMessage: Decodable {
            let DataPath: String?
            let Message: String?
        }
    }

    struct DashboardNameRequest: Encodable {
        let DashboardName: String
    }

    struct GetDashboardResponse: Decodable {
        let DashboardArn: String?
        let DashboardBody: String?
        let DashboardName: String?
    }

    struct ListDashboardsRequest: Encodable {
        let DashboardNamePrefix: String?
        let NextToken: String?
    }

    struct ListDashboardsResponse: Decodable {
        let DashboardEntries: [Entry]?
        let NextToken: String?

        struct Entry: Decodable {
            let DashboardName: String?
            let DashboardArn: String?
            let LastModified: Date?
            let Size: Int64?
        }
    }

    struct DeleteDashboardsRequest: Encodable {
        let DashboardNames: [String]
    }

    /// An operation with no output members: any JSON object (or an empty body) is accepted.
    struct Empty: Decodable {}
}

extension CloudWatchClient.AlarmActions {
    init(enabled: Bool?, alarm: [String]?, ok: [String]?, insufficientData: [String]?) {
        self.init(
            isEnabled: enabled ?? true, alarm: alarm ?? [], ok: ok ?? [], insufficientData: insufficientData ?? [])
    }
}

extension CloudWatchClient.DescribedMetricAlarm {
    init(_ wire: CloudWatchWire.DescribedMetricAlarm) {
        let source: CloudWatchClient.MetricAlarm.Source
        if let metrics = wire.Metrics, !metrics.isEmpty {
            source = .queries(metrics)
        } else {
            let statistic: CloudWatchClient.AlarmStatistic =
                wire.ExtendedStatistic.map { .extended($0) } ?? .standard(wire.Statistic ?? .average)
            source = .metric(
                namespace: wire.Namespace ?? "", name: wire.MetricName ?? "", dimensions: wire.Dimensions ?? [],
                statistic: statistic, period: wire.Period ?? 0,
                unit: wire.Unit.flatMap(CloudWatchClient.StandardUnit.init(rawValue:)))
        }
        let alarm = CloudWatchClient.MetricAlarm(
            name: wire.AlarmName, description: wire.AlarmDescription, source: source,
            comparisonOperator: wire.ComparisonOperator ?? CloudWatchClient.ComparisonOperator(rawValue: ""),
            threshold: wire.Threshold,
            thresholdMetricID: wire.ThresholdMetricId, evaluationPeriods: wire.EvaluationPeriods ?? 0,
            datapointsToAlarm: wire.DatapointsToAlarm,
            treatMissingData: wire.TreatMissingData,
            evaluateLowSampleCountPercentile: wire.EvaluateLowSampleCountPercentile,
            actions: CloudWatchClient.AlarmActions(
                enabled: wire.ActionsEnabled, alarm: wire.AlarmActions, ok: wire.OKActions,
                insufficientData: wire.InsufficientDataActions))
        let status = CloudWatchClient.AlarmStatus(
            arn: wire.AlarmArn, state: wire.StateValue, reason: wire.StateReason, reasonData: wire.StateReasonData,
            updated: wire.StateUpdatedTimestamp, transitioned: wire.StateTransitionedTimestamp,
            configurationUpdated: wire.AlarmConfigurationUpdatedTimestamp)
        self.init(alarm: alarm, status: status)
    }
}

extension CloudWatchClient.DescribedCompositeAlarm {
    init(_ wire: CloudWatchWire.DescribedCompositeAlarm) {
        let alarm = CloudWatchClient.CompositeAlarm(
            name: wire.AlarmName, rule: wire.AlarmRule ?? "", description: wire.AlarmDescription,
            actions: CloudWatchClient.AlarmActions(
                enabled: wire.ActionsEnabled, alarm: wire.AlarmActions, ok: wire.OKActions,
                insufficientData: wire.InsufficientDataActions))
        let status = CloudWatchClient.AlarmStatus(
            arn: wire.AlarmArn, state: wire.StateValue, reason: wire.StateReason, reasonData: wire.StateReasonData,
            updated: wire.StateUpdatedTimestamp, transitioned: wire.StateTransitionedTimestamp,
            configurationUpdated: wire.AlarmConfigurationUpdatedTimestamp)
        self.init(alarm: alarm, status: status)
    }
}
