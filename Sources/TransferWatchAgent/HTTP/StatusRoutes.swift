import Foundation
import TransferWatchWorkflows

/// The agent's HTTP routes, as a function from request head to response (no sockets: tests call it
/// directly).
///
/// | route | answer |
/// | --- | --- |
/// | `/healthz` | 200 `ok`: the process is up and serving |
/// | `/readyz` | 200 or 503 with one line per ``ReadinessProbe`` check |
/// | `/metrics` | Prometheus text exposition of the ``MetricsExposition`` |
/// | `/status.json` | ``PipelineStatus`` as `status --json` prints it; 503 before the first reading |
/// | `/status` (and `/`) | the ``StatusPage`` HTML |
///
/// Only `GET` and `HEAD` are allowed (405 with `Allow` otherwise); unknown paths get 404.
package struct StatusRoutes: Sendable {
    /// The paths served.
    package static let paths = ["/", "/healthz", "/readyz", "/metrics", "/status", "/status.json"]

    /// The current status, or `nil` before the first reading.
    package var statusProvider: @Sendable () async -> PipelineStatus?
    /// Recent copies, newest first.
    package var recentCopiesProvider: @Sendable () async -> [RecentCopy]
    /// The metric families for `/metrics`.
    package var metrics: any MetricsExposition
    /// The readiness checks for `/readyz`.
    package var readiness: ReadinessProbe
    /// The environment shown on the page.
    package var environment: String?

    /// Creates the routes.
    package init(
        statusProvider: @escaping @Sendable () async -> PipelineStatus?,
        recentCopiesProvider: @escaping @Sendable () async -> [RecentCopy],
        metrics: any MetricsExposition,
        readiness: ReadinessProbe,
        environment: String? = nil
    ) {
        self.statusProvider = statusProvider
        self.recentCopiesProvider = recentCopiesProvider
        self.metrics = metrics
        self.readiness = readiness
        self.environment = environment
    }

    /// Answers one request.
    package func respond(to head: HTTPRequestHead) async -> HTTPResponse {
        let path = head.path
        guard Self.paths.contains(path) else { return .text(status: 404, "not found: \(path)\n") }
        guard head.method == "GET" || head.method == "HEAD" else {
            return .text(
                status: 405, "method not allowed: \(head.method)\n", headers: [HTTPField("Allow", "GET, HEAD")])
        }
        let noCache = HTTPField("Cache-Control", "no-store")
        switch path {
        case "/healthz":
            return .text("ok\n", headers: [noCache])
        case "/readyz":
            let report = await readiness.evaluate()
            return .text(status: report.isReady ? 200 : 503, report.text, headers: [noCache])
        case "/metrics":
            let text = PrometheusTextFormat.render(await metrics.metricFamilies())
            return HTTPResponse(
                status: 200,
                headers: [HTTPField("Content-Type", PrometheusTextFormat.contentType), noCache],
                body: Array(text.utf8))
        case "/status.json":
            guard let status = await statusProvider() else {
                return HTTPResponse(
                    status: 503, headers: [HTTPField("Content-Type", "application/json"), noCache],
                    body: Array(#"{"error":"status not available yet"}"#.utf8) + [0x0A])
            }
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            // The same bytes as `status --json` (PipelineStatus.json()): pretty, keys sorted (Linux's encoder
            // keeps no declaration order).
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            guard let body = try? encoder.encode(status) else {
                return .text(status: 500, "status could not be encoded\n")
            }
            return HTTPResponse(
                status: 200, headers: [HTTPField("Content-Type", "application/json"), noCache],
                body: Array(body) + [0x0A])
        default:  // "/status", "/"
            let status = await statusProvider()
            let page = StatusPage(
                status: status, recentCopies: await recentCopiesProvider(), environment: environment)
            return HTTPResponse(
                status: status == nil ? 503 : 200,
                headers: [
                    HTTPField("Content-Type", "text/html; charset=utf-8"), noCache,
                    HTTPField("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
                    HTTPField("X-Content-Type-Options", "nosniff"),
                ],
                body: Array(page.render().utf8))
        }
    }
}
