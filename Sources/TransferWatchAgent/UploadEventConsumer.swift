import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchWorkflows

/// Consumes upload events from SQS and moves each upload, on every replica.
///
/// - **Receive**: long polls (`WaitTimeSeconds` 20) for a full batch of 10 whenever at most `concurrency`
///   messages are held, so at most `concurrency` copies run and up to 10 more received messages wait for a slot
///   (``CopySlots``); a receive error backs off (1 s doubling to 30 s) and never ends the loop. A quiet queue's
///   upload is received as soon as it arrives (the long poll is open whenever a slot is free).
/// - **Move**: each message is parsed with ``S3EventParser`` (plain S3 events, SNS-wrapped, `s3:TestEvent`),
///   and each object-created record moved through the ``UploadMover`` (``CopyWorkflow``: idempotent, so a
///   redelivered message is safe). From its receipt until it is finished (waiting for a slot included), a
///   message's visibility is extended every third of the visibility timeout.
/// - **Acknowledge**: a message is deleted (`DeleteMessageBatch`, up to 10 at once) only when every record in
///   it was moved, already moved or superseded, or it held nothing to move. Deletions go in batches: at once
///   when 10 wait, two seconds after the consumer last held anything (``Settings/idleFlushDelay``), and
///   otherwise once they have waited half of ``Settings/effectiveFlushInterval`` (checked every interval). After a failed copy it is left
///   for redelivery; a message that cannot be read is reported with its message ID and left too, so the queue's
///   redrive policy moves it to the dead-letter queue after `maxReceiveCount` receives.
/// - **Shutdown**: graceful shutdown cancels the pending long poll, hands messages still waiting for a slot back
///   to the queue (visibility 0), lets in-flight copies finish, deletes their messages, and returns.
package struct UploadEventConsumer: Service {
    /// How the queue is consumed.
    package struct Settings: Sendable {
        /// The queue URL.
        package var queueURL: String
        /// Messages (copies) in flight at once.
        package var concurrency: Int
        /// Seconds a received message stays hidden; renewed while its copy runs.
        package var visibilityTimeout: Int
        /// The long poll's wait (0–20 s).
        package var waitTimeSeconds: Int
        /// Receives after which SQS dead-letters a message (for the warning before it happens).
        package var maxReceiveCount: Int?
        /// How often the deletions that have waited half of it are sent while copies keep running (real time;
        /// capped at a third of the visibility timeout). Ten waiting go at once, and so does whatever waits
        /// when the consumer holds nothing else (a quiet queue costs no delay).
        package var flushInterval: Duration

        /// Settings with SQS's long-poll maximum and a 5 s flush interval.
        package init(
            queueURL: String, concurrency: Int, visibilityTimeout: Int, waitTimeSeconds: Int = 20,
            maxReceiveCount: Int? = nil, flushInterval: Duration = .seconds(5)
        ) {
            self.queueURL = queueURL
            self.concurrency = max(1, concurrency)
            self.visibilityTimeout = max(1, visibilityTimeout)
            self.waitTimeSeconds = waitTimeSeconds
            self.maxReceiveCount = maxReceiveCount
            self.flushInterval = flushInterval
        }

        /// How long deletions wait once the consumer holds nothing else (more may arrive to batch with): two
        /// seconds, or the flush interval if shorter.
        package var idleFlushDelay: Duration { min(.seconds(2), effectiveFlushInterval) }

        /// The flush interval in effect: ``flushInterval``, at most a third of the visibility timeout (so a
        /// moved message is deleted before SQS would hand it out again).
        package var effectiveFlushInterval: Duration {
            min(flushInterval, .seconds(visibilityTimeout) / 3)
        }
    }

    /// What handling one message decided.
    package enum Disposition: String, Sendable, Equatable {
        /// Everything in it is moved (or there was nothing to move): delete it.
        case delete
        /// A copy failed: leave it for redelivery.
        case retry
        /// It could not be read: leave it, for the dead-letter queue.
        case malformed
    }

    package let sqs: SQSClient
    package let mover: any UploadMover
    package let settings: Settings
    package let environment: AgentEnvironment
    package let sleeper: any Sleeper
    package let logger: Logger

    /// A consumer of `settings.queueURL` moving uploads with `mover`.
    package init(
        sqs: SQSClient, mover: any UploadMover, settings: Settings, environment: AgentEnvironment,
        sleeper: any Sleeper = ClockSleeper(), logger: Logger
    ) {
        self.sqs = sqs
        self.mover = mover
        self.settings = settings
        self.environment = environment
        self.sleeper = sleeper
        self.logger = logger
    }

    package func run() async throws {
        let slots = CopySlots(limit: settings.concurrency)
        let messages = InFlightMessages()
        let deletions = DeletionBuffer()
        let stopFlushing = Locked(false)
        let flusherNap = Locked<Task<Void, Never>?>(nil)
        let flushInterval = settings.effectiveFlushInterval
        logger.info(
            "consuming upload events",
            metadata: ["sqs.queue": "\(settings.queueURL)", "copy.concurrency": "\(settings.concurrency)"])
        try await withThrowingDiscardingTaskGroup { outer in
            // Sends what is pending every flushInterval (fewer than 10 moved while copies keep running), until
            // the workers are done.
            outer.addTask {
                while true {
                    // The nap alone is cancelled at the end (never a deletion being sent).
                    let nap = Task { _ = try? await sleeper.sleep(for: flushInterval) }
                    flusherNap.withLock { $0 = nap }
                    if stopFlushing.withLock({ $0 }) { nap.cancel() }
                    await nap.value
                    if stopFlushing.withLock({ $0 }) { return }
                    // Only what has waited half an interval: a batch begun a moment ago may still fill up.
                    if let oldest = await deletions.oldest, ContinuousClock.now - oldest >= flushInterval / 2 {
                        await flush(deletions, messages: messages, all: true)
                    }
                }
            }
            await withDiscardingTaskGroup { workers in
                var backoff = Duration.seconds(1)
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    environment.heartbeat(AgentHeartbeats.consumer)
                    // A full batch is asked for whenever at most `concurrency` messages are held: the extra
                    // ones wait for a slot, so a slot that frees finds its next message already here.
                    guard slots.hasRoom else {
                        await waitForRoom(slots)
                        continue
                    }
                    let received: [SQSMessage]
                    do {
                        received = try await cancelWhenGracefulShutdown {
                            try await sqs.receiveMessage(
                                queueURL: settings.queueURL, maxMessages: SQSClient.maxBatchSize,
                                waitTimeSeconds: settings.waitTimeSeconds,
                                visibilityTimeout: settings.visibilityTimeout)
                        }
                        backoff = .seconds(1)
                    } catch {
                        if Task.isShuttingDownGracefully || Task.isCancelled { break }
                        logger.warning(
                            "receiving upload events failed; retrying",
                            metadata: ["error": "\(error)", "retry.after": "\(backoff)"])
                        try? await sleeper.sleep(for: backoff)
                        backoff = min(backoff * 2, .seconds(30))
                        continue
                    }
                    environment.counters.update { $0.messagesReceived += received.count }
                    for message in received {
                        // A message received again while its first receive is still being handled (its
                        // visibility ran out, e.g. while retries slowed the copy) is not moved a second
                        // time: the running copy takes over its newer receipt handle, the only one SQS
                        // still honours for extending and deleting it.
                        switch messages.admit(message) {
                        case .running:
                            logger.info(
                                "upload event received again while its copy runs; not copied twice",
                                metadata: ["sqs.message_id": "\(message.messageID)"])
                            continue
                        case .moved:
                            // Moved, its deletion not sent yet: it goes with the newest receipt handle.
                            await deletions.add(message)
                            continue
                        case .new:
                            break
                        }
                        slots.hold(1)
                        workers.addTask {
                            await work(message, slots: slots, messages: messages, deletions: deletions)
                        }
                    }
                }
                // Messages still waiting for a slot are not started; copies running finish.
                slots.close()
            }
            // Every in-flight copy has finished: acknowledge what it moved, then stop the flusher.
            await flush(deletions, messages: messages, all: true)
            stopFlushing.withLock { $0 = true }
            flusherNap.withLock { $0 }?.cancel()
        }
        logger.info("upload event consumer stopped", metadata: ["agent.counters": "\(environment.counters.snapshot)"])
    }

    /// Waits until the held messages leave room for another batch, for at most 5 s (the loop's readiness
    /// heartbeat beats meanwhile), or until graceful shutdown.
    private func waitForRoom(_ slots: CopySlots) async {
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await slots.waitForRoom() }
                group.addTask { try? await sleeper.sleep(for: .seconds(5)) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// One received message, from receipt to its deletion being queued: kept hidden all along, copied once a
    /// slot is free; when the consumer shuts down before that, handed back to the queue at once.
    private func work(
        _ message: SQSMessage, slots: CopySlots, messages: InFlightMessages, deletions: DeletionBuffer
    ) async {
        let first = message.receiptHandle
        let current: @Sendable () -> String = { messages.receiptHandle(of: message) ?? first }
        let hiddenLogger = logger.with("sqs.message_id", "\(message.messageID)")
        let heartbeat = Task { @Sendable in await keepHidden(logger: hiddenLogger, receiptHandle: current) }
        let acquired = await slots.acquire()
        // A slot that frees after shutdown began (before the loop closed the slots) starts nothing either.
        guard acquired, !Task.isShuttingDownGracefully else {
            heartbeat.cancel()
            // Never started (shutdown): visible again now, for another replica or the next start.
            do {
                try await sqs.changeMessageVisibility(
                    queueURL: settings.queueURL, receiptHandle: current(), visibilityTimeout: 0)
            } catch {
                hiddenLogger.debug("message not handed back; it reappears after its visibility timeout")
            }
            messages.finish(message, moved: false)
            slots.release(ranCopy: acquired)
            return
        }
        let disposition = await handle(message, receiptHandle: { messages.receiptHandle(of: message) }, keepsHidden: false)
        heartbeat.cancel()
        messages.finish(message, moved: disposition == .delete)
        if disposition == .delete { await deletions.add(message) }
        let stillHeld = slots.release(ranCopy: true)
        if await deletions.count >= SQSClient.maxBatchSize {
            await flush(deletions, messages: messages, all: false)
        } else if stillHeld == 0 {
            // Nothing else is held: unless more arrive within a moment, there is nothing to batch with, so
            // what is pending goes then rather than after the whole flush interval.
            if !Task.isShuttingDownGracefully { try? await sleeper.sleep(for: settings.idleFlushDelay) }
            if slots.held == 0 { await flush(deletions, messages: messages, all: true) }
        }
    }

    /// Parses one message, moves what it announces while keeping it hidden, and says what to do with it.
    ///
    /// - Parameters:
    ///   - receiptHandle: The message's current receipt handle, for extending its visibility (a redelivery
    ///     while the copy runs issues a newer one); by default the one it was received with.
    ///   - keepsHidden: extend the message's visibility while its copies run (`false` when the caller does).
    package func handle(
        _ message: SQSMessage, receiptHandle: @escaping @Sendable () -> String? = { nil }, keepsHidden: Bool = true
    ) async -> Disposition {
        var logger = self.logger
        logger[metadataKey: "sqs.message_id"] = "\(message.messageID)"
        let batch = S3EventParser.parse(Data(message.body.utf8), source: message.messageID)
        for ignored in batch.ignored {
            logger.debug(
                "event record ignored", metadata: ["event.record": "\(ignored.origin)", "reason": "\(ignored.reason)"])
        }
        var failed = false
        if !batch.objects.isEmpty {
            let hiddenLogger = logger
            let firstReceiptHandle = message.receiptHandle
            let currentReceiptHandle: @Sendable () -> String = { receiptHandle() ?? firstReceiptHandle }
            let heartbeat =
                keepsHidden
                ? Task { @Sendable in await keepHidden(logger: hiddenLogger, receiptHandle: currentReceiptHandle) }
                : nil
            defer { heartbeat?.cancel() }
            for event in batch.objects {
                do {
                    let record = try await mover.move(event)
                    if record.isFailure && Task.isCancelled {
                        // Shutdown ran out of time: not a failed copy, an interrupted one (redelivered later).
                        logger.warning(
                            "copy interrupted by shutdown; the event is left for redelivery",
                            metadata: ["s3.key": "\(event.key)"])
                        failed = true
                        continue
                    }
                    await environment.observer.copied(record, origin: .event)
                    report(record, logger: logger)
                    if record.isFailure { failed = true }
                } catch {
                    // Cancellation (shutdown past its deadline) or a simulated crash: leave it for redelivery.
                    logger.warning("copy interrupted", metadata: ["s3.key": "\(event.key)", "error": "\(error)"])
                    failed = true
                }
            }
        }
        if !batch.errors.isEmpty {
            environment.counters.update { $0.messagesMalformed += 1 }
            let receives = message.approximateReceiveCount.map { "\($0)" } ?? "?"
            for error in batch.errors {
                logger.error(
                    "malformed upload event left for the dead-letter queue",
                    metadata: ["event.error": "\(error)", "sqs.receive_count": "\(receives)"])
            }
            return .malformed
        }
        if failed {
            environment.counters.update { $0.messagesRetried += 1 }
            if let count = message.approximateReceiveCount, let limit = settings.maxReceiveCount, count >= limit {
                logger.error(
                    "upload event failed on its last receive; it goes to the dead-letter queue",
                    metadata: ["sqs.receive_count": "\(count)"])
            }
            return .retry
        }
        return .delete
    }

    /// Logs a copy and counts it.
    private func report(_ record: CopyStepRecord, logger: Logger) {
        var metadata: Logger.Metadata = [
            "s3.key": "\(record.source.key)", "copy.result": "\(record.result.rawValue)",
            "copy.latency_ms": "\(record.latencyMilliseconds)",
        ]
        if let window = record.window { metadata["window"] = "\(window)" }
        if let delivery = record.delivery { metadata["delivery"] = "\(delivery)" }
        if record.isFailure {
            environment.counters.update { $0.copiesFailed += 1 }
            metadata["aws.error_code"] = "\(record.errorCode ?? "")"
            logger.warning("copy failed; the event is left for redelivery", metadata: metadata)
        } else {
            environment.counters.update { $0.objectsMoved += 1 }
            logger.info("upload moved", metadata: metadata)
        }
    }

    /// Extends the message's visibility every third of the timeout until cancelled.
    private func keepHidden(logger: Logger, receiptHandle: @escaping @Sendable () -> String) async {
        let period = Duration.seconds(settings.visibilityTimeout) / 3
        while !Task.isCancelled {
            do {
                try await sleeper.sleep(for: period)
            } catch {
                return
            }
            if Task.isCancelled { return }
            do {
                try await sqs.changeMessageVisibility(
                    queueURL: settings.queueURL, receiptHandle: receiptHandle(),
                    visibilityTimeout: settings.visibilityTimeout)
                logger.debug(
                    "visibility extended", metadata: ["sqs.visibility_timeout": "\(settings.visibilityTimeout)"])
            } catch {
                logger.warning("visibility not extended", metadata: ["aws.error_code": "\(error.code)"])
            }
        }
    }

    /// Deletes buffered messages, 10 per call (`all`: until none is left; else one full batch of 10, if there is one).
    ///
    /// Each message is deleted with the newest receipt handle SQS issued for it, and forgotten by `messages`
    /// once the call is made (a failed deletion means a redelivery, which is moved again as `alreadyMoved`).
    private func flush(_ buffer: DeletionBuffer, messages: InFlightMessages, all: Bool) async {
        repeat {
            let batch = await buffer.take(SQSClient.maxBatchSize, onlyFull: !all).map(messages.current)
            guard !batch.isEmpty else { return }
            defer { messages.forget(batch) }
            do {
                let result = try await sqs.deleteMessageBatch(queueURL: settings.queueURL, messages: batch)
                environment.counters.update { $0.messagesDeleted += result.successful.count }
                for failure in result.failed {
                    let message = Int(failure.id).flatMap { batch.indices.contains($0) ? batch[$0] : nil }
                    logger.warning(
                        "upload event not deleted; it will be redelivered and found already moved",
                        metadata: [
                            "sqs.message_id": "\(message?.messageID ?? failure.id)",
                            "aws.error_code": "\(failure.code)",
                        ])
                }
            } catch {
                logger.warning(
                    "deleting upload events failed; they will be redelivered and found already moved",
                    metadata: ["aws.error_code": "\(error.code)", "sqs.messages": "\(batch.count)"])
            }
        } while all
    }
}


