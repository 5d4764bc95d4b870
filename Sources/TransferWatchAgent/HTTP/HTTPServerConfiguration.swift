/// Limits and timeouts of ``HTTPServer``.
///
/// The defaults suit the agent's status endpoints: a handful of scrapers and people, small responses.
package struct HTTPServerConfiguration: Sendable, Equatable {
    /// Connections served at once; one more is answered 503 and closed.
    package var maxConnections: Int
    /// How long a client has, from its request's first byte, to send the complete head; then 408 and close.
    ///
    /// The deadline is not pushed back by each byte, so a client trickling bytes (Slowloris) cannot hold a
    /// connection longer than this.
    package var headTimeout: Duration
    /// How long an idle keep-alive connection (no request started) stays open.
    package var idleTimeout: Duration
    /// How long a handler and the sending of its response may take; then 503 (or a close, once sending began).
    package var responseTimeout: Duration
    /// How long a closing connection's unread input is drained so the close is a FIN, not a reset.
    package var lingerTimeout: Duration
    /// Requests served on one connection before it is closed.
    package var maxRequestsPerConnection: Int
    /// The most bytes a request head may take (431 beyond).
    package var headLimit: Int

    /// Creates a configuration; every parameter has a default.
    package init(
        maxConnections: Int = 32,
        headTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(30),
        responseTimeout: Duration = .seconds(30),
        lingerTimeout: Duration = .seconds(2),
        maxRequestsPerConnection: Int = 100,
        headLimit: Int = HTTPRequestParser.defaultHeadLimit
    ) {
        self.maxConnections = maxConnections
        self.headTimeout = headTimeout
        self.idleTimeout = idleTimeout
        self.responseTimeout = responseTimeout
        self.lingerTimeout = lingerTimeout
        self.maxRequestsPerConnection = maxRequestsPerConnection
        self.headLimit = headLimit
    }
}
