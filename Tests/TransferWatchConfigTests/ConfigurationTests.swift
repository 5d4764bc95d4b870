import Foundation
import Testing
import TransferWatchConfig

@Suite struct ConfigurationTests {
    /// The example from CONTRACT.md, comments and all.
    static let contractExample = """
        region: us-east-1
        endpoint: http://127.0.0.1:5000      # optional: one endpoint for every service (a local emulator)
        environment: prod                     # the Environment dimension and label
        namespace: TransferWatch              # CloudWatch namespace
        buckets: {source: invoices-incoming, destination: invoices-archive}
        destinationKey: "{key}"               # template: {key} {username} {filename} {yyyy} {mm}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        queue: https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads
        sftp:
          userRole: arn:aws:iam::123456789012:role/sftp-invoice-user
          provision: "cron(0 0 28 * ? *)"      # EventBridge cron syntax, UTC unless timezone is set
          teardown: "cron(0 0 1 * ? *)"
          maxLifespan: 2d
          timezone: UTC
        alerts:
          snsTopicArn: arn:aws:sns:us-east-1:123456789012:oncall
          webhooks: [{url: "http://127.0.0.1:9099/hook", format: alertmanager}]   # alertmanager | slack | pagerduty
        rules: rules/
        dashboards: dashboards/
        spool: /var/lib/transferwatch
        listen: 127.0.0.1:9464

        """

