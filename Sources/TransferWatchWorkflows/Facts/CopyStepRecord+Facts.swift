import Foundation
import TransferWatchRules

extension CopyStepRecord {
    /// The record as the facts of ``PipelineFacts/copyStep``, which step rules of `kind: step, workflow: copy` read.
    ///
    /// - Parameters:
    ///   - environment: the deployment name (`environment` in the configuration).
    ///   - now: the evaluation time (the business clock, `--now`).
    /// - Throws: ``FactValueError`` only if this adapter and the schema disagree (a programming error that the
    ///   unit tests catch).
    package func facts(environment: String, now: Date) throws(FactValueError) -> FactValues {
        try FactValues(schema: PipelineFacts.copyStep, values: factTree(environment: environment, now: now))
    }

    /// The values behind ``facts(environment:now:)``, by schema field.
    package func factTree(environment: String, now: Date) -> [String: FactValue] {
        [
            "result": .string(result.rawValue),
            "source": source.factTree,
            "destination": destination.factTree,
            "uploader": uploader.map(FactValue.string) ?? .null,
            "window": window.map(FactValue.string) ?? .null,
            "delivery": delivery.map(FactValue.string) ?? .null,
            "counted": .bool(counted),
            "windowComplete": .bool(windowComplete),
            "multipart": .bool(multipart),
            "parts": parts.map { .number(Double($0)) } ?? .null,
            "bytes": .number(Double(bytes)),
            "latency": .duration(.milliseconds(latencyMilliseconds)),
            "requests": .number(Double(requests)),
            "attempts": attempts.map { .number(Double($0)) } ?? .null,
            "errorCode": errorCode.map(FactValue.string) ?? .null,
            "notes": .list(notes.map(FactValue.string)),
            "startedAt": .timestamp(startedAt),
            "finishedAt": .timestamp(finishedAt),
            "now": .timestamp(now),
            "environment": .string(environment),
        ]
    }
}

extension CopyStepRecord.ObjectFacts {
    /// `{bucket, key, size?, etag?}`.
    var factTree: FactValue {
        .object([
            "bucket": .string(bucket),
            "key": .string(key),
            "size": size.map { .number(Double($0)) } ?? .null,
            "etag": eTag.map(FactValue.string) ?? .null,
        ])
    }
}
