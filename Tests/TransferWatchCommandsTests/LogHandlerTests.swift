import Foundation
import Logging
import Testing
import TransferWatchCommands

/// The log handler every command and the agent write through: one line per event, text or JSON, metadata sorted,
/// secrets redacted whatever a caller put under their keys.
@Suite struct LogHandlerTests {
    static let now = Date(timeIntervalSince1970: 1_795_824_000)  // 2026-11-28T00:00:00Z

    private func logger(_ format: LogFormat, _ output: LogOutput) -> Logger {
        var logger = Logger(label: "transferwatch.test") { label in
            StandardErrorLogHandler(label: label, format: format, level: .debug, now: { Self.now }, output: output)
        }
        logger[metadataKey: "agent.service"] = "consumer"
        return logger
    }

    @Test func textLinesCarryTimeLevelMessageAndSortedMetadata() {
        let output = LogOutput.memory()
        logger(.text, output).info(
            "upload moved", metadata: ["s3.key": "alice/invoice 1.pdf", "copy.result": "moved", "note": #"say "hi""#])
        #expect(
            output.written == [
                #"2026-11-28T00:00:00Z info upload moved agent.service=consumer copy.result=moved note="say \"hi\"" s3.key="alice/invoice 1.pdf""#
                    + "\n"
            ])
    }

    /// An S3 key may hold a line break: written raw, it would start a line an on-call engineer reads as a log
    /// event of its own (or a forged one).
    @Test func aValueOrMessageWithALineBreakStaysOnOneLine() {
        let output = LogOutput.memory()
        logger(.text, output).info(
            "moved\n2026-11-28T00:00:01Z error forged", metadata: ["s3.key": "alice/x\n2026-11-28T00:00:01Z critical forged\r\\"])
        let line = output.written.joined()
        #expect(line.split(separator: "\n").count == 1, "\(line)")
        #expect(line.contains(#"s3.key="alice/x\n2026-11-28T00:00:01Z critical forged\r\\""#), "\(line)")
        #expect(line.contains(#"info moved\n2026-11-28T00:00:01Z error forged "#), "\(line)")
    }

    @Test func jsonLinesAreOneObjectEachWithEveryField() throws {
        let output = LogOutput.memory()
        logger(.json, output).warning(
            "copy failed", metadata: ["s3.key": "bob/a\"b\\c\u{1}\n.pdf", "aws.error_code": "SlowDown", "path": "a/b"])
        let line = try #require(output.written.first)
        #expect(output.written.count == 1)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(
            object == [
                "time": "2026-11-28T00:00:00Z", "level": "warning", "message": "copy failed", "logger": "transferwatch.test",
                "agent.service": "consumer", "s3.key": "bob/a\"b\\c\u{1}\n.pdf", "aws.error_code": "SlowDown", "path": "a/b",
            ])
        // Keys sorted, slashes not escaped.
        #expect(line.hasPrefix(#"{"agent.service":"consumer","aws.error_code":"SlowDown","level":"warning","logger":"#))
        #expect(line.contains(#""path":"a/b""#))
    }

    @Test(arguments: [LogFormat.text, .json])
    func secretsAreRedactedInEitherFormat(_ format: LogFormat) {
        let output = LogOutput.memory()
        logger(format, output).info(
            "credentials", metadata: ["Authorization": "AWS4-HMAC-SHA256 Credential=AKIA", "aws.secret_access_key": "wJalr"])
        let line = output.written.joined()
        #expect(!line.contains("AKIA") && !line.contains("wJalr"), "\(line)")
        #expect(line.components(separatedBy: "<redacted>").count == 3, "\(line)")
    }

    @Test func eventsBelowTheLevelAreNotWritten() {
        let output = LogOutput.memory()
        var quiet = logger(.text, output)
        quiet.logLevel = .info
        quiet.debug("not written")
        quiet.info("written")
        #expect(output.written.count == 1)
    }
}
