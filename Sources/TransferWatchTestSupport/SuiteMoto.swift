import Foundation
import Logging
import Synchronization

/// One moto for a whole suite: started by the first test that asks, reset (every service emptied) for each
/// later one. Tests that share it must not overlap, so the suite is `.serialized`:
///
/// ```swift
/// @Suite(.requiresMoto, .serialized) struct ProvisioningIntegrationTests {
///     static let moto = SuiteMoto()
///     @Test func provisions() async throws {
///         let server = try await Self.moto.fresh()
///     }
/// }
/// ```
///
/// The server is never stopped explicitly: its launcher exits when the test process goes away (see
/// ``MotoServer``).
package actor SuiteMoto {
    private var server: MotoServer?

    /// A moto with no state.
    package init() {}

    /// The suite's moto, started on first use and reset on every later one.
    ///
    /// - Throws: ``MotoServerError`` when moto cannot start, or the reset fails.
    package func fresh() async throws -> MotoServer {
        if let server {
            try await server.reset()
            return server
        }
        let started = try await MotoServer.start(logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
        server = started
        return started
    }
}

/// A business clock (`--now`) that stands still until a test moves it.
package final class ManualNow: Sendable {
    private let instant: Mutex<Date>

    /// A clock at `start`.
    package init(_ start: Date) {
        instant = Mutex(start)
    }

    /// The current instant.
    package func callAsFunction() -> Date { instant.withLock { $0 } }

    /// Moves the clock forward.
    package func advance(by duration: Duration) {
        instant.withLock { $0 = $0.addingTimeInterval(TimeInterval(duration.components.seconds)) }
    }

    /// A `@Sendable` closure reading this clock.
    package var closure: @Sendable () -> Date { { self() } }
}
