import Foundation
import Logging
import TransferWatchAWS
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchRules
import TransferWatchTestSupport
import TransferWatchWorkflows

/// A time that only moves when a test says so.
final class TestTime: Sendable {
    private let current: Locked<Date>
    init(_ start: Date) { current = Locked(start) }
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var closure: @Sendable () -> Date { { self.now } }
}

/// The emulator, the state table, an SNS topic read through an SQS queue, and alerting built over them.
struct AlertingHarness {
    static let table = "TransferWatchState"
    static let start = Date(timeIntervalSince1970: 1_795_910_400)  // 2026-11-29T00:00:00Z

    let moto: MotoServer
    let context: AWSClient.Context
    let topicARN: String
    let queueURL: String

    static func start() async throws -> AlertingHarness {
        let moto = try await MotoServer.start(logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
        let context = TestContexts.make(endpoint: moto.endpoint)
        try await StateTable.create(named: table, using: DynamoDBClient(context: context))
        let sns = SNSClient(context: context)
        let sqs = SQSClient(context: context)
        let topicARN = try await sns.createTopic(name: "oncall")
        let queueURL = try await sqs.createQueue(name: "oncall-inbox")
        let queueARN = try requireValue(try await sqs.getQueueAttributes(queueURL: queueURL).queueARN)
        try await sns.subscribe(topicARN: topicARN, protocol: "sqs", endpoint: queueARN)
        return AlertingHarness(moto: moto, context: context, topicARN: topicARN, queueURL: queueURL)
    }

    /// The configuration's `alerts` section with the topic and `webhooks`.
    func alerts(
        webhooks: [Configuration.Webhook], sns: Bool = true, repeatInterval: Duration = .seconds(4 * 3600),
        inhibitRules: [Configuration.InhibitRule] = Configuration.Alerts.defaultInhibitRules
    ) throws -> Configuration.Alerts {
        Configuration.Alerts(
            snsTopicArn: sns ? try ARN.snsTopic(topicARN) : nil, webhooks: webhooks, groupWait: .seconds(30),
            groupInterval: .seconds(300), repeatInterval: repeatInterval, inhibitRules: inhibitRules,
            deliveryTimeout: .seconds(10), deliveryExpiry: .seconds(24 * 3600),
            externalURL: URL(string: "http://agent.example:9464"))
    }

    /// Alerting over the harness's table, with its own environment so tests never share state.
    func components(
        alerts: Configuration.Alerts, environment: String = "prod", timeout: Duration? = nil
    ) -> AlertingComponents {
        var configuration = Configuration(
            region: "us-east-1", endpoint: moto.endpoint, environment: environment,
            buckets: .init(source: "in", destination: "out"), tables: .init(employees: "SFTPUsers", state: Self.table),
            alerts: alerts)
        configuration.alerts.deliveryTimeout = timeout ?? alerts.deliveryTimeout
        return AlertingComponents.make(
            configuration: configuration, context: context, random: SeededRandomSource(seed: 7),
            logger: Logger(label: "alerting", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// The SNS notifications that reached the queue so far (SNS's JSON envelope, parsed).
    func published() async throws -> [[String: Any]] {
        let sqs = SQSClient(context: context)
        var all: [[String: Any]] = []
        while true {
            let messages = try await sqs.receiveMessage(queueURL: queueURL, maxMessages: 10, waitTimeSeconds: 0)
            if messages.isEmpty { return all }
            for message in messages {
                if let object = try JSONSerialization.jsonObject(with: Data(message.body.utf8)) as? [String: Any] {
                    all.append(object)
                }
                try await sqs.deleteMessage(queueURL: queueURL, receiptHandle: message.receiptHandle)
            }
        }
    }
}

/// An alert as the rules engine hands it over.
func makeAlert(
    _ name: String, state: AlertState, labels: [String: String] = [:], annotations: [String: String]? = nil,
    activeAt: Date = AlertingHarness.start, at now: Date, severity: String = "critical"
) -> AlertInstance {
    var allLabels = ["alertname": name, "severity": severity, "environment": "prod"]
    allLabels.merge(labels) { _, new in new }
    return AlertInstance(
        rule: name, labels: allLabels,
        annotations: annotations ?? [
            "summary": "\(name) in prod", "description": "details of \(name)",
            "runbook_url": "https://runbooks.example/\(name)",
        ],
        state: state, activeAt: activeAt, firedAt: state == .pending ? nil : activeAt,
        resolvedAt: state == .resolved ? now : nil, evaluatedAt: now)
}

/// The JSON objects the server received, in order.
func bodies(of server: LocalHTTPServer) throws -> [[String: Any]] {
    try server.requests().map { request in
        try JSONSerialization.jsonObject(with: request.body) as? [String: Any] ?? [:]
    }
}

struct MissingValue: Error {}

/// `#require` for use outside a test function.
func requireValue<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingValue() }
    return value
}
