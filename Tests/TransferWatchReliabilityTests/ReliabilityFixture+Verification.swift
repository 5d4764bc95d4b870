import Foundation
import TransferWatchTestSupport
import Testing
import TransferWatchAWS
import TransferWatchWorkflows

extension ReliabilityFixture {
    /// Waits (real time) until every upload has left the source and every event is acknowledged.
    func waitUntilDrained(timeout: Duration) async -> Bool {
        await eventually(timeout: timeout) {
            guard try await keys(in: Self.source).isEmpty else { return false }
            return try await depth(queueURL) == 0
        }
    }

    /// The end state after a run, whatever happened during it: every file in the destination exactly once with
    /// its content, none left in the source, no event left or dead-lettered, the window's counter equal to the
    /// distinct uploaders and to its delivery items, exactly one server, in Transfer and in the registry.
    func expectEverythingDeliveredOnce(_ uploads: [String: String], context: String) async throws {
        let listed = try await s3.listAllObjects(bucket: Self.destination).map(\.key)
        #expect(listed.count == Set(listed).count, "a key listed twice")
        #expect(Set(listed) == Set(uploads.keys), "missing: \(Set(uploads.keys).subtracting(listed).sorted().prefix(10)), extra: \(Set(listed).subtracting(uploads.keys).sorted().prefix(10))\n\(context)")
        var differing: [String] = []
        try await withThrowingTaskGroup(of: String?.self) { group in
            for (index, key) in uploads.keys.sorted().enumerated() {
                if index >= 16, let bad = try await group.next(), let bad { differing.append(bad) }
                group.addTask {
                    let body = try await s3.getObject(bucket: Self.destination, key: key).body
                    return body == Data(uploads[key]!.utf8) ? nil : key
                }
            }
            for try await bad in group { if let bad { differing.append(bad) } }
        }
        #expect(differing.isEmpty, "content differs: \(differing.sorted().prefix(10))")
        #expect(try await keys(in: Self.source).isEmpty, "uploads left in the source")
        #expect(try await depth(queueURL) == 0, "events left in the queue")
        let deadLetters = try await sqs.getQueueURL(name: "invoice-uploads-dlq")
        #expect(try await depth(deadLetters) == 0, "a permanent failure: events in the dead-letter queue\n\(context)")

        let uploadersSeen = Set(uploads.keys.map { String($0.prefix { $0 != "/" }) })
        let window = try #require(try await ledger.window("2026-11"), "no window 2026-11\n\(context)")
        let delivered = try await ledger.deliveredUsernames("2026-11")
        #expect(window.delivered == uploadersSeen.count, "the counter: \(window.delivered) for \(uploadersSeen.count) uploaders\n\(context)")
        #expect(delivered.count == window.delivered, "delivery items \(delivered.count) against the counter \(window.delivered)")
        #expect(Set(delivered) == uploadersSeen)
        #expect(window.expected == uploaders.count + 1)
        #expect(window.remaining == window.expected - window.delivered)
        #expect(window.isOpen, "the absentee keeps the window open")

        let servers = try await transfer.listServers()
        #expect(servers.count == 1, "servers in Transfer: \(servers.map(\.serverID))\n\(context)")
        let recorded = try #require(try await registry.server("2026-11"))
        #expect(servers.map(\.serverID) == [recorded.serverID].compactMap { $0 }, "the registry's server is the one in Transfer")
    }
}
