import Foundation

extension CloudWatchClient {
    /// The local checks made before any request, from the service model (BC-model cloudwatch) and the
    /// PutMetricData / PutMetricAlarm documentation (aws-facts §1).
    enum Validation {
        /// `PutMetricData`'s limit on metrics per request.
        static let maxMetricsPerRequest = 1000
        /// Values per `Values` array.
        static let maxValuesPerDatum = 150
        static let maxDimensions = 30
        /// The largest magnitude CloudWatch stores (2^360).
        static let maxMagnitude = 0x1p360
        /// How far back a timestamp may be.
        static let maxAge: TimeInterval = 14 * 24 * 3600
        /// How far ahead a timestamp may be.
        static let maxLead: TimeInterval = 2 * 3600
        static let maxQueries = 500
        static let maxAlarmNamesPerCall = 100

        /// 1–255 printable ASCII characters, not starting with `:` and not in the reserved `AWS/` namespaces.
        static func checkNamespace(_ namespace: String, into problems: inout ParameterProblems) {
            let quoted = ParameterText.quoted(namespace)
            guard (1...255).contains(namespace.utf8.count) else {
                problems.add("Namespace \(quoted) must be 1 to 255 characters (it has \(namespace.utf8.count))")
                return
            }
            problems.require(ParameterText.isPrintableASCII(namespace), "Namespace \(quoted) must be printable ASCII")
            problems.require(!namespace.hasPrefix(":"), "Namespace \(quoted) must not start with ':'")
            problems.require(
                !namespace.hasPrefix("AWS/"), "Namespace \(quoted) is reserved for AWS (it starts with 'AWS/')")
            problems.require(
                ParameterText.hasNonWhitespace(namespace), "Namespace must contain a non-whitespace character")
        }

        /// 1–255 characters, no control characters.
        static func checkMetricName(
            _ name: String, at path: @autoclosure () -> String, into problems: inout ParameterProblems
        ) {
            guard (1...255).contains(name.utf8.count) else {
                problems.add("\(path()).MetricName \(ParameterText.quoted(name)) must be 1 to 255 characters")
                return
            }
            // Printable ASCII has no control character and, being one scalar per character, is blank only when
            // every byte is; anything else takes the Unicode way.
            if FastText.isPrintableASCII(name) {
                problems.require(
                    FastText.hasNonBlankASCII(name), "\(path()).MetricName must contain a non-whitespace character")
                return
            }
            problems.require(
                !name.unicodeScalars.contains { $0.properties.generalCategory == .control },
                "\(path()).MetricName \(ParameterText.quoted(name)) must not contain control characters")
            problems.require(
                ParameterText.hasNonWhitespace(name), "\(path()).MetricName must contain a non-whitespace character")
        }

        /// At most 30; names 1–255 and values 1–1024 printable ASCII with a non-whitespace character, names not
        /// starting with `:`.
        static func checkDimensions(
            _ dimensions: [Dimension], at path: @autoclosure () -> String, into problems: inout ParameterProblems
        ) {
            problems.require(
                dimensions.count <= maxDimensions,
                "\(path()).Dimensions has \(dimensions.count) entries; at most \(maxDimensions) are allowed")
            for (index, dimension) in dimensions.enumerated() {
                let name = dimension.name
                let value = dimension.value
                // The common case, checked without building a message: both printable ASCII of allowed
                // lengths, the name not starting with ':', each with a non-blank character.
                if (1...255).contains(name.utf8.count), (1...1024).contains(value.utf8.count),
                    name.utf8.first != UInt8(ascii: ":"), FastText.isPrintableASCII(name),
                    FastText.isPrintableASCII(value), FastText.hasNonBlankASCII(name), FastText.hasNonBlankASCII(value)
                {
                    continue
                }
                let here = "\(path()).Dimensions[\(index)]"
                problems.require(
                    (1...255).contains(name.utf8.count),
                    "\(here).Name \(ParameterText.quoted(name)) must be 1 to 255 characters")
                problems.require(
                    ParameterText.isPrintableASCII(name),
                    "\(here).Name \(ParameterText.quoted(name)) must be printable ASCII")
                problems.require(
                    !name.hasPrefix(":"), "\(here).Name \(ParameterText.quoted(name)) must not start with ':'")
                problems.require(
                    name.isEmpty || ParameterText.hasNonWhitespace(name),
                    "\(here).Name must contain a non-whitespace character")
                problems.require(
                    (1...1024).contains(value.utf8.count),
                    "\(here).Value \(ParameterText.quoted(value)) must be 1 to 1024 characters")
                problems.require(
                    ParameterText.isPrintableASCII(value),
                    "\(here).Value \(ParameterText.quoted(value)) must be printable ASCII")
                problems.require(
                    value.isEmpty || ParameterText.hasNonWhitespace(value),
                    "\(here).Value must contain a non-whitespace character")
            }
        }

