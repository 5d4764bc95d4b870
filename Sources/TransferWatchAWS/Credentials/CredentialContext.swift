import Foundation
import Logging

/// Everything the credential providers read or talk to, injected so tests touch no real environment, home
/// directory, network, process table or clock.
///
/// ```swift
/// let context = CredentialContext(environment: ProcessInfo.processInfo.environment,
///                                 transport: transport, logger: logger)
/// let provider = DefaultCredentialChain.make(context: context)
/// ```
package struct CredentialContext: Sendable {
    /// The process environment (`AWS_*`, `HOME`).
    package var environment: [String: String]
    /// Reads `~/.aws/*`, token files.
    package var files: any FileReader
    /// Carries STS, container and instance-metadata requests.
    package var transport: any HTTPTransport
    /// Runs `credential_process` commands.
    package var processes: any ProcessRunner
    /// The wall clock (expiry checks, session names, SigV4 dates for AssumeRole).
    package var now: @Sendable () -> Date
    /// Waits between container-endpoint attempts and STS retries.
    package var sleeper: any Sleeper
    /// Jitter for STS retries and the instance-metadata expiry extension.
    package var random: any RandomSource
    /// Where providers log (debug level; never a secret).
    package var logger: Logger
    /// The profile a caller chose (a `--profile` flag); beats `AWS_PROFILE`.
    package var profile: String?
    /// The region for STS calls; when `nil`: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`,
    /// then `us-east-1`.
    package var region: String?

    /// A context; only the environment, the transport and the logger have no real-world default.
    package init(
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
    ) {
        self.environment = environment
        self.files = files
        self.transport = transport
        self.processes = processes
        self.now = now
        self.sleeper = sleeper
        self.random = random
        self.logger = logger
        self.profile = profile
        self.region = region
    }

    /// The value of `name` when it is set and not empty.
    package func variable(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// Whether `name` is set to `true` (any case), as botocore's `ensure_boolean` reads it.
    package func flag(_ name: String) -> Bool { environment[name]?.lowercased() == "true" }

    /// Both shared files, with this context's profile selection.
    /// - Throws: ``CredentialError`` for the `shared files` source when a file cannot be read or parsed.
    package func sharedConfig() throws(CredentialError) -> SharedConfigFiles {
        do {
            return try SharedConfigFiles.load(environment: environment, files: files, profile: profile)
        } catch {
            throw CredentialError(source: "shared files", reason: error.description)
        }
    }

    /// Reads a small text file (a token), failing with a message that names it.
    /// - Throws: a reason string when the file is missing or unreadable.
    func readText(_ path: String, what: String) throws(FailureMessage) -> String {
        let data: Data?
        do {
            data = try files.contents(atPath: path)
        } catch {
            throw FailureMessage(message: "cannot read \(what) \(path): \(error.reason)")
        }
        guard let data else { throw FailureMessage(message: "\(what) \(path) does not exist") }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw FailureMessage(message: "\(what) \(path) is not UTF-8 text")
        }
        return text
    }

    /// The STS client for AssumeRole calls: endpoint from `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` or the shared
    /// config, standard retries with this context's sleeper.
    /// - Throws: ``CredentialError`` for `source` when the shared config's STS `endpoint_url` is malformed.
    func stsClient(
        credentials: any CredentialProvider, shared: SharedConfigFiles?, source: String
    ) throws(CredentialError) -> AWSClient {
        let region = region ?? variable("AWS_REGION") ?? variable("AWS_DEFAULT_REGION") ?? shared?.region ?? "us-east-1"
        let configured: URL?
        do {
            configured = try shared?.endpointURL(for: .sts)
        } catch {
            throw CredentialError(source: source, reason: error.description)
        }
        let clientContext = AWSClient.Context(
            region: region,
            endpoints: EndpointResolver(region: region, environment: environment, configuredEndpoint: configured),
            credentials: credentials,
            transport: transport,
            retry: RetryStrategy(sleeper: sleeper, random: random),
            now: now,
            timeout: .seconds(30),
            logger: logger
        )
        return AWSClient(service: .sts, context: clientContext)
    }
}

/// An internal failure whose message is safe to show: it names files and fields, never their secret contents.
struct FailureMessage: Error {
    var message: String
}
