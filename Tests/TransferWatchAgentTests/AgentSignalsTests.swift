import Foundation
import Logging
import Testing
import TransferWatchAgent
import TransferWatchLocking
import TransferWatchTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM/SIGINT handling: the first signal starts a graceful shutdown, a second exits at once.
@Suite(.serialized) struct AgentSignalsTests {
    @Test func firstSignalShutsDownGracefullySecondExitsAtOnce() async throws {
        let trap = await AgentSignals.trap()  // from here on SIGTERM does not end the test process
        let shutdowns = Locked(0)
        let exits = Locked<[Int32]>([])
        let watcher = Task {
            await AgentSignals.watch(
                trap, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                shutdown: { shutdowns.withLock { $0 += 1 } }, exitNow: { code in exits.withLock { $0.append(code) } })
        }
        kill(getpid(), SIGTERM)
        #expect(await eventually(timeout: .seconds(30)) { shutdowns.withLock { $0 } == 1 })
        #expect(exits.withLock { $0 }.isEmpty)
        kill(getpid(), SIGINT)
        await watcher.value
        #expect(exits.withLock { $0 } == [128 + SIGINT])
        #expect(shutdowns.withLock { $0 } == 1)
    }
}
