import Foundation

/// The agent's configuration: `transferwatch.yaml` with the AWS environment layered on top, validated.
///
/// Read it once at startup; everything built from a `Configuration` can rely on its values being
/// valid. Nested structs group the keys as the YAML does, and every key with a default has it here:
///
/// ```swift
/// let configuration = try Configuration.load(
///     contentsOf: "/etc/transferwatch/transferwatch.yaml",
///     environment: ProcessInfo.processInfo.environment
/// )
/// configuration.sftp.maxLifespan  // .seconds(172_800) unless set
/// ```
///
/// Tests build one directly, with only the required values:
///
/// ```swift
/// let configuration = Configuration(
///     region: "us-east-1",
///     buckets: .init(source: "invoices-incoming", destination: "invoices-archive"),
///     tables: .init(employees: "SFTPUsers", state: "TransferWatchState")
/// )
/// ```
package struct Configuration: Sendable, Equatable {
    /// The AWS region (`region`, overridden by `AWS_REGION`, then `AWS_DEFAULT_REGION`).
    package var region: String
    /// One endpoint for every service, such as a local emulator (`endpoint`, overridden by `AWS_ENDPOINT_URL`).
    package var endpoint: URL?
    /// The `Environment` metric dimension and alert label (`environment`).
    package var environment: String
    /// The CloudWatch namespace for metrics (`namespace`).
    package var namespace: String
    /// The source and destination buckets (`buckets`).
    package var buckets: Buckets
    /// How a source key becomes a destination key (`destinationKey`).
    package var destinationKey: KeyTemplate
    /// The DynamoDB tables (`tables`).
    package var tables: Tables
    /// The SQS queue that receives the source bucket's upload notifications (`queue`).
    package var queue: URL?
    /// The SFTP server's life cycle (`sftp`).
    package var sftp: SFTP
    /// Where alerts go (`alerts`).
    package var alerts: Alerts
    /// The rule files' folder (`rules`).
    package var rules: ConfiguredPath
    /// The dashboard files' folder (`dashboards`).
    package var dashboards: ConfiguredPath
    /// The folder for the agent's durable local state (`spool`).
    package var spool: ConfiguredPath
    /// The status and metrics HTTP server's address (`listen`).
    package var listen: ListenAddress
    /// How the AWS client behaves (`aws`).
    package var aws: AWS
    /// How objects are copied (`copy`).
    package var copy: Copy
    /// How metrics are published (`metrics`).
    package var metrics: Metrics
    /// How the long-running agent behaves (`agent`).
    package var agent: Agent

    /// The default `environment`.
    package static let defaultEnvironment = "prod"
    /// The default `namespace`.
    package static let defaultNamespace = "TransferWatch"
    /// The default `listen` address, loopback only.
    package static let defaultListen = ListenAddress(host: "127.0.0.1", port: 9464)

    /// Creates a configuration; every argument but the region, buckets and tables has the documented default.
    ///
    /// Relative paths are kept as they are; ``load(contentsOf:environment:)`` resolves them
    /// against the configuration file's folder.
    package init(
        region: String,
        endpoint: URL? = nil,
        environment: String = Configuration.defaultEnvironment,
        namespace: String = Configuration.defaultNamespace,
        buckets: Buckets,
        destinationKey: KeyTemplate = .sourceKey,
        tables: Tables,
        queue: URL? = nil,
        sftp: SFTP = SFTP(),
        alerts: Alerts = Alerts(),
        rules: ConfiguredPath = ConfiguredPath("rules/"),
        dashboards: ConfiguredPath = ConfiguredPath("dashboards/"),
        spool: ConfiguredPath = ConfiguredPath("/var/lib/transferwatch"),
        listen: ListenAddress = Configuration.defaultListen,
        aws: AWS = AWS(),
        copy: Copy = Copy(),
        metrics: Metrics = Metrics(),
        agent: Agent = Agent()
    ) {
        self.region = region
        self.endpoint = endpoint
        self.environment = environment
        self.namespace = namespace
        self.buckets = buckets
        self.destinationKey = destinationKey
        self.tables = tables
        self.queue = queue
        self.sftp = sftp
        self.alerts = alerts
        self.rules = rules
        self.dashboards = dashboards
        self.spool = spool
        self.listen = listen
        self.aws = aws
        self.copy = copy
        self.metrics = metrics
        self.agent = agent
    }

    /// The two S3 buckets: where employees upload, and where the copies go.
    package struct Buckets: Sendable, Equatable {
        /// The bucket the SFTP users' homes map to (`buckets.source`).
        package var source: String
        /// The archive bucket objects are copied to (`buckets.destination`).
        package var destination: String

        /// Creates the pair; the names must differ.
        package init(source: String, destination: String) {
            self.source = source
            self.destination = destination
        }
    }

    /// The two DynamoDB tables.
    package struct Tables: Sendable, Equatable {
        /// The employees table, kept by the administrators (`tables.employees`).
        package var employees: String
        /// The agent's own state table (`tables.state`).
        package var state: String

        /// Creates the pair.
        package init(employees: String, state: String) {
            self.employees = employees
            self.state = state
        }
    }

    /// The SFTP server's life cycle and cost.
    package struct SFTP: Sendable, Equatable {
        /// The IAM role the SFTP users assume to reach the source bucket (`sftp.userRole`).
        package var userRole: ARN?
        /// When provisioning runs and the delivery window opens (`sftp.provision`).
        package var provision: ScheduleExpression
        /// When teardown runs and the window closes (`sftp.teardown`).
        package var teardown: ScheduleExpression
        /// The longest a server may live before it is torn down regardless (`sftp.maxLifespan`).
        package var maxLifespan: Duration
        /// The wall clock the schedules are read on (`sftp.timezone`).
        package var timezone: TimeZone
        /// Whether the server's endpoint is public or in a VPC (`sftp.endpointType`).
        package var endpointType: EndpointType
        /// The IAM role Transfer Family logs to CloudWatch Logs with (`sftp.loggingRole`).
        package var loggingRole: ARN?
        /// What one enabled protocol costs per hour, in USD (`sftp.hourlyPrice`), for cost estimates.
        package var hourlyPrice: Double
        /// SFTP users created or deleted at once (`sftp.userConcurrency`).
        package var userConcurrency: Int
        /// Transfer Family requests per second for users, a client-side limit (`sftp.requestsPerSecond`).
        package var requestsPerSecond: Double
        /// How long a new server may take to come ONLINE (`sftp.onlineTimeout`).
        package var onlineTimeout: Duration

        /// The default provisioning schedule: 00:00 on the 28th of every month.
        package static let defaultProvision = ScheduleExpression(builtIn: "cron(0 0 28 * ? *)")
        /// The default teardown schedule: 00:00 on the 1st of every month.
        package static let defaultTeardown = ScheduleExpression(builtIn: "cron(0 0 1 * ? *)")
        /// The default `maxLifespan`, two days.
        package static let defaultMaxLifespan = Duration.seconds(2 * 86_400)
        /// The default `hourlyPrice`, Transfer Family's USD 0.30 per protocol-hour.
        package static let defaultHourlyPrice = 0.30
        /// The default `userConcurrency`.
        package static let defaultUserConcurrency = 8
        /// The default `requestsPerSecond`: Transfer Family's request rates are low.
        package static let defaultRequestsPerSecond = 10.0
        /// The default `onlineTimeout` (AWS says a new server takes "a couple of minutes").
        package static let defaultOnlineTimeout = Duration.seconds(15 * 60)

        /// Creates the settings; each argument defaults to the documented default.
        package init(
            userRole: ARN? = nil,
            provision: ScheduleExpression = SFTP.defaultProvision,
            teardown: ScheduleExpression = SFTP.defaultTeardown,
            maxLifespan: Duration = SFTP.defaultMaxLifespan,
            timezone: TimeZone = .gmt,
            endpointType: EndpointType = .public,
            loggingRole: ARN? = nil,
            hourlyPrice: Double = SFTP.defaultHourlyPrice,
            userConcurrency: Int = SFTP.defaultUserConcurrency,
            requestsPerSecond: Double = SFTP.defaultRequestsPerSecond,
            onlineTimeout: Duration = SFTP.defaultOnlineTimeout
        ) {
            self.userRole = userRole
            self.provision = provision
            self.teardown = teardown
            self.maxLifespan = maxLifespan
            self.timezone = timezone
            self.endpointType = endpointType
            self.loggingRole = loggingRole
            self.hourlyPrice = hourlyPrice
            self.userConcurrency = userConcurrency
            self.requestsPerSecond = requestsPerSecond
            self.onlineTimeout = onlineTimeout
        }
    }

    /// Transfer Family's endpoint types.
    package enum EndpointType: String, Sendable, Equatable, CaseIterable {
        /// `PUBLIC`: reachable from the internet.
        case `public` = "PUBLIC"
        /// `VPC`: inside a VPC.
        case vpc = "VPC"
    }

    /// Where alerts are sent.
    package struct Alerts: Sendable, Equatable {
        /// The SNS topic that receives alert notifications (`alerts.snsTopicArn`).
        package var snsTopicArn: ARN?
        /// The webhooks that receive alert notifications (`alerts.webhooks`).
        package var webhooks: [Webhook]

        /// The labels that group alerts into one notification (`alerts.groupBy`).
        package var groupBy: [String]
        /// How long a new group waits for more alerts before its first notification (`alerts.groupWait`).
        package var groupWait: Duration
        /// How long a group waits before notifying about changes in it (`alerts.groupInterval`).
        package var groupInterval: Duration
        /// How long before a still-firing, unchanged group is notified again (`alerts.repeatInterval`).
        package var repeatInterval: Duration
        /// Which firing alerts hold back which others (`alerts.inhibit`).
        package var inhibitRules: [InhibitRule]
        /// The longest a receiver may take to answer one delivery (`alerts.deliveryTimeout`).
        package var deliveryTimeout: Duration
        /// How long an undelivered notification is retried before it is given up (`alerts.deliveryExpiry`).
        package var deliveryExpiry: Duration
        /// The link back to this agent put into notifications (`alerts.externalURL`), if any.
        package var externalURL: URL?

        /// Alertmanager's defaults: group by alert name and environment, 30s, 5m, 4h.
        package static let defaultGroupBy = ["alertname", "environment"]
        /// `alerts.groupWait` when absent.
        package static let defaultGroupWait: Duration = .seconds(30)
        /// `alerts.groupInterval` when absent.
        package static let defaultGroupInterval: Duration = .seconds(300)
        /// `alerts.repeatInterval` when absent.
        package static let defaultRepeatInterval: Duration = .seconds(4 * 3600)
        /// `alerts.deliveryTimeout` when absent.
        package static let defaultDeliveryTimeout: Duration = .seconds(10)
        /// `alerts.deliveryExpiry` when absent.
        package static let defaultDeliveryExpiry: Duration = .seconds(24 * 3600)
        /// `alerts.inhibit` when absent: a stale or orphan server explains a stalled counter in the same
        /// environment and window, so only the server alert is sent.
        package static let defaultInhibitRules: [InhibitRule] = ["stale-server", "orphan-server"].map {
            InhibitRule(
                sourceMatchers: ["alertname": $0], targetMatchers: ["alertname": "stalled-counter"],
                equal: ["environment", "window"])
        }

        /// Creates the settings; no topic and no webhooks by default.
        package init(
            snsTopicArn: ARN? = nil, webhooks: [Webhook] = [], groupBy: [String] = Alerts.defaultGroupBy,
            groupWait: Duration = Alerts.defaultGroupWait, groupInterval: Duration = Alerts.defaultGroupInterval,
            repeatInterval: Duration = Alerts.defaultRepeatInterval,
            inhibitRules: [InhibitRule] = Alerts.defaultInhibitRules,
            deliveryTimeout: Duration = Alerts.defaultDeliveryTimeout,
            deliveryExpiry: Duration = Alerts.defaultDeliveryExpiry, externalURL: URL? = nil
        ) {
            self.snsTopicArn = snsTopicArn
            self.webhooks = webhooks
            self.groupBy = groupBy
            self.groupWait = groupWait
            self.groupInterval = groupInterval
            self.repeatInterval = repeatInterval
            self.inhibitRules = inhibitRules
            self.deliveryTimeout = deliveryTimeout
            self.deliveryExpiry = deliveryExpiry
            self.externalURL = externalURL
        }
    }

    /// One inhibit rule (`alerts.inhibit[n]`): while an alert matching ``sourceMatchers`` fires, alerts
    /// matching ``targetMatchers`` with the same values of the ``equal`` labels are not sent.
    package struct InhibitRule: Sendable, Equatable {
        /// Label values the inhibiting alert must have (`source`).
        package var sourceMatchers: [String: String]
        /// Label values the inhibited alert must have (`target`).
        package var targetMatchers: [String: String]
        /// Labels whose values must be equal in both (a label missing from both counts as equal).
        package var equal: [String]

        /// Creates a rule.
        package init(sourceMatchers: [String: String], targetMatchers: [String: String], equal: [String]) {
            self.sourceMatchers = sourceMatchers
            self.targetMatchers = targetMatchers
            self.equal = equal
        }
    }

    /// One webhook receiver.
    package struct Webhook: Sendable, Equatable {
        /// Where to POST (`url`).
        package var url: URL
        /// The payload format (`format`).
        package var format: WebhookFormat
        /// The PagerDuty Events API v2 routing key (`routingKey`), required for `pagerduty` only.
        package var routingKey: String?

        /// Creates a webhook; Alertmanager's format by default.
        package init(url: URL, format: WebhookFormat = .alertmanager, routingKey: String? = nil) {
            self.url = url
            self.format = format
            self.routingKey = routingKey
        }
    }

    /// The webhook payload formats.
    package enum WebhookFormat: String, Sendable, Equatable, CaseIterable {
        /// Alertmanager's webhook JSON, version 4.
        case alertmanager
        /// A Slack incoming-webhook message.
        case slack
        /// A PagerDuty Events API v2 event.
        case pagerduty
    }

    /// How the AWS client behaves.
    package struct AWS: Sendable, Equatable {
        /// Attempts per request, the first included (`aws.maxAttempts`, overridden by `AWS_MAX_ATTEMPTS`).
        package var maxAttempts: Int
        /// How long to wait for a connection (`aws.connectTimeout`).
        package var connectTimeout: Duration
        /// How long a whole request may take (`aws.requestTimeout`).
        package var requestTimeout: Duration
        /// A PEM bundle of extra CA certificates (`aws.caBundle`, overridden by `AWS_CA_BUNDLE`).
        package var caBundle: ConfiguredPath?
        /// The shared-config profile for credentials (`AWS_PROFILE`; environment only).
        package var profile: String?
        /// Per-service endpoints from `AWS_ENDPOINT_URL_<SERVICE>`, keyed by the upper-case
        /// service identifier (`S3`, `DYNAMODB`, `SQS`, `SNS`, `CLOUDWATCH`, `TRANSFER`, `IAM`, `STS`);
        /// each takes precedence over ``Configuration/endpoint`` for its service.
        package var serviceEndpoints: [String: URL]

        /// The default `maxAttempts`.
        package static let defaultMaxAttempts = 3
        /// The default `connectTimeout`.
        package static let defaultConnectTimeout = Duration.seconds(5)
        /// The default `requestTimeout`.
        package static let defaultRequestTimeout = Duration.seconds(60)

        /// Creates the settings; each argument defaults to the documented default.
        package init(
            maxAttempts: Int = AWS.defaultMaxAttempts,
            connectTimeout: Duration = AWS.defaultConnectTimeout,
            requestTimeout: Duration = AWS.defaultRequestTimeout,
            caBundle: ConfiguredPath? = nil,
            profile: String? = nil,
            serviceEndpoints: [String: URL] = [:]
        ) {
            self.maxAttempts = maxAttempts
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.caBundle = caBundle
            self.profile = profile
            self.serviceEndpoints = serviceEndpoints
        }

        /// The endpoint for one service: its `AWS_ENDPOINT_URL_<SERVICE>`, else `shared`.
        ///
        /// - Parameters:
        ///   - service: The service identifier, such as `S3` or `DynamoDB` (case is ignored).
        ///   - shared: The endpoint for every service, ``Configuration/endpoint``.
        /// - Returns: The endpoint to use, or `nil` for the service's regional AWS endpoint.
        package func endpoint(for service: String, shared: URL?) -> URL? {
            serviceEndpoints[service.uppercased()] ?? shared
        }
    }

    /// How objects are copied from the source to the destination bucket.
    package struct Copy: Sendable, Equatable {
        /// Objects at least this large are copied in parts (`copy.multipartThreshold`, at most 5GiB).
        package var multipartThreshold: ByteSize
        /// The size of each part of a multipart copy (`copy.partSize`, 5MiB–5GiB).
        package var partSize: ByteSize
        /// Parts of one object copied at once (`copy.partConcurrency`).
        package var partConcurrency: Int
        /// Objects copied at once (`copy.concurrency`).
        package var concurrency: Int
        /// How long after an upload event a missing source object is still retried (`copy.gracePeriod`).
        package var gracePeriod: Duration

        /// The default `multipartThreshold`, 5GiB: CopyObject's own limit.
        package static let defaultMultipartThreshold = ByteSize.gibibytes(5)
        /// The default `partSize`, 256MiB.
        package static let defaultPartSize = ByteSize.mebibytes(256)
        /// The smallest part S3 accepts (but for the last), 5MiB.
        package static let minimumPartSize = ByteSize.mebibytes(5)
        /// The largest part S3 accepts, 5GiB.
        package static let maximumPartSize = ByteSize.gibibytes(5)
        /// The default `partConcurrency`.
        package static let defaultPartConcurrency = 4
        /// The default `concurrency`.
        package static let defaultConcurrency = 8
        /// The default `gracePeriod`, 15 minutes.
        package static let defaultGracePeriod = Duration.seconds(15 * 60)

        /// Creates the settings; each argument defaults to the documented default.
        package init(
            multipartThreshold: ByteSize = Copy.defaultMultipartThreshold,
            partSize: ByteSize = Copy.defaultPartSize,
            partConcurrency: Int = Copy.defaultPartConcurrency,
            concurrency: Int = Copy.defaultConcurrency,
            gracePeriod: Duration = Copy.defaultGracePeriod
        ) {
            self.multipartThreshold = multipartThreshold
            self.partSize = partSize
            self.partConcurrency = partConcurrency
            self.concurrency = concurrency
            self.gracePeriod = gracePeriod
        }
    }
}

extension ScheduleExpression {
    /// Parses an expression written into the source code, which is known to be valid.
    init(builtIn text: String) {
        do {
            try self.init(parsing: text)
        } catch {
            preconditionFailure("built-in schedule \(text) is invalid: \(error)")
        }
    }
}