        /// Finite and within ±2^360.
        static func checkNumber(
            _ value: Double, at path: @autoclosure () -> String, into problems: inout ParameterProblems
        ) {
            if value.isNaN {
                problems.add("\(path()) is NaN, which CloudWatch rejects")
            } else if value.isInfinite {
                problems.add("\(path()) is \(value < 0 ? "-" : "+")Infinity, which CloudWatch rejects")
            } else {
                problems.require(abs(value) <= maxMagnitude, "\(path()) \(value) is outside -2^360…2^360")
            }
        }

        /// One `MetricData` entry.
        static func checkDatum(_ datum: MetricDatum, index: Int, now: Date, into problems: inout ParameterProblems) {
            // Built only for a message: most data points have none.
            let path = DatumPath(index: index)
            checkMetricName(datum.name, at: path.description, into: &problems)
            checkDimensions(datum.dimensions, at: path.description, into: &problems)
            switch datum.value {
            case .single(let value):
                checkNumber(value, at: "\(path).Value", into: &problems)
            case .distribution(let values, let counts):
                problems.require(!values.isEmpty, "\(path).Values must not be empty")
                problems.require(
                    values.count <= maxValuesPerDatum,
                    "\(path).Values has \(values.count) values; at most \(maxValuesPerDatum) are allowed")
                for (offset, value) in values.enumerated() {
                    checkNumber(value, at: "\(path).Values[\(offset)]", into: &problems)
                }
                if let counts {
                    problems.require(
                        counts.count == values.count,
                        "\(path).Counts has \(counts.count) entries but Values has \(values.count); they must be the same length"
                    )
                    for (offset, count) in counts.enumerated() {
                        checkNumber(count, at: "\(path).Counts[\(offset)]", into: &problems)
                        problems.require(!(count < 0), "\(path).Counts[\(offset)] \(count) must not be negative")
                    }
                }
            case .statistics(let set):
                checkNumber(set.sampleCount, at: "\(path).StatisticValues.SampleCount", into: &problems)
                checkNumber(set.sum, at: "\(path).StatisticValues.Sum", into: &problems)
                checkNumber(set.minimum, at: "\(path).StatisticValues.Minimum", into: &problems)
                checkNumber(set.maximum, at: "\(path).StatisticValues.Maximum", into: &problems)
                problems.require(!(set.sampleCount <= 0), "\(path).StatisticValues.SampleCount must be greater than 0")
                problems.require(
                    !(set.minimum > set.maximum),
                    "\(path).StatisticValues.Minimum \(set.minimum) is greater than Maximum \(set.maximum)")
            }
            if let timestamp = datum.timestamp {
                let age = now.timeIntervalSince(timestamp)
                problems.require(
                    age <= maxAge, "\(path).Timestamp \(AWSDate.iso8601(timestamp)) is more than 2 weeks in the past")
                problems.require(
                    -age <= maxLead,
                    "\(path).Timestamp \(AWSDate.iso8601(timestamp)) is more than 2 hours in the future")
            }
        }

        /// A period of an alarm or metric query: 10, 20, 30 or a multiple of 60 (1 and 5 too for queries).
        static func checkPeriod(
            _ period: Int, at path: String, allowingHighResolution extra: Set<Int>,
            into problems: inout ParameterProblems
        ) {
            problems.require(
                period > 0 && (period % 60 == 0 || extra.contains(period)),
                "\(path) \(period) must be a multiple of 60 or one of \(extra.sorted().map(String.init).joined(separator: ", "))"
            )
        }

