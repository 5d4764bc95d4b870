import Foundation
import Logging

/// The AWS SDKs' default credential chain, in botocore's order, cached and refreshed before expiry.
///
/// 1. ``EnvironmentCredentialProvider``: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, ….
/// 2. ``ProfileCredentialProvider`` for the selected profile: assume role (`role_arn` + `source_profile` /
///    `credential_source`), then web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` … or the profile's
///    `web_identity_token_file`), then static keys from `~/.aws/credentials`, `credential_process`, static keys
///    from `~/.aws/config`.
/// 3. ``ContainerCredentialProvider``: ECS and EKS Pod Identity.
/// 4. ``InstanceMetadataCredentialProvider``: the EC2 instance role.
///
/// When the caller names a profile (``CredentialContext/profile``, e.g. a `--profile` flag), botocore drops the
/// environment keys and the web identity variables, so the named profile is what is used; so does this chain.
/// `AWS_PROFILE` is not such a choice: with it the environment keys still come first.
///
/// ```swift
/// let credentials = DefaultCredentialChain.make(environment: ProcessInfo.processInfo.environment,
///                                               transport: transport, logger: logger)
/// let context = AWSClient.Context(region: region, credentials: credentials, transport: transport)
/// ```
package enum DefaultCredentialChain {
    /// The sources, uncached, in order.
    package static func sources(context: CredentialContext) -> [any CredentialSource] {
        let profileChosenByCaller = context.profile != nil
        var sources: [any CredentialSource] = []
        if !profileChosenByCaller { sources.append(EnvironmentCredentialProvider(environment: context.environment)) }
        sources.append(
            ProfileCredentialProvider(context: context, includesEnvironmentWebIdentity: !profileChosenByCaller))
        sources.append(ContainerCredentialProvider(context: context))
        sources.append(InstanceMetadataCredentialProvider(context: context))
        return sources
    }

    /// The chain without a cache.
    package static func makeChain(context: CredentialContext) -> CredentialChain {
        CredentialChain(sources(context: context), logger: context.logger)
    }

    /// The chain behind a ``CachingCredentialProvider`` (15-minute advisory, 10-minute mandatory refresh).
    package static func make(context: CredentialContext) -> CachingCredentialProvider {
        CachingCredentialProvider(wrapping: makeChain(context: context), now: context.now, logger: context.logger)
    }

    /// The cached chain, built from its parts (see ``CredentialContext`` for each).
    package static func make(
        environment: [String: String],
        files: any FileReader = LocalFileReader(),
        transport: any HTTPTransport,
        processes: any ProcessRunner = LocalProcessRunner(),
        now: @escaping @Sendable () -> Date = { Date() },
        sleeper: any Sleeper = ClockSleeper(),
        random: any RandomSource = SystemRandomSource(),
        logger: Logger,
        profile: String? = nil,
        region: String? = nil
    ) -> CachingCredentialProvider {
        make(
            context: CredentialContext(
                environment: environment, files: files, transport: transport, processes: processes, now: now,
                sleeper: sleeper, random: random, logger: logger, profile: profile, region: region))
    }
}
