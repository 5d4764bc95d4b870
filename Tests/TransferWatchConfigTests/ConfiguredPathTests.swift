import Testing
import TransferWatchConfig

@Suite struct ConfiguredPathTests {
    @Test(arguments: [
        ("rules/", "/etc/transferwatch", "/etc/transferwatch/rules/"),
        ("./rules", "/etc/transferwatch/", "/etc/transferwatch/rules"),
        ("../shared/rules", "conf", "conf/../shared/rules"),
        ("/var/lib/transferwatch", "/etc/transferwatch", "/var/lib/transferwatch"),
        ("rules/", "", "rules/"),
        ("rules/", ".", "rules/"),
        ("rules", "/", "/rules"),
        (".", "/etc/tw", "/etc/tw"),
    ])
    func resolvesAgainstConfigurationFolder(_ raw: String, _ directory: String, _ resolved: String) {
        let path = ConfiguredPath(raw, relativeTo: directory)
        #expect(path.raw == raw)
        #expect(path.resolved == resolved)
        #expect(path.description == resolved)
    }
}