        /// `GetMetricData` and alarm queries: IDs unique, starting with a lowercase letter; each either a metric
        /// statistic or an expression.
        static func checkQueries(_ queries: [MetricDataQuery], at path: String, into problems: inout ParameterProblems)
        {
            var ids = Set<String>()
            for (index, query) in queries.enumerated() {
                let here = "\(path)[\(index)]"
                let bytes = Array(query.id.utf8)
                let idIsValid =
                    (1...255).contains(bytes.count) && bytes[0] >= 0x61 && bytes[0] <= 0x7A
                    && bytes.allSatisfy(ParameterText.isWordCharacter)
                problems.require(
                    idIsValid,
                    "\(here).Id \(ParameterText.quoted(query.id)) must start with a lowercase letter and contain only letters, digits and '_'"
                )
                problems.require(
                    ids.insert(query.id).inserted, "\(here).Id \(ParameterText.quoted(query.id)) is used twice")
                switch (query.metricStat, query.expression) {
                case (let stat?, nil):
                    checkNamespace(stat.metric.namespace, into: &problems)
                    checkMetricName(stat.metric.name, at: "\(here).MetricStat.Metric", into: &problems)
                    checkDimensions(stat.metric.dimensions, at: "\(here).MetricStat.Metric", into: &problems)
                    checkPeriod(
                        stat.period, at: "\(here).MetricStat.Period", allowingHighResolution: [1, 5, 10, 20, 30],
                        into: &problems)
                    problems.require(!stat.stat.isEmpty, "\(here).MetricStat.Stat must not be empty")
                case (nil, let expression?):
                    problems.require(
                        (1...2048).contains(expression.utf8.count), "\(here).Expression must be 1 to 2048 characters")
                case (nil, nil):
                    problems.add("\(here) needs a MetricStat or an Expression")
                case (.some, .some):
                    problems.add("\(here) has both a MetricStat and an Expression; give one")
                }
                if let period = query.period {
                    checkPeriod(
                        period, at: "\(here).Period", allowingHighResolution: [1, 5, 10, 20, 30], into: &problems)
                }
            }
        }

        /// 0–50 tags, keys 1–128 and values 0–256 characters.
        static func checkTags(_ tags: [String: String], into problems: inout ParameterProblems) {
            problems.require(tags.count <= 50, "Tags may have at most 50 entries (it has \(tags.count))")
            for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
                problems.require(
                    (1...128).contains(key.count), "tag key \(ParameterText.quoted(key)) must be 1 to 128 characters")
                problems.require(
                    value.count <= 256, "the value of tag \(ParameterText.quoted(key)) must be at most 256 characters")
            }
        }

        /// At most 5 ARNs per transition.
        static func checkActions(_ actions: AlarmActions, into problems: inout ParameterProblems) {
            for (name, list) in [
                ("AlarmActions", actions.alarm), ("OKActions", actions.ok),
                ("InsufficientDataActions", actions.insufficientData),
            ] {
                problems.require(list.count <= 5, "\(name) has \(list.count) ARNs; at most 5 are allowed")
                for arn in list {
                    problems.require(
                        arn.hasPrefix("arn:") && (1...1024).contains(arn.utf8.count),
                        "\(name) entry \(ParameterText.quoted(arn)) is not an ARN")
                }
            }
        }

        /// 1–255 characters with something other than whitespace, no control characters.
        static func checkAlarmName(_ name: String, into problems: inout ParameterProblems) {
            problems.require(
                (1...255).contains(name.utf8.count) && ParameterText.hasNonWhitespace(name)
                    && !name.unicodeScalars.contains { $0.properties.generalCategory == .control },
                "AlarmName \(ParameterText.quoted(name)) must be 1 to 255 characters without control characters")
        }

