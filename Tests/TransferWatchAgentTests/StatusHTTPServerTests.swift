import Foundation
import Glibc
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing
import TransferWatchAgent
import TransferWatchConfig
import TransferWatchTestSupport

/// ``StatusHTTPServer`` as a ServiceLifecycle service: it serves while running and stops cleanly.
@Suite struct StatusHTTPServerTests {
    @Test func gracefulShutdownFinishesTheResponseInProgressClosesIdleConnectionsAndFreesThePort() async throws {
        let server = try StatusFixtures.startServer(statusDelay: .milliseconds(300))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                // An idle keep-alive connection, and a request whose answer is still being prepared.
                let idle = try await onDedicatedThread {
                    let connection = try HTTPTestConnection(port: server.port)
                    connection.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                    _ = try connection.readResponse()
                    return connection
                }
                let slow = try await onDedicatedThread {
                    let connection = try HTTPTestConnection(port: server.port)
                    connection.send("GET /status.json HTTP/1.1\r\nHost: t\r\n\r\n")
                    return connection
                }
                while server.server.statistics.requests < 2 { await Task.yield() }
                trigger.triggerGracefulShutdown()
                let (idleClosed, answer, slowClosed) = try await onDedicatedThread {
                    (idle.waitForClose(), try slow.readResponse(), slow.waitForClose())
                }
                #expect(idleClosed)
                #expect(answer.status == 200, "the response in progress is finished")
                #expect(answer.headers["connection"] == "close")
                #expect(slowClosed)
                try await group.next()  // run() returned
            }
        }
        #expect(server.server.statistics.open == 0)
        #expect(throws: HTTPTestConnection.Failure.self, "nothing listens any more") {
            _ = try HTTPTestConnection(port: server.port)
        }
    }

    @Test func cancellationStopsTheServer() async throws {
        let server = try StatusFixtures.startServer()
        let task = Task { try await server.run() }
        #expect(try await fetch("/healthz", port: server.port).status == 200)
        task.cancel()
        try await task.value
        #expect(throws: HTTPTestConnection.Failure.self) { _ = try HTTPTestConnection(port: server.port) }
    }

    @Test func aServerStoppedBeforeItRanReturnsAtOnce() async throws {
        let server = try HTTPServer(address: ListenAddress(host: "127.0.0.1", port: 0), logger: StatusFixtures.logger) {
            _ in .text("")
        }
        server.stop()
        await server.waitUntilStopped()
        #expect(server.statistics == HTTPServerStatistics())
    }
}
