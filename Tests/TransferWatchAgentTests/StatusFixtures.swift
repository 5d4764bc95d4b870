import Foundation
import Logging
import TransferWatchAgent
import TransferWatchConfig
import TransferWatchTelemetry
import TransferWatchWorkflows

/// Realistic data for the HTTP tests: a window two thirds delivered, a firing and a silenced alert, and an
/// employee whose username is an XSS attempt.
enum StatusFixtures {
    static let now = date("2026-11-29T10:00:00Z")
    static let xssUsername = #"<img src=x onerror="document.title='pwned'">"#

    static func date(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    static func status(server: Bool = true) -> PipelineStatus {
        PipelineStatus(
            now: now,
            window: "2026-11",
            server: server
                ? PipelineStatus.Server(
                    id: "s-0123456789abcdef0", state: "ONLINE", createdAt: date("2026-11-28T00:00:05Z"),
                    ageSeconds: 122_395, costSoFar: 10.20)
                : nil,
            counter: PipelineStatus.Counter(
                delivered: 8, expected: 12, missing: ["dave", "erin", "frank", xssUsername],
                lastDeliveryAt: date("2026-11-29T08:12:00Z")),
            alerts: [
                PipelineStatus.Alert(
                    rule: "stalled-counter", severity: "warning", state: "firing",
                    since: date("2026-11-29T09:00:00Z"),
                    summary: "No delivery for 1h48m; 4 employees missing"),
                PipelineStatus.Alert(
                    rule: "unknown-uploader", severity: "info", state: "silenced",
                    since: date("2026-11-29T07:30:00Z"),
                    summary: "Upload by mallory, who is not in the employees table"),
            ]
        )
    }

    static let copies: [RecentCopy] = [
        RecentCopy(
            key: "carol/2026-11/invoice-118.pdf", uploader: "carol", result: .succeeded, bytes: 248_113,
            latency: .milliseconds(412), at: date("2026-11-29T08:12:00Z")),
        RecentCopy(
            key: "bob/2026-11/invoice-7.pdf", uploader: "bob", result: .failed, bytes: 0,
            latency: .milliseconds(1_530), at: date("2026-11-29T07:58:00Z"), errorCode: "AccessDenied"),
        RecentCopy(
            key: "\(xssUsername)/x.pdf", uploader: xssUsername, result: .succeeded, bytes: 12,
            latency: .milliseconds(95), at: date("2026-11-29T07:40:00Z")),
        RecentCopy(
            key: "alice/2026-11/invoice-3.pdf", uploader: "alice", result: .duplicate, bytes: 1_048_576,
            latency: .milliseconds(88), at: date("2026-11-29T06:01:00Z")),
    ]

    static var logger: Logger {
        var logger = Logger(label: "transferwatch.test.http", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical
        return logger
    }

    /// A running server with fixture providers; stop it with `server.stop()`.
    static func startServer(
        host: String = "127.0.0.1",
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        status: PipelineStatus? = StatusFixtures.status(),
        metrics: any MetricsExposition = PrometheusMetricStore(environment: "test"),
        readiness: ReadinessProbe = ReadinessProbe(now: { StatusFixtures.now }),
        statusDelay: Duration? = nil
    ) throws -> StatusHTTPServer {
        let server = try StatusHTTPServer(
            address: ListenAddress(host: host, port: 0),
            configuration: configuration,
            statusProvider: {
                if let statusDelay { try? await Task.sleep(for: statusDelay) }
                return status
            },
            recentCopiesProvider: { copies },
            metrics: metrics,
            readiness: readiness,
            environment: "test",
            logger: logger
        )
        try server.server.start()
        return server
    }
}
