import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchRules
import TransferWatchWorkflows

/// From the alerts rule evaluation computes to notifications, once: Alertmanager's dispatcher, with its state
/// in the state table.
///
/// ```swift
/// let dispatcher = AlertDispatcher(settings: .init(configuration.alerts), receivers: receivers, store: store,
///                                  silences: silences, history: history, deliverer: deliverer, now: now,
///                                  sleeper: ClockSleeper(clock: ContinuousClock()), logger: logger)
/// // after each evaluation:
/// await dispatcher.receive(alerts, at: now())
/// // in the agent's service group:
/// try await dispatcher.run()
/// ```
///
/// ``receive(_:at:)`` only records: it updates the alerts, their mutes (silences, inhibition) and groups in
/// the state table and appends transitions to the history. It never talks to a receiver, so a slow or dead
/// receiver cannot slow the caller. ``flushDue(at:)`` turns due groups into queued notifications
/// (deduplicated against what each receiver was told), and the deliverer sends the queue; ``run()`` calls
/// both on timers.
package actor AlertDispatcher {
    /// Routing and timing, from `alerts` in the configuration.
    package struct Settings: Sendable {
        /// Labels that group alerts.
        package var groupBy: [String]
        /// First notification of a new group after this long.
        package var groupWait: Duration
        /// Changes to a group are notified at most this often.
        package var groupInterval: Duration
        /// Unchanged firing groups are notified again after this long.
        package var repeatInterval: Duration
        /// Undelivered notifications are given up after this long.
        package var deliveryExpiry: Duration
        /// The agent's URL, for links.
        package var externalURL: URL?
        /// The inhibit rules.
        package var inhibitRules: [Configuration.InhibitRule]
        /// The most undelivered notifications kept per receiver; more are dropped (and recorded).
        package var maxQueuedPerReceiver = 1000
        /// Pending alerts not reported again for this long are forgotten.
        package var pendingRetention: Duration = .seconds(3600)
        /// How often ``run()`` looks for due groups and deliveries.
        package var tickInterval: Duration = .seconds(5)
        /// How often silences are re-read from the table (other replicas and the CLI write them).
        package var silenceRefresh: Duration = .seconds(15)

        /// Settings from the configuration's `alerts` section.
        package init(_ alerts: Configuration.Alerts) {
            groupBy = alerts.groupBy
            groupWait = alerts.groupWait
            groupInterval = alerts.groupInterval
            repeatInterval = alerts.repeatInterval
            deliveryExpiry = alerts.deliveryExpiry
            externalURL = alerts.externalURL
            inhibitRules = alerts.inhibitRules
        }
    }

    /// The settings.
    package let settings: Settings
    /// The receivers.
    package let receivers: [AlertReceiver]
    /// The state.
    package let store: AlertStateStore
    /// The silences.
    package let silences: SilenceStore
    /// The audit trail.
    package let history: AlertHistory
    /// Sends the outbox.
    package let deliverer: NotificationDeliverer
    private let now: @Sendable () -> Date
    private let sleeper: any Sleeper
    private let logger: Logger
    private let inhibitor: Inhibitor

    private var state: AlertStateStore.Snapshot?
    private var activeSilences: [Silence] = []
    private var silencesReadAt: Date?
    private var unsaved: Set<String> = []
    private let statusSnapshot = Locked<[PipelineStatus.Alert]>([])

    /// Creates a dispatcher; nothing is read until the first call.
    package init(
        settings: Settings, receivers: [AlertReceiver], store: AlertStateStore, silences: SilenceStore,
        history: AlertHistory, deliverer: NotificationDeliverer, now: @escaping @Sendable () -> Date,
        sleeper: any Sleeper, logger: Logger
    ) {
        self.settings = settings
        self.receivers = receivers
        self.store = store
        self.silences = silences
        self.history = history
        self.deliverer = deliverer
        self.now = now
        self.sleeper = sleeper
        self.logger = logger
        self.inhibitor = Inhibitor(rules: settings.inhibitRules)
    }

    // MARK: Receiving

    /// Records the alerts of one evaluation (or step): transitions, mutes, groups. Never waits on a receiver.
    ///
    /// An alert is identified by its fingerprint, so the same problem reported again and again stays one
    /// alert. A resolved alert that was never seen firing is ignored. Storage failures are logged and the
    /// changes are written again on the next call.
    package func receive(_ alerts: [AlertInstance], at now: Date) async {
        guard var current = await loaded() else { return }
        await refreshSilences(at: now)
        var latest: [String: AlertInstance] = [:]
        for alert in alerts { latest[alert.fingerprint] = alert }
        for (fingerprint, alert) in latest.sorted(by: { $0.key < $1.key }) {
            let old = current.records[fingerprint]
            if alert.state == .resolved, old == nil || old?.alert.state == .resolved { continue }
            if old?.alert.state != alert.state {
                let kind: AlertHistoryEvent.Kind =
                    switch alert.state {
                    case .pending: .pending
                    case .firing: .firing
                    case .resolved: .resolved
                    }
                await record(
                    kind, alert: alert.labels["alertname"] ?? alert.rule, fingerprint: fingerprint, at: now,
                    detail: alert.annotations["summary"] ?? "")
                logger.info(
                    "alert \(alert.state.rawValue)",
                    metadata: ["alert.name": "\(alert.rule)", "alert.fingerprint": "\(fingerprint)"])
            }
            if old?.alert != alert { unsaved.insert(fingerprint) }
            current.records[fingerprint] = AlertRecord(alert: alert, mute: old?.mute)
        }
        await applyMutes(&current, at: now)
        for record in current.records.values where record.alert.state == .firing {
            let key = AlertGroupKey(alertLabels: record.alert.labels, groupBy: settings.groupBy)
            guard current.groups[key.id] == nil else { continue }
            let group = AlertGroupState(
                key: key, createdAt: now, nextFlushAt: now.addingTimeInterval(settings.groupWait.timeInterval))
            current.groups[key.id] = group
            do {
                try await store.save(group)
            } catch {
                logger.warning("cannot save an alert group", metadata: ["error": "\(error)"])
            }
        }
        state = current
        await saveUnsaved()
        publishStatus()
    }

    // MARK: Flushing

    /// Queues a notification for every due group and receiver that needs one; returns what was queued.
    ///
    /// A group is due `group_wait` after its first alert, then every `group_interval`. Deduplication
    /// compares with what the receiver was last told (``DedupPolicy``), so a flush that has nothing new
    /// queues nothing, and `repeat_interval` re-sends still-firing alerts.
    @discardableResult
    package func flushDue(at now: Date) async -> [AlertNotification] {
        guard var current = await loaded() else { return [] }
        await refreshSilences(at: now)
        await applyMutes(&current, at: now)
        state = current
        await saveUnsaved()
        var queued: [AlertNotification] = []
        var queueLengths: [String: Int]?
        for (id, group) in current.groups.sorted(by: { $0.key < $1.key }) where group.nextFlushAt <= now {
            let members = current.records.values.filter {
                AlertGroupKey(alertLabels: $0.alert.labels, groupBy: settings.groupBy).id == id
            }.sorted { ($0.since, $0.fingerprint) < ($1.since, $1.fingerprint) }
            let firing = members.filter { $0.alert.state == .firing && $0.mute == nil }
            for receiver in receivers {
                let logKey = "\(receiver.name)#\(id)"
                let entry = current.log[logKey]
                let resolved = members.filter {
                    $0.alert.state == .resolved && (entry?.firing.contains($0.fingerprint) ?? false)
                }
                guard
                    let reason = DedupPolicy.decide(
                        entry: entry, firing: Set(firing.map(\.fingerprint)),
                        resolved: Set(resolved.map(\.fingerprint)),
                        repeatInterval: settings.repeatInterval, now: now)
                else { continue }
                let notification = AlertNotification(
                    receiver: receiver.name, group: group.key, firing: firing, resolved: resolved, reason: reason,
                    at: now, externalURL: settings.externalURL)
                if queueLengths == nil { queueLengths = await countQueued() }
                if let length = queueLengths?[receiver.name], length >= settings.maxQueuedPerReceiver {
                    logger.warning("notification queue full; dropping", metadata: ["receiver": "\(receiver.name)"])
                    for name in notification.alertNames {
                        await record(
                            .deliveryDropped, alert: name, fingerprint: group.key.description, at: now,
                            receiver: receiver.name, detail: "queue full (\(length) undelivered)")
                    }
                    continue
                }
                let sequence = (entry?.sequence ?? 0) + 1
                let newEntry = NotificationLogEntry(
                    receiver: receiver.name, group: group.key, firing: Set(firing.map(\.fingerprint)),
                    resolved: Set(resolved.map(\.fingerprint)), at: now, sequence: sequence)
                let message = OutboxMessage(
                    id: OutboxMessage.makeID(at: now, receiver: receiver.name, subject: id, sequence: sequence),
                    receiver: receiver.name, message: receiver.render(notification),
                    alertNames: notification.alertNames, subject: group.key.description, status: notification.status,
                    createdAt: now, expiresAt: now.addingTimeInterval(settings.deliveryExpiry.timeInterval))
                do {
                    if try await store.enqueue(message, logging: newEntry) {
                        current.log[logKey] = newEntry
                        queueLengths?[receiver.name, default: 0] += 1
                        queued.append(notification)
                        logger.info(
                            "notification queued",
                            metadata: [
                                "receiver": "\(receiver.name)", "group": "\(group.key)", "reason": "\(reason.rawValue)",
                                "status": "\(notification.status)",
                            ])
                    } else {
                        // Another replica queued it first: take its notification log as ours.
                        logger.info("another replica notified this group", metadata: ["group": "\(group.key)"])
                        if let reloaded = try? await store.load() { current.log = reloaded.log }
                    }
                } catch {
                    logger.warning("cannot queue a notification", metadata: ["error": "\(error)"])
                }
            }
            await finish(group: group, members: members, in: &current, at: now)
        }
        // Pending alerts nobody reports any more are forgotten.
        for record in current.records.values
        where record.alert.state == .pending
            && now.timeIntervalSince(record.alert.evaluatedAt) > settings.pendingRetention.timeInterval
        {
            current.records[record.fingerprint] = nil
            try? await store.deleteRecord(fingerprint: record.fingerprint)
        }
        state = current
        publishStatus()
        return queued
    }

    /// After a flush: resolved alerts every receiver has been told about are forgotten, an empty group is
    /// deleted, and the others get their next flush time.
    private func finish(
        group: AlertGroupState, members: [AlertRecord], in current: inout AlertStateStore.Snapshot, at now: Date
    ) async {
        var remaining = members
        for record in members where record.alert.state == .resolved {
            let stillOwed = receivers.contains {
                current.log["\($0.name)#\(group.key.id)"]?.firing.contains(record.fingerprint) ?? false
            }
            guard !stillOwed else { continue }
            current.records[record.fingerprint] = nil
            remaining.removeAll { $0.fingerprint == record.fingerprint }
            do {
                try await store.deleteRecord(fingerprint: record.fingerprint)
            } catch {
                logger.warning("cannot delete a resolved alert", metadata: ["error": "\(error)"])
            }
        }
        if remaining.isEmpty {
            current.groups[group.key.id] = nil
            for receiver in receivers { current.log["\(receiver.name)#\(group.key.id)"] = nil }
            do {
                try await store.deleteGroup(id: group.key.id, receivers: receivers.map(\.name))
            } catch {
                logger.warning("cannot delete an alert group", metadata: ["error": "\(error)"])
            }
        } else {
            var next = group
            next.nextFlushAt = now.addingTimeInterval(settings.groupInterval.timeInterval)
            current.groups[group.key.id] = next
            do {
                try await store.save(next)
            } catch {
                logger.warning("cannot save an alert group", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: Delivering and running

    /// Delivers what is due in the outbox (see ``NotificationDeliverer/deliverDue(at:)``).
    ///
    /// Not isolated to the dispatcher: deliveries never hold up ``receive(_:at:)``.
    @discardableResult
    package nonisolated func deliverDue(at now: Date) async -> NotificationDeliverer.Report {
        await deliverer.deliverDue(at: now)
    }

    /// Flushes due groups and delivers the outbox every ``Settings/tickInterval`` until cancelled, in two
    /// independent loops so a stalled receiver never delays a flush.
    package nonisolated func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    await self.flushDue(at: self.now())
                    do { try await self.sleeper.sleep(for: self.settings.tickInterval) } catch { return }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    await self.deliverDue(at: self.now())
                    do { try await self.sleeper.sleep(for: self.settings.tickInterval) } catch { return }
                }
            }
        }
    }

    // MARK: Status

    /// The alerts for `status`: firing, pending, silenced and inhibited (resolved ones are left out).
    package nonisolated func statusAlerts() -> [PipelineStatus.Alert] {
        statusSnapshot.withLock { $0 }
    }

    /// Reads the stored state if this dispatcher has not yet, then returns ``statusAlerts()``: for a `status`
    /// command that runs without an agent.
    package func loadStatusAlerts() async -> [PipelineStatus.Alert] {
        _ = await loaded()
        return statusAlerts()
    }

    /// The alerts as stored (for tests and `status`), by fingerprint.
    package func records() async -> [String: AlertRecord] {
        await loaded()?.records ?? [:]
    }

    private func publishStatus() {
        let alerts = (state?.records.values ?? [:].values).filter { $0.alert.state != .resolved }.map { record in
            let shown: String =
                switch record.mute {
                case .silenced: "silenced"
                case .inhibited: "inhibited"
                case nil: record.alert.state.rawValue
                }
            return PipelineStatus.Alert(
                rule: record.name, severity: record.alert.severity.rawValue, state: shown, since: record.since,
                summary: record.alert.annotations["summary"] ?? "")
        }.sorted { ($0.since, $0.rule) < ($1.since, $1.rule) }
        statusSnapshot.withLock { $0 = alerts }
    }

    // MARK: Helpers

    private func loaded() async -> AlertStateStore.Snapshot? {
        if let state { return state }
        do {
            let snapshot = try await store.load()
            for problem in snapshot.problems {
                logger.warning("skipping unreadable alert state item", metadata: ["error": "\(problem)"])
            }
            state = snapshot
            publishStatus()
            return snapshot
        } catch {
            logger.warning("cannot read the alert state", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func refreshSilences(at now: Date) async {
        if let readAt = silencesReadAt, now >= readAt,
            now.timeIntervalSince(readAt) < settings.silenceRefresh.timeInterval
        {
            return
        }
        do {
            let (all, problems) = try await silences.all()
            for problem in problems {
                logger.warning("skipping unreadable silence", metadata: ["error": "\(problem)"])
            }
            activeSilences = all.filter { $0.endsAt > now }
            silencesReadAt = now
        } catch {
            logger.warning("cannot read silences; keeping the last ones read", metadata: ["error": "\(error)"])
        }
    }

    /// Recomputes every unresolved alert's mute: a silence first, then inhibition by a firing alert.
    private func applyMutes(_ current: inout AlertStateStore.Snapshot, at now: Date) async {
        let firing = current.records.values.filter { $0.alert.state == .firing }
        for (fingerprint, stored) in current.records.sorted(by: { $0.key < $1.key })
        where stored.alert.state != .resolved {
            let mute: AlertMute? =
                if let silence = activeSilences.first(where: { $0.silences(stored.alert.labels, at: now) }) {
                    .silenced(silence.id)
                } else if let source = inhibitor.inhibitor(of: stored, among: firing) {
                    .inhibited(source)
                } else {
                    nil
                }
            guard mute != stored.mute else { continue }
            current.records[fingerprint]?.mute = mute
            unsaved.insert(fingerprint)
            let (kind, detail): (AlertHistoryEvent.Kind, String) =
                switch mute {
                case .silenced(let id): (.silenced, "by silence \(id)")
                case .inhibited(let source):
                    (.inhibited, "by \(current.records[source]?.name ?? "alert") \(source)")
                case nil: (.unmuted, "no longer silenced or inhibited")
                }
            await record(kind, alert: stored.name, fingerprint: fingerprint, at: now, detail: detail)
        }
    }

    private func saveUnsaved() async {
        guard let state else { return }
        for fingerprint in unsaved.sorted() {
            do {
                if let record = state.records[fingerprint] { try await store.save(record) }
                unsaved.remove(fingerprint)
            } catch {
                logger.warning("cannot save an alert; will retry", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    private func countQueued() async -> [String: Int] {
        guard let (messages, _) = try? await store.outbox() else { return [:] }
        return Dictionary(grouping: messages, by: \.receiver).mapValues(\.count)
    }

    private func record(
        _ kind: AlertHistoryEvent.Kind, alert: String, fingerprint: String, at now: Date, receiver: String? = nil,
        detail: String
    ) async {
        do {
            try await history.append(
                AlertHistoryEvent(
                    at: now, kind: kind, alert: alert, subject: fingerprint, receiver: receiver, detail: detail))
        } catch {
            logger.warning("cannot append to the alert history", metadata: ["error": "\(error)"])
        }
    }
}
