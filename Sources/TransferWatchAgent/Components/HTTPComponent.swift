import Logging
import ServiceLifecycle
import TransferWatchConfig

/// The ``StatusHTTPServer`` as an agent component; it logs its bound address (port 0 picks one).
package struct HTTPComponent: AgentComponent {
    package var name: String { "http" }
    /// The server (already bound).
    package let server: StatusHTTPServer
    package let logger: Logger

    /// A component serving with `server`.
    package init(server: StatusHTTPServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    package func run() async throws {
        logger.info(
            "status server listening",
            metadata: ["http.address": "\(server.server.address.host):\(server.port)"])
        try await server.run()
        logger.info("status server stopped")
    }
}
