import Foundation
import Logging

/// Caches another provider's credentials and refreshes them before they expire, the way botocore's
/// `RefreshableCredentials` does.
///
/// - Credentials without an expiry are kept for good.
/// - **Advisory window** (default: less than 15 minutes left): the first caller starts a refresh in the background
///   and every caller keeps getting the cached, still-valid credentials. If that refresh fails, the old
///   credentials stay in use and the next call tries again.
/// - **Mandatory window** (default: less than 10 minutes left, or nothing cached yet): callers wait for the
///   refresh, and a failure is thrown to them.
/// - Only one refresh runs at a time, however many callers there are; everyone waiting shares its result.
/// - Refreshed credentials that are already expired count as a failed refresh.
///
/// ```swift
/// let provider = CachingCredentialProvider(wrapping: chain, now: { Date() })
/// let credentials = try await provider.credentials()
/// ```
package actor CachingCredentialProvider: CredentialProvider {
    /// The provider asked for fresh credentials.
    package nonisolated let base: any CredentialProvider
    /// Refresh in the background when less than this is left.
    package nonisolated let advisoryWindow: Duration
    /// Wait for a refresh when less than this is left.
    package nonisolated let mandatoryWindow: Duration
    private let now: @Sendable () -> Date
    private let logger: Logger?
    private var cached: AWSCredentials?
    private var refresh: Task<AWSCredentials, any Error>?
    private var fetches = 0

    /// - Parameters:
    ///   - base: the provider to cache.
    ///   - now: the clock.
    ///   - advisoryWindow: botocore's 15 minutes.
    ///   - mandatoryWindow: botocore's 10 minutes.
    ///   - logger: where failed refreshes are reported (at warning level, without secrets).
    package init(
        wrapping base: any CredentialProvider, now: @escaping @Sendable () -> Date,
        advisoryWindow: Duration = .seconds(15 * 60), mandatoryWindow: Duration = .seconds(10 * 60),
        logger: Logger? = nil
    ) {
        self.base = base
        self.now = now
        self.advisoryWindow = advisoryWindow
        self.mandatoryWindow = max(.zero, min(mandatoryWindow, advisoryWindow))
        self.logger = logger
    }

    /// The cached credentials, refreshed as the windows require.
    package func credentials() async throws -> AWSCredentials {
        if let cached {
            guard let expiration = cached.expiration else { return cached }
            let remaining = expiration.timeIntervalSince(now())
            if remaining >= Self.seconds(advisoryWindow) { return cached }
            if remaining >= Self.seconds(mandatoryWindow) {
                _ = startRefresh(mandatory: false)
                return cached
            }
        }
        return try await startRefresh(mandatory: true).value
    }

    /// Waits for the refresh in flight, if any, to finish (for tests and orderly shutdown); never throws.
    package func waitForRefresh() async {
        if let refresh { _ = await refresh.result }
    }

    /// How many times the base provider has been asked (each refresh once).
    package var fetchCount: Int { fetches }

    /// The credentials currently cached, without refreshing.
    package var cachedCredentials: AWSCredentials? { cached }

    /// The refresh in flight, or a new one.
    private func startRefresh(mandatory: Bool) -> Task<AWSCredentials, any Error> {
        if let refresh { return refresh }
        fetches += 1
        let task = Task { try await self.performRefresh(mandatory: mandatory) }
        refresh = task
        return task
    }

    private func performRefresh(mandatory: Bool) async throws -> AWSCredentials {
        defer { refresh = nil }
        do {
            let fresh = try await base.credentials()
            if let expiration = fresh.expiration, expiration <= now() {
                throw CredentialError(
                    source: fresh.source,
                    reason: "the refreshed credentials already expired at \(AWSDate.iso8601(expiration))")
            }
            cached = fresh
            return fresh
        } catch {
            let keepsOld = !mandatory && cached != nil
            // A failure the caller receives is theirs to report; only a failure hidden behind the cached
            // credentials needs a warning of its own.
            logger?.log(
                level: keepsOld ? .warning : .debug,
                "refreshing AWS credentials failed",
                metadata: [
                    "credentials.window": "\(mandatory ? "mandatory" : "advisory")",
                    "credentials.keeps_cached": "\(keepsOld)",
                    "error": "\(error)",
                ])
            throw error
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
