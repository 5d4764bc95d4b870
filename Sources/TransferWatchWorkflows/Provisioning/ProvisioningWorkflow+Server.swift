import Foundation
import TransferWatchAWS
import TransferWatchLocking

extension ProvisioningWorkflow {
    /// The server a run ends up with.
    struct HeldServer {
        var serverID: String
        var origin: ProvisioningStepRecord.ServerOrigin
        var createdAt: Date?
    }

    /// The most rounds of ``ServerClaim`` one run goes through (each round is a write that lost a race or a
    /// lookup); more means the item keeps changing under it.
    static let maxClaimRounds = 8

    /// Records the intent, then follows ``ServerClaim`` until the run holds a server or must stop.
    ///
    /// - Returns: the server, or `nil` when the run stops (deferred, window closed, or a failure in `record`).
    func claimServer(
        _ windowID: String, runID: String, record: inout ProvisioningStepRecord, tally: OperationTally
    ) async throws -> HeldServer? {
        let intentAt = now()
        tally.add(DynamoDBClient.Operations.putItem)
        var current: ServerRegistry.ServerRecord
        if try await registry.recordIntent(window: windowID, owner: runID, at: intentAt) {
            current = .init(windowID: windowID, state: .creating, owner: runID, intentAt: intentAt)
            record.transitions.append(ServerTransition(state: "intentRecorded", at: intentAt))
            try await checkpoint(.afterIntent)
        } else {
            current = try await reread(windowID, tally: tally)
        }

        var tagged: [String]?
        for _ in 0..<Self.maxClaimRounds {
            let decision = ServerClaim.decide(
                record: current, runID: runID, taggedServers: tagged, now: now(), lease: settings.intentLease)
            switch decision {
            case .windowClosed(let reason, let at):
                record.result = .windowClosed
                record.server = .init(serverID: current.serverID, createdAt: current.createdAt, state: "deleted")
                record.notes.append(
                    "window \(windowID) was torn down\(reason.map { " (\($0))" } ?? "")\(at.map { " at \(AWSDate.iso8601($0))" } ?? ""); provisioning does not reopen a closed window"
                )
                return nil

            case .adoptRecorded(let serverID):
                let origin: ProvisioningStepRecord.ServerOrigin = current.owner == runID ? .created : .recorded
                if origin == .recorded {
                    record.notes.append("window \(windowID)'s server \(serverID) was already recorded")
                }
                return HeldServer(serverID: serverID, origin: origin, createdAt: current.createdAt)

            case .lookForTaggedServer:
                let servers = try await ManagedServers(transfer: transfer).find(tally: tally)
                tagged = servers.managed.filter { $0.window == windowID }.map(\.serverID)

            case .create:
                return try await createServer(windowID, runID: runID, current: &current, record: &record, tally: tally)

            case .adoptTagged(let serverID):
                tally.add(DynamoDBClient.Operations.updateItem)
                if try await registry.recordServer(
                    window: windowID, serverID: serverID, owner: runID, origin: .adoptedTagged,
                    createdAt: current.firstIntentAt)
                {
                    record.transitions.append(
                        ServerTransition(
                            state: "adopted", at: now(), detail: "tagged \(TransferWatchTags.windowKey)=\(windowID)"))
                    record.notes.append(
                        "adopted server \(serverID), tagged for window \(windowID) but never recorded (a run stopped after CreateServer); its createdAt is the first intent's time, \(AWSDate.iso8601(current.firstIntentAt))"
                    )
                    if let others = tagged, others.count > 1 {
                        record.notes.append(
                            "more servers are tagged for window \(windowID): \(others.filter { $0 != serverID }.sorted().joined(separator: ", ")); teardown reports them as orphans"
                        )
                    }
                    return HeldServer(serverID: serverID, origin: .adoptedTagged, createdAt: current.firstIntentAt)
                }
                current = try await reread(windowID, tally: tally)
                tagged = nil

            case .takeOver(let staleOwner):
                let at = now()
                tally.add(DynamoDBClient.Operations.updateItem)
                if try await registry.takeOver(window: windowID, from: current, owner: runID, at: at) {
                    record.transitions.append(
                        ServerTransition(state: "intentTakenOver", at: at, detail: "from run \(staleOwner)"))
                    record.notes.append(
                        "took over the intent of run \(staleOwner), recorded at \(AWSDate.iso8601(current.intentAt)) without a server, older than the \(settings.intentLease) lease"
                    )
                    current.owner = runID
                    current.intentAt = at
                    current.state = .creating
                } else {
                    current = try await reread(windowID, tally: tally)
                }
                tagged = nil

            case .heldByAnotherRun(let owner, let since, let leaseEndsAt):
                record.result = .deferred
                record.notes.append(
                    "run \(owner) has held the intent to create window \(windowID)'s server since \(AWSDate.iso8601(since)); this run creates nothing (the intent lapses at \(AWSDate.iso8601(leaseEndsAt)) if no server is recorded)"
                )
                return nil
            }
        }
        record.failures.append(
            StepFailure(
                step: "ClaimServer", subject: windowID, code: "ClaimContended",
                message: "window \(windowID)'s server item kept changing for \(Self.maxClaimRounds) rounds"))
        return nil
    }

