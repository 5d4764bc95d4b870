import Foundation
import Testing
import TransferWatchAWS

/// The typed attribute value: exact JSON round trips for every type, refusal of malformed values, accessors and literals.
@Suite struct DynamoDBAttributeValueTests {
    struct RoundTrip: Sendable, CustomTestStringConvertible {
        var name: String
        var json: String
        var value: DynamoDBAttributeValue
        var testDescription: String { name }
    }

    static let roundTrips: [RoundTrip] = [
        .init(name: "string", json: #"{"S":"invoice/2026 é"}"#, value: .s("invoice/2026 é")),
        .init(name: "empty string (allowed outside keys)", json: #"{"S":""}"#, value: .s("")),
        // Numbers keep their text: trailing zeros, exponent and 38 digits are not normalised away.
        .init(name: "number text kept exactly", json: #"{"N":"1.50"}"#, value: .n("1.50")),
        .init(
            name: "38-digit number", json: #"{"N":"12345678901234567890123456789012345678"}"#,
            value: .n("12345678901234567890123456789012345678")),
        .init(name: "binary as base64", json: #"{"B":"AAE="}"#, value: .b(Data([0, 1]))),
        .init(name: "string set", json: #"{"SS":["a","b"]}"#, value: .ss(["a", "b"])),
        .init(name: "number set", json: #"{"NS":["1","2.5"]}"#, value: .ns(["1", "2.5"])),
        .init(name: "binary set", json: #"{"BS":["AAE=","/w=="]}"#, value: .bs([Data([0, 1]), Data([255])])),
        .init(name: "null", json: #"{"NULL":true}"#, value: .null),
        .init(name: "bool", json: #"{"BOOL":false}"#, value: .bool(false)),
        .init(
            name: "list of mixed values", json: #"{"L":[{"S":"x"},{"N":"1"},{"NULL":true}]}"#,
            value: .l([.s("x"), .n("1"), .null])),
        .init(
            name: "nested map", json: #"{"M":{"a":{"M":{"b":{"L":[{"BOOL":true}]}}},"c":{"S":"d"}}}"#,
            value: .m(["a": .m(["b": .l([.bool(true)])]), "c": .s("d")])),
    ]

    @Test(arguments: roundTrips) func decodesAndEncodesBackToTheSameJSON(_ testCase: RoundTrip) throws {
        let decoded = try JSONDecoder().decode(DynamoDBAttributeValue.self, from: Data(testCase.json.utf8))
        #expect(decoded == testCase.value)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encoded = String(decoding: try encoder.encode(decoded), as: UTF8.self)
        #expect(encoded == testCase.json)
    }

    @Test(arguments: [
        (#"{"S":"a","N":"1"}"#, "two type keys"),
        (#"{}"#, "no type key"),
        (#"{"X":"1"}"#, "unknown type"),
        (#"{"NULL":false}"#, "NULL must be true"),
        (#"{"B":"not base64!"}"#, "bad base64"),
        (#"{"N":1}"#, "a number that is not text"),
    ]) func refusesMalformedValues(_ json: String, _ why: String) {
        #expect(throws: DecodingError.self, "\(why)") {
            try JSONDecoder().decode(DynamoDBAttributeValue.self, from: Data(json.utf8))
        }
    }

    @Test func accessorsReturnValuesOnlyForTheirOwnType() {
        let item: DynamoDBItem = [
            "name": "alice", "uploads": 3, "active": true, "ratio": .n("0.25"), "tags": .ss(["a"]),
            "key": .b(Data([7])), "history": [1, "x"], "profile": ["email": "a@example.com"], "gone": .null,
        ]
        #expect(item["name"]?.stringValue == "alice")
        #expect(item["name"]?.intValue == nil)
        #expect(item["uploads"]?.intValue == 3)
        #expect(item["uploads"]?.numberText == "3")
        #expect(item["ratio"]?.doubleValue == 0.25)
        #expect(item["ratio"]?.decimalValue == Decimal(string: "0.25"))
        #expect(item["ratio"]?.intValue == nil)
        #expect(item["active"]?.boolValue == true)
        #expect(item["active"]?.stringValue == nil)
        #expect(item["tags"]?.stringSetValue == ["a"])
        #expect(item["key"]?.dataValue == Data([7]))
        #expect(item["history"]?.listValue == [.n("1"), .s("x")])
        #expect(item["profile"]?["email"]?.stringValue == "a@example.com")
        #expect(item["gone"]?.isNull == true)
        #expect(item["name"]?.isNull == false)
    }

    @Test func numberFactoriesWriteDynamoDBNumberText() {
        #expect(DynamoDBAttributeValue.number(42) == .n("42"))
        #expect(DynamoDBAttributeValue.number(Int64(-7)) == .n("-7"))
        #expect(DynamoDBAttributeValue.number(3.0) == .n("3"))
        #expect(DynamoDBAttributeValue.number(1.5) == .n("1.5"))
        #expect(DynamoDBAttributeValue.numberSet([1, 2]) == .ns(["1", "2"]))
    }

    @Test func typeTagsAndDescriptionsNameTheWireType() {
        #expect(DynamoDBAttributeValue.bs([]).typeTag == "BS")
        #expect(DynamoDBAttributeValue.null.typeTag == "NULL")
        #expect(DynamoDBAttributeValue.m(["b": 2, "a": "x"]).description == #"M(a: S("x"), b: N(2))"#)
    }
}