/// The messages this consumer holds, by message ID, each with the newest receipt handle SQS issued for it: those
/// whose copy runs, and those moved whose deletion is not sent yet. A message SQS hands out again meanwhile (its
/// visibility ran out) is not copied a second time.
final class InFlightMessages: Sendable {
    /// What to do with a received message.
    enum Admission: Equatable {
        /// Not held: handle it.
        case new
        /// Its copy runs: skip it (its newer receipt handle is kept for extending and deleting).
        case running
        /// Moved, deletion pending: delete it (with the newest receipt handle).
        case moved
    }

    private struct Entry {
        var receiptHandle: String
        var moved: Bool
    }

    private let entries = Locked<[String: Entry]>([:])

    /// Registers a received message and says what to do with it.
    func admit(_ message: SQSMessage) -> Admission {
        entries.withLock { entries in
            guard var entry = entries[message.messageID] else {
                entries[message.messageID] = Entry(receiptHandle: message.receiptHandle, moved: false)
                return .new
            }
            entry.receiptHandle = message.receiptHandle
            entries[message.messageID] = entry
            return entry.moved ? .moved : .running
        }
    }

    /// The newest receipt handle of a held message.
    func receiptHandle(of message: SQSMessage) -> String? {
        entries.withLock { $0[message.messageID]?.receiptHandle }
    }

