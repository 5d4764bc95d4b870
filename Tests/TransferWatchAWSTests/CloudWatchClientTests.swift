import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// ``CloudWatchClient`` against a scripted transport: the exact JSON 1.0 each operation sends, gzip above the
/// threshold, decoding of real bodies, query-compatible errors, pagination, and local validation.
@Suite struct CloudWatchClientTests {
    typealias CW = CloudWatchClient
    /// 2026-11-28T00:00:00Z: the clock of every test.
    static let now = Date(timeIntervalSince1970: 1_795_824_000)
    static let topic = "arn:aws:sns:us-east-1:123456789012:oncall"
    static let environment = CW.Dimension(name: "Environment", value: "prod")

    // MARK: - PutMetricData

    @Test func putMetricDataSendsEachValueKindExactly() async throws {
        let transport = JSONServiceFakeTransport([.json("{}")])
        try await makeClient(transport).putMetricData(
            namespace: "TransferWatch",
            data: [
                .init(
                    name: "CopyLatency", value: .single(12.5), unit: .milliseconds, dimensions: [Self.environment],
                    timestamp: Date(timeIntervalSince1970: 1_795_823_940), storageResolution: .standard),
                .init(
                    name: "BytesCopied", value: .distribution(values: [1024, 2048.5], counts: [3, 1]), unit: .bytes),
                .init(
                    name: "CopySucceeded", value: .statistics(.init(sampleCount: 4, sum: 10, minimum: 1, maximum: 4)),
                    unit: .count,
                    timestamp: Date(timeIntervalSince1970: 1_795_823_940.25), storageResolution: .high),
                .init(name: "UploadsDelivered", value: .distribution(values: [1], counts: nil)),
            ])

        let request = try #require(transport.requests.first)
        #expect(request.headers["X-Amz-Target"] == "GraniteServiceVersion20100801.PutMetricData")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.0")
        #expect(request.headers["x-amzn-query-mode"] == "true")
        #expect(request.headers["Content-Encoding"] == nil)
        #expect(
            transport.bodyText(0) == #"{"MetricData":["#
                + #"{"Dimensions":[{"Name":"Environment","Value":"prod"}],"MetricName":"CopyLatency","StorageResolution":60,"#
                + #""Timestamp":1795823940,"Unit":"Milliseconds","Value":12.5},"#
                + #"{"Counts":[3,1],"MetricName":"BytesCopied","Unit":"Bytes","Values":[1024,2048.5]},"#
                + #"{"MetricName":"CopySucceeded","StatisticValues":{"Maximum":4,"Minimum":1,"SampleCount":4,"Sum":10},"#
                + #""StorageResolution":1,"Timestamp":1795823940.25,"Unit":"Count"},"#
                + #"{"MetricName":"UploadsDelivered","Values":[1]}],"Namespace":"TransferWatch"}"#)
    }

    @Test func putMetricDataMeansTheSameAsTheDerivedSigningVector() async throws {
        let vector = SharedPaths.sigV4TestSuite.appendingPathComponent(
            "derived-service-vectors/monitoring-put-metric-data-json/request.txt")
        let text = try String(contentsOf: vector, encoding: .utf8)
        let vectorBody = try #require(text.components(separatedBy: "\n\n").last)
        #expect(text.contains("x-amzn-query-mode:true"))
        let transport = JSONServiceFakeTransport([.json("{}")])
        // The vector's timestamp is 2015; its clock is then.
        let client = makeClient(transport, now: Date(timeIntervalSince1970: 1_440_938_160))
        try await client.putMetricData(
            namespace: "MyApp",
            data: [
                .init(
                    name: "Latency", value: .single(12.5), unit: .milliseconds,
                    dimensions: [.init(name: "Operation", value: "Get")],
                    timestamp: Date(timeIntervalSince1970: 1_440_938_160))
            ])
        let sent = try JSONSerialization.jsonObject(with: transport.body(0)) as? NSDictionary
        let expected = try JSONSerialization.jsonObject(with: Data(vectorBody.utf8)) as? NSDictionary
        #expect(sent != nil && sent == expected)
    }

    @Test func putMetricDataIsGzippedFromTheThresholdUp() async throws {
        let data = (0..<40).map {
            CW.MetricDatum(
                name: "CopySucceeded", value: .single(Double($0)), unit: .count, dimensions: [Self.environment])
        }
        let probe = JSONServiceFakeTransport([.json("{}")])
        try await makeClient(probe, minCompressionSize: .max).putMetricData(namespace: "TransferWatch", data: data)
        let plain = try #require(probe.requests.first).body
        #expect(probe.requests.first?.headers["Content-Encoding"] == nil)

        // Exactly at the threshold: compressed.
        let at = JSONServiceFakeTransport([.json("{}")])
        try await makeClient(at, minCompressionSize: plain.count).putMetricData(namespace: "TransferWatch", data: data)
        let compressed = try #require(at.requests.first)
        #expect(compressed.headers["Content-Encoding"] == "gzip")
        #expect(compressed.body.count < plain.count)
        #expect(compressed.body.prefix(2) == Data([0x1F, 0x8B]))
        #expect(try GZip.decompress(compressed.body) == plain)
        // The encoding is signed, so a proxy cannot strip it unnoticed.
        #expect(compressed.headers["Authorization"]?.contains("content-encoding;") == true)

        // One byte below: sent as is.
        let below = JSONServiceFakeTransport([.json("{}")])
        try await makeClient(below, minCompressionSize: plain.count + 1).putMetricData(
            namespace: "TransferWatch", data: data)
        #expect(below.requests.first?.headers["Content-Encoding"] == nil)
        #expect(below.requests.first?.body == plain)
    }

