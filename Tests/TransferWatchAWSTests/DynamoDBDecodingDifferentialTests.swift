import Foundation
import Testing
@testable import TransferWatchAWS
import TransferWatchTestSupport

/// The hand-written DynamoDB decoding (``JSONReader``) against the `JSONDecoder` path it replaced: on a corpus of
/// realistic and adversarial answers, both give byte-identical results or both fail; every truncation fails;
/// seeded mutations never make the new reader accept what the old one refused, or answer differently.
///
/// The only documents where the two differ are malformed JSON that `JSONDecoder` tolerates and the strict reader
/// refuses (``knownLeniencies``): trailing commas, huge counts written with a fraction, and malformed strings
/// or numbers inside members nobody reads.
@Suite struct DynamoDBDecodingDifferentialTests {
    /// Which answer a document is decoded as.
    enum Shape: String, Sendable, CaseIterable {
        case getItem, attributes, page, conditionalFailure, cancellation
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var shape: Shape
        var bytes: [UInt8]
        var testDescription: String { "\(shape.rawValue): \(name)" }

        init(_ name: String, _ shape: Shape, _ json: String) {
            self.name = name
            self.shape = shape
            bytes = Array(json.utf8)
        }

        init(_ name: String, _ shape: Shape, bytes: [UInt8]) {
            self.name = name
            self.shape = shape
            self.bytes = bytes
        }
    }

    /// One decoding's result, rendered to exact bytes (strings compare as scalars, not as canonically equal).
    enum Outcome: Equatable, CustomStringConvertible {
        case value([UInt8])
        case failed(String)

        var isFailure: Bool { if case .failed = self { true } else { false } }

        var description: String {
            switch self {
            case .value(let bytes): "value \(String(decoding: bytes.prefix(300), as: UTF8.self))"
            case .failed(let message): "failed: \(message.prefix(300))"
            }
        }