    @Test func decodesContractExampleToExpectedValues() throws {
        let configuration = try Configuration(
            yaml: Self.contractExample,
            file: "/etc/transferwatch/transferwatch.yaml",
            environment: [:]
        )
        let expected = Configuration(
            region: "us-east-1",
            endpoint: URL(string: "http://127.0.0.1:5000"),
            environment: "prod",
            namespace: "TransferWatch",
            buckets: .init(source: "invoices-incoming", destination: "invoices-archive"),
            destinationKey: try KeyTemplate(parsing: "{key}"),
            tables: .init(employees: "SFTPUsers", state: "TransferWatchState"),
            queue: URL(string: "https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads"),
            sftp: .init(
                userRole: try ARN.iamRole("arn:aws:iam::123456789012:role/sftp-invoice-user"),
                provision: try ScheduleExpression(parsing: "cron(0 0 28 * ? *)"),
                teardown: try ScheduleExpression(parsing: "cron(0 0 1 * ? *)"),
                maxLifespan: .seconds(2 * 86_400),
                timezone: try #require(TimeZone(identifier: "UTC"))
            ),
            alerts: .init(
                snsTopicArn: try ARN.snsTopic("arn:aws:sns:us-east-1:123456789012:oncall"),
                webhooks: [.init(url: try #require(URL(string: "http://127.0.0.1:9099/hook")), format: .alertmanager)]
            ),
            rules: ConfiguredPath("rules/", relativeTo: "/etc/transferwatch"),
            dashboards: ConfiguredPath("dashboards/", relativeTo: "/etc/transferwatch"),
            spool: ConfiguredPath("/var/lib/transferwatch"),
            listen: ListenAddress(host: "127.0.0.1", port: 9464)
        )
        #expect(configuration == expected)
        #expect(configuration.rules.resolved == "/etc/transferwatch/rules/")
        #expect(configuration.rules.raw == "rules/")
        #expect(configuration.dashboards.resolved == "/etc/transferwatch/dashboards/")
        #expect(configuration.spool.resolved == "/var/lib/transferwatch")
    }

    @Test func appliesDefaultsToMinimalConfiguration() throws {
        let configuration = try Configuration(yaml: minimalYAML, file: "conf/transferwatch.yaml", environment: [:])
        #expect(configuration.region == "us-east-1")
        #expect(configuration.endpoint == nil)
        #expect(configuration.environment == "prod")
        #expect(configuration.namespace == "TransferWatch")
        #expect(configuration.destinationKey == .sourceKey)
        #expect(configuration.queue == nil)
        #expect(configuration.sftp.userRole == nil)
        #expect(configuration.sftp.provision.description == "cron(0 0 28 * ? *)")
        #expect(configuration.sftp.teardown.description == "cron(0 0 1 * ? *)")
        #expect(configuration.sftp.maxLifespan == .seconds(172_800))
        #expect(configuration.sftp.timezone == .gmt)
        #expect(configuration.sftp.endpointType == .public)
        #expect(configuration.sftp.loggingRole == nil)
        #expect(configuration.sftp.hourlyPrice == 0.30)
        #expect(configuration.sftp.userConcurrency == 8)
        #expect(configuration.sftp.requestsPerSecond == 10)
        #expect(configuration.sftp.onlineTimeout == .seconds(900))
        #expect(configuration.alerts == .init())
        #expect(configuration.rules == ConfiguredPath("rules/", relativeTo: "conf"))
        #expect(configuration.rules.resolved == "conf/rules/")
        #expect(configuration.dashboards.resolved == "conf/dashboards/")
        #expect(configuration.spool.resolved == "/var/lib/transferwatch")
        #expect(configuration.listen == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(configuration.aws == .init(maxAttempts: 3, connectTimeout: .seconds(5), requestTimeout: .seconds(60)))
        #expect(configuration.copy.multipartThreshold == .gibibytes(5))
        #expect(configuration.copy.partSize == .mebibytes(256))
        #expect(configuration.copy.partConcurrency == 4)
        #expect(configuration.copy.concurrency == 8)
        #expect(configuration.copy.gracePeriod == .seconds(900))
    }

    @Test func minimalConfigurationEqualsMemberwiseDefaults() throws {
        let configuration = try Configuration(yaml: minimalYAML, file: "transferwatch.yaml", environment: [:])
        let expected = Configuration(
            region: "us-east-1",
            buckets: .init(source: "invoices-incoming", destination: "invoices-archive"),
            tables: .init(employees: "SFTPUsers", state: "TransferWatchState")
        )
        #expect(configuration == expected)
    }

    @Test func decodesEveryOptionalKey() throws {
        let yaml = """
            region: eu-west-3
            endpoint: https://localhost:4566/
            environment: staging
            namespace: Acme/TransferWatch
            buckets:
              source: invoices.incoming
              destination: invoices-archive-2026
            destinationKey: "{yyyy}/{mm}/{username}/{filename}"
            tables:
              employees: SFTP.Users
              state: tw_state-1
            queue: http://127.0.0.1:5000/123456789012/uploads.fifo
            sftp:
              userRole: arn:aws:iam::123456789012:role/path/sftp-user
              provision: rate(1 day)
              teardown: at(2026-12-01T06:30:00)
              maxLifespan: 1d12h
              timezone: Europe/Paris
              endpointType: VPC
              loggingRole: arn:aws:iam::123456789012:role/transfer-logging
              hourlyPrice: 0.45
              userConcurrency: 4
              requestsPerSecond: 2.5
              onlineTimeout: 20m
            alerts:
              webhooks:
                - url: https://hooks.slack.com/services/T0/B0/XYZ
                  format: slack
                - url: https://events.pagerduty.com/v2/enqueue
                  format: pagerduty
                  routingKey: R0UT1NGKEY
                - {url: "http://127.0.0.1:9099/hook"}
            rules: /srv/rules
            dashboards: ./boards
            spool: state
            listen: "[::1]:0"
            aws:
              maxAttempts: 5
              connectTimeout: 2s
              requestTimeout: 2m
              caBundle: certs/ca.pem
            copy:
              multipartThreshold: 64MiB
              partSize: 16MiB
              partConcurrency: 2
              concurrency: 16
              gracePeriod: 1h

            """
        let configuration = try Configuration(yaml: yaml, file: "/opt/tw/transferwatch.yaml", environment: [:])
        #expect(configuration.region == "eu-west-3")
        #expect(configuration.endpoint == URL(string: "https://localhost:4566/"))
        #expect(configuration.environment == "staging")
        #expect(configuration.namespace == "Acme/TransferWatch")
        #expect(configuration.buckets == .init(source: "invoices.incoming", destination: "invoices-archive-2026"))
        #expect(
            configuration.destinationKey.render(sourceKey: "dave/q4/inv.pdf", year: 2026, month: 11)
                == "2026/11/dave/inv.pdf"
        )
        #expect(configuration.tables == .init(employees: "SFTP.Users", state: "tw_state-1"))
        #expect(configuration.queue == URL(string: "http://127.0.0.1:5000/123456789012/uploads.fifo"))
        #expect(configuration.sftp.userRole?.resource == "role/path/sftp-user")
        #expect(configuration.sftp.provision == (try ScheduleExpression(parsing: "rate(1 day)")))
        #expect(configuration.sftp.teardown.description == "at(2026-12-01T06:30:00)")
        #expect(configuration.sftp.maxLifespan == .seconds(129_600))
        #expect(configuration.sftp.timezone.identifier == "Europe/Paris")
        #expect(configuration.sftp.endpointType == .vpc)
        #expect(configuration.sftp.loggingRole?.description == "arn:aws:iam::123456789012:role/transfer-logging")
        #expect(configuration.sftp.hourlyPrice == 0.45)
        #expect(configuration.sftp.userConcurrency == 4)
        #expect(configuration.sftp.requestsPerSecond == 2.5)
        #expect(configuration.sftp.onlineTimeout == .seconds(1200))
        #expect(configuration.alerts.snsTopicArn == nil)
        #expect(
            configuration.alerts.webhooks == [
                .init(url: try #require(URL(string: "https://hooks.slack.com/services/T0/B0/XYZ")), format: .slack),
                .init(
                    url: try #require(URL(string: "https://events.pagerduty.com/v2/enqueue")),
                    format: .pagerduty,
                    routingKey: "R0UT1NGKEY"
                ),
                .init(url: try #require(URL(string: "http://127.0.0.1:9099/hook"))),
            ]
        )
        #expect(configuration.rules.resolved == "/srv/rules")
        #expect(configuration.dashboards == ConfiguredPath("./boards", relativeTo: "/opt/tw"))
        #expect(configuration.dashboards.resolved == "/opt/tw/boards")
        #expect(configuration.spool.resolved == "/opt/tw/state")
        #expect(configuration.listen == ListenAddress(host: "::1", port: 0))
        #expect(
            configuration.aws
                == .init(
                    maxAttempts: 5,
                    connectTimeout: .seconds(2),
                    requestTimeout: .seconds(120),
                    caBundle: ConfiguredPath("certs/ca.pem", relativeTo: "/opt/tw")
                )
        )
        #expect(configuration.aws.caBundle?.resolved == "/opt/tw/certs/ca.pem")
        #expect(
            configuration.copy
                == .init(
                    multipartThreshold: .mebibytes(64),
                    partSize: .mebibytes(16),
                    partConcurrency: 2,
                    concurrency: 16,
                    gracePeriod: .seconds(3600)
                )
        )
    }

