import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchAlerting

/// The deliverer's backoff, on plain values.
@Suite struct NotificationDelivererTests {
    @Test func backoffDoublesFromFiveSecondsUpToFiveMinutesWithJitter() {
        let dynamo = DynamoDBClient(
            context: AWSClient.Context(
                region: "us-east-1",
                credentials: StaticCredentialProvider(
                    AWSCredentials(accessKeyID: "a", secretAccessKey: "b", source: "t")),
                transport: NeverTransport(), logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })))
        let deliverer = NotificationDeliverer(
            receivers: [], store: AlertStateStore(dynamo: dynamo, table: "t", environment: "e"),
            history: AlertHistory(dynamo: dynamo, table: "t", environment: "e"), sender: NeverSender(),
            random: SeededRandomSource(seed: 1), timeout: .seconds(10),
            logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        let ceilings: [Double] = [5, 10, 20, 40, 80, 160, 300, 300, 300]
        for (index, ceiling) in ceilings.enumerated() {
            let delay = deliverer.backoff(afterAttempt: index + 1).timeInterval
            #expect(delay >= ceiling / 2 && delay < ceiling, "attempt \(index + 1): \(delay)s")
        }
    }
}

private struct NeverTransport: HTTPTransport {
    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        throw TransportError(.other, "not used")
    }
}

private struct NeverSender: NotificationSender {
    func send(_ message: RenderedMessage, to receiver: AlertReceiver, timeout: Duration) async throws(DeliveryFailure) {
        throw DeliveryFailure("not used", isRetryable: false)
    }
}
