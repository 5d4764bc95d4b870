import Foundation
import Yams

/// Loading `transferwatch.yaml`: the schema, the checks across keys, and the environment layer.
///
/// Decoding never stops at the first problem: every key is read, every problem is collected, and
/// they are thrown together as ``ConfigurationErrors`` in file order. Unknown keys are problems
/// too (Yams would ignore them), with the closest valid key suggested.
extension Configuration {
    /// Reads, decodes and validates a configuration file, with the AWS environment layered on top.
    ///
    /// - Parameters:
    ///   - path: The file; diagnostics name it as given, and relative paths inside it are
    ///     resolved against its folder.
    ///   - environment: The process environment (tests pass a dictionary).
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigurationErrors`` with every problem found, or the reason the file is unreadable.
    package static func load(contentsOf path: String, environment: [String: String]) throws(ConfigurationErrors)
        -> Configuration
    {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationErrors([.unreadable(file: path, reason: readFailureReason(error, path: path))])
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw ConfigurationErrors([.unreadable(file: path, reason: "not valid UTF-8")])
        }
        return try Configuration(yaml: yaml, file: path, environment: environment)
    }

    /// Decodes and validates configuration text, with the AWS environment layered on top.
    ///
    /// - Parameters:
    ///   - yaml: The configuration text.
    ///   - file: The file name used in diagnostics; relative paths in the configuration are
    ///     resolved against its folder.
    ///   - environment: The process environment (tests pass a dictionary).
    /// - Throws: ``ConfigurationErrors`` with every problem found.
    package init(yaml: String, file: String, environment: [String: String]) throws(ConfigurationErrors) {
        let log = DiagnosticLog(file: file)
        let root: Node?
        do {
            root = try compose(yaml: yaml)
        } catch {
            throw ConfigurationErrors(syntaxErrors(error, file: file, yaml: yaml))
        }
        let mapping: Node.Mapping
        switch root {
        case nil:
            throw ConfigurationErrors([.empty(at: log.location(nil))])
        case .scalar(let scalar)? where isNull(scalar):
            throw ConfigurationErrors([.empty(at: log.location(scalar.mark))])
        case .mapping(let rootMapping)?:
            mapping = rootMapping
        case let other?:
            throw ConfigurationErrors([
                .wrongType(
                    path: "",
                    expected: "a mapping of configuration keys",
                    found: describe(other),
                    at: log.location(other.mark)
                )
            ])
        }
        let layer = EnvironmentLayer(environment, log: log)
        let directory = directoryPart(of: file)
        let decoded = MappingReader.read(mapping, path: "", log: log) { root in
            Self.decode(root, directory: directory, environment: layer)
        }
        guard log.errors.isEmpty, let decoded else { throw ConfigurationErrors(log.errors) }
        self = decoded
    }

    // MARK: The schema

    private static func decode(_ root: MappingReader, directory: String, environment: EnvironmentLayer)
        -> Configuration?
    {
        let fileRegion =
            environment.region == nil
            ? root.required("region", .region, hint: "or set AWS_REGION")
            : root.optional("region", .region)
        let fileEndpoint = root.optional("endpoint", .httpURL)
        let environmentName = root.value(
            "environment",
            .checkedString(NameRules.environmentProblem),
            default: defaultEnvironment
        )
        let namespace = root.value("namespace", .checkedString(NameRules.namespaceProblem), default: defaultNamespace)
        let buckets = root.section("buckets", required: true, decodeBuckets) ?? nil
        let destinationKey = root.value("destinationKey", .keyTemplate, default: .sourceKey)
        let tables = root.section("tables", required: true, decodeTables) ?? nil
        let queue = root.optional("queue", .queueURL)
        let sftp = root.section("sftp", decodeSFTP) ?? SFTP()
        let alerts = root.section("alerts", decodeAlerts) ?? Alerts()
        let rules = root.value("rules", .path, default: "rules/")
        let dashboards = root.value("dashboards", .path, default: "dashboards/")
        let spool = root.value("spool", .path, default: "/var/lib/transferwatch")
        let listen = root.value("listen", .listenAddress, default: defaultListen)
        let aws = root.section("aws") { decodeAWS($0, directory: directory, environment: environment) } ?? AWS()
        let copy = root.section("copy", decodeCopy) ?? Copy()
        let metrics = root.section("metrics", decodeMetrics) ?? Metrics()
        let agent = root.section("agent", decodeAgent) ?? Agent()

        guard let region = environment.region ?? fileRegion, let buckets, let tables else { return nil }
        return Configuration(
            region: region,
            endpoint: environment.endpoint ?? fileEndpoint,
            environment: environmentName,
            namespace: namespace,
            buckets: buckets,
            destinationKey: destinationKey,
            tables: tables,
            queue: queue,
            sftp: sftp,
            alerts: alerts,
            rules: ConfiguredPath(rules, relativeTo: directory),
            dashboards: ConfiguredPath(dashboards, relativeTo: directory),
            spool: ConfiguredPath(spool, relativeTo: directory),
            listen: listen,
            aws: aws,
            copy: copy,
            metrics: metrics,
            agent: agent
        )
    }

    private static func decodeBuckets(_ reader: MappingReader) -> Buckets? {
        let source = reader.required("source", .bucketName)
        let destination = reader.required("destination", .bucketName)
        guard let source, let destination else { return nil }
        if source == destination {
            reader.reportInvalid(
                "destination",
                "same bucket as buckets.source \(quoted(source)); copies need their own bucket"
            )
        }
        return Buckets(source: source, destination: destination)
    }

    private static func decodeTables(_ reader: MappingReader) -> Tables? {
        let employees = reader.required("employees", .tableName)
        let state = reader.required("state", .tableName)
        guard let employees, let state else { return nil }
        if employees == state {
            reader.reportInvalid(
                "state",
                "same table as tables.employees \(quoted(employees)); the state needs its own table"
            )
        }
        return Tables(employees: employees, state: state)
    }

    private static func decodeSFTP(_ reader: MappingReader) -> SFTP {
        let sftp = SFTP(
            userRole: reader.optional("userRole", .iamRole),
            provision: reader.value("provision", .schedule, default: SFTP.defaultProvision),
            teardown: reader.value("teardown", .schedule, default: SFTP.defaultTeardown),
            maxLifespan: reader.value("maxLifespan", .duration, default: SFTP.defaultMaxLifespan),
            timezone: reader.value("timezone", .timeZone, default: .gmt),
            endpointType: reader.value("endpointType", .oneOf("endpoint type"), default: .public),
            loggingRole: reader.optional("loggingRole", .iamRole),
            hourlyPrice: reader.value("hourlyPrice", .number(atLeast: 0), default: SFTP.defaultHourlyPrice),
            userConcurrency: reader.value(
                "userConcurrency", .integer(atLeast: 1), default: SFTP.defaultUserConcurrency),
            requestsPerSecond: reader.value(
                "requestsPerSecond", .number(atLeast: 0), default: SFTP.defaultRequestsPerSecond),
            onlineTimeout: reader.value("onlineTimeout", .duration, default: SFTP.defaultOnlineTimeout)
        )
        // A one-time schedule at a wall-clock time that daylight saving time skips would never fire.
        for (key, schedule) in [("provision", sftp.provision), ("teardown", sftp.teardown)] {
            if case .at(let time) = schedule.kind,
                ZoneMapping(timeZone: sftp.timezone).earliestInstant(localSeconds: time.localSeconds) == nil
            {
                reader.reportInvalid(
                    key,
                    "\(schedule) never happens in \(sftp.timezone.identifier) (skipped by daylight saving time)"
                )
            }
        }
        return sftp
    }

    private static func decodeAlerts(_ reader: MappingReader) -> Alerts {
        let groupWait = reader.value("groupWait", .duration, default: Alerts.defaultGroupWait)
        let groupInterval = reader.value("groupInterval", .duration, default: Alerts.defaultGroupInterval)
        let repeatInterval = reader.value("repeatInterval", .duration, default: Alerts.defaultRepeatInterval)
        let deliveryTimeout = reader.value("deliveryTimeout", .duration, default: Alerts.defaultDeliveryTimeout)
        let deliveryExpiry = reader.value("deliveryExpiry", .duration, default: Alerts.defaultDeliveryExpiry)
        for (key, value) in [
            ("groupInterval", groupInterval), ("repeatInterval", repeatInterval),
            ("deliveryTimeout", deliveryTimeout), ("deliveryExpiry", deliveryExpiry),
        ] where value <= .zero {
            reader.reportInvalid(key, "must be longer than zero")
        }
        if repeatInterval < groupInterval, reader.hasValue("repeatInterval") || reader.hasValue("groupInterval") {
            reader.reportInvalid("repeatInterval", "must be at least alerts.groupInterval")
        }
        let inhibitRules: [InhibitRule] =
            reader.hasValue("inhibit")
            ? reader.sequence("inhibit", decodeInhibitRule) : Alerts.defaultInhibitRules
        return Alerts(
            snsTopicArn: reader.optional("snsTopicArn", .snsTopic),
            webhooks: reader.sequence("webhooks", decodeWebhook),
            groupBy: reader.value("groupBy", .labelNames, default: Alerts.defaultGroupBy),
            groupWait: groupWait,
            groupInterval: groupInterval,
            repeatInterval: repeatInterval,
            inhibitRules: inhibitRules,
            deliveryTimeout: deliveryTimeout,
            deliveryExpiry: deliveryExpiry,
            externalURL: reader.optional("externalURL", .httpURL)
        )
    }

    private static func decodeInhibitRule(_ reader: MappingReader) -> InhibitRule? {
        let source = reader.required("source", .labelValues)
        let target = reader.required("target", .labelValues)
        let equal = reader.value("equal", .labelNames, default: [])
        guard let source, let target else { return nil }
        return InhibitRule(sourceMatchers: source, targetMatchers: target, equal: equal)
    }

    private static func decodeWebhook(_ reader: MappingReader) -> Webhook? {
        let url = reader.required("url", .webhookURL)
        let format = reader.optional("format", FieldType<WebhookFormat>.oneOf("webhook format"))
        let routingKey = reader.optional("routingKey", .nonEmptyString)
        let formatIsValid = format != nil || !reader.hasValue("format")
        let effectiveFormat = format ?? .alertmanager
        if formatIsValid, effectiveFormat == .pagerduty, routingKey == nil, !reader.hasValue("routingKey") {
            reader.log.report(
                .missingKey(
                    path: reader.path(of: "routingKey"),
                    hint: "format pagerduty needs one",
                    at: reader.location
                )
            )
        }
        if formatIsValid, effectiveFormat != .pagerduty, routingKey != nil {
            reader.reportInvalid("routingKey", "only format pagerduty uses a routing key")
        }
        guard let url else { return nil }
        return Webhook(url: url, format: effectiveFormat, routingKey: routingKey)
    }

    private static func decodeAWS(_ reader: MappingReader, directory: String, environment: EnvironmentLayer) -> AWS {
        let maxAttempts = reader.value("maxAttempts", .integer(atLeast: 1), default: AWS.defaultMaxAttempts)
        let connectTimeout = reader.value("connectTimeout", .duration, default: AWS.defaultConnectTimeout)
        let requestTimeout = reader.value("requestTimeout", .duration, default: AWS.defaultRequestTimeout)
        let caBundle = reader.optional("caBundle", .path)
        return AWS(
            maxAttempts: environment.maxAttempts ?? maxAttempts,
            connectTimeout: connectTimeout,
            requestTimeout: requestTimeout,
            caBundle: environment.caBundle.map { ConfiguredPath($0) }
                ?? caBundle.map { ConfiguredPath($0, relativeTo: directory) },
            profile: environment.profile,
            serviceEndpoints: environment.serviceEndpoints
        )
    }

    private static func decodeCopy(_ reader: MappingReader) -> Copy {
        Copy(
            multipartThreshold: reader.value(
                "multipartThreshold",
                .byteSize(in: ByteSize(bytes: 1)...Copy.maximumPartSize, reason: "CopyObject copies at most 5GiB"),
                default: Copy.defaultMultipartThreshold
            ),
            partSize: reader.value(
                "partSize",
                .byteSize(in: Copy.minimumPartSize...Copy.maximumPartSize, reason: "the part sizes S3 accepts"),
                default: Copy.defaultPartSize
            ),
            partConcurrency: reader.value(
                "partConcurrency",
                .integer(atLeast: 1),
                default: Copy.defaultPartConcurrency
            ),
            concurrency: reader.value("concurrency", .integer(atLeast: 1), default: Copy.defaultConcurrency),
            gracePeriod: reader.value("gracePeriod", .duration, default: Copy.defaultGracePeriod)
        )
    }
}