    @Test func explicitNullMeansDefault() throws {
        let yaml =
            minimalYAML + """
                endpoint: ~
                sftp:
                  maxLifespan: null
                copy:

                """
        let configuration = try Configuration(yaml: yaml, file: "transferwatch.yaml", environment: [:])
        #expect(configuration.endpoint == nil)
        #expect(configuration.sftp.maxLifespan == .seconds(172_800))
        #expect(configuration.copy == .init())
    }

    // MARK: The AWS environment layered on top

    @Test func awsRegionOverridesFile() throws {
        let configuration = try Configuration(
            yaml: minimalYAML,
            file: "transferwatch.yaml",
            environment: ["AWS_REGION": "eu-central-1"]
        )
        #expect(configuration.region == "eu-central-1")
    }

    @Test(arguments: [
        (["AWS_DEFAULT_REGION": "ap-south-1"], "ap-south-1"),
        (["AWS_REGION": "eu-north-1", "AWS_DEFAULT_REGION": "ap-south-1"], "eu-north-1"),
        (["AWS_REGION": "", "AWS_DEFAULT_REGION": "ap-south-1"], "ap-south-1"),
        (["AWS_REGION": ""], "us-east-1"),
        (["PATH": "/usr/bin"], "us-east-1"),
    ])
    func regionPrecedence(_ environment: [String: String], _ region: String) throws {
        let configuration = try Configuration(yaml: minimalYAML, file: "transferwatch.yaml", environment: environment)
        #expect(configuration.region == region)
    }

    @Test func environmentSuppliesMissingRegion() throws {
        let configuration = try Configuration(
            yaml: withoutRegionYAML,
            file: "transferwatch.yaml",
            environment: ["AWS_REGION": "us-west-2"]
        )
        #expect(configuration.region == "us-west-2")
    }

