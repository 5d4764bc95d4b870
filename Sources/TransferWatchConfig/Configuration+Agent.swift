import Foundation

extension Configuration {
    /// How the long-running agent (`transferwatch agent`) behaves (`agent`).
    ///
    /// Copies use ``Configuration/Copy`` (`copy.concurrency` bounds the uploads moved at once, and
    /// `copy.gracePeriod` is how old an unmoved source object must be before reconciliation moves it).
    package struct Agent: Sendable, Equatable {
        /// How long a graceful shutdown may take before in-flight work is cancelled (`agent.shutdownTimeout`).
        package var shutdownTimeout: Duration
        /// How long the leader lease lasts without renewal (`agent.lease`); it is renewed at a third of that.
        package var lease: Duration
        /// How often the source bucket is scanned for uploads whose event was lost (`agent.reconcileInterval`).
        package var reconcileInterval: Duration
        /// How often the schedules and the counter and lifespan triggers are checked (`agent.tickInterval`).
        package var tickInterval: Duration
        /// How long a received upload event stays hidden from other consumers; extended while its copy runs
        /// (`agent.visibilityTimeout`, 1s–12h).
        package var visibilityTimeout: Duration
        /// Receives of one message before SQS moves it to the dead-letter queue (`agent.maxReceiveCount`,
        /// 1–1000; set on the queue by `bootstrap`).
        package var maxReceiveCount: Int

        /// The default `shutdownTimeout`, 20 seconds.
        package static let defaultShutdownTimeout = Duration.seconds(20)
        /// The default `lease`, 30 seconds.
        package static let defaultLease = Duration.seconds(30)
        /// The default `reconcileInterval`, 5 minutes.
        package static let defaultReconcileInterval = Duration.seconds(300)
        /// The default `tickInterval`, 1 minute.
        package static let defaultTickInterval = Duration.seconds(60)
        /// The default `visibilityTimeout`, 60 seconds.
        package static let defaultVisibilityTimeout = Duration.seconds(60)
        /// The default `maxReceiveCount`, 5.
        package static let defaultMaxReceiveCount = 5
        /// SQS's longest visibility timeout, 12 hours.
        package static let maximumVisibilityTimeout = Duration.seconds(43_200)

        /// Creates the settings; each argument defaults to the documented default.
        package init(
            shutdownTimeout: Duration = Agent.defaultShutdownTimeout,
            lease: Duration = Agent.defaultLease,
            reconcileInterval: Duration = Agent.defaultReconcileInterval,
            tickInterval: Duration = Agent.defaultTickInterval,
            visibilityTimeout: Duration = Agent.defaultVisibilityTimeout,
            maxReceiveCount: Int = Agent.defaultMaxReceiveCount
        ) {
            self.shutdownTimeout = shutdownTimeout
            self.lease = lease
            self.reconcileInterval = reconcileInterval
            self.tickInterval = tickInterval
            self.visibilityTimeout = visibilityTimeout
            self.maxReceiveCount = maxReceiveCount
        }
    }

    /// Reads the `agent` section, reporting each value out of range at its key's line.
    static func decodeAgent(_ reader: MappingReader) -> Agent {
        func positive(
            _ key: String, _ defaultValue: Duration, atMost limit: Duration? = nil, minimum: Duration = .zero
        )
            -> Duration
        {
            let value = reader.value(key, .duration, default: defaultValue)
            if value <= minimum {
                reader.reportInvalid(
                    key, "must be longer than \(minimum == .zero ? "0s" : "\(minimum.components.seconds)s")")
                return defaultValue
            }
            if let limit, value > limit {
                reader.reportInvalid(key, "must be at most \(limit.components.seconds)s")
                return defaultValue
            }
            return value
        }
        let maxReceiveCount = reader.value(
            "maxReceiveCount", .integer(atLeast: 1), default: Agent.defaultMaxReceiveCount)
        if maxReceiveCount > 1000 {
            reader.reportInvalid("maxReceiveCount", "must be at most 1000 (SQS's limit)")
        }
        let visibility = positive(
            "visibilityTimeout", Agent.defaultVisibilityTimeout, atMost: Agent.maximumVisibilityTimeout)
        if visibility < .seconds(1) {
            reader.reportInvalid("visibilityTimeout", "must be at least 1s (SQS counts whole seconds)")
        }
        return Agent(
            shutdownTimeout: positive("shutdownTimeout", Agent.defaultShutdownTimeout),
            lease: positive("lease", Agent.defaultLease),
            reconcileInterval: positive("reconcileInterval", Agent.defaultReconcileInterval),
            tickInterval: positive("tickInterval", Agent.defaultTickInterval),
            visibilityTimeout: visibility,
            maxReceiveCount: min(maxReceiveCount, 1000)
        )
    }
}
