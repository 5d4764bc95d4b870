import Foundation
import TransferWatchAWS
import TransferWatchLocking

/// An ``HTTPTransport`` that forwards every request to a real one (moto, over libcurl) unless a handler
/// answers it first: for what the emulator cannot do, such as a server stuck in `STARTING` or reaching
/// `START_FAILED`, a `ThrottlingException`, or AWS's `ResourceExistsException` where moto 5.2.1 quietly
/// creates a duplicate user.
///
/// ```swift
/// let transport = InterceptingTransport()
/// transport.intercept { request in
///     request.target == "TransferService.DescribeServer" ? .json(200, #"{"Server":{…,"State":"START_FAILED"}}"#) : nil
/// }
/// ```
package final class InterceptingTransport: HTTPTransport {
    /// What a handler decides for one request.
    package enum Decision: Sendable {
        /// Answer with this response; the request is not forwarded.
        case respond(HTTPResponse)
        /// Forward the request, then let `transform` change the response.
        case forward(transform: @Sendable (HTTPResponse) -> HTTPResponse)
    }

    private let base: any HTTPTransport
    private let handler = Locked<(@Sendable (HTTPRequest) -> Decision?)?>(nil)
    private let intercepted = Locked(0)

    /// Forwards to `base` (by default the process's shared libcurl transport).
    package init(base: any HTTPTransport = TestContexts.sharedTransport) {
        self.base = base
    }

    /// Sets (or with `nil`, removes) the handler; it returns `nil` to forward a request unchanged.
    package func intercept(_ handler: (@Sendable (HTTPRequest) -> Decision?)?) {
        self.handler.withLock { $0 = handler }
    }

    /// How many requests a handler answered or transformed.
    package var interceptedCount: Int { intercepted.withLock { $0 } }

    /// Answers through the handler, or forwards to the base transport.
    package func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        let decision = handler.withLock { $0 }?(request)
        switch decision {
        case nil:
            return try await base.send(request, timeout: timeout)
        case .respond(let response)?:
            intercepted.withLock { $0 += 1 }
            return response
        case .forward(let transform)?:
            intercepted.withLock { $0 += 1 }
            return transform(try await base.send(request, timeout: timeout))
        }
    }
}

extension InterceptingTransport.Decision {
    /// A JSON 1.1 answer (Transfer's protocol).
    package static func json(_ status: Int, _ body: String) -> Self {
        .respond(
            HTTPResponse(
                status: status, headers: HTTPHeaders([("Content-Type", "application/x-amz-json-1.1")]),
                body: Data(body.utf8)))
    }

    /// A JSON 1.1 error with AWS's `__type`.
    package static func awsError(_ status: Int, code: String, message: String) -> Self {
        json(status, #"{"__type":"\#(code)","Message":"\#(message)"}"#)
    }
}

extension HTTPRequest {
    /// The `X-Amz-Target` of a JSON-protocol request (`TransferService.CreateUser`), if any.
    package var target: String? { headers["X-Amz-Target"] }

    /// The JSON body as a dictionary (empty when it is not a JSON object).
    package var jsonBody: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
    }
}
