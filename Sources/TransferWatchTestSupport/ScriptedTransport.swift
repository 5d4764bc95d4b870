import Foundation
import TransferWatchAWS

/// An ``HTTPTransport`` that plays a script: each request gets the next scripted outcome, and every request is
/// recorded (as signed, on the wire) for inspection.
///
/// For unit tests of protocol and retry logic; the integration tests use the real ``CurlTransport``.
package final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: the script and the log are only touched under `lock`.

    /// One scripted outcome.
    package enum Step: Sendable {
        case respond(HTTPResponse)
        case fail(TransportError)
    }

    private let lock = NSLock()
    private var steps: [Step]
    private var sent: [HTTPRequest] = []
    private let fallback: (@Sendable (HTTPRequest) -> Step)?

    /// Plays `steps` in order; after them, `fallback` answers (or the test fails with a clear transport error).
    package init(_ steps: [Step], fallback: (@Sendable (HTTPRequest) -> Step)? = nil) {
        self.steps = steps
        self.fallback = fallback
    }

    /// Answers every request with `handler`.
    package convenience init(handler: @escaping @Sendable (HTTPRequest) -> Step) {
        self.init([], fallback: handler)
    }

    package func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        let step: Step = lock.withLock {
            sent.append(request)
            if !steps.isEmpty { return steps.removeFirst() }
            return fallback?(request) ?? .fail(TransportError(.other, "ScriptedTransport: script exhausted at request \(sent.count)"))
        }
        switch step {
        case .respond(let response): return response
        case .fail(let error): throw error
        }
    }

    /// Every request received, in order.
    package var requests: [HTTPRequest] { lock.withLock { sent } }
}

extension ScriptedTransport.Step {
    /// A JSON response.
    package static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Self {
        .respond(HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/x-amz-json-1.0")] + headers), body: Data(body.utf8)))
    }

    /// An XML response.
    package static func xml(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Self {
        .respond(HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/xml")] + headers), body: Data(body.utf8)))
    }

    /// A response with no body.
    package static func status(_ status: Int, headers: [(String, String)] = []) -> Self {
        .respond(HTTPResponse(status: status, headers: HTTPHeaders(headers)))
    }
}
