import Logging
import ServiceLifecycle
import TransferWatchConfig
import TransferWatchWorkflows

/// The agent's HTTP endpoints (`/healthz`, `/readyz`, `/metrics`, `/status.json`, `/status`) as a
/// ServiceLifecycle ``Service``.
///
/// It binds when created, so a bad or busy `listen` address fails before the service group starts, and
/// ``port`` is known at once (port 0 in tests). ``run()`` serves until graceful shutdown or cancellation,
/// then stops accepting, finishes responses in progress, closes every connection and returns.
///
/// ```swift
/// let http = try StatusHTTPServer(
///     address: configuration.listen,
///     statusProvider: { await snapshot.current() },
///     recentCopiesProvider: { await copies.recent() },
///     metrics: metricStore,
///     readiness: readiness,
///     environment: configuration.environment,
///     logger: logger
/// )
/// let group = ServiceGroup(services: [consumer, scheduler, http], gracefulShutdownSignals: [.sigterm], logger: logger)
/// ```
package final class StatusHTTPServer: Service, Sendable {
    /// The underlying server.
    package let server: HTTPServer
    /// The routes it serves.
    package let routes: StatusRoutes

    /// The bound port.
    package var port: Int { server.port }

    /// Binds `address` and prepares the routes.
    ///
    /// - Parameters:
    ///   - address: The configuration's `listen` address.
    ///   - configuration: Server limits and timeouts.
    ///   - statusProvider: The current status, or `nil` before the first reading.
    ///   - recentCopiesProvider: Recent copies, newest first.
    ///   - metrics: What `/metrics` exposes.
    ///   - readiness: What `/readyz` checks.
    ///   - environment: Shown on the page.
    ///   - logger: For start, stop and refused requests.
    /// - Throws: ``HTTPServerError`` when the address cannot be bound.
    package init(
        address: ListenAddress,
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        statusProvider: @escaping @Sendable () async -> PipelineStatus?,
        recentCopiesProvider: @escaping @Sendable () async -> [RecentCopy],
        metrics: any MetricsExposition,
        readiness: ReadinessProbe,
        environment: String? = nil,
        logger: Logger
    ) throws(HTTPServerError) {
        let routes = StatusRoutes(
            statusProvider: statusProvider, recentCopiesProvider: recentCopiesProvider, metrics: metrics,
            readiness: readiness, environment: environment)
        self.routes = routes
        self.server = try HTTPServer(address: address, configuration: configuration, logger: logger) { head in
            await routes.respond(to: head)
        }
    }

    /// Serves until graceful shutdown (or cancellation), then stops cleanly.
    ///
    /// - Throws: ``HTTPServerError/threadFailed(errno:)`` when the server thread cannot start.
    package func run() async throws {
        try server.start()
        let server = self.server
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await server.waitUntilStopped()
            } onGracefulShutdown: {
                server.stop()
            }
        } onCancel: {
            server.stop()
        }
    }
}
