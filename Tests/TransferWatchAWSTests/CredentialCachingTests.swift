import Foundation
import Testing

@testable import TransferWatchAWS

/// Caching and refreshing: one fetch for many callers, the advisory and mandatory windows.
@Suite struct CachingCredentialProviderTests {
    @Test func aHundredConcurrentCallersCauseOneFetch() async throws {
        let clock = CredentialFakes.Clock()
        let base = GatedProvider(results: [.success(credentials("A", expiresIn: 3600, clock))], gated: true)
        let cache = CachingCredentialProvider(wrapping: base, now: clock.closure)
        async let all = withThrowingTaskGroup(of: AWSCredentials.self) { group in
            for _ in 0..<100 { group.addTask { try await cache.credentials() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await base.waitForCall(1)
        for _ in 0..<100 { await Task.yield() }
        await base.open()
        let results = try await all
        #expect(results.count == 100)
        #expect(Set(results.map(\.accessKeyID)) == ["A"])
        #expect(await base.calls == 1)
        #expect(await cache.fetchCount == 1)
    }

    @Test func credentialsWithoutExpiryAreKeptForGood() async throws {
        let clock = CredentialFakes.Clock()
        let base = GatedProvider(results: [
            .success(AWSCredentials(accessKeyID: "LONGTERM", secretAccessKey: "s", source: "test"))
        ])
        let cache = CachingCredentialProvider(wrapping: base, now: clock.closure)
        _ = try await cache.credentials()
        clock.advance(by: 10 * 365 * 86_400)
        #expect(try await cache.credentials().accessKeyID == "LONGTERM")
        #expect(await base.calls == 1)
    }

    @Test(arguments: [60 * 60.0, 15 * 60.0 + 1, 15 * 60.0])
    func outsideTheAdvisoryWindowNothingIsRefreshed(secondsLeft: TimeInterval) async throws {
        let clock = CredentialFakes.Clock()
        let base = GatedProvider(results: [
            .success(credentials("A", expiresIn: 2 * 3600, clock)),
            .success(credentials("B", expiresIn: 3 * 3600, clock)),
        ])
        let cache = CachingCredentialProvider(wrapping: base, now: clock.closure)
        _ = try await cache.credentials()
        clock.advance(by: 2 * 3600 - secondsLeft)
        #expect(try await cache.credentials().accessKeyID == "A")
        await cache.waitForRefresh()
        #expect(await base.calls == 1)
    }

    @Test func insideTheAdvisoryWindowCallersGetTheCachedValueWhileOneRefreshRuns() async throws {
        let clock = CredentialFakes.Clock()
        let base = GatedProvider(results: [
            .success(credentials("A", expiresIn: 3600, clock)), .success(credentials("B", expiresIn: 7200, clock)),
        ])
        let cache = CachingCredentialProvider(wrapping: base, now: clock.closure)
        #expect(try await cache.credentials().accessKeyID == "A")

        await base.close()
        clock.advance(by: 46 * 60)  // 14 minutes left: advisory
        // The refresh is blocked, yet callers are answered at once with the still-valid credentials.
        #expect(try await cache.credentials().accessKeyID == "A")
        await base.waitForCall(2)
        #expect(try await cache.credentials().accessKeyID == "A")
        #expect(try await cache.credentials().accessKeyID == "A")
        #expect(await base.calls == 2)

        await base.open()
        await cache.waitForRefresh()
        #expect(try await cache.credentials().accessKeyID == "B")
        #expect(await base.calls == 2)
    }

    @Test func aFailedAdvisoryRefreshKeepsTheOldCredentials() async throws {
        let clock = CredentialFakes.Clock()
        let logs = CredentialFakes.LogCapture()
        let base = GatedProvider(results: [
            .success(credentials("A", expiresIn: 3600, clock)),
            .failure(CredentialError(source: "test", reason: "STS unreachable")),
        ])
        let cache = CachingCredentialProvider(wrapping: base, now: clock.closure, logger: logs.logger)
        _ = try await cache.credentials()
        clock.advance(by: 48 * 60)  // 12 minutes left
        #expect(try await cache.credentials().accessKeyID == "A")
        await cache.waitForRefresh()
        #expect(try await cache.credentials().accessKeyID == "A", "still valid, so still served")
        await cache.waitForRefresh()
        #expect(await base.calls == 3, "each call in the advisory window tries again")
        #expect(
            logs.all.first
                == "warning refreshing AWS credentials failed credentials.keeps_cached=true credentials.window=advisory "
                + "error=no AWS credentials from test: STS unreachable")
    }

    @Test func insideTheMandatoryWindowCallersWaitForTheRefresh() async throws {
        let clock = CredentialFakes.Clock()
        let base = GatedProvider(results: [
            .success(credentials("A", expiresIn: 3600, clock)), .success(credentials("B", expiresIn: 7200, clock)),
        ])
        let cache = CachingCredentialProvider(wrapping: base, now: clock.closure)
        _ = try await cache.credentials()
        await base.close()
        clock.advance(by: 55 * 60)  // 5 minutes left: mandatory
        async let waiting = withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.credentials().accessKeyID } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await base.waitForCall(2)
        await base.open()
        #expect(try await waiting == Array(repeating: "B", count: 20), "every caller waited for the new credentials")
        #expect(await base.calls == 2)
    }

    @Test func anAdvisoryRefreshInFlightIsJoinedOnceTheWindowTurnsMandatory() async throws {
        let clock = CredentialFakes.Clock()
        let base = GatedProvider(results: [
            .success(credentials("A", expiresIn: 3600, clock)), .success(credentials("B", expiresIn: 7200, clock)),
        ])
        let cache = CachingCredentialProvider(wrapping: base, now: clock.closure)
        _ = try await cache.credentials()
        await base.close()
        clock.advance(by: 46 * 60)
        #expect(try await cache.credentials().accessKeyID == "A")
        await base.waitForCall(2)
        clock.advance(by: 8 * 60)  // 6 minutes left
        async let mandatory = cache.credentials()
        await base.open()
        #expect(try await mandatory.accessKeyID == "B")
        #expect(await base.calls == 2)
    }

    @Test func aFailedMandatoryRefreshIsThrown() async throws {
        let clock = CredentialFakes.Clock()
        let base = GatedProvider(results: [
            .success(credentials("A", expiresIn: 3600, clock)),
            .failure(CredentialError(source: "instance metadata", reason: "HTTP 500")),
        ])
        let cache = CachingCredentialProvider(wrapping: base, now: clock.closure)
        _ = try await cache.credentials()
        clock.advance(by: 51 * 60)
        await #expect {
            try await cache.credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from instance metadata: HTTP 500"
        }
    }