    @Test func otherOperationsAreNeverCompressed() async throws {
        let transport = JSONServiceFakeTransport([.json(#"{"DashboardValidationMessages":[]}"#)])
        let body =
            #"{"widgets":[\#(Array(repeating: #"{"type":"text","properties":{"markdown":"x"}}"#, count: 50).joined(separator: ","))]}"#
        try await makeClient(transport, minCompressionSize: 1).putDashboard(name: "transferwatch", body: body)
        #expect(transport.requests.first?.headers["Content-Encoding"] == nil)
        #expect(transport.bodyText(0).contains(#""DashboardName":"transferwatch""#))
    }

    @Test func invalidParameterValueTakesTheQueryCompatibleCode() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                status: 400,
                #"{"__type":"com.amazonaws.cloudwatch#InvalidParameterValueException","message":"The value 1e400 for parameter MetricData.member.1.Value is invalid."}"#,
                headers: [("x-amzn-query-error", "InvalidParameterValue;Sender"), ("x-amzn-RequestId", "8f2a-cw")])
        ])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).putMetricData(
                namespace: "TransferWatch", data: [.init(name: "m", value: .single(1))])
        }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message == "The value 1e400 for parameter MetricData.member.1.Value is invalid.")
        #expect(error?.statusCode == 400)
        #expect(error?.requestID == "8f2a-cw")
        #expect(error?.attempts == 1)
        #expect(transport.requests.count == 1)
    }

    @Test func throttlingIsRetried() async throws {
        let throttled = JSONServiceFakeTransport.Reply.json(
            status: 400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
            headers: [("x-amzn-query-error", "Throttling;Sender")])
        let transport = JSONServiceFakeTransport([throttled, throttled, .json("{}")])
        let sleeper = RecordingSleeper()
        try await makeClient(transport, sleeper: sleeper).putMetricData(
            namespace: "TransferWatch", data: [.init(name: "m", value: .single(1))])
        #expect(transport.requests.count == 3)
        #expect(sleeper.delays.count == 2)
        #expect(transport.bodyText(0) == transport.bodyText(2))
    }

    /// A `PutMetricData` call that must be refused before anything is sent, and the message it must give.
    struct InvalidData: Sendable, CustomTestStringConvertible {
        let name: String
        let namespace: String
        let data: [CloudWatchClient.MetricDatum]
        let message: String
        var testDescription: String { name }

        init(
            _ name: String, namespace: String = "TransferWatch", _ data: [CloudWatchClient.MetricDatum],
            _ message: String
        ) {
            self.name = name
            self.namespace = namespace
            self.data = data
            self.message = message
        }
    }

    static let invalidData: [InvalidData] = {
        let ok = CW.MetricDatum(name: "m", value: .single(1))
        func datum(_ value: CW.MetricDatum.Value) -> CW.MetricDatum { .init(name: "m", value: value) }
        func dimensions(_ list: [CW.Dimension]) -> CW.MetricDatum {
            .init(name: "m", value: .single(1), dimensions: list)
        }
        return [
            InvalidData("NaN", [datum(.single(.nan))], "MetricData[0].Value is NaN, which CloudWatch rejects"),
            InvalidData(
                "+Infinity", [ok, datum(.single(.infinity))],
                "MetricData[1].Value is +Infinity, which CloudWatch rejects"),
            InvalidData(
                "-Infinity in Values", [datum(.distribution(values: [1, -.infinity], counts: nil))],
                "MetricData[0].Values[1] is -Infinity, which CloudWatch rejects"),
            InvalidData(
                "beyond 2^360", [datum(.single(0x1p361))], "MetricData[0].Value \(0x1p361) is outside -2^360…2^360"),
            InvalidData(
                "1001 metrics", Array(repeating: ok, count: 1001),
                "MetricData has 1001 entries; at most 1000 are allowed per request"),
            InvalidData("no metrics", [], "MetricData must have at least one entry"),
            InvalidData(
                "151 values", [datum(.distribution(values: (0..<151).map(Double.init), counts: nil))],
                "MetricData[0].Values has 151 values; at most 150 are allowed"),
            InvalidData(
                "counts length", [datum(.distribution(values: [1, 2], counts: [1]))],
                "MetricData[0].Counts has 1 entries but Values has 2; they must be the same length"),
            InvalidData(
                "negative count", [datum(.distribution(values: [1], counts: [-1]))],
                "MetricData[0].Counts[0] -1.0 must not be negative"),
            InvalidData(
                "empty values", [datum(.distribution(values: [], counts: nil))],
                "MetricData[0].Values must not be empty"),
            InvalidData(
                "statistic set min > max", [datum(.statistics(.init(sampleCount: 2, sum: 3, minimum: 5, maximum: 1)))],
                "MetricData[0].StatisticValues.Minimum 5.0 is greater than Maximum 1.0"),
            InvalidData(
                "statistic set without samples",
                [datum(.statistics(.init(sampleCount: 0, sum: 0, minimum: 0, maximum: 0)))],
                "MetricData[0].StatisticValues.SampleCount must be greater than 0"),
            InvalidData(
                "31 dimensions", [dimensions((0..<31).map { CW.Dimension(name: "d\($0)", value: "v") })],
                "MetricData[0].Dimensions has 31 entries; at most 30 are allowed"),
            InvalidData(
                "dimension name with colon", [dimensions([.init(name: ":Env", value: "prod")])],
                "MetricData[0].Dimensions[0].Name ':Env' must not start with ':'"),
            InvalidData(
                "non-ASCII dimension value", [dimensions([.init(name: "Env", value: "prød")])],
                "MetricData[0].Dimensions[0].Value 'prød' must be printable ASCII"),
            InvalidData(
                "blank dimension value", [dimensions([.init(name: "Env", value: "   ")])],
                "MetricData[0].Dimensions[0].Value must contain a non-whitespace character"),
            InvalidData(
                "empty dimension value", [dimensions([.init(name: "Env", value: "")])],
                "MetricData[0].Dimensions[0].Value '' must be 1 to 1024 characters"),
            InvalidData(
                "control character in dimension name", [dimensions([.init(name: "En\nv", value: "x")])],
                "MetricData[0].Dimensions[0].Name 'En\nv' must be printable ASCII"),
            InvalidData(
                "long dimension value", [dimensions([.init(name: "Env", value: String(repeating: "v", count: 1025))])],
                "MetricData[0].Dimensions[0].Value '\(String(repeating: "v", count: 60))…' (1025 characters) must be 1 to 1024 characters"
            ),
            InvalidData(
                "empty metric name", [.init(name: "", value: .single(1))],
                "MetricData[0].MetricName '' must be 1 to 255 characters"),
            // The ASCII fast paths of the validators refuse what the Unicode checks refuse.
            InvalidData(
                "tab in dimension value", [dimensions([.init(name: "Env", value: "a\tb")])],
                "MetricData[0].Dimensions[0].Value 'a\tb' must be printable ASCII"),
            InvalidData(
                "DEL in dimension name", [dimensions([.init(name: "En\u{7F}v", value: "x")])],
                "MetricData[0].Dimensions[0].Name 'En\u{7F}v' must be printable ASCII"),
            InvalidData(
                "blank dimension name", [dimensions([.init(name: " ", value: "x")])],
                "MetricData[0].Dimensions[0].Name must contain a non-whitespace character"),
            InvalidData(
                "blank metric name", [.init(name: "   ", value: .single(1))],
                "MetricData[0].MetricName must contain a non-whitespace character"),
            InvalidData(
                "non-ASCII blank metric name", [.init(name: "\u{A0}\u{2003}", value: .single(1))],
                "MetricData[0].MetricName must contain a non-whitespace character"),
            InvalidData(
                "DEL in metric name", [.init(name: "Copy\u{7F}", value: .single(1))],
                "MetricData[0].MetricName 'Copy\u{7F}' must not contain control characters"),
            InvalidData(
                "C1 control in metric name", [.init(name: "Copy\u{85}Latency", value: .single(1))],
                "MetricData[0].MetricName 'Copy\u{85}Latency' must not contain control characters"),
            InvalidData(
                "NaN count in the 3rd data point", [ok, ok, datum(.distribution(values: [1], counts: [.nan]))],
                "MetricData[2].Counts[0] is NaN, which CloudWatch rejects"),
            InvalidData(
                "AWS namespace", namespace: "AWS/EC2", [ok],
                "Namespace 'AWS/EC2' is reserved for AWS (it starts with 'AWS/')"),
            InvalidData(
                "colon namespace", namespace: ":TransferWatch", [ok],
                "Namespace ':TransferWatch' must not start with ':'"),
            InvalidData("empty namespace", namespace: "", [ok], "Namespace '' must be 1 to 255 characters (it has 0)"),
            InvalidData(
                "too old", [.init(name: "m", value: .single(1), timestamp: now.addingTimeInterval(-15 * 24 * 3600))],
                "MetricData[0].Timestamp 2026-11-13T00:00:00Z is more than 2 weeks in the past"),
            InvalidData(
                "too far ahead", [.init(name: "m", value: .single(1), timestamp: now.addingTimeInterval(3 * 3600))],
                "MetricData[0].Timestamp 2026-11-28T03:00:00Z is more than 2 hours in the future"),
            // Every problem is listed, in order.
            InvalidData(
                "several", namespace: "AWS/x", [datum(.single(.nan)), dimensions([.init(name: "", value: "v")])],
                "Namespace 'AWS/x' is reserved for AWS (it starts with 'AWS/'); MetricData[0].Value is NaN, which CloudWatch rejects; "
                    + "MetricData[1].Dimensions[0].Name '' must be 1 to 255 characters"),
        ]
    }()

    @Test(arguments: invalidData)
    func invalidMetricDataIsRefusedBeforeSending(_ invalid: InvalidData) async throws {
        let transport = JSONServiceFakeTransport([])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).putMetricData(namespace: invalid.namespace, data: invalid.data)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.code == "ParamValidationError")
        #expect(error?.operation == "PutMetricData")
        #expect(error?.message == invalid.message)
        #expect(transport.requests.isEmpty)
    }

    @Test func nonASCIIMetricNamesAndPrintableSpecialsAreAccepted() async throws {
        let transport = JSONServiceFakeTransport([.json("{}")])
        try await makeClient(transport).putMetricData(
            namespace: "TransferWatch",
            data: [
                .init(
                    name: "Latência ✓", value: .single(1),
                    dimensions: [.init(name: "k\"\\/", value: #" {"a": "b\c/d"} "#)])
            ])
        #expect(
            transport.bodyText(0)
                == #"{"MetricData":[{"Dimensions":[{"Name":"k\"\\/","Value":" {\"a\": \"b\\c/d\"} "}],"#
                + #""MetricName":"Latência ✓","Value":1}],"Namespace":"TransferWatch"}"#)
    }

    @Test func theLimitsThemselvesAreAccepted() async throws {
        let transport = JSONServiceFakeTransport([.json("{}")])
        var data = Array(repeating: CW.MetricDatum(name: "m", value: .single(-0x1p360)), count: 998)
        data.append(
            .init(
                name: "m",
                value: .distribution(values: (0..<150).map(Double.init), counts: Array(repeating: 0, count: 150)),
                dimensions: (0..<30).map { CW.Dimension(name: "d\($0)", value: String(repeating: "v", count: 1024)) },
                timestamp: Self.now.addingTimeInterval(-14 * 24 * 3600)))
        data.append(
            .init(
                name: String(repeating: "n", count: 255), value: .single(0x1p360),
                timestamp: Self.now.addingTimeInterval(2 * 3600)))
        try await makeClient(transport).putMetricData(namespace: String(repeating: "N", count: 255), data: data)
        #expect(transport.requests.count == 1)
    }

    // MARK: - GetMetricData

    @Test func getMetricDataSendsTheQueriesAndMergesPages() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                #"{"MetricDataResults":[{"Id":"copies","Label":"CopySucceeded","Timestamps":[1795823940,1795823880],"Values":[3.0,2.0],"#
                    + #""StatusCode":"PartialData"},{"Id":"ratio","Label":"ratio","Timestamps":[1795823940],"Values":[0.5],"StatusCode":"PartialData"}],"#
                    + #""NextToken":"p2","Messages":[]}"#),
            .json(
                #"{"MetricDataResults":[{"Id":"copies","Timestamps":[1795823820],"Values":[5.0],"StatusCode":"Complete"},"#
                    + #"{"Id":"ratio","Timestamps":[],"Values":[],"StatusCode":"Complete","Messages":[{"Code":"MaxDatapointsExceeded","Value":"x"}]}]}"#
            ),
        ])
        let queries: [CW.MetricDataQuery] = [
            .metric(
                id: "copies", namespace: "TransferWatch", name: "CopySucceeded", dimensions: [Self.environment],
                period: 60, stat: "Sum",
                unit: .count),
            .metric(
                id: "failures", namespace: "TransferWatch", name: "CopyFailed", period: 60, stat: "Sum",
                returnData: false),
            .expression(id: "ratio", "failures / copies", label: "ratio"),
        ]
        let results = try await makeClient(transport).getMetricData(
            queries: queries, start: Self.now.addingTimeInterval(-3600), end: Self.now,
            scanOrder: .timestampDescending)

        #expect(
            transport.targets == [
                "GraniteServiceVersion20100801.GetMetricData", "GraniteServiceVersion20100801.GetMetricData",
            ])
        #expect(
            transport.bodyText(0) == #"{"EndTime":1795824000,"MetricDataQueries":["#
                + #"{"Id":"copies","MetricStat":{"Metric":{"Dimensions":[{"Name":"Environment","Value":"prod"}],"MetricName":"CopySucceeded","#
                + #""Namespace":"TransferWatch"},"Period":60,"Stat":"Sum","Unit":"Count"}},"#
                + #"{"Id":"failures","MetricStat":{"Metric":{"MetricName":"CopyFailed","Namespace":"TransferWatch"},"Period":60,"Stat":"Sum"},"#
                + #""ReturnData":false},{"Expression":"failures / copies","Id":"ratio","Label":"ratio"}],"#
                + #""ScanBy":"TimestampDescending","StartTime":1795820400}"#)
        #expect(transport.bodyText(1).contains(#""NextToken":"p2""#))

        #expect(results.map(\.id) == ["copies", "ratio"])
        #expect(results[0].values == [3, 2, 5])
        #expect(results[0].sum == 10)
        #expect(
            results[0].timestamps
                == [1_795_823_940, 1_795_823_880, 1_795_823_820].map { Date(timeIntervalSince1970: $0) })
        #expect(results[0].statusCode == "Complete")
        #expect(results[0].label == "CopySucceeded")
        #expect(results[1].values == [0.5])
        #expect(results[1].messages == [CW.Message(code: "MaxDatapointsExceeded", value: "x")])
    }

    @Test func getMetricDataRejectsMismatchedTimestampsAndValues() async throws {
        let transport = JSONServiceFakeTransport([
            .json(#"{"MetricDataResults":[{"Id":"m","Timestamps":[1795823940],"Values":[]}]}"#)
        ])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).getMetricData(
                queries: [.metric(id: "m", namespace: "N", name: "x", period: 60, stat: "Sum")],
                start: Self.now.addingTimeInterval(-60), end: Self.now)
        }
        #expect(error?.kind == .malformedResponse)
        #expect(error?.message == "result m has 1 timestamps but 0 values")
    }

    @Test(
        arguments: [
            // An uppercase first letter.
            (
                [CW.MetricDataQuery.metric(id: "Copies", namespace: "N", name: "x", period: 60, stat: "Sum")],
                "MetricDataQueries[0].Id 'Copies' must start with a lowercase letter and contain only letters, digits and '_'"
            ),
            // The same ID twice.
            (
                [.metric(id: "a", namespace: "N", name: "x", period: 60, stat: "Sum"), .expression(id: "a", "a * 2")],
                "MetricDataQueries[1].Id 'a' is used twice"
            ),
            // A period that is not a multiple of 60 nor a high-resolution one.
            (
                [.metric(id: "a", namespace: "N", name: "x", period: 90, stat: "Sum")],
                "MetricDataQueries[0].MetricStat.Period 90 must be a multiple of 60 or one of 1, 5, 10, 20, 30"
            ),
            // Neither a metric nor an expression.
            ([CW.MetricDataQuery(id: "a")], "MetricDataQueries[0] needs a MetricStat or an Expression"),
            ([], "MetricDataQueries must have 1 to 500 entries (it has 0)"),
        ] as [([CW.MetricDataQuery], String)])
    func invalidQueriesAreRefused(queries: [CW.MetricDataQuery], message: String) async throws {
        let transport = JSONServiceFakeTransport([])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).getMetricData(
                queries: queries, start: Self.now.addingTimeInterval(-60), end: Self.now)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message == message)
        #expect(transport.requests.isEmpty)
    }

    @Test func getMetricDataNeedsStartBeforeEnd() async throws {
        let transport = JSONServiceFakeTransport([])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).getMetricData(
                queries: [.metric(id: "m", namespace: "N", name: "x", period: 60, stat: "Sum")],
                start: Self.now, end: Self.now)
        }
        #expect(error?.message == "StartTime 2026-11-28T00:00:00Z must be before EndTime 2026-11-28T00:00:00Z")
    }

    // MARK: - GetMetricStatistics and ListMetrics

    @Test func getMetricStatisticsSendsTheRequestAndSortsDatapoints() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                #"{"Label":"CopySucceeded","Datapoints":["#
                    + #"{"Timestamp":1795823940,"SampleCount":2.0,"Sum":7.0,"Unit":"Count"},{"Timestamp":1795823880,"SampleCount":1.0,"Sum":3.0,"Unit":"Count"}]}"#
            )
        ])
        let points = try await makeClient(transport).getMetricStatistics(
            namespace: "TransferWatch", metricName: "CopySucceeded", dimensions: [Self.environment],
            start: Self.now.addingTimeInterval(-600),
            end: Self.now, period: 60, statistics: [.sum, .sampleCount])
        #expect(
            transport.bodyText(0) == #"{"Dimensions":[{"Name":"Environment","Value":"prod"}],"EndTime":1795824000,"#
                + #""MetricName":"CopySucceeded","Namespace":"TransferWatch","Period":60,"StartTime":1795823400,"Statistics":["Sum","SampleCount"]}"#
        )
        #expect(points.map(\.sum) == [3, 7])
        #expect(points.map(\.sampleCount) == [1, 2])
        #expect(points.map(\.average) == [nil, nil])
        #expect(points.first?.unit == .count)
        #expect(points.first?.timestamp == Date(timeIntervalSince1970: 1_795_823_880))
    }

    @Test func listMetricsFollowsNextTokenAndFiltersDimensions() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                #"{"Metrics":[{"Namespace":"TransferWatch","MetricName":"CopySucceeded","Dimensions":[{"Name":"Environment","Value":"prod"}]}],"#
                    + #""NextToken":"m2"}"#),
            .json(#"{"Metrics":[{"Namespace":"TransferWatch","MetricName":"CopyFailed"}]}"#),
        ])
        let metrics = try await makeClient(transport).listMetrics(
            namespace: "TransferWatch", dimensions: [("Environment", "prod"), ("Rule", nil)])
        #expect(
            metrics == [
                CW.Metric(namespace: "TransferWatch", name: "CopySucceeded", dimensions: [Self.environment]),
                CW.Metric(namespace: "TransferWatch", name: "CopyFailed"),
            ])
        #expect(
            transport.bodyText(0)
                == #"{"Dimensions":[{"Name":"Environment","Value":"prod"},{"Name":"Rule"}],"Namespace":"TransferWatch"}"#
        )
        #expect(
            transport.bodyText(1)
                == #"{"Dimensions":[{"Name":"Environment","Value":"prod"},{"Name":"Rule"}],"Namespace":"TransferWatch","#
                + #""NextToken":"m2"}"#)
    }

    // MARK: - Alarms

    static let copyFailedAlarm = CW.MetricAlarm(
        name: "transferwatch-copy-failed", description: "A copy failed",
        source: .metric(
            namespace: "TransferWatch", name: "CopyFailed", dimensions: [environment], statistic: .standard(.sum),
            period: 300, unit: .count),
        comparisonOperator: .greaterThanOrEqualToThreshold, threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2,
        treatMissingData: .notBreaching,
        actions: .init(alarm: [topic], ok: [topic]), tags: ["app": "transferwatch", "rule": "copy-failed"])

    @Test func putMetricAlarmSendsEveryField() async throws {
        let transport = JSONServiceFakeTransport([.json("{}")])
        try await makeClient(transport).putMetricAlarm(Self.copyFailedAlarm)
        #expect(transport.targets == ["GraniteServiceVersion20100801.PutMetricAlarm"])
        #expect(
            transport.bodyText(0)
                == #"{"ActionsEnabled":true,"AlarmActions":["arn:aws:sns:us-east-1:123456789012:oncall"],"#
                + #""AlarmDescription":"A copy failed","AlarmName":"transferwatch-copy-failed","ComparisonOperator":"GreaterThanOrEqualToThreshold","#
                + #""DatapointsToAlarm":2,"Dimensions":[{"Name":"Environment","Value":"prod"}],"EvaluationPeriods":3,"MetricName":"CopyFailed","#
                + #""Namespace":"TransferWatch","OKActions":["arn:aws:sns:us-east-1:123456789012:oncall"],"Period":300,"Statistic":"Sum","#
                + #""Tags":[{"Key":"app","Value":"transferwatch"},{"Key":"rule","Value":"copy-failed"}],"Threshold":1,"#
                + #""TreatMissingData":"notBreaching","Unit":"Count"}"#)
    }

    @Test func putMetricAlarmSendsMetricMathAndPercentiles() async throws {
        let transport = JSONServiceFakeTransport([.json("{}"), .json("{}")])
        let client = makeClient(transport)
        try await client.putMetricAlarm(
            CW.MetricAlarm(
                name: "failure-ratio",
                source: .queries([
                    .metric(
                        id: "f", namespace: "TransferWatch", name: "CopyFailed", period: 60, stat: "Sum",
                        returnData: false),
                    .metric(
                        id: "s", namespace: "TransferWatch", name: "CopySucceeded", period: 60, stat: "Sum",
                        returnData: false),
                    .expression(id: "ratio", "f / (f + s)", label: "failure ratio", returnData: true),
                ]), comparisonOperator: .greaterThanThreshold, threshold: 0.1, evaluationPeriods: 5,
                actions: .init(isEnabled: false)))
        try await client.putMetricAlarm(
            CW.MetricAlarm(
                name: "latency-p99",
                source: .metric(
                    namespace: "TransferWatch", name: "CopyLatency", statistic: .extended("p99"), period: 60),
                comparisonOperator: .greaterThanThreshold, threshold: 5000, evaluationPeriods: 1,
                evaluateLowSampleCountPercentile: "ignore"))
        #expect(
            transport.bodyText(0)
                == #"{"ActionsEnabled":false,"AlarmName":"failure-ratio","ComparisonOperator":"GreaterThanThreshold","#
                + #""EvaluationPeriods":5,"Metrics":[{"Id":"f","MetricStat":{"Metric":{"MetricName":"CopyFailed","Namespace":"TransferWatch"},"#
                + #""Period":60,"Stat":"Sum"},"ReturnData":false},{"Id":"s","MetricStat":{"Metric":{"MetricName":"CopySucceeded","#
                + #""Namespace":"TransferWatch"},"Period":60,"Stat":"Sum"},"ReturnData":false},{"Expression":"f / (f + s)","Id":"ratio","#
                + #""Label":"failure ratio","ReturnData":true}],"Threshold":0.1}"#)
        #expect(
            transport.bodyText(1)
                == #"{"ActionsEnabled":true,"AlarmName":"latency-p99","ComparisonOperator":"GreaterThanThreshold","#
                + #""EvaluateLowSampleCountPercentile":"ignore","EvaluationPeriods":1,"ExtendedStatistic":"p99","MetricName":"CopyLatency","#
                + #""Namespace":"TransferWatch","Period":60,"Threshold":5000}"#)
    }

    /// One alarm that must be refused before anything is sent, and the message it must give.
    struct InvalidAlarm: Sendable, CustomTestStringConvertible {
        let name: String
        let alarm: CloudWatchClient.MetricAlarm
        let message: String
        var testDescription: String { name }
    }

    static let invalidAlarms: [InvalidAlarm] = {
        func with(_ change: (inout CW.MetricAlarm) -> Void) -> CW.MetricAlarm {
            var alarm = copyFailedAlarm
            change(&alarm)
            return alarm
        }
        return [
            InvalidAlarm(
                name: "period 45",
                alarm: with { $0.source = .metric(namespace: "N", name: "m", statistic: .standard(.sum), period: 45) },
                message: "Period 45 must be a multiple of 60 or one of 10, 20, 30"),
            // 60 s × 1441 = 86460 s: over a day for a sub-hour period.
            InvalidAlarm(
                name: "over a day",
                alarm: with {
                    $0.source = .metric(namespace: "N", name: "m", statistic: .standard(.sum), period: 60)
                    $0.evaluationPeriods = 1441
                    $0.datapointsToAlarm = nil
                }, message: "Period × EvaluationPeriods is 86460 s; at most 86400 s is allowed for a 60 s period"),
            // 3600 s × 169 = 608400 s: over 7 days.
            InvalidAlarm(
                name: "over a week",
                alarm: with {
                    $0.source = .metric(namespace: "N", name: "m", statistic: .standard(.sum), period: 3600)
                    $0.evaluationPeriods = 169
                    $0.datapointsToAlarm = nil
                }, message: "Period × EvaluationPeriods is 608400 s; at most 604800 s is allowed for a 3600 s period"),
            InvalidAlarm(
                name: "no evaluation periods",
                alarm: with {
                    $0.evaluationPeriods = 0
                    $0.datapointsToAlarm = nil
                },
                message: "EvaluationPeriods must be at least 1, not 0"),
            InvalidAlarm(
                name: "M greater than N", alarm: with { $0.datapointsToAlarm = 4 },
                message: "DatapointsToAlarm 4 must be 1 to EvaluationPeriods (3)"),
            InvalidAlarm(
                name: "no threshold", alarm: with { $0.threshold = nil },
                message: "Threshold is required unless ThresholdMetricId is given"),
            InvalidAlarm(
                name: "NaN threshold", alarm: with { $0.threshold = .nan },
                message: "Threshold is NaN, which CloudWatch rejects"),
            InvalidAlarm(
                name: "six actions", alarm: with { $0.actions.alarm = Array(repeating: topic, count: 6) },
                message: "AlarmActions has 6 ARNs; at most 5 are allowed"),
            InvalidAlarm(
                name: "action not an ARN", alarm: with { $0.actions.insufficientData = ["oncall"] },
                message: "InsufficientDataActions entry 'oncall' is not an ARN"),
            InvalidAlarm(
                name: "unknown TreatMissingData", alarm: with { $0.treatMissingData = .init(rawValue: "zero") },
                message: "TreatMissingData must be breaching, notBreaching, ignore or missing, not 'zero'"),
            InvalidAlarm(
                name: "two queries return data",
                alarm: with {
                    $0.source = .queries([
                        .metric(id: "a", namespace: "N", name: "m", period: 60, stat: "Sum"),
                        .expression(id: "b", "a * 2"),
                    ])
                }, message: "exactly one of Metrics must return data (ReturnData true or absent); 2 do"),
            InvalidAlarm(
                name: "percentile option on a standard statistic",
                alarm: with { $0.evaluateLowSampleCountPercentile = "ignore" },
                message: "EvaluateLowSampleCountPercentile applies only to percentile (extended) statistics"),
            InvalidAlarm(
                name: "51 tags",
                alarm: with { $0.tags = Dictionary(uniqueKeysWithValues: (0..<51).map { ("k\($0)", "v") }) },
                message: "Tags may have at most 50 entries (it has 51)"),
            InvalidAlarm(
                name: "empty name", alarm: with { $0.name = "" },
                message: "AlarmName '' must be 1 to 255 characters without control characters"),
        ]
    }()

    @Test(arguments: invalidAlarms)
    func invalidAlarmsAreRefusedBeforeSending(_ invalid: InvalidAlarm) async throws {
        let transport = JSONServiceFakeTransport([])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).putMetricAlarm(invalid.alarm)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.operation == "PutMetricAlarm")
        #expect(error?.message == invalid.message)
        #expect(transport.requests.isEmpty)
    }

    @Test func putCompositeAlarmSendsTheRuleActionsAndTags() async throws {
        let transport = JSONServiceFakeTransport([.json("{}")])
        try await makeClient(transport).putCompositeAlarm(
            name: "transferwatch-copy",
            rule: #"ALARM("transferwatch-copy-failed") OR ALARM("transferwatch-copy-integrity")"#,
            actions: .init(alarm: [Self.topic]), tags: ["app": "transferwatch"], description: "any copy problem")
        #expect(transport.targets == ["GraniteServiceVersion20100801.PutCompositeAlarm"])
        #expect(
            transport.bodyText(0)
                == #"{"ActionsEnabled":true,"AlarmActions":["arn:aws:sns:us-east-1:123456789012:oncall"],"#
                + #""AlarmDescription":"any copy problem","AlarmName":"transferwatch-copy","#
                + #""AlarmRule":"ALARM(\"transferwatch-copy-failed\") OR ALARM(\"transferwatch-copy-integrity\")","#
                + #""Tags":[{"Key":"app","Value":"transferwatch"}]}"#)
    }

    @Test func putCompositeAlarmNeedsARule() async throws {
        let transport = JSONServiceFakeTransport([])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).putCompositeAlarm(name: "c", rule: "")
        }
        #expect(error?.message == "AlarmRule must be 1 to 10240 characters (it has 0)")
        #expect(transport.requests.isEmpty)
    }

    @Test func describeAlarmsAsksForBothTypesAndDecodesBoth() async throws {
        let page1 = #"""
            {"MetricAlarms":[{"AlarmName":"transferwatch-copy-failed","AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:transferwatch-copy-failed",
            "AlarmDescription":"A copy failed","AlarmConfigurationUpdatedTimestamp":1795820000.123,"ActionsEnabled":true,
            "OKActions":["arn:aws:sns:us-east-1:123456789012:oncall"],"AlarmActions":["arn:aws:sns:us-east-1:123456789012:oncall"],
            "InsufficientDataActions":[],"StateValue":"ALARM","StateReason":"Threshold Crossed: 2 out of the last 3 datapoints",
            "StateReasonData":"{\"version\":\"1.0\"}","StateUpdatedTimestamp":1795821000,"StateTransitionedTimestamp":1795821000,
            "MetricName":"CopyFailed","Namespace":"TransferWatch","Statistic":"Sum","Dimensions":[{"Name":"Environment","Value":"prod"}],
            "Period":300,"Unit":"Count","EvaluationPeriods":3,"DatapointsToAlarm":2,"Threshold":1.0,
            "ComparisonOperator":"GreaterThanOrEqualToThreshold","TreatMissingData":"notBreaching"}],
            "CompositeAlarms":[],"NextToken":"a2"}
            """#
        let page2 = #"""
            {"MetricAlarms":[],"CompositeAlarms":[{"ActionsEnabled":true,"AlarmActions":["arn:aws:sns:us-east-1:123456789012:oncall"],
            "AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:transferwatch-copy","AlarmConfigurationUpdatedTimestamp":1795820000,
            "AlarmName":"transferwatch-copy","AlarmRule":"ALARM(\"transferwatch-copy-failed\")","InsufficientDataActions":[],"OKActions":[],
            "StateReason":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:transferwatch-copy-failed transitioned to ALARM",
            "StateUpdatedTimestamp":1795821001,"StateValue":"ALARM","StateTransitionedTimestamp":1795821001}]}
            """#
        let transport = JSONServiceFakeTransport([.json(page1), .json(page2)])
        let alarms = try await makeClient(transport).describeAlarms(prefix: "transferwatch-")

        #expect(
            transport.bodyText(0)
                == #"{"AlarmNamePrefix":"transferwatch-","AlarmTypes":["MetricAlarm","CompositeAlarm"],"MaxRecords":100}"#
        )
        #expect(
            transport.bodyText(1)
                == #"{"AlarmNamePrefix":"transferwatch-","AlarmTypes":["MetricAlarm","CompositeAlarm"],"MaxRecords":100,"#
                + #""NextToken":"a2"}"#)
        #expect(alarms.names == ["transferwatch-copy-failed", "transferwatch-copy"])
        let metric = try #require(alarms.metricAlarms.first)
        var expected = Self.copyFailedAlarm
        expected.tags = [:]
        #expect(metric.alarm == expected)
        #expect(metric.status.state == .alarm)
        #expect(metric.status.arn == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:transferwatch-copy-failed")
        #expect(metric.status.configurationUpdated == Date(timeIntervalSince1970: 1_795_820_000.123))
        #expect(metric.status.reasonData == #"{"version":"1.0"}"#)
        let composite = try #require(alarms.compositeAlarms.first)
        #expect(
            composite.alarm
                == CW.CompositeAlarm(
                    name: "transferwatch-copy", rule: #"ALARM("transferwatch-copy-failed")"#,
                    actions: .init(alarm: [Self.topic])))
        #expect(composite.status.updated == Date(timeIntervalSince1970: 1_795_821_001))
    }

    @Test func describeAlarmsAsksForMoreThanAHundredNamesInBatches() async throws {
        let names = (0..<150).map { "alarm-\($0)" }
        let transport = JSONServiceFakeTransport([.json(#"{"MetricAlarms":[]}"#), .json(#"{"MetricAlarms":[]}"#)])
        let alarms = try await makeClient(transport).describeAlarms(names: names, types: [.metric])
        #expect(alarms.names.isEmpty)
        let first = try #require(try JSONSerialization.jsonObject(with: transport.body(0)) as? [String: Any])
        let second = try #require(try JSONSerialization.jsonObject(with: transport.body(1)) as? [String: Any])
        #expect((first["AlarmNames"] as? [String]) == Array(names[0..<100]))
        #expect((second["AlarmNames"] as? [String]) == Array(names[100...]))
        #expect((first["AlarmTypes"] as? [String]) == ["MetricAlarm"])
    }

    @Test func describeAlarmsRefusesNamesWithAPrefix() async throws {
        let transport = JSONServiceFakeTransport([])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).describeAlarms(names: ["a"], prefix: "a")
        }
        #expect(error?.message == "give AlarmNames or AlarmNamePrefix, not both")
    }

    @Test func deleteAlarmsSendsCompositesAloneThenHundredsOfNames() async throws {
        let names = (0..<250).map { "alarm-\($0)" }
        let transport = JSONServiceFakeTransport(Array(repeating: .json("{}"), count: 5))
        try await makeClient(transport).deleteAlarms(names: names, compositeNames: ["composite-a", "composite-b"])
        #expect(transport.targets == Array(repeating: "GraniteServiceVersion20100801.DeleteAlarms", count: 5))
        #expect(transport.bodyText(0) == #"{"AlarmNames":["composite-a"]}"#)
        #expect(transport.bodyText(1) == #"{"AlarmNames":["composite-b"]}"#)
        let batches = try (2..<5).map { index in
            try #require(try JSONSerialization.jsonObject(with: transport.body(index)) as? [String: [String]])[
                "AlarmNames"] ?? []
        }
        #expect(batches.map(\.count) == [100, 100, 50])
        #expect(batches.flatMap { $0 } == names)
    }

    @Test func deleteAlarmsWithNothingSendsNothing() async throws {
        let transport = JSONServiceFakeTransport([])
        try await makeClient(transport).deleteAlarms(names: [])
        #expect(transport.requests.isEmpty)
    }

    @Test func tagsAreListedAndSet() async throws {
        let arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:transferwatch-copy-failed"
        let transport = JSONServiceFakeTransport([
            .json(#"{"Tags":[{"Key":"app","Value":"transferwatch"}]}"#), .json("{}"),
        ])
        let client = makeClient(transport)
        #expect(try await client.listTagsForResource(arn: arn) == ["app": "transferwatch"])
        try await client.tagResource(arn: arn, tags: ["owner": "ops", "app": "transferwatch"])
        #expect(
            transport.targets == [
                "GraniteServiceVersion20100801.ListTagsForResource", "GraniteServiceVersion20100801.TagResource",
            ])
        #expect(transport.bodyText(0) == #"{"ResourceARN":"\#(arn)"}"#)
        #expect(
            transport.bodyText(1)
                == #"{"ResourceARN":"\#(arn)","Tags":[{"Key":"app","Value":"transferwatch"},{"Key":"owner","Value":"ops"}]}"#
        )
    }

    @Test func anUnknownResourceIsResourceNotFoundException() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                status: 404, #"{"__type":"ResourceNotFoundException","Message":"Unknown"}"#,
                headers: [("x-amzn-query-error", "ResourceNotFoundException;Sender")])
        ])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).listTagsForResource(
                arn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:nope")
        }
        #expect(error?.code == "ResourceNotFoundException")
        #expect(error?.isNotFound == true)
    }

    // MARK: - Dashboards

    @Test func putDashboardReturnsValidationMessages() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                #"{"DashboardValidationMessages":[{"DataPath":"/widgets/0/properties/metrics","#
                    + #""Message":"Should NOT have more than 3 items"}]}"#)
        ])
        let body =
            #"{"widgets":[{"type":"metric","properties":{"metrics":[["TransferWatch","CopySucceeded"]],"region":"us-east-1"}}]}"#
        let messages = try await makeClient(transport).putDashboard(name: "transferwatch-prod", body: body)
        #expect(
            messages == [
                CW.DashboardValidationMessage(
                    dataPath: "/widgets/0/properties/metrics", message: "Should NOT have more than 3 items")
            ])
        #expect(transport.targets == ["GraniteServiceVersion20100801.PutDashboard"])
        let sent = try #require(try JSONSerialization.jsonObject(with: transport.body(0)) as? [String: String])
        #expect(sent == ["DashboardName": "transferwatch-prod", "DashboardBody": body])
    }

    @Test func putDashboardChecksNameAndBodyLocally() async throws {
        let transport = JSONServiceFakeTransport([])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).putDashboard(name: "transfer watch", body: "[1,2]")
        }
        #expect(
            error?.message
                == "DashboardName 'transfer watch' must be 1 to 255 characters of letters, digits, '-' and '_'; "
                + "DashboardBody is not a JSON object")
        #expect(transport.requests.isEmpty)
    }

    @Test func invalidDashboardInputFromTheServiceIsReported() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                status: 400,
                #"{"__type":"GraniteServiceVersion20100801#DashboardInvalidInputError","message":"Body is invalid JSON","Message":"Body is invalid JSON"}"#,
                headers: [("x-amzn-query-error", "InvalidParameterInput;Sender")])
        ])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).putDashboard(name: "d", body: #"{"widgets":[]}"#)
        }
        #expect(error?.code == "InvalidParameterInput")
        #expect(error?.message == "Body is invalid JSON")
    }

    @Test func getListAndDeleteDashboards() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                #"{"DashboardArn":"arn:aws:cloudwatch::123456789012:dashboard/transferwatch-prod","DashboardBody":"{\"widgets\":[]}","#
                    + #""DashboardName":"transferwatch-prod"}"#),
            .json(
                #"{"DashboardEntries":[{"DashboardName":"transferwatch-prod","DashboardArn":"arn:aws:cloudwatch::123456789012:dashboard/transferwatch-prod","#
                    + #""LastModified":1795820000,"Size":14}],"NextToken":"d2"}"#),
            .json(
                #"{"DashboardEntries":[{"DashboardName":"transferwatch-test","LastModified":1795820060.5,"Size":20}]}"#),
            .json("{}"),
        ])
        let client = makeClient(transport)
        let dashboard = try await client.getDashboard(name: "transferwatch-prod")
        #expect(
            dashboard
                == CW.Dashboard(
                    name: "transferwatch-prod", arn: "arn:aws:cloudwatch::123456789012:dashboard/transferwatch-prod",
                    body: #"{"widgets":[]}"#))
        let entries = try await client.listDashboards(prefix: "transferwatch-")
        #expect(entries.map(\.name) == ["transferwatch-prod", "transferwatch-test"])
        #expect(entries.map(\.size) == [14, 20])
        #expect(entries[1].lastModified == Date(timeIntervalSince1970: 1_795_820_060.5))
        try await client.deleteDashboards(names: ["transferwatch-prod", "transferwatch-test"])

        #expect(transport.bodyText(0) == #"{"DashboardName":"transferwatch-prod"}"#)
        #expect(transport.bodyText(1) == #"{"DashboardNamePrefix":"transferwatch-"}"#)
        #expect(transport.bodyText(2) == #"{"DashboardNamePrefix":"transferwatch-","NextToken":"d2"}"#)
        #expect(transport.bodyText(3) == #"{"DashboardNames":["transferwatch-prod","transferwatch-test"]}"#)
        #expect(
            transport.targets.map { $0.replacingOccurrences(of: "GraniteServiceVersion20100801.", with: "") }
                == ["GetDashboard", "ListDashboards", "ListDashboards", "DeleteDashboards"])
    }

    @Test func aMissingDashboardIsResourceNotFound() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                status: 404,
                #"{"__type":"GraniteServiceVersion20100801#ResourceNotFound","message":"Dashboard does not exist","Message":"Dashboard does not exist"}"#,
                headers: [("x-amzn-query-error", "ResourceNotFound;Sender")])
        ])
        let error = await #expect(throws: AWSError.self) { try await makeClient(transport).getDashboard(name: "nope") }
        #expect(error?.code == "ResourceNotFound")
        #expect(error?.statusCode == 404)
        #expect(error?.isNotFound == true)
        #expect(transport.requests.count == 1)
    }

    // MARK: - Operations

    @Test func operationsNameTheirIAMActions() {
        let all = CW.Operations.all
        #expect(all.count == 14)
        #expect(Set(all.map(\.name)).count == all.count)
        #expect(all.allSatisfy { $0.service == .cloudWatch && $0.iamActions.first == "cloudwatch:\($0.name)" })
        #expect(CW.Operations.putMetricData.iamActions == ["cloudwatch:PutMetricData"])
        #expect(CW.Operations.putMetricAlarm.iamActions == ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"])
    }

    // MARK: - Helpers

    private func makeClient(
        _ transport: JSONServiceFakeTransport, now: Date = CloudWatchClientTests.now, minCompressionSize: Int = 10_240,
        sleeper: RecordingSleeper = RecordingSleeper()
    ) -> CloudWatchClient {
        var context = TestContexts.make(
            endpoint: URL(string: "https://monitoring.us-east-1.amazonaws.com")!, transport: transport,
            sleeper: sleeper, now: { now })
        context.minCompressionSize = minCompressionSize
        return CloudWatchClient(context: context)
    }
}
