import Foundation
import Testing
import TransferWatchAWS

@Suite struct JSONWriterTests {
    @Test(arguments: [
        "", "plain", "quote \" and backslash \\", "slash / stays", "line\nfeed\ttab\rreturn", "\u{08}\u{0C}\u{00}\u{1F}\u{7F}",
        "ünïcødé ✓ 🚀", "\u{2028}\u{2029}", "emp00001/run/invoice-1.pdf",
    ])
    func stringsRoundTripThroughJSONSerialization(_ text: String) throws {
        var json = JSONWriter()
        json.array { $0.string(text) }
        let parsed = try #require(try JSONSerialization.jsonObject(with: json.data) as? [String])
        #expect(parsed == [text])
    }

    @Test func writesTheDocumentJSONEncoderWritesForEveryAttributeType() throws {
        let item: DynamoDBItem = [
            "pk": .s("delivery#2026-11"), "n": .n("-1.5e3"), "b": .b(Data([0, 1, 2, 250])), "ss": .ss(["a", "b"]),
            "ns": .ns(["1", "2"]), "bs": .bs([Data([1]), Data([2, 3])]), "null": .null, "yes": .bool(true),
            "no": .bool(false), "list": .l([.s("x"), .n("1"), .m(["inner": .s("\"quoted\"")])]),
            "map": .m(["z": .s("last"), "a": .l([]), "m": .m([:])]),
        ]
        var json = JSONWriter()
        DynamoDBAttributeValue.write(item, to: &json)
        let ours = try JSONSerialization.jsonObject(with: json.data) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: AWSJSON.encoder.encode(item)) as? NSDictionary
        #expect(ours != nil)
        #expect(ours == theirs)
    }

    @Test func writesKeysInSortedOrder() {
        var json = JSONWriter()
        DynamoDBAttributeValue.write(["b": .s("2"), "a": .s("1"), ":one": .n("1")], to: &json)
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{":one":{"N":"1"},"a":{"S":"1"},"b":{"S":"2"}}"#)
    }
}