    @Test func missingRegionWithoutEnvironmentIsAnError() {
        #expect(
            throws: ConfigurationErrors([
                .missingKey(
                    path: "region",
                    hint: "or set AWS_REGION",
                    at: SourceLocation(file: "transferwatch.yaml", line: 1, column: 1)
                )
            ])
        ) {
            try Configuration(yaml: withoutRegionYAML, file: "transferwatch.yaml", environment: ["AWS_PROFILE": "ops"])
        }
    }

    @Test func endpointVariablesOverrideAndAddPerServiceEndpoints() throws {
        let configuration = try Configuration(
            yaml: minimalYAML + "endpoint: http://127.0.0.1:5000\n",
            file: "transferwatch.yaml",
            environment: [
                "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000",
                "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000",
            ]
        )
        let shared = try #require(URL(string: "http://127.0.0.1:4566"))
        #expect(configuration.endpoint == shared)
        #expect(configuration.aws.serviceEndpoints.count == 2)
        #expect(
            configuration.aws.endpoint(for: "s3", shared: configuration.endpoint)
                == URL(string: "http://127.0.0.1:9000")
        )
        #expect(
            configuration.aws.endpoint(for: "DynamoDB", shared: configuration.endpoint)
                == URL(string: "http://127.0.0.1:8000")
        )
        #expect(configuration.aws.endpoint(for: "SQS", shared: configuration.endpoint) == shared)
    }

    @Test func maxAttemptsCABundleAndProfileComeFromEnvironment() throws {
        let yaml =
            minimalYAML + """
                aws:
                  maxAttempts: 5
                  caBundle: ca.pem

                """
        let fromFile = try Configuration(yaml: yaml, file: "/etc/tw/transferwatch.yaml", environment: [:])
        #expect(fromFile.aws.maxAttempts == 5)
        #expect(fromFile.aws.caBundle?.resolved == "/etc/tw/ca.pem")
        #expect(fromFile.aws.profile == nil)

        let layered = try Configuration(
            yaml: yaml,
            file: "/etc/tw/transferwatch.yaml",
            environment: ["AWS_MAX_ATTEMPTS": "10", "AWS_CA_BUNDLE": "certs/corp.pem", "AWS_PROFILE": "ops"]
        )
        #expect(layered.aws.maxAttempts == 10)
        #expect(layered.aws.caBundle == ConfiguredPath("certs/corp.pem"))
        #expect(layered.aws.caBundle?.resolved == "certs/corp.pem")
        #expect(layered.aws.profile == "ops")
    }

    @Test func invalidEnvironmentValuesAreReportedWithFileErrors() {
        let yaml = minimalYAML + "listen: nowhere\n"
        do {
            _ = try Configuration(
                yaml: yaml,
                file: "transferwatch.yaml",
                environment: [
                    "AWS_MAX_ATTEMPTS": "lots", "AWS_REGION": "Moon Base", "AWS_ENDPOINT_URL_SQS": "sqs.local",
                ]
            )
            Issue.record("decoded")
        } catch {
            #expect(
                error.description == """
                    transferwatch.yaml:4:9: error: listen: malformed listen address 'nowhere' (expected host:port, e.g. 127.0.0.1:9464)
                    AWS_REGION (environment): error: malformed region 'Moon Base' (expected e.g. us-east-1)
                    AWS_ENDPOINT_URL_SQS (environment): error: malformed URL 'sqs.local' (expected an http:// or https:// URL)
                    AWS_MAX_ATTEMPTS (environment): error: expected an integer of at least 1, got 'lots'
                    """
            )
        }
    }

    // MARK: Loading from disk

    @Test func loadsFileAndResolvesPathsAgainstItsFolder() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/transferwatch.yaml"
        try (minimalYAML + "spool: spool/\n").write(toFile: path, atomically: true, encoding: .utf8)

        let configuration = try Configuration.load(contentsOf: path, environment: ["AWS_REGION": "us-west-1"])
        #expect(configuration.region == "us-west-1")
        #expect(configuration.rules.resolved == folder + "/rules/")
        #expect(configuration.spool.raw == "spool/")
        #expect(configuration.spool.resolved == folder + "/spool/")
    }

    @Test func loadReportsErrorsWithTheFilePath() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/transferwatch.yaml"
        try (minimalYAML + "sftp:\n  maxLifespan: 2 days\n").write(toFile: path, atomically: true, encoding: .utf8)

        #expect(
            throws: ConfigurationErrors([
                .invalidValue(
                    path: "sftp.maxLifespan",
                    message: "malformed duration '2 days' (expected e.g. 30s, 15m, 6h, 2d)",
                    at: SourceLocation(file: path, line: 5, column: 16)
                )
            ])
        ) {
            try Configuration.load(contentsOf: path, environment: [:])
        }
    }

    @Test func loadReportsMissingFileAndFolder() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = folder + "/nope.yaml"
        do {
            _ = try Configuration.load(contentsOf: missing, environment: [:])
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description == "\(missing): error: cannot read configuration: no such file")
        }
        do {
            _ = try Configuration.load(contentsOf: folder, environment: [:])
            Issue.record("loaded a folder")
        } catch {
            #expect(error.description == "\(folder): error: cannot read configuration: is a directory")
        }
    }

    @Test func loadRejectsInvalidUTF8() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/latin1.yaml"
        try Data([0x72, 0x65, 0x67, 0x69, 0x6F, 0x6E, 0x3A, 0x20, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigurationErrors([.unreadable(file: path, reason: "not valid UTF-8")])) {
            try Configuration.load(contentsOf: path, environment: [:])
        }
    }
}

/// The smallest valid configuration: region, buckets and tables.
let minimalYAML = """
    region: us-east-1
    buckets: {source: invoices-incoming, destination: invoices-archive}
    tables: {employees: SFTPUsers, state: TransferWatchState}

    """

/// ``minimalYAML`` without the region.
let withoutRegionYAML = """
    buckets: {source: invoices-incoming, destination: invoices-archive}
    tables: {employees: SFTPUsers, state: TransferWatchState}

    """

/// A new empty folder under the temporary directory.
func makeTemporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
        "transferwatch-config-\(UUID().uuidString)"
    ).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
