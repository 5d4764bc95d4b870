import Foundation
import TransferWatchRules

extension ProvisioningStepRecord {
    /// The record as the facts of ``PipelineFacts/provisionStep``, which step rules of
    /// `kind: step, workflow: provision` read.
    ///
    /// `skipped` lists the skipped records' usernames (`(no username)` for a record without one); `failures`
    /// lists each failure as one line (`CreateUser alice: ThrottlingException: …`).
    ///
    /// - Throws: ``FactValueError`` only if this adapter and the schema disagree (a programming error).
    package func facts(environment: String, now: Date) throws(FactValueError) -> FactValues {
        try FactValues(schema: PipelineFacts.provisionStep, values: factTree(environment: environment, now: now))
    }

    /// The values behind ``facts(environment:now:)``, by schema field.
    package func factTree(environment: String, now: Date) -> [String: FactValue] {
        [
            "result": .string(result.rawValue),
            "window": .string(window),
            "runID": .string(runID),
            "server": .object([
                "id": server.serverID.map(FactValue.string) ?? .null,
                "origin": server.origin.map { .string($0.rawValue) } ?? .null,
                "createdAt": server.createdAt.map(FactValue.timestamp) ?? .null,
                "state": server.state.map(FactValue.string) ?? .null,
            ]),
            "usersCreated": .list(usersCreated.map(FactValue.string)),
            "usersAdopted": .list(usersAdopted.map(FactValue.string)),
            "usersAlreadyProvisioned": .number(Double(usersAlreadyProvisioned)),
            "usersNoLongerListed": .list(usersNoLongerListed.map(FactValue.string)),
            "skipped": .list(skipped.map { .string($0.username ?? "(no username)") }),
            "inactive": .list(inactive.map(FactValue.string)),
            "windowOpened": .bool(windowOpened),
            "failures": .list(failures.map { .string($0.description) }),
            "requests": .number(Double(requestCount)),
            "rateLimitWait": .duration(.milliseconds(rateLimitWaitMilliseconds)),
            "serverWait": .duration(.milliseconds(serverWaitMilliseconds)),
            "duration": .duration(.milliseconds(durationMilliseconds)),
            "notes": .list(notes.map(FactValue.string)),
            "startedAt": .timestamp(startedAt),
            "finishedAt": .timestamp(finishedAt),
            "now": .timestamp(now),
            "environment": .string(environment),
        ]
    }
}
