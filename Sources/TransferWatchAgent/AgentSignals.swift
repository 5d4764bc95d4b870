import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGTERM and SIGINT for the agent: the first triggers a graceful shutdown of the service group, a second
/// exits at once (status 128 + the signal), without waiting for in-flight work.
package enum AgentSignals {
    /// SIGTERM and SIGINT, trapped.
    package struct Trap: Sendable {
        let signals: UnixSignalsSequence
    }

    /// Starts trapping SIGTERM and SIGINT (their default action, ending the process, is off from here on).
    package static func trap() async -> Trap {
        Trap(signals: await UnixSignalsSequence(trapping: .sigterm, .sigint))
    }

    /// Watches the signals until cancelled.
    ///
    /// - Parameters:
    ///   - signals: from ``trap()``, called before the services start so no signal is missed.
    ///   - shutdown: starts the graceful shutdown (`ServiceGroup.triggerGracefulShutdown`).
    ///   - exitNow: ends the process (tests pass a recorder); by default `_exit`.
    package static func watch(
        _ trap: Trap, logger: Logger, shutdown: @escaping @Sendable () async -> Void,
        exitNow: @escaping @Sendable (Int32) -> Void = { code in _exit(code) }
    ) async {
        var received = 0
        for await signal in trap.signals {
            received += 1
            let number: Int32 = signal == .sigterm ? SIGTERM : SIGINT
            if received == 1 {
                logger.notice(
                    "shutting down gracefully; a second signal exits at once", metadata: ["signal": "\(signal)"])
                await shutdown()
            } else {
                logger.warning("second signal: exiting now", metadata: ["signal": "\(signal)"])
                exitNow(128 + number)
                return
            }
        }
    }
}
