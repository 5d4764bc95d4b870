import Foundation
import TransferWatchRules

extension TeardownStepRecord {
    /// The record as the facts of ``PipelineFacts/teardownStep``, which step rules of
    /// `kind: step, workflow: teardown` read.
    ///
    /// `server` is the window's recorded server (`id`, `createdAt`, its `age` at teardown, whether `DeleteServer`
    /// `deleted` it); `failures` lists each failure as one line.
    ///
    /// - Throws: ``FactValueError`` only if this adapter and the schema disagree (a programming error).
    package func facts(environment: String, now: Date) throws(FactValueError) -> FactValues {
        try FactValues(schema: PipelineFacts.teardownStep, values: factTree(environment: environment, now: now))
    }

    /// The values behind ``facts(environment:now:)``, by schema field.
    package func factTree(environment: String, now: Date) -> [String: FactValue] {
        [
            "result": .string(result.rawValue),
            "window": .string(window),
            "reason": .string(reason.rawValue),
            "dryRun": .bool(dryRun),
            "includeOrphans": .bool(includeOrphans),
            "server": .object([
                "id": serverID.map(FactValue.string) ?? .null,
                "createdAt": serverCreatedAt.map(FactValue.timestamp) ?? .null,
                "age": serverAgeSeconds.map { .duration(.seconds($0)) } ?? .null,
                "deleted": serverDeleted.map(FactValue.bool) ?? .null,
            ]),
            "usersDeleted": .list(usersDeleted.map(FactValue.string)),
            "usersAlreadyGone": .list(usersAlreadyGone.map(FactValue.string)),
            "windowClosed": .bool(windowClosed),
            "orphansDeleted": .list(orphansDeleted.map(FactValue.string)),
            "failures": .list(failures.map { .string($0.description) }),
            "requests": .number(Double(requestCount)),
            "rateLimitWait": .duration(.milliseconds(rateLimitWaitMilliseconds)),
            "duration": .duration(.milliseconds(durationMilliseconds)),
            "notes": .list(notes.map(FactValue.string)),
            "startedAt": .timestamp(startedAt),
            "finishedAt": .timestamp(finishedAt),
            "now": .timestamp(now),
            "environment": .string(environment),
        ]
    }
}
