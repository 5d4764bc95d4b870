import Foundation
import Logging
import TransferWatchAWS

extension ProvisioningWorkflow {
    /// What happened to one employee's user.
    enum UserOutcome: Sendable {
        case created(String)
        case adopted(String)
        case failed(StepFailure)
    }

    /// How many more times a user's `CreateUser` is sent when it is still throttled after the client's own
    /// retries.
    static let throttledRounds = 5

    /// The LOGICAL home of a user: `/` is `/<source bucket>/<username>`, so every key the user uploads is
    /// `<username>/<path>` and the uploader is the key's first segment.
    static func home(for username: String, bucket: String) -> TransferClient.HomeDirectory {
        .chroot(to: "/\(bucket)/\(username)")
    }

    /// Creates and records one user per employee, `settings.userConcurrency` at a time behind the rate
    /// limiter, reporting progress after each. A failure is recorded and the others go on.
    func createUsers(
        _ employees: [Employee], windowID: String, serverID: String, record: inout ProvisioningStepRecord,
        tally: OperationTally
    ) async throws {
        let total = employees.count
        var created: [String] = []
        var adopted: [String] = []
        var failures: [StepFailure] = []
        progress(Progress(done: 0, total: total, failed: 0))
        try await withThrowingTaskGroup(of: UserOutcome.self) { group in
            var next = 0
            func launch() {
                let employee = employees[next]
                next += 1
                group.addTask {
                    try await provisionUser(employee, windowID: windowID, serverID: serverID, tally: tally)
                }
            }
            while next < min(settings.userConcurrency, total) { launch() }
            while let outcome = try await group.next() {
                switch outcome {
                case .created(let name): created.append(name)
                case .adopted(let name): adopted.append(name)
                case .failed(let failure):
                    failures.append(failure)
                    logger.warning(
                        "user not provisioned",
                        metadata: [
                            "window": "\(windowID)", "employee": "\(failure.subject ?? "")",
                            "aws.error_code": "\(failure.code)",
                        ])
                }
                progress(
                    Progress(done: created.count + adopted.count + failures.count, total: total, failed: failures.count)
                )
                if next < total { launch() }
            }
        }
        record.usersCreated = created.sorted()
        record.usersAdopted = adopted.sorted()
        record.failures += failures.sorted { ($0.subject ?? "") < ($1.subject ?? "") }
    }

    /// Creates one user (`ResourceExistsException`: it is there already, adopted) and records it.
    private func provisionUser(
        _ employee: Employee, windowID: String, serverID: String, tally: OperationTally
    ) async throws -> UserOutcome {
        let name = employee.username
        try await limiter.acquire()
        tally.add(TransferClient.Operations.createUser)
        var origin = ServerRegistry.UserRecord.Origin.created
        var throttledRounds = 0
        while true {
            do throws(AWSError) {
                try await transfer.createUser(
                    serverID: serverID, userName: name, role: settings.userRole,
                    home: Self.home(for: name, bucket: settings.sourceBucket), sshPublicKey: employee.sshPublicKey,
                    sessionPolicy: settings.sessionPolicy, tags: TransferWatchTags.managed)
            } catch  where error.code == "ResourceExistsException" {
                origin = .adopted
            } catch  where RetryStrategy.throttlingCodes.contains(error.code) && throttledRounds < Self.throttledRounds
            {
                // Still throttled after the client's own attempts: back off (as long as Transfer asks, when it
                // says) and try again, rather than fail one user of thousands.
                throttledRounds += 1
                let retry = transfer.client.context.retry
                try await retry.sleeper.sleep(
                    for: TransferClient.retryAfter(error) ?? retry.backoff(beforeRetry: throttledRounds + 1))
                try await limiter.acquire()
                tally.add(TransferClient.Operations.createUser)
                continue
            } catch {
                return .failed(StepFailure(step: "CreateUser", subject: name, error: error))
            }
            break
        }
        try await checkpoint(.afterCreateUser)
        tally.add(DynamoDBClient.Operations.putItem)
        do throws(AWSError) {
            try await registry.recordUser(
                window: windowID, .init(username: name, serverID: serverID, origin: origin, recordedAt: now()))
        } catch {
            return .failed(StepFailure(step: "RecordUser", subject: name, error: error))
        }
        return origin == .created ? .created(name) : .adopted(name)
    }
}