        static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            switch (lhs, rhs) {
            case (.value(let left), .value(let right)): left == right
            case (.failed, .failed): true
            default: false
            }
        }
    }

    // MARK: The corpus

    /// Every attribute type, in items, pages, writes and error bodies.
    static let everyType =
        #"{"s":{"S":"invoice/2026 é"},"n":{"N":"12345678901234567890123456789012345678"},"f":{"N":"-1.50E+3"},"# + #""b":{"B":"AAEC/w=="},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2.50"]},"bs":{"BS":["AA==","/w=="]},"#
        + #""m":{"M":{"inner":{"M":{"x":{"NULL":true}}},"t":{"BOOL":true}}},"l":{"L":[{"S":"x"},{"N":"0"},{"L":[]},{"M":{}}]},"#
        + #""null":{"NULL":true},"no":{"BOOL":false},"empty":{"S":""},"eb":{"B":""}}"#

    /// An item of 100 members whose names repeat (canonically equal ones too) on both sides of the 32nd.
    static let largeMap: String = {
        var members: [String] = []
        for index in 0..<100 {
            members.append(#""m\#(index)":{"S":"v\#(index)"}"#)
            if index % 9 == 0 { members.append(#""m\#(index / 2)":{"S":"repeat \#(index)"}"#) }
        }
        members.append("\"\u{e9}\":{\"S\":\"first\"}")
        members.append("\"e\u{301}\":{\"BAD\":1}")
        return #"{"Item":{"# + members.joined(separator: ",") + "}}"
    }()

    static let valid: [Case] = [
        // GetItem, realistic and edge shapes.
        Case("every attribute type", .getItem, #"{"Item":\#(everyType)}"#),
        Case("moto's spacing", .getItem, #"{"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "b": {"B": "AAE="}}}"#),
        Case("no item", .getItem, "{}"),
        Case("empty body", .getItem, ""),
        Case("null item", .getItem, #"{"Item":null}"#),
        Case("empty item", .getItem, #"{"Item":{}}"#),
        Case("unknown members of every kind skipped", .getItem,
             #"{"ConsumedCapacity":{"TableName":"t","CapacityUnits":0.5,"X":[1,-2.5e-3,true,false,null,"s",{}]},"Item":{"a":{"S":"b"}},"z":[[[]]]}"#),
        Case("whitespace everywhere", .getItem, " \t\r\n{ \"Item\" : { \"a\" : { \"L\" : [ { \"S\" : \"x\" } , { \"BOOL\" : true } ] } } }\n"),
        Case("byte order mark", .getItem, "\u{FEFF}{\"Item\":{\"a\":{\"S\":\"b\"}}}"),
        Case("escapes", .getItem,
             #"{"Item":{"k\"\\\/\b\f\n\r\t":{"S":"q\"b\\s\/b\bf\fn\nr\rt\tu\u0000\u001f\u00e9\u00E9\u20AC"}}}"#),
        Case("surrogate pairs and raw UTF-8", .getItem,
             #"{"Item":{"😀":{"S":"\ud83d\ude00 😀 \uD834\uDD1E 𝄞 中文 e\u0301 é"},"é":{"SS":["é","e\u0301"]}}}"#),
        Case("an escaped type key", .getItem, #"{"Item":{"a":{"\u0053":"x"},"b":{"\u004e\u0053":["1"]}}}"#),
        Case("a repeated attribute name keeps the first", .getItem, #"{"Item":{"a":{"S":"first"},"a":{"N":"2"}}}"#),
        Case("a repeated name keeps the first even when the second is bad", .getItem,
             #"{"Item":{"a":{"S":"first"},"a":{"BAD":1}}}"#),
        Case("canonically equal names: the first wins", .getItem, "{\"Item\":{\"\u{e9}\":{\"S\":\"1\"},\"e\u{301}\":{\"S\":\"2\"}}}"),
        Case("a repeated type key keeps the first", .getItem, #"{"Item":{"a":{"S":"x","S":5}}}"#),
        Case("a repeated Item keeps the first", .getItem, #"{"Item":{"a":{"S":"1"}},"Item":{"a":{"S":"2"}}}"#),
        Case("a repeated Item after null keeps null", .getItem, #"{"Item":null,"Item":{"a":{"S":"2"}}}"#),
        Case("a large map with repeats before and after its 32nd member", .getItem, largeMap),
        Case("a 33-member item repeating its first name last", .attributes,
             #"{"Attributes":{"# + (0..<33).map { #""k\#($0)":{"N":"\#($0)"}"# }.joined(separator: ",") + #","k0":{"BAD":1}}}"#),
        Case("DEL is not a control character", .getItem, "{\"Item\":{\"a\":{\"S\":\"\u{7f}\"}}}"),
        Case("numbers keep their text", .getItem,
             #"{"Item":{"a":{"N":"1.0"},"b":{"N":"-0"},"c":{"N":"1E-130"},"d":{"N":"9.9999999999999999999999999999999999999E+125"},"e":{"NS":["01","1e0"]}}}"#),
        Case("deep but allowed nesting", .getItem,
             "{\"Item\":{\"a\":" + String(repeating: #"{"L":["#, count: 254) + #"{"S":"bottom"}"# + String(repeating: "]}", count: 254) + "}}"),
        Case("unknown member nested to the limit", .getItem,
             #"{"X":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}"),
        // Writes.
        Case("old item", .attributes, #"{"Attributes":\#(everyType)}"#),
        Case("updated attributes", .attributes, #"{"Attributes":{"attempts":{"N":"2"},"state":{"S":"copied"}}}"#),
        Case("no attributes", .attributes, "{}"),
        Case("empty body", .attributes, ""),
        Case("attributes among other members", .attributes,
             #"{"ConsumedCapacity":null,"ItemCollectionMetrics":{"ItemCollectionKey":{"pk":{"S":"a"}},"SizeEstimateRangeGB":[0,1]},"Attributes":{"a":{"BOOL":false}}}"#),
        // Pages.
        Case("empty page", .page, #"{"Count":0,"Items":[],"ScannedCount":0}"#),
        Case("empty body", .page, ""),
        Case("no members", .page, "{}"),
        Case("every type", .page, #"{"Items":[\#(everyType),\#(everyType)],"Count":2,"ScannedCount":7}"#),
        Case("counts missing", .page, #"{"Items":[{"a":{"S":"b"}}]}"#),
        Case("counts null", .page, #"{"Items":[{"a":{"S":"b"}}],"Count":null,"ScannedCount":null}"#),
        Case("items null", .page, #"{"Items":null,"Count":3,"ScannedCount":4}"#),
        Case("integral counts in other forms", .page, #"{"Items":[],"Count":1.0,"ScannedCount":1e2}"#),
        Case("more integral forms", .page, #"{"Count":-0,"ScannedCount":-1.0e0}"#),
        Case("a negative exponent", .page, #"{"Count":1E+2,"ScannedCount":10e-1}"#),
        Case("largest count", .page, #"{"Count":9223372036854775807,"ScannedCount":-9223372036854775808}"#),
        Case("LastEvaluatedKey absent", .page, #"{"Items":[],"Count":0}"#),
        Case("LastEvaluatedKey null", .page, #"{"Items":[],"LastEvaluatedKey":null}"#),
        Case("LastEvaluatedKey empty", .page, #"{"Items":[],"LastEvaluatedKey":{}}"#),
        Case("LastEvaluatedKey partition key", .page, #"{"Count":1,"Items":[{"username":{"S":"u0001"}}],"LastEvaluatedKey":{"username":{"S":"u0001"}},"ScannedCount":1}"#),
        Case("LastEvaluatedKey composite and index", .page,
             #"{"Items":[],"LastEvaluatedKey":{"pk":{"S":"window#2026-11"},"sk":{"N":"17"},"gsi":{"B":"AAE="}}}"#),
        Case("LastEvaluatedKey first", .page, #"{"LastEvaluatedKey":{"pk":{"S":"a"}},"Items":[{"pk":{"S":"a"}}],"Count":1}"#),
        Case("repeated Items keeps the first", .page, #"{"Items":[],"Items":[{"a":{"S":"x"}}],"Count":5,"Count":"x"}"#),
        Case("realistic employee page", .page, String(decoding: employeePage(count: 40, withKey: true), as: UTF8.self)),
        // ConditionalCheckFailed bodies.
        Case("moto's conditional failure", .conditionalFailure,
             #"{"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "Message": "The conditional request failed", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "3"}}}"#),
        Case("every type", .conditionalFailure, #"{"__type":"ConditionalCheckFailedException","Item":\#(everyType)}"#),
        Case("no item", .conditionalFailure, #"{"__type":"ConditionalCheckFailedException","message":"The conditional request failed"}"#),
        Case("null item", .conditionalFailure, #"{"Item":null}"#),
        // TransactionCanceled bodies.
        Case("moto's cancellation", .cancellation,
             #"{"__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException", "CancellationReasons": [{"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", "Item": {"pk": {"S": "a"}, "v": {"N": "3"}}}], "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]"}"#),
        Case("every type", .cancellation, #"{"CancellationReasons":[{"Code":"ConditionalCheckFailed","Item":\#(everyType),"Message":null}]}"#),
        Case("no reasons", .cancellation, #"{"__type":"TransactionCanceledException"}"#),
        Case("null reasons", .cancellation, #"{"CancellationReasons":null}"#),
        Case("empty reasons", .cancellation, #"{"CancellationReasons":[]}"#),
        Case("reasons with unknown members and repeats", .cancellation,
             #"{"CancellationReasons":[{"Extra":[1],"Code":"TransactionConflict","Code":7,"Message":"m","Message":null,"Item":null}]}"#),
    ]

    static let invalid: [Case] = [
        Case("not JSON", .getItem, "<html>"),
        Case("whitespace only", .getItem, "  "),
        Case("top-level array", .getItem, "[]"),
        Case("top-level null", .page, "null"),
        Case("top-level string", .attributes, #""Item""#),
        Case("trailing garbage", .getItem, #"{"Item":{}} x"#),
        Case("two documents", .page, "{}{}"),
        Case("an item that is an array", .getItem, #"{"Item":[]}"#),
        Case("an item that is a string", .attributes, #"{"Attributes":"a"}"#),
        Case("an attribute value that is a string", .getItem, #"{"Item":{"a":"b"}}"#),
        Case("an attribute value that is null", .getItem, #"{"Item":{"a":null}}"#),
        Case("no type key", .getItem, #"{"Item":{"a":{}}}"#),
        Case("two type keys", .getItem, #"{"Item":{"a":{"S":"x","N":"1"}}}"#),
        Case("two type keys, the first unknown", .getItem, #"{"Item":{"a":{"X":1,"S":"x"}}}"#),
        Case("unknown type", .getItem, #"{"Item":{"a":{"D":"2026"}}}"#),
        Case("lowercase type", .getItem, #"{"Item":{"a":{"s":"x"}}}"#),
        Case("N as a JSON number", .getItem, #"{"Item":{"a":{"N":5}}}"#),
        Case("S null", .getItem, #"{"Item":{"a":{"S":null}}}"#),
        Case("L null", .getItem, #"{"Item":{"a":{"L":null}}}"#),
        Case("M null", .getItem, #"{"Item":{"a":{"M":null}}}"#),
        Case("SS with null", .getItem, #"{"Item":{"a":{"SS":["a",null]}}}"#),
        Case("NS with a number", .getItem, #"{"Item":{"a":{"NS":[1]}}}"#),
        Case("NULL false", .getItem, #"{"Item":{"a":{"NULL":false}}}"#),
        Case("NULL as null", .getItem, #"{"Item":{"a":{"NULL":null}}}"#),
        Case("BOOL as a string", .getItem, #"{"Item":{"a":{"BOOL":"true"}}}"#),
        Case("B not base64", .getItem, #"{"Item":{"a":{"B":"not base64!"}}}"#),
        Case("B without padding", .getItem, #"{"Item":{"a":{"B":"YWI"}}}"#),
        Case("B with a space", .getItem, #"{"Item":{"a":{"B":"YW Jj"}}}"#),
        Case("BS with bad base64", .getItem, #"{"Item":{"a":{"BS":["AA==","%%"]}}}"#),
        Case("L of non-values", .getItem, #"{"Item":{"a":{"L":[1]}}}"#),
        Case("a deep bad value", .getItem, #"{"Item":{"a":{"M":{"b":{"L":[{"M":{"c":{"Q":1}}}]}}}}}"#),
        Case("Items not an array", .page, #"{"Items":{}}"#),
        Case("an item that is null", .page, #"{"Items":[null]}"#),
        Case("a count that is a string", .page, #"{"Count":"5"}"#),
        Case("a count that is a Boolean", .page, #"{"Count":true}"#),
        Case("a fractional count", .page, #"{"Count":1.5}"#),
        Case("a count out of range", .page, #"{"Count":9223372036854775808}"#),
        Case("a count far out of range", .page, #"{"Count":99999999999999999999}"#),
        Case("a huge exponent count", .page, #"{"Count":1e400}"#),
        Case("a count with a leading zero", .page, #"{"Count":01}"#),
        Case("a count with a plus", .page, #"{"Count":+1}"#),
        Case("NaN", .page, #"{"Count":NaN}"#),
        Case("LastEvaluatedKey an array", .page, #"{"LastEvaluatedKey":[]}"#),
        Case("LastEvaluatedKey with a bad value", .page, #"{"LastEvaluatedKey":{"pk":{"S":1}}}"#),
        Case("lone high surrogate", .getItem, #"{"Item":{"a":{"S":"\ud800"}}}"#),
        Case("lone low surrogate", .getItem, #"{"Item":{"a":{"S":"\udc00"}}}"#),
        Case("high surrogate then a letter", .getItem, #"{"Item":{"a":{"S":"\ud800\u0041"}}}"#),
        Case("high surrogate then text", .getItem, #"{"Item":{"a":{"S":"\ud800ab"}}}"#),
        Case("short unicode escape", .getItem, #"{"Item":{"a":{"S":"\u12"}}}"#),
        Case("bad hex", .getItem, #"{"Item":{"a":{"S":"\u00g0"}}}"#),
        Case("bad escape", .getItem, #"{"Item":{"a":{"S":"\x"}}}"#),
        Case("single quotes", .getItem, "{'Item':{}}"),
        Case("a comment", .getItem, "{/* c */}"),
        Case("a bare word", .getItem, #"{"Item":tru}"#),
        Case("a form feed as whitespace", .getItem, "{\u{0c}}"),
        Case("a missing colon", .getItem, #"{"Item" {}}"#),
        Case("a missing comma", .getItem, #"{"Item":{} "X":1}"#),
        Case("a leading comma", .getItem, #"{,"Item":{}}"#),
        Case("a leading comma in an array", .page, #"{"Items":[,{}]}"#),
        Case("a key that is not a string", .getItem, #"{Item:{}}"#),
        Case("a number key", .getItem, #"{1:{}}"#),
        Case("reasons without a Code", .cancellation, #"{"CancellationReasons":[{"Message":"m"}]}"#),
        Case("reasons with a null Code", .cancellation, #"{"CancellationReasons":[{"Code":null}]}"#),
        Case("reasons with a numeric Message", .cancellation, #"{"CancellationReasons":[{"Code":"None","Message":5}]}"#),
        Case("reasons not an array", .cancellation, #"{"CancellationReasons":{}}"#),
        Case("a reason that is null", .cancellation, #"{"CancellationReasons":[null]}"#),
        Case("a reason with a bad item", .cancellation, #"{"CancellationReasons":[{"Code":"x","Item":{"a":{}}}]}"#),
        Case("a conditional item that is not an object", .conditionalFailure, #"{"Item":5}"#),
        Case("empty conditional body", .conditionalFailure, ""),
        Case("nesting past the limit", .getItem,
             #"{"X":"# + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}"),
        Case("an item nested past the limit", .getItem,
             "{\"Item\":{\"a\":" + String(repeating: #"{"L":["#, count: 256) + #"{"S":"bottom"}"# + String(repeating: "]}", count: 256) + "}}"),
        Case("an unescaped control character", .getItem, bytes: Array(#"{"Item":{"a":{"S":"a"#.utf8) + [0x01] + Array(#""}}}"#.utf8)),
        Case("an unescaped newline", .getItem, bytes: Array(#"{"Item":{"a":{"S":"a"#.utf8) + [0x0A] + Array(#""}}}"#.utf8)),
        Case("invalid UTF-8 in a value", .getItem, bytes: Array(#"{"Item":{"a":{"S":"a"#.utf8) + [0xFF] + Array(#""}}}"#.utf8)),
        Case("invalid UTF-8 after an escape", .getItem, bytes: Array(#"{"Item":{"a":{"S":"\n"#.utf8) + [0xC3] + Array(#""}}}"#.utf8)),
        Case("a UTF-8 encoded surrogate", .getItem, bytes: Array(#"{"Item":{"a":{"S":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}}}"#.utf8)),
        Case("an overlong encoding", .getItem, bytes: Array(#"{"Item":{"a":{"S":""#.utf8) + [0xC0, 0xAF] + Array(#""}}}"#.utf8)),
        Case("invalid UTF-8 in a name", .getItem, bytes: Array(#"{"Item":{"a"#.utf8) + [0xFF] + Array(#"":{"S":"x"}}}"#.utf8)),
        Case("invalid UTF-8 in a type key", .getItem, bytes: Array(#"{"Item":{"a":{"S"#.utf8) + [0x80] + Array(#"":"x"}}}"#.utf8)),
        Case("a NUL byte", .getItem, bytes: [UInt8(ascii: "{"), 0, UInt8(ascii: "}")]),
    ]

    /// Documents `JSONDecoder` accepts and the strict reader refuses. `JSONDecoder` checks only the structure of
    /// what it never reads (strings and numbers in unknown members), so malformed JSON there passes; Foundation's
    /// full parser (`JSONSerialization`) refuses those too. Besides them: trailing commas, which both Foundation
    /// parsers accept, and counts of 2^53 or more written with a fraction, which `JSONDecoder` truncates.
    static let knownLeniencies: [Case] = [
        Case("trailing comma in an object", .getItem, #"{"Item":{"a":{"S":"b"}},}"#),
        Case("trailing comma in an item", .getItem, #"{"Item":{"a":{"S":"b"},}}"#),
        Case("trailing comma in an array", .page, #"{"Items":[{"a":{"S":"b"}},]}"#),
        Case("a huge count with a fraction", .page, #"{"Count":92233720368547758.7}"#),
        Case("a bad number in an unknown member", .page, #"{"X":-,"Items":[]}"#),
        Case("number characters run together in an unknown member", .page, #"{"X":[1,0-2.5e-3]}"#),
        Case("a leading zero in an unknown member", .page, #"{"X":00}"#),
        Case("a dangling point in an unknown member", .getItem, #"{"X":1.}"#),
        Case("a bad escape in an unknown member", .getItem, #"{"X":"\q"}"#),
        Case("a lone surrogate in an unknown member", .getItem, #"{"X":"\udc00"}"#),
        Case("a control character in an unknown member", .getItem, bytes: Array(#"{"X":""#.utf8) + [0x01] + Array(#""}"#.utf8)),
        Case("invalid UTF-8 in an unknown member", .getItem, bytes: Array(#"{"X":""#.utf8) + [0xFF] + Array(#""}"#.utf8)),
    ]

    /// The reasons the reader gives for the leniencies that are valid JSON to Foundation's full parser.
    static let structuralLeniencies = ["a trailing ','", "an integer of 2^53 or more written with a fraction or exponent"]

    /// Whether refusing `bytes`, which `JSONDecoder` accepted, is one of the known leniencies.
    static func isKnownLeniency(_ bytes: [UInt8], reason: String) -> Bool {
        if structuralLeniencies.contains(where: { reason.contains($0) }) { return true }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) == nil
    }

    // MARK: Tests

    @Test(arguments: valid)
    func bothDecodeAValidAnswerToTheSameValue(_ testCase: Case) throws {
        let new = Self.newOutcome(testCase.shape, testCase.bytes)
        let legacy = Self.legacyOutcome(testCase.shape, testCase.bytes)
        #expect(!legacy.isFailure, "the corpus case must be valid for JSONDecoder: \(legacy)")
        #expect(new == legacy, "new: \(new)\nold: \(legacy)")
    }

    @Test(arguments: invalid)
    func bothRefuseAnInvalidAnswer(_ testCase: Case) {
        let new = Self.newOutcome(testCase.shape, testCase.bytes)
        let legacy = Self.legacyOutcome(testCase.shape, testCase.bytes)
        #expect(legacy.isFailure, "the corpus case must be invalid for JSONDecoder: \(legacy)")
        #expect(new.isFailure, "the reader accepted it: \(new)")
    }

    @Test(arguments: valid.filter { $0.bytes.count > 2 && $0.bytes.count < 20_000 })
    func everyTruncationOfAValidAnswerFails(_ testCase: Case) async {
        var bytes = testCase.bytes
        while let last = bytes.last, [0x20, 0x0A, 0x0D, 0x09].contains(last) { bytes.removeLast() }
        var accepted: [Int] = []
        for length in 1..<bytes.count {
            await yieldNowAndThen(length)
            let prefix = Array(bytes[0..<length])
            if prefix.allSatisfy({ $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }) { continue }  // a partial byte order mark
            if !Self.newOutcome(testCase.shape, prefix).isFailure { accepted.append(length) }
            #expect(Self.legacyOutcome(testCase.shape, prefix).isFailure, "JSONDecoder accepted \(length) bytes")
        }
        #expect(accepted.isEmpty, "prefixes accepted: \(accepted.prefix(10))")
    }

    @Test func theHugePageAndItsTruncationsAgree() async throws {
        let page = Self.employeePage(count: 6_600, withKey: true)
        #expect(page.count > 1_000_000)
        let new = Self.newOutcome(.page, page)
        #expect(!new.isFailure)
        #expect(new == Self.legacyOutcome(.page, page))
        let decoded = try DynamoDBClient.decodePage(Data(page))
        #expect(decoded.items.count == 6_600)
        #expect(decoded.count == 6_600)
        #expect(decoded.lastEvaluatedKey == ["username": "u06599"])
        let random = SeededRandomSource(seed: 9)
        for _ in 0..<40 {
            await Task.yield()
            let length = Int(random.next() % UInt64(page.count - 1)) + 1
            let prefix = Array(page[0..<length])
            #expect(Self.newOutcome(.page, prefix).isFailure, "a prefix of \(length) bytes was accepted")
            #expect(Self.legacyOutcome(.page, prefix).isFailure)
        }
        #expect(Self.newOutcome(.page, Self.employeePage(count: 0, withKey: false)) == Self.legacyOutcome(.page, Self.employeePage(count: 0, withKey: false)))
    }

    @Test(arguments: knownLeniencies)
    func aLenientDocumentIsRefused(_ testCase: Case) {
        #expect(!Self.legacyOutcome(testCase.shape, testCase.bytes).isFailure, "JSONDecoder no longer accepts it")
        guard case .failed(let reason) = Self.newOutcome(testCase.shape, testCase.bytes) else {
            Issue.record("the reader accepted it")
            return
        }
        #expect(Self.isKnownLeniency(testCase.bytes, reason: reason), "\(reason)")
    }

    /// Seeded byte mutations (flips, deletions, insertions of JSON punctuation) of every valid case: the new
    /// reader never accepts what JSONDecoder refuses, never answers differently, and refuses what JSONDecoder
    /// accepts only for a known leniency.
    @Test func seededMutationsNeverDisagreeExceptForKnownLeniencies() async {
        let random = SeededRandomSource(seed: 2026)
        var compared = 0
        var bothFailed = 0
        for testCase in Self.valid where testCase.bytes.count > 2 && testCase.bytes.count < 5_000 {
            for round in 0..<300 {
                await yieldNowAndThen(round)
                let bytes = mutatedJSON(testCase.bytes, random: random)
                let new = Self.newOutcome(testCase.shape, bytes)
                let legacy = Self.legacyOutcome(testCase.shape, bytes)
                compared += 1
                if new.isFailure, legacy.isFailure { bothFailed += 1 }
                if case .failed(let message) = new, !legacy.isFailure {
                    #expect(
                        Self.isKnownLeniency(bytes, reason: message),
                        "refused a document JSONDecoder accepts: \(message)\n\(String(decoding: bytes, as: UTF8.self))")
                } else {
                    #expect(new == legacy, "\(testCase.testDescription) mutated:\n\(String(decoding: bytes, as: UTF8.self))\nnew: \(new)\nold: \(legacy)")
                }
            }
        }
        #expect(compared > 10_000)
        #expect(bothFailed > compared / 4, "the mutations should break most documents")
    }

    @Test func aMalformedAnswerIsAMalformedResponseNamingTheByte() async throws {
        let transport = ScriptedTransport([.json(200, #"{"Items":[{"a":{"S":"b"}},{"a":{"X":1}}]}"#)])
        let context = TestContexts.make(endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport)
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await DynamoDBClient(context: context).query(table: "t", keyCondition: "pk = :p")
            })
        #expect(error.kind == .malformedResponse)
        #expect(error.code == "MalformedResponse")
        #expect(error.message == #"could not decode the Query response: byte 31: unknown attribute type "X""#)
    }

    // MARK: Helpers

    static func newOutcome(_ shape: Shape, _ bytes: [UInt8]) -> Outcome {
        let data = Data(bytes)
        do throws(JSONReaderError) {
            switch shape {
            case .getItem: return .value(render(try DynamoDBClient.decodeItemOutput(data, member: .item)))
            case .attributes: return .value(render(try DynamoDBClient.decodeItemOutput(data, member: .attributes)))
            case .page: return .value(render(try DynamoDBClient.decodePage(data)))
            case .conditionalFailure: return .value(render(try DynamoDBClient.decodeConditionalFailureItem(data)))
            case .cancellation: return .value(render(try DynamoDBClient.decodeCancellationReasons(data)))
            }
        } catch {
            return .failed(error.description)
        }
    }

    static func legacyOutcome(_ shape: Shape, _ bytes: [UInt8]) -> Outcome {
        let data = Data(bytes)
        do {
            switch shape {
            case .getItem: return .value(render(try DynamoDBClient.legacyDecodeItemOutput(data, member: .item)))
            case .attributes:
                return .value(render(try DynamoDBClient.legacyDecodeItemOutput(data, member: .attributes)))
            case .page: return .value(render(try DynamoDBClient.legacyDecodePage(data)))
            case .conditionalFailure: return .value(render(try DynamoDBClient.legacyDecodeConditionalFailureItem(data)))
            case .cancellation: return .value(render(try DynamoDBClient.legacyDecodeCancellationReasons(data)))
            }
        } catch {
            return .failed("\(error)")
        }
    }

    static func render(_ item: DynamoDBItem?) -> [UInt8] {
        var json = JSONWriter()
        if let item { DynamoDBAttributeValue.write(item, to: &json) } else { json.string("<none>") }
        return json.bytes
    }

    static func render(_ page: DynamoDBClient.Page) -> [UInt8] {
        var json = JSONWriter()
        json.array { json in
            for item in page.items { DynamoDBAttributeValue.write(item, to: &json) }
        }
        return json.bytes + Array("|\(page.count)|\(page.scannedCount)|".utf8) + render(page.lastEvaluatedKey)
    }

    static func render(_ reasons: [DynamoDBCancellationReason]?) -> [UInt8] {
        guard let reasons else { return Array("<none>".utf8) }
        var json = JSONWriter()
        json.array { json in
            for reason in reasons {
                json.string(reason.code)
                json.string(reason.message ?? "<none>")
            }
        }
        return json.bytes + reasons.flatMap { render($0.item) }
    }

    /// A Query/Scan page of employee items as moto and DynamoDB write them (about 160 bytes an item).
    static func employeePage(count: Int, withKey: Bool) -> [UInt8] {
        var text = #"{"Items": ["#
        for index in 0..<count {
            let name = "u" + String(repeating: "0", count: max(0, 5 - String(index).count)) + String(index)
            if index > 0 { text += ", " }
            text += #"{"username": {"S": "\#(name)"}, "active": {"BOOL": \#(index % 7 != 0)}, "#
            text += #""email": {"S": "\#(name)@invoices.example.com"}, "uploads": {"N": "\#(index % 31)"}, "#
            text += #""sshPublicKey": {"S": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\#(name)Xq7 \#(name)@laptop"}}"#
        }
        text += #"], "Count": \#(count), "ScannedCount": \#(count)"#
        if withKey, count > 0 {
            let last = "u" + String(repeating: "0", count: max(0, 5 - String(count - 1).count)) + String(count - 1)
            text += #", "LastEvaluatedKey": {"username": {"S": "\#(last)"}}"#
        }
        return Array((text + "}").utf8)
    }
}
