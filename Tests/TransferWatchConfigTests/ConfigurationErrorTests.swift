import Testing
import TransferWatchConfig

/// Bad configurations, each checked word for word against the one-line diagnostic it must print.
@Suite struct ConfigurationErrorTests {
    struct BadCase: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let error: String
        var environment: [String: String] = [:]
        var testDescription: String { name }
    }

    static let file = "conf/transferwatch.yaml"

    /// Lines 1-3 of every case; the mistake comes after them unless the case replaces them.
    static let base = minimalYAML

    @Test(arguments: [
        BadCase(
            name: "unknown key with a suggestion",
            yaml: base + "sftp:\n  maxLifeSpan: 2d\n",
            error: "conf/transferwatch.yaml:5:3: error: sftp.maxLifeSpan: unknown key (did you mean 'maxLifespan'?)"
        ),
        BadCase(
            name: "unknown key with a transposition",
            yaml: "regoin: us-east-1\n" + withoutRegionYAML,
            error: "conf/transferwatch.yaml:1:1: error: regoin: unknown key (did you mean 'region'?)",
            environment: ["AWS_REGION": "us-east-1"]
        ),
        BadCase(
            name: "unknown key listing the valid keys",
            yaml: base + "colour: blue\n",
            error: "conf/transferwatch.yaml:4:1: error: colour: unknown key (expected one of: region, endpoint, "
                + "environment, namespace, buckets, destinationKey, tables, queue, sftp, alerts, rules, dashboards, "
                + "spool, listen, aws, copy, metrics, agent)"
        ),
        BadCase(
            name: "string where a mapping belongs",
            yaml: base + "sftp: hello\n",
            error: "conf/transferwatch.yaml:4:7: error: sftp: expected a mapping, got 'hello'"
        ),
        BadCase(
            name: "word where an integer belongs",
            yaml: base + "aws:\n  maxAttempts: three\n",
            error: "conf/transferwatch.yaml:5:16: error: aws.maxAttempts: expected an integer, got 'three'"
        ),
        BadCase(
            name: "integer below its minimum",
            yaml: base + "aws:\n  maxAttempts: 0\n",
            error: "conf/transferwatch.yaml:5:16: error: aws.maxAttempts: must be at least 1, got 0"
        ),
        BadCase(
            name: "mapping where a sequence belongs",
            yaml: base + "alerts:\n  webhooks: {url: x}\n",
            error: "conf/transferwatch.yaml:5:13: error: alerts.webhooks: expected a sequence, got a mapping"
        ),
        BadCase(
            name: "string where a sequence item mapping belongs",
            yaml: base + "alerts:\n  webhooks: [\"http://x\"]\n",
            error: "conf/transferwatch.yaml:5:14: error: alerts.webhooks[0]: expected a mapping, got 'http://x'"
        ),
        BadCase(
            name: "word where a number belongs",
            yaml: base + "sftp:\n  hourlyPrice: cheap\n",
            error: "conf/transferwatch.yaml:5:16: error: sftp.hourlyPrice: expected a number, got 'cheap'"
        ),
        BadCase(
            name: "no users at a time",
            yaml: base + "sftp:\n  userConcurrency: 0\n",
            error: "conf/transferwatch.yaml:5:20: error: sftp.userConcurrency: must be at least 1, got 0"
        ),
        BadCase(
            name: "malformed duration",
            yaml: base + "sftp:\n  maxLifespan: 2 days\n",
            error: "conf/transferwatch.yaml:5:16: error: sftp.maxLifespan: malformed duration '2 days' "
                + "(expected e.g. 30s, 15m, 6h, 2d)"
        ),
        BadCase(
            name: "zero duration",
            yaml: base + "copy:\n  gracePeriod: 0s\n",
            error: "conf/transferwatch.yaml:5:16: error: copy.gracePeriod: duration must be longer than zero"
        ),
        BadCase(
            name: "cron field out of range",
            yaml: base + "sftp:\n  provision: \"cron(0 0 32 * ? *)\"\n",
            error: "conf/transferwatch.yaml:5:14: error: sftp.provision: cron day-of-month field '32': "
                + "32 is out of range 1-31"
        ),
        BadCase(
            name: "cron with both days '?'",
            yaml: base + "sftp:\n  provision: cron(0 0 ? * ? *)\n",
            error: "conf/transferwatch.yaml:5:14: error: sftp.provision: cron day-of-month and day-of-week "
                + "cannot both be '?'"
        ),
        BadCase(
            name: "cron with both days set",
            yaml: base + "sftp:\n  teardown: cron(0 0 1 * MON *)\n",
            error: "conf/transferwatch.yaml:5:13: error: sftp.teardown: cron day-of-month and day-of-week "
                + "cannot both be set; use '?' in one of them"
        ),
        BadCase(
            name: "rate with a plural unit for 1",
            yaml: base + "sftp:\n  teardown: rate(1 hours)\n",
            error: "conf/transferwatch.yaml:5:13: error: sftp.teardown: malformed rate expression 'rate(1 hours)' "
                + "(use 'hour' for a value of 1)"
        ),
        BadCase(
            name: "one-time schedule in a daylight saving gap",
            yaml: base + "sftp:\n  timezone: Europe/Paris\n  provision: at(2026-03-29T02:30:00)\n",
            error: "conf/transferwatch.yaml:6:14: error: sftp.provision: at(2026-03-29T02:30:00) never happens "
                + "in Europe/Paris (skipped by daylight saving time)"
        ),
        BadCase(
            name: "unknown time zone",
            yaml: base + "sftp:\n  timezone: Europe/Pariss\n",
            error: "conf/transferwatch.yaml:5:13: error: sftp.timezone: unknown time zone 'Europe/Pariss' "
                + "(expected an IANA name such as UTC or Europe/Paris)"
        ),
        BadCase(
            name: "unknown endpoint type",
            yaml: base + "sftp:\n  endpointType: private\n",
            error: "conf/transferwatch.yaml:5:17: error: sftp.endpointType: unknown endpoint type 'private' "
                + "(expected PUBLIC or VPC)"
        ),
        BadCase(
            name: "URL without a scheme",
            yaml: base + "endpoint: localhost:5000\n",
            error: "conf/transferwatch.yaml:4:11: error: endpoint: malformed URL 'localhost:5000' "
                + "(expected an http:// or https:// URL)"
        ),
        BadCase(
            name: "webhook URL with another scheme",
            yaml: base + "alerts:\n  webhooks:\n    - url: ftp://hooks.example.com/x\n",
            error: "conf/transferwatch.yaml:6:12: error: alerts.webhooks[0].url: malformed webhook URL "
                + "ftp://hooks.example.com/… (expected an http:// or https:// URL; the rest is not shown: webhook "
                + "URLs are credentials)"
        ),
        BadCase(
            // A Slack URL's path is its secret: a typo in the scheme must not print it.
            name: "webhook URL with a typo never shows its secret",
            yaml: base + "alerts:\n  webhooks:\n    - url: htps://hooks.slack.com/services/T000/B000/s3cr3tT0k3n\n",
            error: "conf/transferwatch.yaml:6:12: error: alerts.webhooks[0].url: malformed webhook URL "
                + "htps://hooks.slack.com/… (expected an http:// or https:// URL; the rest is not shown: webhook "
                + "URLs are credentials)"
        ),
        BadCase(
            name: "queue URL without an account",
            yaml: base + "queue: https://sqs.us-east-1.amazonaws.com/invoice-uploads\n",
            error: "conf/transferwatch.yaml:4:8: error: queue: malformed SQS queue URL "
                + "'https://sqs.us-east-1.amazonaws.com/invoice-uploads' "
                + "(expected https://sqs.REGION.amazonaws.com/123456789012/NAME)"
        ),
        BadCase(
            name: "role ARN with a short account",
            yaml: base + "sftp:\n  userRole: arn:aws:iam::12345:role/x\n",
            error: "conf/transferwatch.yaml:5:13: error: sftp.userRole: malformed IAM role ARN "
                + "'arn:aws:iam::12345:role/x' (expected arn:aws:iam::123456789012:role/NAME)"
        ),
        BadCase(
            name: "topic ARN without a name",
            yaml: base + "alerts:\n  snsTopicArn: arn:aws:sns:us-east-1:123456789012\n",
            error: "conf/transferwatch.yaml:5:16: error: alerts.snsTopicArn: malformed SNS topic ARN "
                + "'arn:aws:sns:us-east-1:123456789012' (expected arn:aws:sns:REGION:123456789012:TOPIC)"
        ),
        BadCase(
            name: "bucket name with capitals and underscore",
            yaml: "region: us-east-1\nbuckets: {source: Invoices_Incoming, destination: invoices-archive}\n"
                + "tables: {employees: SFTPUsers, state: TransferWatchState}\n",
            error: "conf/transferwatch.yaml:2:19: error: buckets.source: invalid bucket name 'Invoices_Incoming' "
                + "(only lowercase letters, digits, '.' and '-')"
        ),
        BadCase(
            name: "bucket name too short",
            yaml: "region: us-east-1\nbuckets: {source: ab, destination: invoices-archive}\n"
                + "tables: {employees: SFTPUsers, state: TransferWatchState}\n",
            error: "conf/transferwatch.yaml:2:19: error: buckets.source: invalid bucket name 'ab' "
                + "(must be 3-63 characters, has 2)"
        ),
        BadCase(
            name: "bucket name shaped like an IP address",
            yaml: "region: us-east-1\nbuckets: {source: invoices-incoming, destination: 192.168.5.4}\n"
                + "tables: {employees: SFTPUsers, state: TransferWatchState}\n",
            error: "conf/transferwatch.yaml:2:51: error: buckets.destination: invalid bucket name '192.168.5.4' "
                + "(must not look like an IP address)"
        ),
        BadCase(
            name: "bucket name ending in a hyphen",
            yaml: "region: us-east-1\nbuckets: {source: invoices-, destination: invoices-archive}\n"
                + "tables: {employees: SFTPUsers, state: TransferWatchState}\n",
            error: "conf/transferwatch.yaml:2:19: error: buckets.source: invalid bucket name 'invoices-' "
                + "(must start and end with a letter or digit)"
        ),
        BadCase(
            name: "bucket name with a reserved prefix",
            yaml: "region: us-east-1\nbuckets: {source: xn--invoices, destination: invoices-archive}\n"
                + "tables: {employees: SFTPUsers, state: TransferWatchState}\n",
            error: "conf/transferwatch.yaml:2:19: error: buckets.source: invalid bucket name 'xn--invoices' "
                + "(the prefix 'xn--' is reserved)"
        ),
        BadCase(
            name: "same source and destination bucket",
            yaml: "region: us-east-1\nbuckets: {source: invoices, destination: invoices}\n"
                + "tables: {employees: SFTPUsers, state: TransferWatchState}\n",
            error: "conf/transferwatch.yaml:2:42: error: buckets.destination: same bucket as buckets.source "
                + "'invoices'; copies need their own bucket"
        ),
        BadCase(
            name: "table name with a space",
            yaml: "region: us-east-1\nbuckets: {source: invoices-incoming, destination: invoices-archive}\n"
                + "tables: {employees: SFTP Users, state: TransferWatchState}\n",
            error: "conf/transferwatch.yaml:3:21: error: tables.employees: invalid DynamoDB table name 'SFTP Users' "
                + "(3-255 characters of a-z A-Z 0-9 _ . -)"
        ),
        BadCase(
            name: "unknown template placeholder",
            yaml: base + "destinationKey: \"{yyyy}/{user}/{filename}\"\n",
            error: "conf/transferwatch.yaml:4:17: error: destinationKey: invalid template '{yyyy}/{user}/{filename}': "
                + "unknown placeholder '{user}' (expected {key}, {username}, {filename}, {yyyy} or {mm})"
        ),
        BadCase(
            name: "unbalanced template brace",
            yaml: base + "destinationKey: \"{yyyy}/{key\"\n",
            error: "conf/transferwatch.yaml:4:17: error: destinationKey: invalid template '{yyyy}/{key': "
                + "unbalanced '{' at character 8"
        ),
        BadCase(
            name: "missing buckets",
            yaml: "region: us-east-1\ntables: {employees: SFTPUsers, state: TransferWatchState}\n",
            error: "conf/transferwatch.yaml:1:1: error: buckets: missing required key"
        ),
        BadCase(
            name: "missing destination bucket",
            yaml: "region: us-east-1\nbuckets: {source: invoices-incoming}\n"
                + "tables: {employees: SFTPUsers, state: TransferWatchState}\n",
            error: "conf/transferwatch.yaml:2:10: error: buckets.destination: missing required key"
        ),
        BadCase(
            name: "missing region",
            yaml: withoutRegionYAML,
            error: "conf/transferwatch.yaml:1:1: error: region: missing required key (or set AWS_REGION)"
        ),
        BadCase(
            name: "null region",
            yaml: "region:\n" + withoutRegionYAML,
            error: "conf/transferwatch.yaml:1:8: error: region: expected a string, got null"
        ),
        BadCase(
            name: "PagerDuty webhook without a routing key",
            yaml: base + "alerts:\n  webhooks:\n    - url: https://events.pagerduty.com/v2/enqueue\n"
                + "      format: pagerduty\n",
            error: "conf/transferwatch.yaml:6:7: error: alerts.webhooks[0].routingKey: missing required key "
                + "(format pagerduty needs one)"
        ),
        BadCase(
            name: "routing key on a Slack webhook",
            yaml: base
                + "alerts:\n  webhooks:\n    - {url: \"https://hooks.slack.com/x\", format: slack, routingKey: k}\n",
            error: "conf/transferwatch.yaml:6:69: error: alerts.webhooks[0].routingKey: only format pagerduty "
                + "uses a routing key"
        ),
        BadCase(
            name: "unknown webhook format",
            yaml: base + "alerts:\n  webhooks: [{url: \"http://127.0.0.1:9099/hook\", format: teams}]\n",
            error: "conf/transferwatch.yaml:5:58: error: alerts.webhooks[0].format: unknown webhook format 'teams' "
                + "(expected alertmanager, slack or pagerduty)"
        ),
        BadCase(
            name: "listen without a host",
            yaml: base + "listen: 9464\n",
            error: "conf/transferwatch.yaml:4:9: error: listen: malformed listen address '9464' "
                + "(expected host:port, e.g. 127.0.0.1:9464)"
        ),
        BadCase(
            name: "listen port out of range",
            yaml: base + "listen: 127.0.0.1:70000\n",
            error: "conf/transferwatch.yaml:4:9: error: listen: port 70000 out of range 0-65535"
        ),
        BadCase(
            name: "malformed byte size",
            yaml: base + "copy:\n  multipartThreshold: 5 gigs\n",
            error: "conf/transferwatch.yaml:5:23: error: copy.multipartThreshold: malformed byte size '5 gigs' "
                + "(expected e.g. 64MiB, 5GiB, 10MB or a number of bytes)"
        ),
        BadCase(
            name: "part size below S3's minimum",
            yaml: base + "copy:\n  partSize: 1MiB\n",
            error: "conf/transferwatch.yaml:5:13: error: copy.partSize: 1MiB is outside 5MiB-5GiB "
                + "(the part sizes S3 accepts)"
        ),
        BadCase(
            name: "multipart threshold above CopyObject's limit",
            yaml: base + "copy:\n  multipartThreshold: 6GiB\n",
            error: "conf/transferwatch.yaml:5:23: error: copy.multipartThreshold: 6GiB is outside 1B-5GiB "
                + "(CopyObject copies at most 5GiB)"
        ),
        BadCase(
            name: "reserved CloudWatch namespace",
            yaml: base + "namespace: AWS/Transfer\n",
            error: "conf/transferwatch.yaml:4:12: error: namespace: invalid CloudWatch namespace 'AWS/Transfer' "
                + "(must not start with ':' or 'AWS/')"
        ),
        BadCase(
            name: "malformed region",
            yaml: "region: US East\n" + withoutRegionYAML,
            error: "conf/transferwatch.yaml:1:9: error: region: malformed region 'US East' (expected e.g. us-east-1)"
        ),
        BadCase(
            name: "YAML syntax error",
            yaml: "region: us-east-1\nbuckets:\n  source: invoices-incoming\n destination: invoices-archive\n",
            error: "conf/transferwatch.yaml:4:2: error: invalid YAML: did not find expected key "
                + "(while parsing a block mapping at 1:1)"
        ),
        BadCase(
            name: "duplicate key",
            yaml: base + "region: eu-west-1\n",
            error: "conf/transferwatch.yaml:1:1: error: duplicate key 'region'"
        ),
        BadCase(
            name: "empty file",
            yaml: "",
            error: "conf/transferwatch.yaml:1:1: error: configuration is empty "
                + "(expected a mapping with at least 'buckets' and 'tables')"
        ),
        BadCase(
            name: "comments only",
            yaml: "# nothing yet\n\n",
            error: "conf/transferwatch.yaml:1:1: error: configuration is empty "
                + "(expected a mapping with at least 'buckets' and 'tables')"
        ),
        BadCase(
            name: "sequence at the top level",
            yaml: "- region: us-east-1\n",
            error: "conf/transferwatch.yaml:1:1: error: expected a mapping of configuration keys, got a sequence"
        ),
        BadCase(
            name: "invalid environment variable",
            yaml: base,
            error: "AWS_MAX_ATTEMPTS (environment): error: expected an integer of at least 1, got '0'",
            environment: ["AWS_MAX_ATTEMPTS": "0"]
        ),
    ])
    func reportsOneLineDiagnostic(_ bad: BadCase) {
        do {
            _ = try Configuration(yaml: bad.yaml, file: Self.file, environment: bad.environment)
            Issue.record("\(bad.name): decoded without an error")
        } catch {
            #expect(error.description == bad.error)
            #expect(error.errors.count == 1, "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func collectsEveryMistakeInOnePass() {
        let yaml = """
            region: us-east-1
            buckets: {source: invoices, destination: invoices}
            tables: {employees: SFTPUsers}
            sftp:
              maxLifespan: 2 days
              provison: "cron(0 0 28 * ? *)"
              timezone: Mars/Olympus
            listen: 9464
            copy:
              partSize: 1MiB
            alerts:
              webhooks:
                - url: not a url
                  format: teams
                - format: slack

            """
        do {
            _ = try Configuration(yaml: yaml, file: "transferwatch.yaml", environment: ["AWS_MAX_ATTEMPTS": "x"])
            Issue.record("decoded without an error")
        } catch {
            #expect(
                error.description == """
                    transferwatch.yaml:2:42: error: buckets.destination: same bucket as buckets.source 'invoices'; copies need their own bucket
                    transferwatch.yaml:3:9: error: tables.state: missing required key
                    transferwatch.yaml:5:16: error: sftp.maxLifespan: malformed duration '2 days' (expected e.g. 30s, 15m, 6h, 2d)
                    transferwatch.yaml:6:3: error: sftp.provison: unknown key (did you mean 'provision'?)
                    transferwatch.yaml:7:13: error: sftp.timezone: unknown time zone 'Mars/Olympus' (expected an IANA name such as UTC or Europe/Paris)
                    transferwatch.yaml:8:9: error: listen: malformed listen address '9464' (expected host:port, e.g. 127.0.0.1:9464)
                    transferwatch.yaml:10:13: error: copy.partSize: 1MiB is outside 5MiB-5GiB (the part sizes S3 accepts)
                    transferwatch.yaml:13:12: error: alerts.webhooks[0].url: malformed webhook URL … (expected an http:// or https:// URL; the rest is not shown: webhook URLs are credentials)
                    transferwatch.yaml:14:15: error: alerts.webhooks[0].format: unknown webhook format 'teams' (expected alertmanager, slack or pagerduty)
                    transferwatch.yaml:15:7: error: alerts.webhooks[1].url: missing required key
                    AWS_MAX_ATTEMPTS (environment): error: expected an integer of at least 1, got 'x'
                    """
            )
            #expect(error.errors.count == 11)
        }
    }

    @Test func errorsCarryPathAndLocation() {
        do {
            _ = try Configuration(yaml: Self.base + "sftp:\n  maxLifespan: soon\n", file: Self.file, environment: [:])
            Issue.record("decoded without an error")
        } catch {
            let only = error.errors.first
            #expect(only?.path == "sftp.maxLifespan")
            #expect(only?.location == SourceLocation(file: Self.file, line: 5, column: 16))
            #expect(only?.message == "malformed duration 'soon' (expected e.g. 30s, 15m, 6h, 2d)")
        }
    }

    @Test func quotesValuesOnOneLine() {
        let yaml = Self.base + "namespace: \"Bad\\nName\"\n"
        do {
            _ = try Configuration(yaml: yaml, file: Self.file, environment: [:])
            Issue.record("decoded without an error")
        } catch {
            #expect(
                error.description == "conf/transferwatch.yaml:4:12: error: namespace: invalid CloudWatch namespace "
                    + "'Bad\\nName' (1-255 characters of a-z A-Z 0-9 space . - _ / # :)"
            )
        }
    }
}
