import Foundation
import TransferWatchAWS
import TransferWatchRules

/// Why one delivery attempt failed, in one line that names the receiver and never its URL or key.
package struct DeliveryFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    package var message: String
    /// Whether trying again can help (timeouts, resets, 5xx, 429); a 4xx refusal cannot.
    package var isRetryable: Bool

    /// Creates a failure.
    package init(_ message: String, isRetryable: Bool) {
        self.message = message
        self.isRetryable = isRetryable
    }

    /// The message.
    package var description: String { message }
}

/// Sends one rendered message to one receiver: the seam between alerting and the network.
package protocol NotificationSender: Sendable {
    /// Sends `message` to `receiver`, waiting at most `timeout` for an answer.
    func send(_ message: RenderedMessage, to receiver: AlertReceiver, timeout: Duration) async throws(DeliveryFailure)
}

/// The real sender: webhooks over an ``HTTPTransport`` (libcurl), the topic through ``SNSClient``.
package struct LiveNotificationSender: NotificationSender {
    /// The HTTP transport for webhooks.
    package var transport: any HTTPTransport
    /// The SNS client, when a topic is configured.
    package var sns: SNSClient?

    /// Creates a sender.
    package init(transport: any HTTPTransport, sns: SNSClient?) {
        self.transport = transport
        self.sns = sns
    }

    /// Sends `message` to `receiver`.
    package func send(
        _ message: RenderedMessage, to receiver: AlertReceiver, timeout: Duration
    )
        async throws(DeliveryFailure)
    {
        switch receiver.kind {
        case .sns(let topicARN):
            guard let sns else { throw DeliveryFailure("\(receiver.name): no SNS client", isRetryable: false) }
            do {
                try await sns.publish(
                    topicARN: topicARN, message: message.body, subject: message.subject,
                    messageAttributes: message.attributes.mapValues { .string($0) })
            } catch {
                let retryable = error.kind != .invalidRequest && !(400..<500).contains(error.statusCode ?? 0)
                throw DeliveryFailure("\(receiver.name): \(error)", isRetryable: retryable)
            }
        case .webhook(let url, _, _):
            let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
            var request = HTTPRequest(
                method: "POST", scheme: components?.scheme ?? "https", host: components?.host ?? "",
                port: components?.port, path: (components?.percentEncodedPath).flatMap { $0.isEmpty ? nil : $0 } ?? "/",
                query: components?.percentEncodedQuery ?? "",
                headers: ["Content-Type": "application/json", "User-Agent": "TransferWatch"],
                body: Data(message.body.utf8))
            // A Slack message resent after a lost answer is a second message: never resent by the transport.
            request.sendsOnce = true
            let response: HTTPResponse
            do {
                response = try await transport.send(request, timeout: timeout)
            } catch let error as TransportError {
                throw DeliveryFailure("\(receiver.name): \(error.kind.rawValue)", isRetryable: error.isRetryable)
            } catch {
                throw DeliveryFailure("\(receiver.name): \(type(of: error))", isRetryable: true)
            }
            guard (200..<300).contains(response.status) else {
                let retryable = response.status >= 500 || response.status == 429 || response.status == 408
                throw DeliveryFailure("\(receiver.name): HTTP \(response.status)", isRetryable: retryable)
            }
        }
    }
}
