import Foundation
import Testing
@testable import TransferWatchAWS

/// libcrypto and zlib through our shims: known-answer vectors, and the prepared-key HMAC against the plain one.
@Suite struct CryptoTests {
    @Test func sha256KnownAnswers() {
        #expect(SHA256.hexHash(Data()) == SHA256.emptyHex)
        #expect(SHA256.hexHash(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let million = Data(repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexHash(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// RFC 4231 test cases 1, 2, 6 (a key longer than the block) and 7.
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func hmacRFC4231(key: [UInt8], data: [UInt8], expected: String) {
        #expect(Hex.encode(HMACSHA256.authenticationCode(key: key, data: data)) == expected)
        #expect(Hex.encode(PreparedHMACKey(key).authenticationCode(data)) == expected)
    }

    @Test func preparedKeyMatchesPlainHMACForEveryKeyLength() {
        let random = SeededRandomSource(seed: 99)
        for length in 0...200 {
            let key = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let message = (0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            #expect(PreparedHMACKey(key).authenticationCode(message) == HMACSHA256.authenticationCode(key: key, data: message), "key length \(length)")
        }
    }

    @Test func md5AndCRC32KnownAnswers() {
        #expect(Hex.encode(MD5.hash(Data("The quick brown fox jumps over the lazy dog".utf8))) == "9e107d9d372bb6826bd81d3542a419d6")
        #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func gzipRoundTripsAndIsReallyGzip() throws {
        let text = Data(String(repeating: "TransferWatch metrics ", count: 5000).utf8)
        let compressed = try GZip.compress(text)
        #expect(compressed.prefix(2) == Data([0x1f, 0x8b]), "gzip magic")
        #expect(compressed.count < text.count / 10)
        #expect(try GZip.decompress(compressed) == text)
        #expect(try GZip.decompress(try GZip.compress(Data())) == Data())
    }

    @Test func gzipRefusesCorruptTruncatedAndOversizedInput() throws {
        let compressed = try GZip.compress(Data(repeating: 7, count: 100_000))
        #expect(throws: GZip.Failure.corruptInput) { try GZip.decompress(compressed.prefix(compressed.count / 2)) }
        #expect(throws: GZip.Failure.corruptInput) { try GZip.decompress(Data("not gzip at all".utf8)) }
        #expect(throws: GZip.Failure.tooLarge(limit: 1000)) { try GZip.decompress(compressed, limit: 1000) }
    }
}

/// SigV4's percent-encoding and the redaction of secrets.
@Suite struct EncodingAndRedactionTests {
    @Test(arguments: [
        ("plain-key_1.txt~", false, "plain-key_1.txt~"),
        ("a b+c=ü/d", false, "a%20b%2Bc%3D%C3%BC%2Fd"),
        ("a b+c=ü/d", true, "a%20b%2Bc%3D%C3%BC/d"),
        ("100%", true, "100%25"),
        ("//x/../y/", true, "//x/../y/"),
        ("ሴ", false, "%E1%88%B4"),
    ])
    func encodes(input: String, keepSlash: Bool, expected: String) {
        #expect(URIEncoding.encode(input, keepSlash: keepSlash) == expected)
        #expect(URIEncoding.decode(expected) == input)
    }

    @Test func decodesFormStyleKeysAsS3EventsNeedThem() {
        #expect(URIEncoding.decode("red+flower%2Bpot.jpg", plusAsSpace: true) == "red flower+pot.jpg")
        #expect(URIEncoding.decode("bad%zzescape%4", plusAsSpace: false) == "bad%zzescape%4")
    }

    @Test func redactsSecretsInURLsHeadersAndCredentials() {
        let url = "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F2015&X-Amz-Signature=abcdef&X-Amz-Security-Token=TOKEN"
        let redacted = Redaction.redactURL(url)
        #expect(!redacted.contains("abcdef") && !redacted.contains("TOKEN") && !redacted.contains("AKID"))
        #expect(redacted.contains("X-Amz-Algorithm=AWS4-HMAC-SHA256"))
        #expect(Redaction.headerValue(name: "Authorization", value: "AWS4-HMAC-SHA256 Signature=x") == "<redacted>")
        let credentials = AWSCredentials(accessKeyID: "AKIAEXAMPLEKEY123456", secretAccessKey: "SECRET/KEY/VALUE", sessionToken: "SESSIONTOKENVALUE")
        #expect(!"\(credentials)".contains("SECRET") && !"\(credentials)".contains("SESSIONTOKEN") && !"\(credentials)".contains("EXAMPLEKEY"))
    }
}