    @Test func refreshedCredentialsThatAlreadyExpiredAreAFailure() async throws {
        let clock = CredentialFakes.Clock()
        let base = GatedProvider(results: [.success(credentials("OLD", expiresIn: -3600, clock))])
        let cache = CachingCredentialProvider(wrapping: base, now: clock.closure)
        await #expect {
            try await cache.credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from test: the refreshed credentials already expired at 2026-03-01T11:00:00Z"
        }
        #expect(await cache.cachedCredentials == nil)
    }

    @Test func expiredEnvironmentCredentialsFailThroughTheDefaultChain() async throws {
        let clock = CredentialFakes.Clock()
        let provider = DefaultCredentialChain.make(
            context: CredentialFakes.context(
                environment: [
                    "AWS_ACCESS_KEY_ID": "ASIAOLD", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
                    "AWS_CREDENTIAL_EXPIRATION": "2026-03-01T11:30:00Z",
                ], clock: clock))
        await #expect {
            try await provider.credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from environment: the refreshed credentials already expired at 2026-03-01T11:30:00Z"
        }
    }

    // MARK: Helpers

    private func credentials(
        _ id: String, expiresIn seconds: TimeInterval, _ clock: CredentialFakes.Clock
    ) -> AWSCredentials {
        AWSCredentials(
            accessKeyID: id, secretAccessKey: "secret-\(id)", sessionToken: "token-\(id)",
            expiration: clock.now.addingTimeInterval(seconds), source: "test")
    }
}

/// A provider whose fetches can be held at a gate, reporting each call as it starts.
actor GatedProvider: CredentialProvider {
    private var results: [Result<AWSCredentials, CredentialError>]
    private var isGated: Bool
    private var gateWaiters: [CheckedContinuation<Void, Never>] = []
    private var callWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    /// Calls started so far.
    private(set) var calls = 0

    init(results: [Result<AWSCredentials, CredentialError>], gated: Bool = false) {
        self.results = results
        self.isGated = gated
    }

    func credentials() async throws -> AWSCredentials {
        calls += 1
        let ready = callWaiters.filter { $0.count <= calls }
        callWaiters.removeAll { $0.count <= calls }
        ready.forEach { $0.continuation.resume() }
        if isGated { await withCheckedContinuation { gateWaiters.append($0) } }
        let result = results.count > 1 ? results.removeFirst() : results[0]
        return try result.get()
    }

    /// Holds later fetches until ``open()``.
    func close() { isGated = true }

    /// Releases every held fetch and lets later ones through.
    func open() {
        isGated = false
        let waiting = gateWaiters
        gateWaiters = []
        waiting.forEach { $0.resume() }
    }

    /// Returns once `count` calls have started.
    func waitForCall(_ count: Int) async {
        if calls >= count { return }
        await withCheckedContinuation { callWaiters.append((count, $0)) }
    }
}
