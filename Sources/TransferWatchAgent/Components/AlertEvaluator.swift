import Foundation
import Logging
import TransferWatchAlerting
import TransferWatchRules
import TransferWatchTelemetry
import TransferWatchWorkflows

/// The agent's rule evaluation: state rules against a ``PipelineSnapshot`` on the leader, step verdicts from
/// copies, provisioning and teardown, one ``AlertTracker`` for both, and the tracker's alerts handed to the
/// ``AlertDispatcher`` after each change.
///
/// The tracker is persisted (``TrackerStore``) after every evaluation and restored at start, and again when
/// this replica becomes the leader, so a restart neither re-pages nor forgets `for` progress.
///
/// Replicas: only the leader evaluates state rules and hands alerts to the dispatcher (the dispatcher caches its
/// state, so two replicas dispatching would overwrite each other). A follower passes its step verdicts to the
/// leader through the ``StepVerdictInbox``: every fired verdict, and a quiet one when it may resolve an alert
/// (one this follower passed on as fired, or one firing in the leader's saved tracker, read each round). The
/// leader drains the inbox at each evaluation, observes the verdicts at the time their step ran, dispatches,
/// saves, and only then deletes what it drained.
package actor AlertEvaluator {
    /// The rules (`nil`: no rules folder; snapshots are still built for `/status.json` and the gauges).
    package let rules: RuleSet?
    /// Builds the pipeline's state at a business instant.
    package let snapshot: @Sendable (Date) async throws -> PipelineSnapshot
    /// Receives the alerts.
    package let dispatcher: AlertDispatcher
    /// Gauges and violations; `nil` without metrics.
    package let metrics: AgentMetrics?
    /// Where the tracker is kept.
    package let store: TrackerStore
    /// Clock and leadership.
    package let environment: AgentEnvironment
    /// Where a follower's step verdicts go to the leader; `nil`: a follower keeps them to itself.
    package let inbox: StepVerdictInbox?
    private let logger: Logger
    /// Fingerprints of the step alerts this follower passed on as firing (so their resolution is passed too).
    private var forwardedFiring: Set<String> = []
    /// Fingerprints of the alerts firing in the leader's saved tracker at this follower's last round.
    private var leaderFiring: Set<String> = []

    private var tracker = AlertTracker()
    private var restoredAsLeader = false
    private var last: PipelineSnapshot?
    private var lastFailure: String?
    /// The problems already logged, so each is logged when it appears, not every round.
    private var problemLog = SnapshotProblemLog()
    private var handingOver: Task<Void, Never>?

    /// An evaluator; nothing is read until ``restore()`` or the first evaluation.
    package init(
        rules: RuleSet?, snapshot: @escaping @Sendable (Date) async throws -> PipelineSnapshot,
        dispatcher: AlertDispatcher, metrics: AgentMetrics?, store: TrackerStore, environment: AgentEnvironment,
        inbox: StepVerdictInbox? = nil, logger: Logger
    ) {
        self.inbox = inbox
        self.rules = rules
        self.snapshot = snapshot
        self.dispatcher = dispatcher
        self.metrics = metrics
        self.store = store
        self.environment = environment
        self.logger = logger
    }

    /// The state groups' shortest interval (1 minute when there is none).
    package nonisolated var interval: Duration {
        let intervals = (rules?.stateGroups ?? []).compactMap { group -> Duration? in
            if case .state(let interval) = group.kind { return interval }
            return nil
        }
        return intervals.min() ?? .seconds(60)
    }

    /// The tracker as it stands (for tests and the final save).
    package var current: AlertTracker { tracker }

    /// The last snapshot's status with the dispatcher's alerts; `nil` before the first snapshot or without a window.
    package func status() -> PipelineStatus? {
        last?.status(alerts: dispatcher.statusAlerts())
    }

    /// Reads the saved tracker (replacing this one). A missing item starts empty; an unreadable one is logged
    /// and replaced at the next save.
    package func restore() async {
        do {
            if let saved = try await store.load() {
                tracker = saved
                logger.info(
                    "alert tracker restored",
                    metadata: ["alerts.firing": "\(saved.firing.count)", "alerts.tracked": "\(saved.alerts.count)"])
            }
        } catch {
            logger.error("cannot restore the alert tracker; starting empty", metadata: ["error": "\(error)"])
        }
    }

    /// One round: builds the snapshot at the business `now`; on the leader also evaluates the state rules,
    /// dispatches, saves the tracker and records the gauges. No window yet is not an error: nothing to evaluate.
    package func evaluate() async {
        let now = environment.clock.now()
        let leader = await leading()
        var drained: [StepVerdictInbox.Drained] = []
        if leader {
            drained = await receiveForwarded(at: now)
        } else {
            await refreshLeaderFiring()
        }
        let snapshot: PipelineSnapshot
        do {
            snapshot = try await self.snapshot(now)
            lastFailure = nil
        } catch let error as PipelineSnapshotError {
            last = nil
            logger.debug("no delivery window: no state rule to evaluate", metadata: ["reason": "\(error)"])
            if leader {
                await expireAndDispatch(at: now)
                await removeForwarded(drained)
            }
            return
        } catch {
            if !drained.isEmpty {
                await expireAndDispatch(at: now)
                await removeForwarded(drained)
            }
            let text = "\(error)"
            if text != lastFailure {
                logger.warning("cannot read the pipeline's state; evaluating again later", metadata: ["error": "\(text)"])
            }
            lastFailure = text
            return
        }
        last = snapshot
        var logger = self.logger
        logger[metadataKey: "window"] = "\(snapshot.window.id)"
        guard leader else { return }
        logProblemChanges(snapshot.problems, logger: logger)
        var firingRules: [String] = []
        if let rules {
            do {
                let facts = try snapshot.facts()
                let transitions = tracker.evaluate(rules, state: facts, at: now)
                log(transitions, logger: logger)
                firingRules = tracker.firing.map(\.rule).filter { rules.stateRuleNames.contains($0) }
            } catch {
                logger.error("cannot turn the pipeline's state into facts", metadata: ["error": "\(error)"])
            }
        }
        await expireAndDispatch(at: now)
        await removeForwarded(drained)
        if let metrics {
            let status = snapshot.status(alerts: [])
            let gauges = PipelineGauges(
                delivered: status.counter.delivered, expected: status.counter.expected,
                serverOnline: status.server?.state == "ONLINE",
                serverAgeHours: status.server.map { Double($0.ageSeconds) / 3600 },
                alertsFiring: tracker.firing.count)
            await metrics.record(gauges, firingRules: firingRules, at: now)
        }
    }

    /// A step's verdicts (a copy, a provisioning or teardown run): tracked on every replica, dispatched and
    /// saved on the leader, passed to the leader through the inbox on a follower.
    package func observe(step verdicts: [RuleVerdict]) async {
        guard !verdicts.isEmpty else { return }
        let leader = await leading()
        let now = environment.clock.now()
        let transitions = tracker.observe(step: verdicts, at: now)
        log(transitions, logger: logger)
        if !leader {
            await forward(verdicts, at: now)
            return
        }
        guard !transitions.isEmpty else { return }
        await handOver(at: now)
    }

    /// Logs the snapshot's problems when they change (``SnapshotProblemLog``).
    private func logProblemChanges(_ problems: [String], logger: Logger) {
        let changes = problemLog.update(problems)
        for problem in changes.listed {
            logger.warning("pipeline state incomplete", metadata: ["problem": "\(problem)"])
        }
        if changes.unlisted > 0 {
            logger.warning(
                "pipeline state incomplete: more problems not listed",
                metadata: ["problems.unlisted": "\(changes.unlisted)", "problems.total": "\(changes.total)"])
        }
        if let resolved = changes.resolved {
            logger.notice("pipeline state complete again", metadata: ["problems.resolved": "\(resolved)"])
        }
    }

    /// On a follower: posts the verdicts the leader needs (fired ones; quiet ones that may resolve an alert).
    private func forward(_ verdicts: [RuleVerdict], at now: Date) async {
        guard let inbox else { return }
        var needed: [RuleVerdict] = []
        for verdict in verdicts {
            let fingerprint = AlertFingerprint.of(verdict.labels)
            if verdict.fired {
                forwardedFiring.insert(fingerprint)
                needed.append(verdict)
            } else if forwardedFiring.remove(fingerprint) != nil || leaderFiring.contains(fingerprint) {
                needed.append(verdict)
            }
        }
        guard !needed.isEmpty else { return }
        do {
            try await inbox.post(needed, observedAt: now)
        } catch {
            logger.error(
                "cannot pass step verdicts to the leader; the step's alert is not sent from this replica",
                metadata: ["error": "\(error)", "alert.names": "\(Set(needed.map(\.rule)).sorted())"])
        }
    }

    /// On the leader: observes what followers posted (oldest first, at the time each step ran).
    private func receiveForwarded(at now: Date) async -> [StepVerdictInbox.Drained] {
        guard let inbox else { return [] }
        let drained: [StepVerdictInbox.Drained]
        do {
            drained = try await inbox.drain(logger: logger)
        } catch {
            logger.warning("cannot read the followers' step verdicts; reading again next round", metadata: ["error": "\(error)"])
            return []
        }
        for posting in drained.compactMap(\.posting) {
            var logger = self.logger
            logger[metadataKey: "agent.replica"] = "\(posting.sender)"
            log(tracker.observe(step: posting.verdicts, at: min(posting.observedAt, now)), logger: logger)
        }
        return drained
    }

    /// On the leader, after the drained verdicts were dispatched and saved: deletes them from the inbox.
    private func removeForwarded(_ drained: [StepVerdictInbox.Drained]) async {
        guard let inbox, !drained.isEmpty else { return }
        await handingOver?.value
        do {
            try await inbox.remove(drained)
        } catch {
            // Read again next round: observing a verdict twice changes nothing.
            logger.warning("cannot delete the followers' step verdicts already observed", metadata: ["error": "\(error)"])
        }
    }

    /// On a follower: which alerts fire in the leader's saved tracker (their quiet verdicts are passed on).
    private func refreshLeaderFiring() async {
        guard inbox != nil else { return }
        do {
            leaderFiring = Set((try await store.load()?.firing ?? []).map(\.fingerprint))
        } catch {
            logger.debug("cannot read the leader's alert tracker", metadata: ["error": "\(error)"])
        }
    }

    /// Saves the tracker (the leader's only: a follower's would overwrite the leader's).
    package func save(at now: Date) async {
        guard environment.leadership.isLeader else { return }
        await handingOver?.value
        do {
            try await store.save(tracker, at: now)
        } catch {
            logger.error("cannot save the alert tracker; retrying after the next evaluation", metadata: ["error": "\(error)"])
        }
    }

    /// Whether this replica leads; on becoming the leader, first restores the saved tracker (a follower's
    /// own step observations are replaced by the leader's record).
    private func leading() async -> Bool {
        guard environment.leadership.isLeader else {
            restoredAsLeader = false
            return false
        }
        if !restoredAsLeader {
            restoredAsLeader = true
            await restore()
        }
        return true
    }

    private func expireAndDispatch(at now: Date) async {
        log(tracker.expire(at: now), logger: logger)
        await handOver(at: now)
    }

    /// Hands the tracker's alerts to the dispatcher and saves the tracker, one hand-over after the other: this
    /// actor is reentrant (a step can arrive while an evaluation waits), so without the chain two hand-overs
    /// could interleave in the dispatcher and an older tracker could be saved over a newer one.
    private func handOver(at now: Date) async {
        let alerts = tracker.alerts
        let snapshot = tracker
        let previous = handingOver
        let (dispatcher, store, logger) = (self.dispatcher, self.store, self.logger)
        let task = Task {
            await previous?.value
            await dispatcher.receive(alerts, at: now)
            do {
                try await store.save(snapshot, at: now)
            } catch {
                logger.error(
                    "cannot save the alert tracker; retrying after the next evaluation", metadata: ["error": "\(error)"])
            }
        }
        handingOver = task
        await task.value
    }

    private func log(_ transitions: [AlertTransition], logger: Logger) {
        for transition in transitions {
            var metadata: Logger.Metadata = [
                "alert.name": "\(transition.alert.rule)",
                "alert.from": "\(transition.from?.rawValue ?? "inactive")",
                "alert.to": "\(transition.to?.rawValue ?? "inactive")",
            ]
            if let key = transition.alert.labels["key"] { metadata["s3.key"] = "\(key)" }
            logger.info("alert transition", metadata: metadata)
        }
    }
}
