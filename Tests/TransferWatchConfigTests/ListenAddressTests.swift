import Testing
import TransferWatchConfig

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464),
        ("0.0.0.0:80", "0.0.0.0", 80),
        ("localhost:0", "localhost", 0),
        ("metrics.internal:65535", "metrics.internal", 65535),
        ("[::1]:9464", "::1", 9464),
    ])
    func parsesHostAndPort(_ text: String, _ host: String, _ port: Int) {
        let address = try? ListenAddress(parsing: text)
        #expect(address == ListenAddress(host: host, port: port))
        #expect(address?.description == text)
    }

    @Test(arguments: [
        "9464", ":9464", "127.0.0.1:", "127.0.0.1", "127.0.0.1:http", "[::1]9464", "[]:1", "-a:1", "a b:1",
        "[fe80::1%]:1", "",
    ])
    func rejectsMalformedAddress(_ text: String) {
        #expect(throws: ListenAddressError.malformed(text)) { try ListenAddress(parsing: text) }
    }

    @Test func rejectsPortAboveRange() {
        #expect(throws: ListenAddressError.portOutOfRange(70000)) { try ListenAddress(parsing: "127.0.0.1:70000") }
        #expect(ListenAddressError.portOutOfRange(70000).description == "port 70000 out of range 0-65535")
    }
}
