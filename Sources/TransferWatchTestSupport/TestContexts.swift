import Foundation
import Logging
import TransferWatchAWS

/// Builds AWS client contexts for tests: static credentials, a real libcurl transport, and retries that do not
/// wait (the sleeper records the delays instead).
package enum TestContexts {
    /// The credentials moto accepts when it does not verify signatures.
    package static let motoCredentials = AWSCredentials(accessKeyID: "AKIDTESTINGTESTING00", secretAccessKey: "testing-secret-key", source: "test")

    /// One transport for the whole test process (a libcurl multi handle and its thread).
    package static let sharedTransport: CurlTransport = {
        do {
            return try CurlTransport(configuration: .init(connectTimeout: .seconds(5)))
        } catch {
            preconditionFailure("libcurl could not start: \(error)")
        }
    }()

    /// A context aimed at `endpoint` (an emulator or a local test server).
    package static func make(
        endpoint: URL,
        region: String = "us-east-1",
        credentials: AWSCredentials = motoCredentials,
        transport: (any HTTPTransport)? = nil,
        maxAttempts: Int = 3,
        sleeper: any Sleeper = RecordingSleeper(),
        seed: UInt64 = 42,
        timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> AWSClient.Context {
        AWSClient.Context(
            region: region,
            endpoints: EndpointResolver(region: region, configuredEndpoint: endpoint),
            credentials: StaticCredentialProvider(credentials),
            transport: transport ?? sharedTransport,
            retry: RetryStrategy(maxAttempts: maxAttempts, sleeper: sleeper, random: SeededRandomSource(seed: seed)),
            now: now,
            timeout: timeout,
            logger: Logger(label: "transferwatch.test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }
}

/// A ``Sleeper`` that returns at once and remembers every delay it was asked for.
package final class RecordingSleeper: Sleeper, @unchecked Sendable {
    // @unchecked: `delays` is only touched under `lock`.
    private let lock = NSLock()
    private var recorded: [Duration] = []

    package init() {}

    package func sleep(for duration: Duration) async throws {
        lock.withLock { recorded.append(duration) }
    }

    /// The delays asked for, in order.
    package var delays: [Duration] { lock.withLock { recorded } }
}
