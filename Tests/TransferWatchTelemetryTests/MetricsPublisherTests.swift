import Foundation
import Testing
import TransferWatchAWS
import TransferWatchLocking
@testable import TransferWatchTelemetry

/// The publisher against a scripted sink: write-ahead spooling, outage and recovery, rejection, ageing out,
/// EMF output and the run loop.
@Suite struct MetricsPublisherTests {
    static let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)

    static func makePublisher(
        sink: FakeMetricSink, directory: String? = nil, clock: ManualNow, sleeper: any Sleeper = ImmediateSleeper(),
        maxBytes: Int64 = 1 << 20, logger: LogRecorder? = nil
    ) throws -> MetricsPublisher {
        try MetricsPublisher(
            settings: .init(namespace: "TransferWatch/Unit", environment: "test"), destination: .cloudWatch(sink),
            spool: directory.map { .init(directory: $0, maxBytes: maxBytes) }, now: clock.closure, sleeper: sleeper,
            logger: logger?.logger ?? quietLogger)
    }

    static func latencies(_ count: Int, from first: Int, at date: Date) -> [MetricSample] {
        (first..<first + count).map { MetricSample(.copyLatency, Double($0 % 97), at: date) }
    }

    @Test func outageKeepsEveryBatchAndRecoveryDeliversEachOnceInOrder() async throws {
        let sink = FakeMetricSink()
        let clock = ManualNow(Self.start)
        let directory = makeTemporaryDirectory()
        let publisher = try Self.makePublisher(sink: sink, directory: directory, clock: clock)

        await publisher.record(Self.latencies(100, from: 0, at: clock.now))
        var report = await publisher.flush()
        #expect(report.published == 100)
        await sink.set(.unreachable)
        for round in 1...3 {
            clock.advance(60)
            await publisher.record(Self.latencies(100, from: round * 100, at: clock.now))
            report = await publisher.flush()
            #expect(report.destinationFailed)
            #expect(report.pending == round * 100)
        }
        await sink.set(.accept)
        clock.advance(60)
        report = await publisher.flush()
        #expect(report.published == 300)
        #expect(report.pending == 0)
        let accepted = await sink.accepted
        #expect(accepted.flatMap { $0 }.sampleCount == 400)
        #expect(accepted.flatMap { $0 }.compactMap(\.timestamp) == (0...3).map { Self.start.addingTimeInterval(Double($0) * 60) })
        #expect(await publisher.droppedDatapoints == 0)
    }

    @Test func spoolSurvivesARestartOfThePublisher() async throws {
        let sink = FakeMetricSink()
        await sink.set(.unreachable)
        let clock = ManualNow(Self.start)
        let directory = makeTemporaryDirectory()
        do {
            let publisher = try Self.makePublisher(sink: sink, directory: directory, clock: clock)
            await publisher.record(Self.latencies(250, from: 0, at: clock.now))
            await publisher.flush()
        }
        await sink.set(.accept)
        let restarted = try Self.makePublisher(sink: sink, directory: directory, clock: clock)
        #expect(await restarted.pendingDatapoints == 250)
        #expect(await restarted.flush().published == 250)
        #expect(await sink.acceptedSamples == 250)
    }

    @Test func invalidDataIsDroppedCountedAndDoesNotBlockTheSpool() async throws {
        let sink = FakeMetricSink()
        let clock = ManualNow(Self.start)
        let log = LogRecorder()
        let publisher = try Self.makePublisher(sink: sink, directory: makeTemporaryDirectory(), clock: clock, logger: log)
        await sink.set(.reject)
        await publisher.record(Self.latencies(10, from: 0, at: clock.now))
        await publisher.flush()
        await sink.set(.accept)
        await publisher.record(Self.latencies(5, from: 0, at: clock.now))
        let report = await publisher.flush()
        #expect(report.published == 5)
        #expect(await publisher.statistics.droppedRejected == 10)
        #expect(await publisher.droppedDatapoints == 10)
        #expect(await publisher.recordDroppedDatapoints() == 10)
        #expect(await publisher.recordDroppedDatapoints() == 0)
        await publisher.flush()
        let dropped = await sink.accepted.flatMap { $0 }.filter { $0.name == "MetricsDropped" }
        #expect(dropped.map(\.value) == [.statistics(.init(sampleCount: 2, sum: 10, minimum: 0, maximum: 10))])
        #expect(log.messages.contains { $0.hasPrefix("CloudWatch refused metric data as invalid; dropped") })
    }

    @Test func dataThatAgedOutWhileSpooledIsDroppedNotSent() async throws {
        let sink = FakeMetricSink()
        await sink.set(.unreachable)
        let clock = ManualNow(Self.start)
        let publisher = try Self.makePublisher(sink: sink, directory: makeTemporaryDirectory(), clock: clock)
        await publisher.record(Self.latencies(40, from: 0, at: clock.now))
        await publisher.flush()
        clock.advance(15 * 86_400)
        await publisher.record(Self.latencies(7, from: 0, at: clock.now))
        await sink.set(.accept)
        let report = await publisher.flush()
        #expect(report.published == 7)
        #expect(await publisher.statistics.droppedOutOfRange == 40)
        #expect(await sink.accepted.flatMap { $0 }.allSatisfy { $0.timestamp == clock.now })
    }

    @Test func fullSpoolDropsAreCountedInDroppedDatapoints() async throws {
        let sink = FakeMetricSink()
        await sink.set(.unreachable)
        let clock = ManualNow(Self.start)
        let publisher = try Self.makePublisher(
            sink: sink, directory: makeTemporaryDirectory(), clock: clock, maxBytes: 4096)
        for round in 0..<20 {
            clock.advance(60)
            await publisher.record(Self.latencies(50, from: round * 50, at: clock.now))
            await publisher.flush()
        }
        let dropped = await publisher.statistics.droppedSpoolFull
        let pending = await publisher.pendingDatapoints
        #expect(dropped > 0)
        #expect(dropped + pending == 1000)
        await sink.set(.accept)
        await publisher.flush()
        #expect(await sink.acceptedSamples == pending)
    }

    @Test func withoutASpoolFailuresAreCountedAsDropped() async throws {
        let sink = FakeMetricSink()
        await sink.set(.unreachable)
        let publisher = try Self.makePublisher(sink: sink, clock: ManualNow(Self.start))
        await publisher.record(Self.latencies(12, from: 0, at: Self.start))
        await publisher.flush()
        #expect(await publisher.statistics.droppedUnspoolable == 12)
    }

    @Test func batchesTheSpoolCannotTakeAreSentDirectlyOrCountedAsLost() async throws {
        let sink = FakeMetricSink()
        let clock = ManualNow(Self.start)
        let directory = makeTemporaryDirectory()
        let log = LogRecorder()
        // Tiny segments: every append starts a new segment file, which fails once the folder is gone.
        let publisher = try MetricsPublisher(
            settings: .init(namespace: "TransferWatch/Unit", environment: "test"), destination: .cloudWatch(sink),
            spool: .init(directory: directory, maxBytes: 1 << 20, segmentBytes: 64), now: clock.closure,
            logger: log.logger)
        await publisher.record(Self.latencies(3, from: 0, at: clock.now))
        await publisher.flush()
        try FileManager.default.removeItem(atPath: directory)
        await publisher.record(Self.latencies(8, from: 0, at: clock.now))
        var report = await publisher.flush()
        #expect(report.published == 8)
        #expect(await sink.acceptedSamples == 11)
        #expect(log.messages.contains { $0.hasPrefix("metric batch could not be spooled; sending it directly") })
        await sink.set(.unreachable)
        await publisher.record(Self.latencies(5, from: 0, at: clock.now))
        report = await publisher.flush()
        #expect(report.destinationFailed)
        #expect(await publisher.statistics.droppedUnspoolable == 5)
    }

    @Test func emfOutputWritesLinesAndNeverCallsCloudWatch() async throws {
        let lines = Locked<[String]>([])
        let clock = ManualNow(Self.start)
        let publisher = try MetricsPublisher(
            settings: .init(namespace: "TransferWatch", environment: "lambda"),
            destination: .emf { line in lines.withLock { $0.append(line) } },
            spool: .init(directory: makeTemporaryDirectory(), maxBytes: 1 << 20), now: clock.closure, logger: quietLogger)
        await publisher.record(PipelineGauges(delivered: 2, expected: 4, serverOnline: true, serverAgeHours: 3, alertsFiring: 0))
        await publisher.record([MetricSample(.copySucceeded, 1, at: clock.now), MetricSample(.copySucceeded, 1, at: clock.now)])
        let report = await publisher.flush()
        #expect(report.published == 7)
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        #expect(written.allSatisfy { EMFEncoderTests.specificationProblems($0) == [] })
        #expect(written.first?.contains(#""CopySucceeded":[1,1]"#) == true)
        #expect(written.first?.contains(#""Environment":"lambda""#) == true)
    }

    @Test func runFlushesOnEveryIntervalAndOnceMoreWhenCancelled() async throws {
        let sink = FakeMetricSink()
        let clock = ManualNow(Self.start)
        let sleeper = SteppedSleeper()
        let publisher = try Self.makePublisher(
            sink: sink, directory: makeTemporaryDirectory(), clock: clock, sleeper: sleeper)
        let running = Task { await publisher.run() }
        for round in 0..<3 {
            await publisher.record(Self.latencies(10, from: round * 10, at: clock.now))
            await sleeper.release()   // one interval passes: the loop flushes
            await sleeper.waitUntilSleeping(count: round + 2)
        }
        #expect(await sink.acceptedSamples == 30)
        await publisher.record(Self.latencies(4, from: 0, at: clock.now))
        running.cancel()
        await running.value
        #expect(await sink.acceptedSamples == 34)
        #expect(await sleeper.requested.allSatisfy { $0 == .seconds(60) })
    }
}

