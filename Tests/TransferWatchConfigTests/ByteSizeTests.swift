import Testing
import TransferWatchConfig

@Suite struct ByteSizeTests {
    struct ValidCase: Sendable, CustomTestStringConvertible {
        let text: String
        let bytes: Int64
        var testDescription: String { text }
    }

    @Test(arguments: [
        ValidCase(text: "5GiB", bytes: 5 * 1_073_741_824),
        ValidCase(text: "64MiB", bytes: 67_108_864),
        ValidCase(text: "64 MiB", bytes: 67_108_864),
        ValidCase(text: "1KiB", bytes: 1024),
        ValidCase(text: "2TiB", bytes: 2 * 1_099_511_627_776),
        ValidCase(text: "10KB", bytes: 10_000),
        ValidCase(text: "10MB", bytes: 10_000_000),
        ValidCase(text: "3GB", bytes: 3_000_000_000),
        ValidCase(text: "1TB", bytes: 1_000_000_000_000),
        ValidCase(text: "512B", bytes: 512),
        ValidCase(text: "1048576", bytes: 1_048_576),
        ValidCase(text: "0", bytes: 0),
    ])
    func parsesValidSize(_ valid: ValidCase) {
        #expect(ByteSize(parsing: valid.text)?.bytes == valid.bytes)
    }

    @Test(arguments: [
        "", "GiB", "5 gigs", "5gib", "5mb", "5Gi", "-5MiB", "1.5GiB", "5  MiB", "5 ", " 5", "5MiB ", "9999999TiB",
        "99999999999999999999",
    ])
    func rejectsMalformedSize(_ text: String) {
        #expect(ByteSize(parsing: text) == nil)
    }

    @Test(arguments: [
        (ByteSize.gibibytes(5), "5GiB"),
        (ByteSize.mebibytes(256), "256MiB"),
        (ByteSize.mebibytes(1536), "1536MiB"),
        (ByteSize(bytes: 10_000_000), "10MB"),
        (ByteSize(bytes: 1_000_001), "1000001B"),
        (ByteSize(bytes: 0), "0B"),
    ])
    func describesShortestExactForm(_ size: ByteSize, _ text: String) {
        #expect(size.description == text)
        #expect(ByteSize(parsing: text) == size)
    }
}