    /// Attempts at `CreateServer` in one run.
    static let createServerAttempts = 3

    /// `CreateServer`, each attempt sent once (the client's own retries are off: Transfer has no client token,
    /// so resending after a lost answer creates a second server). After a failure that may have reached Transfer
    /// (5xx, a reset or truncated answer, a timeout), the servers tagged for the window are looked up before
    /// trying again, and the lowest ID is adopted.
    private func createServerWithoutDuplicates(
        _ windowID: String, record: inout ProvisioningStepRecord, tally: OperationTally
    ) async throws -> String {
        var context = transfer.client.context
        context.retry.maxAttempts = 1
        let once = TransferClient(context: context)
        var attempt = 0
        while true {
            attempt += 1
            tally.add(TransferClient.Operations.createServer)
            try await limiter.acquire()
            do {
                return try await once.createServer(
                    protocols: [.sftp], identityProvider: .serviceManaged, endpointType: settings.endpointType,
                    loggingRole: settings.loggingRole, tags: ManagedServers.tags(window: windowID))
            } catch {
                guard RetryStrategy.classify(error) != .notRetryable, attempt < Self.createServerAttempts else {
                    throw error
                }
                let tagged = try await ManagedServers(transfer: transfer).find(tally: tally).managed
                    .filter { $0.window == windowID }.map(\.serverID)
                if let found = tagged.min() {
                    record.notes.append(
                        "CreateServer failed (\(error.code)) after reaching Transfer: adopted \(found), tagged for window \(windowID), instead of creating another"
                    )
                    return found
                }
                try? await context.retry.sleeper.sleep(for: context.retry.backoff(beforeRetry: attempt))
            }
        }
    }

    /// Creates the server and records it; a run that lost its intent meanwhile cleans up after itself.
    private func createServer(
        _ windowID: String, runID: String, current: inout ServerRegistry.ServerRecord,
        record: inout ProvisioningStepRecord, tally: OperationTally
    ) async throws -> HeldServer? {
        let serverID = try await createServerWithoutDuplicates(windowID, record: &record, tally: tally)
        let createdAt = now()
        record.transitions.append(
            ServerTransition(state: "STARTING", at: createdAt, detail: "CreateServer \(serverID)"))
        try await checkpoint(.afterCreateServer)

        tally.add(DynamoDBClient.Operations.updateItem)
        if try await registry.recordServer(
            window: windowID, serverID: serverID, owner: runID, origin: .created, createdAt: createdAt)
        {
            try await checkpoint(.afterServerRecorded)
            return HeldServer(serverID: serverID, origin: .created, createdAt: createdAt)
        }
        // The intent was taken over while this run was creating (it paused longer than the lease).
        let latest = try await reread(windowID, tally: tally)
        if latest.serverID == serverID {
            // The run that took over found this server by its tag and recorded it.
            return HeldServer(serverID: serverID, origin: .created, createdAt: latest.createdAt)
        }
        if latest.state == .deleted {
            // Teardown closed the window meanwhile: the new server is not wanted.
            tally.add(TransferClient.Operations.deleteServer)
            _ = try await transfer.deleteServer(serverID: serverID, ignoringMissing: true)
            record.result = .windowClosed
            record.notes.append(
                "window \(windowID) was torn down while this run created \(serverID); \(serverID) was deleted")
            return nil
        }
        if let recorded = latest.serverID {
            tally.add(TransferClient.Operations.deleteServer)
            _ = try await transfer.deleteServer(serverID: serverID, ignoringMissing: true)
            record.notes.append(
                "window \(windowID) got server \(recorded) from another run while this run created \(serverID); \(serverID) was deleted"
            )
            current = latest
            return HeldServer(serverID: recorded, origin: .recorded, createdAt: latest.createdAt)
        }
        record.failures.append(
            StepFailure(
                step: "RecordServer", subject: serverID, code: "IntentLost",
                message:
                    "run \(latest.owner) took over window \(windowID)'s intent while this run created \(serverID); \(serverID) is tagged for the window, so that run adopts it, or `teardown --orphans` deletes it"
            ))
        return nil
    }