/// Returns at once.
struct ImmediateSleeper: Sleeper {
    func sleep(for duration: Duration) async throws { try Task.checkCancellation() }
}

/// Each sleep waits until the test releases it (or the task is cancelled): intervals pass only when told.
actor SteppedSleeper: Sleeper {
    private(set) var requested: [Duration] = []
    private var waiting: [CheckedContinuation<Void, any Error>] = []
    private var sleepers: [CheckedContinuation<Void, Never>] = []
    private var releases = 0

    func sleep(for duration: Duration) async throws {
        requested.append(duration)
        notify()
        if releases > 0 {
            releases -= 1
            return
        }
        let id = requested.count
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.append(continuation)
            }
        } onCancel: {
            Task { await self.cancelAll(id) }
        }
    }

    func release() {
        if waiting.isEmpty { releases += 1 } else { waiting.removeFirst().resume() }
    }

    func waitUntilSleeping(count: Int) async {
        while requested.count < count {
            await withCheckedContinuation { sleepers.append($0) }
        }
    }

    private func notify() {
        let pending = sleepers
        sleepers = []
        for sleeper in pending { sleeper.resume() }
    }

    private func cancelAll(_ id: Int) {
        let pending = waiting
        waiting = []
        for continuation in pending { continuation.resume(throwing: CancellationError()) }
    }
}
