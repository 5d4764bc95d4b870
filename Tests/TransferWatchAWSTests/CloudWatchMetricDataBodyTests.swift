import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// ``CloudWatchClient/MetricDataBody``: the hand-written `PutMetricData` body is, byte for byte, what
/// `JSONEncoder` wrote before it (sorted keys, unescaped slashes, epoch-second timestamps), for awkward text and
/// numbers, and every number reads back exactly.
@Suite struct CloudWatchMetricDataBodyTests {
    typealias CW = CloudWatchClient

    /// One body to compare with `JSONEncoder`'s.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let namespace: String
        let data: [CW.MetricDatum]
        var testDescription: String { name }

        init(_ name: String, namespace: String = "TransferWatch", _ data: [CW.MetricDatum]) {
            self.name = name
            self.namespace = namespace
            self.data = data
        }
    }

    static let cases: [Case] = {
        let env = CW.Dimension(name: "Environment", value: "prod")
        func single(_ value: Double) -> CW.MetricDatum { .init(name: "m", value: .single(value)) }
        return [
            // Every member present, in each value form.
            Case(
                "every member",
                [
                    .init(
                        name: "CopyLatency", value: .single(12.5), unit: .milliseconds, dimensions: [env],
                        timestamp: Date(timeIntervalSince1970: 1_795_823_940.25), storageResolution: .high),
                    .init(
                        name: "BytesCopied", value: .distribution(values: [1024, 2048.5], counts: [3, 1]),
                        unit: .bytes, storageResolution: .standard),
                    .init(name: "Sizes", value: .distribution(values: [1, 2, 3], counts: nil), unit: .none),
                    .init(
                        name: "CopySucceeded",
                        value: .statistics(.init(sampleCount: 4, sum: 10.75, minimum: -1, maximum: 4)),
                        unit: .bytesPerSecond, dimensions: [env, .init(name: "Rule", value: "copy-failed")]),
                ]),
            // Dimension values are printable ASCII: the JSON specials must be escaped, `/` must not be.
            Case(
                "quotes, backslashes and slashes",
                namespace: #"Transfer/Watch"\"#,
                [
                    .init(
                        name: #"a"b\c/d"#, value: .single(1),
                        dimensions: [.init(name: #"k"\/"#, value: #"{"json": "inside", "path": "a\b/c"}"#)])
                ]),
            // Metric names may be any non-control Unicode: raw UTF-8, never \u escapes.
            Case(
                "non-ASCII metric name",
                [
                    .init(name: "Latência ✓ 遅延 🚀", value: .single(1)),
                    .init(name: "e\u{301}\u{2028}\u{2029}\u{FEFF}", value: .single(2)),
                ]),
            // The encoder escapes control characters however it gets them (validation refuses them first).
            Case(
                "control characters", [.init(name: "a\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}\u{7F}b", value: .single(1))]),
            Case(
                "whole numbers, both signs and zeros",
                [0, -0.0, 1, -1, 9, 10, 99, 100, 999_999_999_999_999, -999_999_999_999_999].map(single)),
            Case(
                "around where description turns exponential",
                [1e15, 1e15 + 1, 1e16, 9_007_199_254_740_992, 9_007_199_254_740_993, 1.5e15, 123_456_789_012_345.6].map(
                    single)),
            Case(
                "fractions and exponents",
                [0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 1e-7, 1.5e-7, 5e-324, 0.000_1, 12.5, -0.5, 1e-5, 0.001].map(single)),
            Case(
                "limits",
                [
                    0x1p360, -0x1p360, Double.greatestFiniteMagnitude, -Double.leastNonzeroMagnitude, 0x1p53, 0x1p63,
                    0x1p64,
                ]
                .map(single)),
            Case(
                "empty strings", namespace: "",
                [.init(name: "", value: .single(1), dimensions: [.init(name: "", value: "")])]),
        ]
    }()

    @Test(arguments: cases)
    func bodyIsWhatJSONEncoderWrote(_ example: Case) throws {
        let written = CW.MetricDataBody.encode(namespace: example.namespace, data: example.data)
        let expected = try Self.referenceBody(namespace: example.namespace, data: example.data)
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    /// 20,000 seeded random values over every binade and random timestamps: identical bytes, and each number
    /// parses back to the same `Double`.
    @Test func randomNumbersMatchAndReadBackExactly() throws {
        let random = SeededRandomSource(seed: 2026)
        var data: [CW.MetricDatum] = []
        var values: [Double] = []
        for index in 0..<20_000 {
            let bits = random.next()
            var value = Double(bitPattern: bits)
            if !value.isFinite || value.magnitude > 0x1p360 { value = Double(Int64(bitPattern: bits) >> 20) / 7 }
            if index % 4 == 0 { value = Double(Int64(bitPattern: bits) >> 11) }  // whole numbers up to 2^53
            values.append(value)
            let timestamp = Date(timeIntervalSince1970: 1_795_000_000 + Double(random.next() % 1_000_000) / 1000)
            data.append(.init(name: "m", value: .single(value), timestamp: timestamp))
        }
        for start in stride(from: 0, to: data.count, by: 1000) {
            let batch = Array(data[start..<start + 1000])
            let written = CW.MetricDataBody.encode(namespace: "N", data: batch)
            #expect(written == (try Self.referenceBody(namespace: "N", data: batch)))
            // Read back with Swift's correctly rounded `Double(_:)` (Foundation's JSONSerialization on Linux is not
            // exact in the last digit; Python's json, which moto uses, is).
            let text = String(decoding: written, as: UTF8.self)
            let sentValues = Self.numbers(after: #""Value":"#, in: text)
            let sentStamps = Self.numbers(after: #""Timestamp":"#, in: text)
            #expect(sentValues == Array(values[start..<start + 1000]))
            #expect(sentStamps == batch.map { $0.timestamp?.timeIntervalSince1970 })
        }
    }

    /// The numbers following each `key` in `text`, parsed by `Double(_:)`.
    private static func numbers(after key: String, in text: String) -> [Double?] {
        text.components(separatedBy: key).dropFirst().map { rest in
            Double(rest.prefix { $0 != "," && $0 != "}" })
        }
    }

    @Test func nonFiniteNumbersHaveNoJSONFormAndAreWrittenAsNull() {
        var writer = JSONBodyWriter(capacity: 16)
        writer.numbers([.nan, .infinity, -.infinity, 1])
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[null,null,null,1]")
    }

    @Test func aFullRequestStaysValidJSON() throws {
        let data = (0..<1000).map { index in
            CW.MetricDatum(
                name: ["CopySucceeded", "CopyLatency", "BytesCopied"][index % 3], value: .single(Double(index % 997)),
                unit: .count, dimensions: [.init(name: "Environment", value: "bench")],
                timestamp: Date(timeIntervalSince1970: 1_795_824_000 - Double(index % 3600)))
        }
        let written = CW.MetricDataBody.encode(namespace: "TransferWatchBench", data: data)
        #expect(written == (try Self.referenceBody(namespace: "TransferWatchBench", data: data)))
        let object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        #expect((object["MetricData"] as? [Any])?.count == 1000)
    }

    // MARK: - The reference: the Codable shape the client used to send through JSONEncoder

    private struct Request: Encodable {
        let Namespace: String
        let MetricData: [Datum]
    }

    private struct Datum: Encodable {
        let MetricName: String
        let Dimensions: [CW.Dimension]?
        let Timestamp: Date?
        let Value: Double?
        let Values: [Double]?
        let Counts: [Double]?
        let StatisticValues: CW.StatisticSet?
        let Unit: CW.StandardUnit?
        let StorageResolution: Int?

        init(_ datum: CW.MetricDatum) {
            MetricName = datum.name
            Dimensions = datum.dimensions.isEmpty ? nil : datum.dimensions
            Timestamp = datum.timestamp
            switch datum.value {
            case .single(let value): (Value, Values, Counts, StatisticValues) = (value, nil, nil, nil)
            case .distribution(let values, let counts):
                (Value, Values, Counts, StatisticValues) = (nil, values, counts, nil)
            case .statistics(let set): (Value, Values, Counts, StatisticValues) = (nil, nil, nil, set)
            }
            Unit = datum.unit
            StorageResolution = datum.storageResolution?.rawValue
        }
    }

    private static func referenceBody(namespace: String, data: [CW.MetricDatum]) throws -> Data {
        try AWSJSON.encoder.encode(Request(Namespace: namespace, MetricData: data.map(Datum.init)))
    }
}