// MARK: Errors from outside the schema

/// A YAML parser error as one-line diagnostics at the parser's position.
private func syntaxErrors(_ error: any Error, file: String, yaml: String) -> [ConfigurationError] {
    func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
    func explain(_ problem: String, _ context: YamlError.Context?) -> String {
        guard let context else { return problem }
        return "\(problem) (\(context.text) at \(context.mark.line):\(context.mark.column))"
    }
    guard let yamlError = error as? YamlError else {
        return [.syntax(oneLine(String(describing: error)), at: SourceLocation(file: file, line: 1, column: 1))]
    }
    switch yamlError {
    case .scanner(let context, let problem, let mark, _),
        .parser(let context, let problem, let mark, _),
        .composer(let context, let problem, let mark, _):
        return [.syntax(oneLine(explain(problem, context)), at: at(mark))]
    case .reader(let problem, let offset, _, _):
        let (line, column) = lineAndColumn(ofCharacterOffset: offset ?? 0, in: yaml)
        return [.syntax(oneLine(problem), at: SourceLocation(file: file, line: line, column: column))]
    case .duplicatedKeysInMapping(let duplicates, let context):
        // Yams gives the position of the first duplicated key only.
        return duplicates.map { .duplicateKey($0, at: at(context.mark)) }
    default:
        return [.syntax(oneLine(yamlError.description), at: SourceLocation(file: file, line: 1, column: 1))]
    }
}

/// The 1-based line and column of a character offset.
private func lineAndColumn(ofCharacterOffset offset: Int, in text: String) -> (Int, Int) {
    var line = 1
    var column = 1
    for character in text.prefix(offset) {
        if character.isNewline {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }
    return (line, column)
}

/// The text with line breaks turned into spaces, so it prints on one line.
private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
}

/// A short reason for a failed read: `no such file`, `permission denied`, `is a directory`, ….
private func readFailureReason(_ error: any Error, path: String) -> String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        if isDirectory.boolValue { return "is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return oneLine((error as NSError).localizedDescription)
    }
    return "no such file"
}