        /// Everything `PutMetricAlarm` documents.
        static func checkMetricAlarm(_ alarm: MetricAlarm, into problems: inout ParameterProblems) {
            checkAlarmName(alarm.name, into: &problems)
            if let description = alarm.description {
                problems.require(description.utf8.count <= 1024, "AlarmDescription must be at most 1024 characters")
            }
            checkActions(alarm.actions, into: &problems)
            checkTags(alarm.tags, into: &problems)
            problems.require(
                alarm.evaluationPeriods >= 1, "EvaluationPeriods must be at least 1, not \(alarm.evaluationPeriods)")
            if let datapoints = alarm.datapointsToAlarm {
                problems.require(
                    datapoints >= 1 && datapoints <= alarm.evaluationPeriods,
                    "DatapointsToAlarm \(datapoints) must be 1 to EvaluationPeriods (\(alarm.evaluationPeriods))")
            }
            switch (alarm.threshold, alarm.thresholdMetricID) {
            case (let threshold?, nil): checkNumber(threshold, at: "Threshold", into: &problems)
            case (nil, .some): break
            case (nil, nil): problems.add("Threshold is required unless ThresholdMetricId is given")
            case (.some, .some): problems.add("give Threshold or ThresholdMetricId, not both")
            }
            if let missing = alarm.treatMissingData {
                problems.require(
                    [TreatMissingData.breaching, .notBreaching, .ignore, .missing].contains(missing),
                    "TreatMissingData must be breaching, notBreaching, ignore or missing, not \(ParameterText.quoted(missing.rawValue))"
                )
            }
            var periods: [Int] = []
            switch alarm.source {
            case .metric(let namespace, let name, let dimensions, let statistic, let period, _):
                checkNamespace(namespace, into: &problems)
                checkMetricName(name, at: "Metric", into: &problems)
                checkDimensions(dimensions, at: "Metric", into: &problems)
                checkPeriod(period, at: "Period", allowingHighResolution: [10, 20, 30], into: &problems)
                periods.append(period)
                if case .extended(let extended) = statistic {
                    problems.require(!extended.isEmpty, "ExtendedStatistic must not be empty")
                } else {
                    problems.require(
                        alarm.evaluateLowSampleCountPercentile == nil,
                        "EvaluateLowSampleCountPercentile applies only to percentile (extended) statistics")
                }
            case .queries(let queries):
                problems.require(!queries.isEmpty, "Metrics must have at least one query")
                checkQueries(queries, at: "Metrics", into: &problems)
                let returning = queries.filter { $0.returnData ?? true }.count
                problems.require(
                    queries.isEmpty || returning == 1,
                    "exactly one of Metrics must return data (ReturnData true or absent); \(returning) do")
                periods += queries.compactMap { $0.metricStat?.period ?? $0.period }
            }
            if let evaluate = alarm.evaluateLowSampleCountPercentile {
                problems.require(
                    evaluate == "evaluate" || evaluate == "ignore",
                    "EvaluateLowSampleCountPercentile must be 'evaluate' or 'ignore', not \(ParameterText.quoted(evaluate))"
                )
            }
            for period in Set(periods) where period > 0 && alarm.evaluationPeriods >= 1 {
                let total = period * alarm.evaluationPeriods
                let limit = period < 3600 ? 86_400 : 604_800
                problems.require(
                    total <= limit,
                    "Period × EvaluationPeriods is \(total) s; at most \(limit) s is allowed for a \(period) s period")
            }
        }

        /// 1–255 characters of letters, digits, `-` and `_`.
        static func checkDashboardName(_ name: String, into problems: inout ParameterProblems) {
            let bytes = Array(name.utf8)
            problems.require(
                (1...255).contains(bytes.count) && bytes.count == name.count
                    && bytes.allSatisfy { ParameterText.isWordCharacter($0) || $0 == UInt8(ascii: "-") },
                "DashboardName \(ParameterText.quoted(name)) must be 1 to 255 characters of letters, digits, '-' and '_'"
            )
        }
    }
}

/// `MetricData[i]`, turned into text only when a message needs it.
private struct DatumPath: CustomStringConvertible {
    let index: Int
    var description: String { "MetricData[\(index)]" }
}

/// Byte-level text checks for the common, all-ASCII case of the validators (the Unicode checks stay for the rest).
enum FastText {
    /// Every byte is printable ASCII (0x20–0x7E).
    static func isPrintableASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where byte < 0x20 || byte > 0x7E { return false }
            return true
        }
    }

    /// Some byte is ASCII and neither a space nor one of `\t \n \v \f \r`: for printable ASCII text, exactly
    /// "contains a non-whitespace character".
    static func hasNonBlankASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where byte < 0x80 && byte != 0x20 && !(0x09...0x0D).contains(byte) { return true }
            return false
        }
    }
}
