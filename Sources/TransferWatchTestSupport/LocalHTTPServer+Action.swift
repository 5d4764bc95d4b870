import Foundation

/// What ``LocalHTTPServer`` does with one request: answer it, or misbehave in a chosen way.
///
/// A handler returns one action per request. The misbehaving actions exist to drive a client's error
/// paths on purpose:
///
/// | action | what the client sees | curl's exit code |
/// | --- | --- | --- |
/// | ``respond(status:headers:body:)`` | a normal response | 0 |
/// | ``resetConnection`` | a TCP reset before any response byte | 56 |
/// | ``closeWithoutResponse`` | an orderly close with no response | 52 |
/// | ``truncated(status:headers:body:sendBytes:)`` | a response body cut short, then a close | 18 |
/// | ``stall(seconds:)`` | nothing at all for a while, then a close | 28 with `--max-time` |
/// | ``delay(seconds:then:)`` | the inner action, late | the inner action's |
package indirect enum LocalHTTPAction: Sendable {
    /// Sends a complete response and keeps the connection open unless either side asked to close.
    ///
    /// `Content-Length` is added from `body` unless `headers` already has `Content-Length` or
    /// `Transfer-Encoding` (then `body` is sent as given, so it must already be encoded).
    /// `Connection: close` is added when the connection will close after this response.
    /// No body is sent for `HEAD` requests or for 1xx, 204 and 304 responses.
    case respond(status: Int, headers: [(String, String)] = [], body: Data = Data())

    /// Closes the connection with `SO_LINGER` {on, 0} so the client gets a TCP reset
    /// (`ECONNRESET`) before any byte of a response.
    case resetConnection

    /// Closes the connection in an orderly way (FIN) without sending anything: an empty reply.
    case closeWithoutResponse

    /// Declares the full body in `Content-Length` (unless `headers` sets it), sends only the first
    /// `sendBytes` bytes of `body`, then closes the connection in an orderly way.
    case truncated(status: Int, headers: [(String, String)] = [], body: Data, sendBytes: Int)

    /// Reads the request, sends nothing for `seconds`, then closes the connection.
    ///
    /// ``LocalHTTPServer/stop()`` cuts a stall short, so stopping never waits for it.
    case stall(seconds: Double)

    /// Waits `seconds` (cut short by ``LocalHTTPServer/stop()``, which then just closes), then
    /// carries out `then`.
    case delay(seconds: Double, then: LocalHTTPAction)

    /// A response whose body is `body` as UTF-8, with `Content-Type: application/json`.
    ///
    /// - Parameters:
    ///   - status: The status code; 200 by default.
    ///   - body: The JSON text.
    ///   - headers: Extra headers, sent after `Content-Type`.
    /// - Returns: A ``respond(status:headers:body:)`` action.
    package static func json(status: Int = 200, _ body: String, headers: [(String, String)] = []) -> LocalHTTPAction {
        .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(body.utf8))
    }

    /// A response whose body is `body` as UTF-8, with `Content-Type: text/plain; charset=utf-8`.
    ///
    /// - Parameters:
    ///   - status: The status code; 200 by default.
    ///   - body: The text.
    ///   - headers: Extra headers, sent after `Content-Type`.
    /// - Returns: A ``respond(status:headers:body:)`` action.
    package static func text(status: Int = 200, _ body: String, headers: [(String, String)] = []) -> LocalHTTPAction {
        .respond(
            status: status,
            headers: [("Content-Type", "text/plain; charset=utf-8")] + headers,
            body: Data(body.utf8)
        )
    }
}
