import Foundation
import Testing
import TransferWatchAWS

/// The strict pull reader: values in document order, every escape, exact number text, and errors that name the
/// byte at fault.
@Suite struct JSONReaderTests {
    struct Failure: Sendable, CustomTestStringConvertible {
        var name: String
        var json: String
        var error: String
        var testDescription: String { name }
    }

    /// Each document is read with ``JSONReader/skipValue()``; the error must match word for word.
    static let failures: [Failure] = [
        .init(name: "empty document", json: "", error: "byte 0: unexpected end of the document, expected a value"),
        .init(name: "trailing garbage", json: "{} x", error: "byte 3: unexpected 'x' after the document"),
        .init(name: "trailing comma in an object", json: #"{"a":1,}"#, error: "byte 7: a trailing ',' before '}'"),
        .init(name: "trailing comma in an array", json: "[1,]", error: "byte 3: a trailing ',' before ']'"),
        .init(name: "missing colon", json: #"{"a" 1}"#, error: "byte 5: expected ':' after an object key"),
        .init(name: "missing comma", json: #"{"a":1 "b":2}"#, error: "byte 7: expected ',' or '}' after an object member"),
        .init(name: "missing comma in an array", json: "[1 2]", error: "byte 3: expected ',' or ']' after an array element"),
        .init(name: "leading comma", json: "[,1]", error: "byte 1: a ',' before the first array element"),
        .init(name: "non-string key", json: "{a:1}", error: "byte 1: expected a member name (a string) or '}'"),
        .init(name: "unterminated string", json: #"["abc"#, error: "byte 1: an unterminated string"),
        .init(name: "unterminated escaped string", json: #"["a\nb"#, error: "byte 1: an unterminated string"),
        .init(name: "control character", json: "[\"a\u{1}\"]", error: "byte 3: an unescaped control character in a string"),
        .init(name: "bad escape", json: #"["a\q"]"#, error: #"byte 3: an invalid escape '\q'"#),
        .init(name: "short unicode escape", json: #"["\u12"]"#, error: #"byte 2: an invalid \u escape"#),
        .init(name: "lone high surrogate", json: #"["\ud800x"]"#, error: "byte 2: a high surrogate escape without its low half"),
        .init(name: "lone low surrogate", json: #"["\udc00"]"#, error: "byte 2: a low surrogate escape without its high half"),
        .init(name: "leading zero", json: "[012]", error: "byte 1: a number with a leading zero"),
        .init(name: "bare minus", json: "[-]", error: "byte 1: a '-' without digits"),
        .init(name: "bare point", json: "[1.]", error: "byte 1: a '.' without digits after it"),
        .init(name: "bare exponent", json: "[1e+]", error: "byte 1: an exponent without digits"),
        .init(name: "plus sign", json: "[+1]", error: "byte 1: unexpected '+', expected a value"),
        .init(name: "bad literal", json: "[nul]", error: "byte 1: an invalid literal, expected null"),
        .init(name: "short literal", json: "[tr", error: "byte 1: an incomplete literal, expected true"),
        .init(name: "unclosed object", json: #"{"a":1"#, error: "byte 6: unexpected end of the document inside an object"),
        .init(name: "unclosed array", json: "[[]", error: "byte 3: unexpected end of the document inside an array"),
        .init(name: "too deep", json: String(repeating: "[", count: 513), error: "byte 512: nesting deeper than 512 levels"),
    ]

    @Test(arguments: failures)
    func refusesMalformedJSONNamingTheByte(_ failure: Failure) {
        #expect(throws: JSONReaderError.self) {
            try JSONReader.read(Data(failure.json.utf8)) { (json) throws(JSONReaderError) in try json.skipValue() }
        }
        do throws(JSONReaderError) {
            try JSONReader.read(Data(failure.json.utf8)) { (json) throws(JSONReaderError) in try json.skipValue() }
        } catch {
            #expect(error.description == failure.error)
        }
    }

    @Test func readsMembersAndElementsInOrder() throws {
        let json = #" { "s" : "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00" , "n" : -12.50e+3 , "i" : 1e2 , "l" : [ true , false , null ] , "o" : { } } "#
        let result = try JSONReader.read(Data(json.utf8)) {
            (json) throws(JSONReaderError) -> [String] in
            var seen: [String] = []
            try json.beginObject()
            while let key = try json.nextKey() {
                switch key {
                case "s": seen.append("s=" + (try json.readString()))
                case "n": seen.append("n=" + (try json.readNumberText()))
                case "i": seen.append("i=\(try json.readInt())")
                case "l":
                    try json.beginArray()
                    while try json.nextElement() {
                        if try json.readNullIfPresent() { seen.append("null") } else { seen.append("\(try json.readBool())") }
                    }
                default:
                    #expect(try json.peekKind() == .object)
                    try json.skipValue()
                    seen.append("skipped \(key)")
                }
            }
            return seen
        }
        #expect(result == ["s=a\"\\/\u{8}\u{c}\n\r\té😀", "n=-12.50e+3", "i=100", "true", "false", "null", "skipped o"])
    }

    @Test func readIntRefusesFractionsAndOverflow() {
        for (json, message) in [
            ("1.5", "byte 0: a number that is not an integer: 1.5"),
            ("9223372036854775808", "byte 0: a number out of range for an integer"),
            ("1e400", "byte 0: a number that is not an integer: 1e400"),
            (#""1""#, "byte 0: expected a number, found a string"),
        ] {
            do throws(JSONReaderError) {
                _ = try JSONReader.read(Data(json.utf8)) { (json) throws(JSONReaderError) in try json.readInt() }
                Issue.record("\(json) was read as an integer")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func aByteOrderMarkIsSkippedAndNestingUpToTheLimitIsRead() throws {
        try JSONReader.read(Data([0xEF, 0xBB, 0xBF] + Array("[]".utf8))) { (json) throws(JSONReaderError) in
            try json.skipValue()
        }
        let deep = String(repeating: "[", count: JSONReader.maxDepth) + String(repeating: "]", count: JSONReader.maxDepth)
        try JSONReader.read(Data(deep.utf8)) { (json) throws(JSONReaderError) in try json.skipValue() }
    }
}
