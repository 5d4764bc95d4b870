import Testing
import TransferWatchAWS

@Suite struct S3ETagTests {
    @Test(arguments: [
        ("\"0123456789abcdef0123456789abcdef\"", "0123456789abcdef0123456789abcdef"),  // as S3 sends it
        ("0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),  // as events carry it
        ("W/\"abc\"", "abc"),  // weak
        ("  \"abc-3\"\t", "abc-3"),  // spaces and tabs around
        ("\u{00A0}\"abc\"\u{2003}", "abc"),  // Unicode space separators around
        ("\"", "\""),  // a lone quote stays
        ("\"\"", ""),
        ("", ""),
        ("\"abc", "\"abc"),  // unbalanced quotes stay
        ("\nabc\n", "\nabc\n"),  // newlines are not spaces here
    ])
    func normalizes(raw: String, expected: String) {
        #expect(S3ETag(raw).normalized == expected)
        #expect(S3ETag(raw).rawValue == raw)
    }

    @Test func comparesAndHashesByNormalizedValue() {
        #expect(S3ETag("\"abc\"") == S3ETag("abc"))
        #expect(Set([S3ETag("\"abc\""), S3ETag("W/\"abc\""), S3ETag("abc")]).count == 1)
        #expect(S3ETag("\"abc-12\"").partCount == 12)
        #expect(S3ETag("\"abc\"").isMultipart == false)
        #expect(S3ETag("\"abc-0\"").partCount == nil)
    }
}
