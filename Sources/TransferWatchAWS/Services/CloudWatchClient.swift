import Foundation

/// Amazon CloudWatch over its JSON 1.0 protocol (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`,
/// `awsQueryCompatible`): metrics, alarms and dashboards.
///
/// Every call checks its parameters locally first against the documented limits (1000 metrics per
/// `PutMetricData`, no NaN or infinities, dimension and namespace rules, alarm periods, …) and throws an
/// ``AWSError`` of kind ``AWSError/Kind/invalidRequest`` naming every broken rule, without sending anything.
/// `PutMetricData` bodies of at least the context's `minCompressionSize` bytes are sent gzip-compressed.
/// Errors carry CloudWatch's legacy codes (`InvalidParameterValue`, `ResourceNotFound`) from `x-amzn-query-error`.
///
/// ```swift
/// let cloudWatch = CloudWatchClient(context: context)
/// try await cloudWatch.putMetricData(namespace: "TransferWatch", data: [
///     .init(name: "CopySucceeded", value: .single(1), unit: .count, dimensions: [.init(name: "Environment", value: "prod")]),
/// ])
/// ```
package struct CloudWatchClient: Sendable {
    /// Every CloudWatch operation this client calls, with the IAM actions each needs.
    package enum Operations {
        /// The only compressible CloudWatch operation; its IAM condition key is `cloudwatch:namespace`.
        package static let putMetricData = AWSOperation(.cloudWatch, "PutMetricData", idempotent: false)
        /// Metric queries over a time range (paginated).
        package static let getMetricData = AWSOperation(.cloudWatch, "GetMetricData")
        /// Bucketed statistics of one metric.
        package static let getMetricStatistics = AWSOperation(.cloudWatch, "GetMetricStatistics")
        /// The metrics that exist (paginated).
        package static let listMetrics = AWSOperation(.cloudWatch, "ListMetrics")
        /// Tags on the alarm also need `cloudwatch:TagResource`.
        package static let putMetricAlarm = AWSOperation(
            .cloudWatch, "PutMetricAlarm", iam: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"])
        /// Tags on the alarm also need `cloudwatch:TagResource`.
        package static let putCompositeAlarm = AWSOperation(
            .cloudWatch, "PutCompositeAlarm",
            iam: ["cloudwatch:PutCompositeAlarm", "cloudwatch:TagResource"])
        /// Composite alarms are returned only when this is allowed on `*`.
        package static let describeAlarms = AWSOperation(.cloudWatch, "DescribeAlarms")
        /// Deletes up to 100 alarms per call.
        package static let deleteAlarms = AWSOperation(.cloudWatch, "DeleteAlarms")
        /// An alarm's or other resource's tags.
        package static let listTagsForResource = AWSOperation(.cloudWatch, "ListTagsForResource")
        /// Adds or overwrites tags.
        package static let tagResource = AWSOperation(.cloudWatch, "TagResource")
        /// Creates or replaces a dashboard.
        package static let putDashboard = AWSOperation(.cloudWatch, "PutDashboard")
        /// A dashboard's body.
        package static let getDashboard = AWSOperation(.cloudWatch, "GetDashboard")
        /// The dashboards that exist (paginated).
        package static let listDashboards = AWSOperation(.cloudWatch, "ListDashboards")
        /// Deletes dashboards.
        package static let deleteDashboards = AWSOperation(.cloudWatch, "DeleteDashboards")

        /// All of the above, for the IAM policy.
        package static let all: [AWSOperation] = [
            putMetricData, getMetricData, getMetricStatistics, listMetrics, putMetricAlarm, putCompositeAlarm,
            describeAlarms,
            deleteAlarms, listTagsForResource, tagResource, putDashboard, getDashboard, listDashboards,
            deleteDashboards,
        ]
    }

    /// The engine that signs, sends and retries.
    package let client: AWSClient

    /// A client for the context's region and endpoint.
    package init(context: AWSClient.Context) {
        client = AWSClient(service: .cloudWatch, context: context)
    }

    // MARK: - Metrics

    /// Publishes data points (`PutMetricData`), gzip-compressed when the body reaches the context's
    /// `minCompressionSize`.
    ///
    /// - Parameters:
    ///   - namespace: 1–255 printable ASCII characters, not starting with `:` or `AWS/`.
    ///   - data: 1–1000 data points; batch larger sets yourself.
    /// - Throws: ``AWSError``: `invalidRequest` for a broken limit (all of them listed), else what CloudWatch
    ///   answered (`InvalidParameterValue`, `MissingParameter`, `InvalidParameterCombination`).
    package func putMetricData(namespace: String, data: [MetricDatum]) async throws(AWSError) {
        var problems = ParameterProblems()
        Validation.checkNamespace(namespace, into: &problems)
        problems.require(!data.isEmpty, "MetricData must have at least one entry")
        problems.require(
            data.count <= Validation.maxMetricsPerRequest,
            "MetricData has \(data.count) entries; at most \(Validation.maxMetricsPerRequest) are allowed per request")
        let now = client.context.now()
        for (index, datum) in data.enumerated() {
            Validation.checkDatum(datum, index: index, now: now, into: &problems)
        }
        try problems.check(client.service, Operations.putMetricData)

        let body = MetricDataBody.encode(namespace: namespace, data: data)
        let response = try await sendMetricData(body)
        // No output members; an answer that is not JSON at all is still a malformed response.
        guard response.isEmpty || (try? JSONSerialization.jsonObject(with: response)) is [String: Any] else {
            throw AWSError(
                kind: .malformedResponse, service: client.service.id, operation: Operations.putMetricData.name,
                code: "MalformedResponse", message: "the PutMetricData response is not a JSON object")
        }
    }

    /// Runs metric queries over `[start, end)` (`GetMetricData`), following `NextToken` and merging every page's
    /// values into one result per query ID, in the order of the first page.
    ///
    /// - Parameters:
    ///   - queries: 1–500 queries with unique IDs.
    ///   - scanOrder: `nil` leaves the service default (newest first).
    ///   - maxDatapoints: a cap on data points per request page.
    package func getMetricData(
        queries: [MetricDataQuery], start: Date, end: Date, scanOrder: ScanOrder? = nil,
        maxDatapoints: Int? = nil
    ) async throws(AWSError) -> [MetricDataResult] {
        var problems = ParameterProblems()
        problems.require(
            (1...Validation.maxQueries).contains(queries.count),
            "MetricDataQueries must have 1 to \(Validation.maxQueries) entries (it has \(queries.count))")
        Validation.checkQueries(queries, at: "MetricDataQueries", into: &problems)
        problems.require(
            start < end, "StartTime \(AWSDate.iso8601(start)) must be before EndTime \(AWSDate.iso8601(end))")
        if let maxDatapoints { problems.require(maxDatapoints > 0, "MaxDatapoints must be positive") }
        try problems.check(client.service, Operations.getMetricData)

        var results: [MetricDataResult] = []
        var positions: [String: Int] = [:]
        var token: String?
        var seen = Set<String>()
        repeat {
            let request = CloudWatchWire.GetMetricDataRequest(
                MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken: token,
                ScanBy: scanOrder?.rawValue, MaxDatapoints: maxDatapoints)
            let page = try await client.json(
                Operations.getMetricData, request, as: CloudWatchWire.GetMetricDataResponse.self)
            for result in page.MetricDataResults ?? [] {
                let timestamps = result.Timestamps ?? []
                let values = result.Values ?? []
                guard timestamps.count == values.count else {
                    throw AWSError(
                        kind: .malformedResponse, service: client.service.id, operation: Operations.getMetricData.name,
                        code: "MalformedResponse",
                        message: "result \(result.Id) has \(timestamps.count) timestamps but \(values.count) values")
                }
                if let position = positions[result.Id] {
                    results[position].timestamps += timestamps
                    results[position].values += values
                    results[position].statusCode = result.StatusCode ?? results[position].statusCode
                    results[position].label = results[position].label ?? result.Label
                    results[position].messages += result.Messages ?? []
                } else {
                    positions[result.Id] = results.count
                    results.append(
                        MetricDataResult(
                            id: result.Id, label: result.Label, timestamps: timestamps, values: values,
                            statusCode: result.StatusCode, messages: result.Messages ?? []))
                }
            }
            token = try nextToken(page.NextToken, seen: &seen, Operations.getMetricData)
        } while token != nil
        return results
    }

    /// Aggregates one metric over `[start, end)` in `period`-second buckets (`GetMetricStatistics`).
    ///
    /// - Returns: The data points in time order (CloudWatch returns them unordered).
    package func getMetricStatistics(
        namespace: String, metricName: String, dimensions: [Dimension] = [], start: Date, end: Date,
        period: Int, statistics: [Statistic], unit: StandardUnit? = nil
    ) async throws(AWSError) -> [Datapoint] {
        var problems = ParameterProblems()
        Validation.checkNamespace(namespace, into: &problems)
        Validation.checkMetricName(metricName, at: "Metric", into: &problems)
        Validation.checkDimensions(dimensions, at: "Metric", into: &problems)
        Validation.checkPeriod(period, at: "Period", allowingHighResolution: [1, 5, 10, 30], into: &problems)
        problems.require(
            (1...5).contains(statistics.count), "Statistics must list 1 to 5 statistics (it lists \(statistics.count))")
        problems.require(
            start < end, "StartTime \(AWSDate.iso8601(start)) must be before EndTime \(AWSDate.iso8601(end))")
        try problems.check(client.service, Operations.getMetricStatistics)

        let request = CloudWatchWire.GetMetricStatisticsRequest(
            Namespace: namespace, MetricName: metricName,
            Dimensions: dimensions.isEmpty ? nil : dimensions, StartTime: start,
            EndTime: end, Period: period, Statistics: statistics, Unit: unit)
        let response = try await client.json(
            Operations.getMetricStatistics, request, as: CloudWatchWire.GetMetricStatisticsResponse.self)
        return (response.Datapoints ?? []).map {
            Datapoint(
                timestamp: $0.Timestamp, sampleCount: $0.SampleCount, average: $0.Average, sum: $0.Sum,
                minimum: $0.Minimum,
                maximum: $0.Maximum, unit: $0.Unit.flatMap(StandardUnit.init(rawValue:)))
        }.sorted { $0.timestamp < $1.timestamp }
    }

    /// Lists metrics (`ListMetrics`), following `NextToken` to the end. A new metric can take up to 15 minutes to appear.
    ///
    /// - Parameters:
    ///   - namespace: only this namespace; `nil` for all.
    ///   - metricName: only this name.
    ///   - dimensions: only metrics having these dimensions (a `nil` value matches any value); at most 10.
    package func listMetrics(
        namespace: String? = nil, metricName: String? = nil,
        dimensions: [(name: String, value: String?)] = []
    ) async throws(AWSError) -> [Metric] {
        var problems = ParameterProblems()
        if let namespace { Validation.checkNamespace(namespace, into: &problems) }
        if let metricName { Validation.checkMetricName(metricName, at: "ListMetrics", into: &problems) }
        problems.require(dimensions.count <= 10, "Dimensions may have at most 10 filters (it has \(dimensions.count))")
        try problems.check(client.service, Operations.listMetrics)

        let filters =
            dimensions.isEmpty ? nil : dimensions.map { CloudWatchWire.DimensionFilter(Name: $0.name, Value: $0.value) }
        var metrics: [Metric] = []
        var token: String?
        var seen = Set<String>()
        repeat {
            let request = CloudWatchWire.ListMetricsRequest(
                Namespace: namespace, MetricName: metricName, Dimensions: filters, NextToken: token)
            let page = try await client.json(
                Operations.listMetrics, request, as: CloudWatchWire.ListMetricsResponse.self)
            metrics += page.Metrics ?? []
            token = try nextToken(page.NextToken, seen: &seen, Operations.listMetrics)
        } while token != nil
        return metrics
    }

    // MARK: - Tags

    /// The tags of an alarm or other CloudWatch resource.
    ///
    /// - Throws: ``AWSError`` (`ResourceNotFoundException` for an unknown ARN).
    package func listTagsForResource(arn: String) async throws(AWSError) -> [String: String] {
        var problems = ParameterProblems()
        problems.require(
            arn.hasPrefix("arn:") && arn.utf8.count <= 1024, "ResourceARN \(ParameterText.quoted(arn)) is not an ARN")
        try problems.check(client.service, Operations.listTagsForResource)
        let response = try await client.json(
            Operations.listTagsForResource, CloudWatchWire.ResourceRequest(ResourceARN: arn),
            as: CloudWatchWire.ListTagsResponse.self)
        return TransferWire.Tag.dictionary(response.Tags)
    }

    /// Adds or overwrites tags on an alarm or other CloudWatch resource.
    package func tagResource(arn: String, tags: [String: String]) async throws(AWSError) {
        var problems = ParameterProblems()
        problems.require(
            arn.hasPrefix("arn:") && arn.utf8.count <= 1024, "ResourceARN \(ParameterText.quoted(arn)) is not an ARN")
        problems.require(!tags.isEmpty, "Tags must have at least one entry")
        Validation.checkTags(tags, into: &problems)
        try problems.check(client.service, Operations.tagResource)
        let request = CloudWatchWire.TagResourceRequest(ResourceARN: arn, Tags: TransferWire.Tag.list(tags) ?? [])
        _ = try await client.json(Operations.tagResource, request, as: CloudWatchWire.Empty.self)
    }

    // MARK: - Helpers

    /// The token for the next page, or `nil` at the end; a token seen before would loop forever, so it fails.
    func nextToken(_ token: String?, seen: inout Set<String>, _ operation: AWSOperation) throws(AWSError) -> String? {
        guard let token, !token.isEmpty else { return nil }
        guard seen.insert(token).inserted else {
            throw AWSError(
                kind: .malformedResponse, service: client.service.id, operation: operation.name, code: "PaginationLoop",
                message: "the service returned NextToken \(ParameterText.quoted(token)) twice")
        }
        return token
    }
}