    /// Reads the server item again after a conditional write lost.
    private func reread(_ windowID: String, tally: OperationTally) async throws(AWSError) -> ServerRegistry.ServerRecord
    {
        tally.add(DynamoDBClient.Operations.getItem)
        guard let record = try await registry.server(windowID) else {
            throw AWSError(
                service: "DynamoDB", operation: "GetItem", code: "ServerItemMissing",
                message: "window \(windowID)'s server item vanished after a conditional write found it")
        }
        return record
    }

    /// Waits until the server is ONLINE and records the outcome.
    ///
    /// - Returns: `true` when it is ONLINE; `false` with a failure in `record` otherwise.
    func waitUntilOnline(
        _ windowID: String, serverID: String, record: inout ProvisioningStepRecord, tally: OperationTally
    ) async throws -> Bool {
        let sleeper = CountingSleeper(base: waiting.sleeper)
        let outcome: Result<TransferClient.Server, TransferClient.WaitError>
        do throws(TransferClient.WaitError) {
            outcome = .success(
                try await transfer.waitUntilServerState(
                    serverID: serverID, target: .online, timeout: settings.onlineTimeout,
                    pollInterval: settings.onlinePollInterval, sleeper: sleeper, now: waiting.now))
        } catch {
            outcome = .failure(error)
        }
        let polls = sleeper.count + 1
        tally.add(TransferClient.Operations.describeServer, times: polls)
        let failure: StepFailure
        switch outcome {
        case .success(let server):
            record.server.state = server.state.rawValue
            record.transitions.append(
                ServerTransition(
                    state: server.state.rawValue, at: now(), detail: "after \(polls) poll\(polls == 1 ? "" : "s")"))
            tally.add(DynamoDBClient.Operations.updateItem)
            try await registry.markOnline(window: windowID, serverID: serverID, at: now())
            return true
        case .failure(let error):
            switch error {
            case .failed(_, _, let state):
                record.server.state = state.rawValue
                record.transitions.append(
                    ServerTransition(
                        state: state.rawValue, at: now(), detail: "after \(polls) poll\(polls == 1 ? "" : "s")"))
                failure = StepFailure(
                    step: "WaitOnline", subject: serverID, code: "StartFailed", message: error.description)
            case .timedOut(_, _, let lastState, _, _):
                record.server.state = lastState.rawValue
                failure = StepFailure(
                    step: "WaitOnline", subject: serverID, code: "OnlineTimeout", message: error.description)
            case .request(let aws):
                record.failures.append(StepFailure(step: "WaitOnline", subject: serverID, error: aws))
                return false
            case .cancelled:
                throw CancellationError()
            }
        }
        record.failures.append(failure)
        tally.add(DynamoDBClient.Operations.updateItem)
        try await registry.markFailed(window: windowID, serverID: serverID, failure: failure.description, at: now())
        return false
    }
}

/// Wraps a sleeper and counts its sleeps (the waiter polls once more than it sleeps).
final class CountingSleeper: Sleeper {
    private let base: any Sleeper
    private let sleeps = Locked(0)

    init(base: any Sleeper) { self.base = base }

    func sleep(for duration: Duration) async throws {
        sleeps.withLock { $0 += 1 }
        try await base.sleep(for: duration)
    }

    var count: Int { sleeps.withLock { $0 } }
}
