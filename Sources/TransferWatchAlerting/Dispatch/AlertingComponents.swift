import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchRules

/// Alerting's parts, built from the configuration and an AWS context: what the agent and the `silence` and
/// `alerts` commands share.
///
/// ```swift
/// let alerting = AlertingComponents.make(configuration: configuration, context: aws, logger: logger)
/// let dispatcher = alerting.makeDispatcher(now: now, sleeper: ClockSleeper(clock: ContinuousClock()))
/// ```
package struct AlertingComponents: Sendable {
    /// The configured receivers (topic first, then webhooks).
    package var receivers: [AlertReceiver]
    /// Alerts, groups, notification log and outbox.
    package var store: AlertStateStore
    /// Silences.
    package var silences: SilenceStore
    /// The audit trail.
    package var history: AlertHistory
    /// Sends the outbox.
    package var deliverer: NotificationDeliverer
    /// The `alerts` settings.
    package var alerts: Configuration.Alerts
    /// The logger.
    package var logger: Logger

    /// Builds the parts over the state table of `configuration`.
    ///
    /// - Parameters:
    ///   - sender: what sends notifications; by default webhooks go through the context's transport and the
    ///     topic through SNS.
    ///   - random: the backoff's jitter.
    package static func make(
        configuration: Configuration, context: AWSClient.Context, sender: (any NotificationSender)? = nil,
        random: any RandomSource = SystemRandomSource(), logger: Logger
    ) -> AlertingComponents {
        let dynamo = DynamoDBClient(context: context)
        let table = configuration.tables.state
        let environment = configuration.environment
        let receivers = AlertReceiver.all(from: configuration.alerts)
        let store = AlertStateStore(dynamo: dynamo, table: table, environment: environment)
        let history = AlertHistory(dynamo: dynamo, table: table, environment: environment)
        let liveSender = LiveNotificationSender(
            transport: context.transport,
            sns: configuration.alerts.snsTopicArn == nil ? nil : SNSClient(context: context))
        let deliverer = NotificationDeliverer(
            receivers: receivers, store: store, history: history, sender: sender ?? liveSender, random: random,
            timeout: configuration.alerts.deliveryTimeout, logger: logger)
        return AlertingComponents(
            receivers: receivers, store: store,
            silences: SilenceStore(dynamo: dynamo, table: table, environment: environment), history: history,
            deliverer: deliverer, alerts: configuration.alerts, logger: logger)
    }

    /// A dispatcher over these parts.
    package func makeDispatcher(now: @escaping @Sendable () -> Date, sleeper: any Sleeper) -> AlertDispatcher {
        AlertDispatcher(
            settings: AlertDispatcher.Settings(alerts), receivers: receivers, store: store, silences: silences,
            history: history, deliverer: deliverer, now: now, sleeper: sleeper, logger: logger)
    }

    /// Records a silence change in the history and queues its announcement for the receivers people read.
    ///
    /// - Returns: how many receivers it was queued for.
    @discardableResult
    package func announce(_ announcement: SilenceAnnouncement) async throws(AlertingError) -> Int {
        let kind: AlertHistoryEvent.Kind = announcement.action == .created ? .silenceCreated : .silenceExpired
        let alertName =
            announcement.silence.matchers.first { $0.name == "alertname" && !$0.isNegative }?.value ?? "silence"
        try await history.append(
            AlertHistoryEvent(
                at: announcement.at, kind: kind, alert: alertName, subject: announcement.silence.id,
                detail: "\(announcement.silence.matcherText) by \(announcement.by): \(announcement.silence.comment)"))
        var count = 0
        for receiver in receivers {
            guard let message = receiver.render(announcement) else { continue }
            let status = "silence-\(announcement.action.rawValue)"
            try await store.enqueue(
                OutboxMessage(
                    id: OutboxMessage.makeID(
                        at: announcement.at, receiver: receiver.name, subject: "\(status)-\(announcement.silence.id)",
                        sequence: 0),
                    receiver: receiver.name, message: message, alertNames: [alertName],
                    subject: announcement.silence.id, status: status, createdAt: announcement.at,
                    expiresAt: announcement.at.addingTimeInterval(alerts.deliveryExpiry.timeInterval)))
            count += 1
        }
        return count
    }
}
