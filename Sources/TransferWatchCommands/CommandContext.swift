import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig

/// What every command that talks to AWS starts from: the validated configuration, the business clock
/// (`--now`), a logger, and the AWS client context (credentials chain, libcurl transport, retries, endpoints).
///
/// Two clocks on purpose: `--now` moves the *pipeline's* time (windows, schedules, ages) for replay and tests;
/// signatures and credential expiry always use the real clock, or AWS would refuse the requests.
struct CommandContext: Sendable {
    var configuration: Configuration
    var configurationPath: String
    var environment: [String: String]
    /// The pipeline's time: `--now`, or the real clock.
    var now: @Sendable () -> Date
    var logger: Logger
    var aws: AWSClient.Context
    var credentials: CachingCredentialProvider

    /// Loads the configuration and builds the AWS context.
    /// - Throws: `ConfigurationErrors` (exit 2), or a `ValidationError` for a bad `--now`.
    static func make(global: GlobalOptions, label: String = "transferwatch") throws -> CommandContext {
        let environment = ProcessInfo.processInfo.environment
        let path = global.configurationPath(environment: environment)
        let configuration = try Configuration.load(contentsOf: path, environment: environment)
        let now = try global.clock()
        let logger = makeLogger(label: label, global: global)
        let transport = try CurlTransport(configuration: .init(
            connectTimeout: configuration.aws.connectTimeout,
            caBundle: configuration.aws.caBundle?.resolved))
        let credentials = DefaultCredentialChain.make(environment: environment, transport: transport, logger: logger,
                                                      profile: configuration.aws.profile, region: configuration.region)
        let aws = AWSClient.Context(
            region: configuration.region,
            endpoints: EndpointResolver(region: configuration.region, environment: environment, configuredEndpoint: configuration.endpoint,
                                        sharedConfig: try? SharedConfigFiles.load(environment: environment, files: LocalFileReader(),
                                                                                  profile: configuration.aws.profile)),
            credentials: credentials,
            transport: transport,
            retry: RetryStrategy(maxAttempts: configuration.aws.maxAttempts),
            timeout: configuration.aws.requestTimeout,
            logger: logger)
        return CommandContext(configuration: configuration, configurationPath: path, environment: environment, now: now,
                              logger: logger, aws: aws, credentials: credentials)
    }

    /// A logger writing text or JSON lines to stderr at `--log-level` (libraries only ever receive it).
    static func makeLogger(label: String, global: GlobalOptions) -> Logger {
        let format = global.logFormat
        let level = global.logLevel.level
        return Logger(label: label) { label in StandardErrorLogHandler(label: label, format: format, level: level) }
    }
}
