import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchRules

/// Moves one uploaded invoice from the source bucket to the destination bucket, exactly once, and counts the
/// uploader's delivery exactly once per window.
///
/// The order of steps is what makes it safe to crash, retry or run twice at once:
/// 1. **copy** to the destination (`CopyObject` with `x-amz-copy-source-if-match`, so the copy is of the very
///    version the event announced; above the multipart threshold, `UploadPartCopy` in bounded parallel parts);
/// 2. **verify** the destination against the source (ETag, or size and checksum where ETags cannot match);
/// 3. **count** the delivery in the ledger (idempotent: one item per employee per window);
/// 4. **delete** the source — only after 2 and 3 succeeded.
///
/// A re-run after a crash at any point redoes what is missing: the copy overwrites identical bytes, the count
/// does nothing the second time, the delete finishes. A missing source with a verified destination is
/// "already moved"; a missing source with no destination is a failure.
///
/// Requests per moved object: 3 when the event carries the source's size and ETag (copy, count, delete); 4 when
/// invoked with only a bucket and key (a `HeadObject` first, to learn what to verify against). The delivery that
/// completes a window, or one whose window is not open, costs one more (the ledger's second transaction).
package struct CopyWorkflow: Sendable {
    /// Where objects go and how they are copied.
    package struct Settings: Sendable {
        package var sourceBucket: String
        package var destinationBucket: String
        package var destinationKey: KeyTemplate
        package var calendar: DeliveryWindowCalendar
        package var multipartThreshold: Int64
        package var partSize: Int64
        package var partConcurrency: Int

        package init(sourceBucket: String, destinationBucket: String, destinationKey: KeyTemplate = .sourceKey,
                     calendar: DeliveryWindowCalendar, multipartThreshold: Int64 = 5 << 30, partSize: Int64 = 256 << 20,
                     partConcurrency: Int = 4) {
            self.sourceBucket = sourceBucket
            self.destinationBucket = destinationBucket
            self.destinationKey = destinationKey
            self.calendar = calendar
            self.multipartThreshold = multipartThreshold
            self.partSize = partSize
            self.partConcurrency = max(1, partConcurrency)
        }
    }

    /// Points between steps, where tests inject a crash.
    package enum Checkpoint: String, Sendable, CaseIterable {
        case afterCopy, afterCount, afterDelete
    }

    package let s3: S3Client
    package let ledger: DeliveryLedger
    package let settings: Settings
    package let now: @Sendable () -> Date
    package let logger: Logger
    /// Called at each ``Checkpoint``; throwing aborts the run there, as a crash would (tests only).
    package var checkpoint: @Sendable (Checkpoint) async throws -> Void = { _ in }
    /// The copy step rules, run after each step; their verdicts go in the record (`nil`: no rules).
    package var stepRules: StepRuleRunner?
    /// Where a failed step is recorded at once (one `PutItem` per failure; `nil`: not recorded).
    package var failureLog: CopyOutcomeLog?
    /// Counts moved objects in memory until its owner flushes it (`nil`: not counted).
    package var successCounter: OutcomeCounter?

    package init(s3: S3Client, ledger: DeliveryLedger, settings: Settings, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.s3 = s3
        self.ledger = ledger
        self.settings = settings
        self.now = now
        self.logger = logger
    }

    /// Moves the object an event announced.
    /// - Throws: only what ``checkpoint`` throws (a simulated crash) or cancellation; every AWS failure is a
    ///   `.failed` record instead.
    package func run(_ event: S3ObjectEvent) async throws -> CopyStepRecord {
        let record = try await move(bucket: event.bucket, key: event.key, size: event.size, eTag: event.eTag.map { S3ETag($0) },
                                    eventTime: event.eventTime, origin: event.origin)
        return await conclude(record)
    }

    /// Moves `key` from `bucket` (no event: the source is looked up first).
    package func run(bucket: String, key: String) async throws -> CopyStepRecord {
        let record = try await move(bucket: bucket, key: key, size: nil, eTag: nil, eventTime: nil, origin: "--bucket/--key")
        return await conclude(record)
    }

    /// Records the step's outcome (a failure item, or a success counted in memory) and runs the step rules.
    private func conclude(_ step: CopyStepRecord) async -> CopyStepRecord {
        var record = step
        if record.isFailure, let failureLog {
            record.requests += 1
            do {
                try await failureLog.recordFailure(record)
            } catch {
                record.notes.append("the failure could not be recorded in the state table: \(error.code)")
                logger.warning(
                    "copy failure not recorded", metadata: ["s3.key": "\(record.source.key)", "aws.error_code": "\(error.code)"])
            }
        }
        successCounter?.record(record)
        if let stepRules {
            let evaluated = record
            record.verdicts = stepRules.verdicts(for: .copy, now: now(), logger: logger) { environment, now throws(FactValueError) in
                try evaluated.facts(environment: environment, now: now)
            }
        }
        return record
    }

    /// Moves every object of a batch with at most `concurrency` at once, in input order of results.
    package func run(_ events: [S3ObjectEvent], concurrency: Int) async throws -> [CopyStepRecord] {
        try await withThrowingTaskGroup(of: (Int, CopyStepRecord).self) { group in
            var results = [CopyStepRecord?](repeating: nil, count: events.count)
            var next = 0
            func launch() {
                let index = next
                next += 1
                group.addTask { (index, try await run(events[index])) }
            }
            while next < min(max(1, concurrency), events.count) { launch() }
            while let (index, record) = try await group.next() {
                results[index] = record
                if next < events.count { launch() }
            }
            return results.compactMap { $0 }
        }
    }

    // MARK: - The move

    private func move(bucket: String, key: String, size: Int64?, eTag: S3ETag?, eventTime: Date?, origin: String) async throws -> CopyStepRecord {
        let started = now()
        let clock = ContinuousClock()
        let startInstant = clock.now
        let deliveredAt = eventTime ?? started
        let (year, month) = DeliveryWindowCalendar.yearAndMonth(of: deliveredAt, in: settings.calendar.timeZone)
        let destinationKey = settings.destinationKey.render(sourceKey: key, year: year, month: month)
        var record = CopyStepRecord(
            source: .init(bucket: bucket, key: key, size: size, eTag: eTag?.normalized),
            destination: .init(bucket: settings.destinationBucket, key: destinationKey), startedAt: started)
        record.origin = origin
        let uploader = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        record.uploader = uploader.isEmpty || !key.contains("/") ? nil : uploader
        record.window = settings.calendar.windowID(at: deliveredAt)
        let counter = RequestTally()

        var metadata = logger
        metadata[metadataKey: "s3.key"] = "\(key)"
        if let window = record.window { metadata[metadataKey: "window"] = "\(window)" }

        do {
            if bucket != settings.sourceBucket {
                record.notes.append("the object is in '\(bucket)', not the configured source bucket '\(settings.sourceBucket)'")
            }
            // 1. What are we moving? The event says; without one, ask S3.
            var source = SourceFacts(size: size, eTag: eTag, contentType: nil, metadata: nil)
            if size == nil || eTag == nil || (size ?? 0) > settings.multipartThreshold {
                counter.add()
                guard let head = try await s3.headObject(bucket: bucket, key: key) else {
                    return try await finishWithMissingSource(&record, expectedETag: eTag, counter: counter, startInstant: startInstant, clock: clock, deliveredAt: deliveredAt)
                }
                if let eTag, let current = head.eTag, current != eTag {
                    record.result = .superseded
                    record.notes.append("the source now has ETag \(current.normalized), not the announced \(eTag.normalized)")
                    return finish(&record, counter: counter, startInstant: startInstant, clock: clock)
                }
                source = SourceFacts(size: head.contentLength, eTag: head.eTag, contentType: head.contentType, metadata: head.metadata)
            }
            record.source.size = source.size
            record.source.eTag = source.eTag?.normalized

            // 2. Copy.
            let copied: CopiedObject
            do {
                if let total = source.size, total > settings.multipartThreshold {
                    copied = try await copyInParts(bucket: bucket, key: key, destinationKey: destinationKey, source: source, counter: counter)
                    record.multipart = true
                    record.parts = copied.parts
                } else {
                    counter.add()
                    let result = try await s3.copyObject(
                        sourceBucket: bucket, sourceKey: key, destinationBucket: settings.destinationBucket,
                        destinationKey: destinationKey, ifSourceETagMatches: source.eTag)
                    copied = CopiedObject(eTag: result.eTag, parts: nil)
                }
            } catch let error as AWSError where error.code == "NoSuchKey" {
                return try await finishWithMissingSource(&record, expectedETag: source.eTag, counter: counter, startInstant: startInstant, clock: clock, deliveredAt: deliveredAt)
            } catch let error as AWSError where error.code == "PreconditionFailed" {
                record.result = .superseded
                record.notes.append("the source changed after the event (ETag no longer \(source.eTag?.normalized ?? "?"))")
                return finish(&record, counter: counter, startInstant: startInstant, clock: clock)
            }

            // 3. Verify.
            let verification = try await verify(copied: copied, source: source, destinationKey: destinationKey, counter: counter)
            record.destination.eTag = verification.eTag?.normalized
            record.destination.size = verification.size
            guard verification.matches else {
                record.result = .failed
                record.errorCode = "DestinationMismatch"
                record.errorMessage = verification.detail
                return finish(&record, counter: counter, startInstant: startInstant, clock: clock)
            }
            record.bytes = source.size ?? verification.size ?? 0
            try await checkpoint(.afterCopy)

            // 4. Count.
            try await count(&record, deliveredAt: deliveredAt, key: key, counter: counter)
            try await checkpoint(.afterCount)

            // 5. Delete the source, now that the destination is verified and the delivery counted.
            try await deleteSource(bucket: bucket, key: key, record: &record, counter: counter)
            try await checkpoint(.afterDelete)
            record.result = .moved
        } catch let error as AWSError {
            record.result = .failed
            record.errorCode = error.code
            record.errorMessage = error.description
            record.attempts = error.attempts
        }
        let finished = finish(&record, counter: counter, startInstant: startInstant, clock: clock)
        if finished.isFailure {
            metadata.warning("copy failed", metadata: ["aws.error_code": "\(finished.errorCode ?? "")"])
        } else {
            metadata.debug("object moved", metadata: ["copy.result": "\(finished.result.rawValue)", "copy.requests": "\(finished.requests)"])
        }
        return finished
    }

    /// Deletes the source. A `DeleteObject` that failed after its retries may still have taken effect (S3 did
    /// the work and the answer was lost: a reset, a timeout, a 5xx from a front end): a `HeadObject` then tells.
    /// Gone, the move completed here and the step is `moved`; recorded as failed instead, its redelivery would
    /// find it "already moved" and the move would be counted by no step (`CopySucceeded` one short, `CopyFailed`
    /// one too many). Still there, or unreadable, the delete's error stands.
    private func deleteSource(bucket: String, key: String, record: inout CopyStepRecord, counter: RequestTally) async throws(AWSError) {
        counter.add()
        do {
            try await s3.deleteObject(bucket: bucket, key: key)
        } catch let deleteError {
            counter.add()
            let source: S3ObjectMetadata?
            do {
                source = try await s3.headObject(bucket: bucket, key: key)
            } catch {
                throw deleteError
            }
            guard source == nil else { throw deleteError }
            record.notes.append("DeleteObject failed (\(deleteError.code)) but the source is gone: the deletion took effect")
        }
    }

    /// The source is gone: if the destination holds it, an earlier run moved it (count it, idempotently, in
    /// case that run crashed before counting); if not, the invoice is missing.
    private func finishWithMissingSource(_ record: inout CopyStepRecord, expectedETag: S3ETag?, counter: RequestTally,
                                         startInstant: ContinuousClock.Instant, clock: ContinuousClock, deliveredAt: Date) async throws -> CopyStepRecord {
        counter.add()
        guard let destination = try await s3.headObject(bucket: record.destination.bucket, key: record.destination.key) else {
            record.result = .failed
            record.errorCode = "SourceMissing"
            record.errorMessage = "the source object is gone and the destination \(record.destination.bucket)/\(record.destination.key) does not exist"
            return finish(&record, counter: counter, startInstant: startInstant, clock: clock)
        }
        record.destination.size = destination.contentLength
        record.destination.eTag = destination.eTag?.normalized
        if let expectedETag, let found = destination.eTag, !expectedETag.isMultipart, !found.isMultipart, found != expectedETag {
            record.result = .failed
            record.errorCode = "SourceMissing"
            record.errorMessage = "the source object is gone and the destination holds a different object (ETag \(found.normalized), expected \(expectedETag.normalized))"
            return finish(&record, counter: counter, startInstant: startInstant, clock: clock)
        }
        try await count(&record, deliveredAt: deliveredAt, key: record.source.key, counter: counter)
        record.result = .alreadyMoved
        return finish(&record, counter: counter, startInstant: startInstant, clock: clock)
    }

    private func count(_ record: inout CopyStepRecord, deliveredAt: Date, key: String, counter: RequestTally) async throws(AWSError) {
        guard let uploader = record.uploader else {
            record.delivery = DeliveryLedger.Outcome.unknownUploader.name
            record.notes.append("the key has no uploader segment (expected <username>/<path>)")
            return
        }
        guard let window = record.window else {
            record.delivery = DeliveryLedger.Outcome.windowNotOpen.name
            record.notes.append("no delivery window has opened yet")
            return
        }
        let outcome = try await ledger.recordDelivery(window: window, username: uploader, key: key, at: deliveredAt, requests: counter)
        record.delivery = outcome.name
        record.counted = outcome.isCounted
        if case .counted(true) = outcome { record.windowComplete = true }
        switch outcome {
        case .unknownUploader: record.notes.append("uploader '\(uploader)' is not an active employee")
        case .windowNotOpen: record.notes.append("window \(window) is not open")
        default: break
        }
    }

    private func finish(_ record: inout CopyStepRecord, counter: RequestTally, startInstant: ContinuousClock.Instant, clock: ContinuousClock) -> CopyStepRecord {
        let elapsed = clock.now - startInstant
        record.latencyMilliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        record.requests = counter.value
        record.finishedAt = now()
        return record
    }

    // MARK: - Verification

    private struct SourceFacts {
        var size: Int64?
        var eTag: S3ETag?
        var contentType: String?
        var metadata: [String: String]?
    }

    private struct CopiedObject {
        var eTag: S3ETag
        var parts: Int?
    }

    private struct Verification {
        var matches: Bool
        var eTag: S3ETag?
        var size: Int64?
        var detail: String
    }

    /// A single-part copy of a single-part source has the source's MD5 ETag: equal ETags prove equal bytes (and
    /// so equal size) with no extra request. Where ETags cannot match (a multipart source or copy, or encryption
    /// that makes ETags opaque), the destination is read back and its size (and checksums) compared.
    private func verify(copied: CopiedObject, source: SourceFacts, destinationKey: String, counter: RequestTally) async throws(AWSError) -> Verification {
        if copied.parts == nil, let sourceETag = source.eTag, !sourceETag.isMultipart, copied.eTag == sourceETag {
            return Verification(matches: true, eTag: copied.eTag, size: source.size, detail: "ETag \(copied.eTag.normalized) matches")
        }
        counter.add()
        guard let head = try await s3.headObject(bucket: settings.destinationBucket, key: destinationKey) else {
            return Verification(matches: false, eTag: nil, size: nil, detail: "the destination object is missing right after the copy")
        }
        guard let expected = source.size else {
            return Verification(matches: false, eTag: head.eTag, size: head.contentLength, detail: "the source size is unknown")
        }
        guard head.contentLength == expected else {
            return Verification(matches: false, eTag: head.eTag, size: head.contentLength,
                                detail: "the destination has \(head.contentLength) bytes, the source \(expected)")
        }
        if copied.parts == nil, let sourceETag = source.eTag, !sourceETag.isMultipart, head.serverSideEncryption != "aws:kms", head.eTag != sourceETag {
            return Verification(matches: false, eTag: head.eTag, size: head.contentLength,
                                detail: "the destination ETag \(head.eTag?.normalized ?? "?") differs from the source's \(sourceETag.normalized)")
        }
        return Verification(matches: true, eTag: head.eTag, size: head.contentLength, detail: "size \(expected) matches")
    }

    // MARK: - Multipart

    private func copyInParts(bucket: String, key: String, destinationKey: String, source: SourceFacts, counter: RequestTally) async throws -> CopiedObject {
        let total = source.size ?? 0
        let partSize = max(settings.partSize, S3Client.MultipartLimits.minimumPartSize)
        let partCount = Int((total + partSize - 1) / partSize)
        counter.add()
        let uploadID = try await s3.createMultipartUpload(
            bucket: settings.destinationBucket, key: destinationKey, contentType: source.contentType, metadata: source.metadata)
        do {
            let parts = try await withThrowingTaskGroup(of: S3CompletedPart.self) { group in
                var next = 1
                var done: [S3CompletedPart] = []
                func launch() {
                    let number = next
                    next += 1
                    let first = Int64(number - 1) * partSize
                    let last = min(first + partSize, total) - 1
                    counter.add()
                    group.addTask {
                        try await s3.uploadPartCopy(
                            sourceBucket: bucket, sourceKey: key, destinationBucket: settings.destinationBucket,
                            destinationKey: destinationKey, range: first...last, partNumber: number, uploadID: uploadID,
                            ifSourceETagMatches: source.eTag)
                    }
                }
                while next <= min(settings.partConcurrency, partCount) { launch() }
                while let part = try await group.next() {
                    done.append(part)
                    if next <= partCount { launch() }
                }
                return done
            }
            counter.add()
            let completed = try await s3.completeMultipartUpload(bucket: settings.destinationBucket, key: destinationKey, uploadID: uploadID, parts: parts)
            return CopiedObject(eTag: completed.eTag, parts: partCount)
        } catch {
            // Never leave a half-built upload behind (it is billed): abort, then report the original failure.
            counter.add()
            try? await s3.abortMultipartUpload(bucket: settings.destinationBucket, key: destinationKey, uploadID: uploadID)
            throw error
        }
    }
}

extension DeliveryLedger.Outcome {
    /// The name used in step records.
    package var name: String {
        switch self {
        case .counted: "counted"
        case .alreadyCounted: "alreadyCounted"
        case .unknownUploader: "unknownUploader"
        case .windowNotOpen: "windowNotOpen"
        }
    }
}

/// Counts the AWS requests one move makes (parts are copied concurrently, hence the lock).
final class RequestTally: Sendable {
    private let count = Locked(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