    /// The copy of `message` ended: a moved one is held until its deletion is sent, another is let go (so its
    /// redelivery is handled afresh).
    func finish(_ message: SQSMessage, moved: Bool) {
        entries.withLock { entries in
            if moved { entries[message.messageID]?.moved = true } else { entries[message.messageID] = nil }
        }
    }

    /// `message` with the newest receipt handle held for it.
    func current(_ message: SQSMessage) -> SQSMessage {
        var latest = message
        if let handle = receiptHandle(of: message) { latest.receiptHandle = handle }
        return latest
    }

    /// Lets go of messages whose deletion was sent.
    func forget(_ messages: [SQSMessage]) {
        entries.withLock { entries in
            for message in messages { entries[message.messageID] = nil }
        }
    }
}

/// Messages whose uploads are moved, waiting to be deleted in batches.
actor DeletionBuffer {
    private var pending: [SQSMessage] = []
    private var addedAt: [ContinuousClock.Instant] = []

    var count: Int { pending.count }

    /// When the longest-waiting message was queued (`nil`: none waits).
    var oldest: ContinuousClock.Instant? { addedAt.first }

    /// Queues `message` for deletion, once: a redelivered copy of a pending one is not queued again.
    func add(_ message: SQSMessage) {
        guard !pending.contains(where: { $0.messageID == message.messageID }) else { return }
        pending.append(message)
        addedAt.append(.now)
    }

    /// Takes up to `limit` pending messages; with `onlyFull`, `limit` or none (several workers finishing at
    /// once all see 10 pending, and only the first may send them: the others would send scraps).
    func take(_ limit: Int, onlyFull: Bool = false) -> [SQSMessage] {
        if onlyFull && pending.count < limit { return [] }
        let batch = Array(pending.prefix(limit))
        pending.removeFirst(batch.count)
        addedAt.removeFirst(batch.count)
        return batch
    }
}
