import Foundation
import ServiceLifecycle
import TransferWatchRules
import TransferWatchWorkflows

/// A long-running part of the agent that another module provides (the HTTP status server, the rule evaluator,
/// the alert dispatcher, the metrics publisher), plugged into ``AgentServices`` by the command.
///
/// A component is a `Service`: it runs until graceful shutdown (SIGTERM/SIGINT) and then finishes what it must
/// (flush metrics, save alert state) within `agent.shutdownTimeout`. Components that must run on one replica
/// only read ``AgentEnvironment/leadership``.
package protocol AgentComponent: Service {
    /// The name used in logs (`http`, `rules`, `alerts`, `metrics`).
    var name: String { get }
}

/// Receives what the agent's core does, as it happens: each copy's step record, each provisioning and teardown
/// record. The metrics publisher and the step-rule evaluator implement it; the default does nothing.
package protocol AgentObserver: Sendable {
    /// A copy finished (moved, already moved, superseded or failed).
    func copied(_ record: CopyStepRecord, origin: AgentEnvironment.CopyOrigin) async
    /// A provisioning run finished.
    func provisioned(_ record: ProvisioningStepRecord) async
    /// A teardown run finished.
    func tornDown(_ record: TeardownStepRecord) async
}

extension AgentObserver {
    /// Does nothing.
    package func copied(_ record: CopyStepRecord, origin: AgentEnvironment.CopyOrigin) async {}
    /// Does nothing.
    package func provisioned(_ record: ProvisioningStepRecord) async {}
    /// Does nothing.
    package func tornDown(_ record: TeardownStepRecord) async {}
}

/// Observes nothing.
package struct NoAgentObserver: AgentObserver {
    /// The observer that does nothing.
    package init() {}
}

/// Several observers, called in order.
package struct AgentObservers: AgentObserver {
    /// The observers.
    package var observers: [any AgentObserver]

    /// Calls each of `observers` in order.
    package init(_ observers: [any AgentObserver]) {
        self.observers = observers
    }

    package func copied(_ record: CopyStepRecord, origin: AgentEnvironment.CopyOrigin) async {
        for observer in observers { await observer.copied(record, origin: origin) }
    }

    package func provisioned(_ record: ProvisioningStepRecord) async {
        for observer in observers { await observer.provisioned(record) }
    }

    package func tornDown(_ record: TeardownStepRecord) async {
        for observer in observers { await observer.tornDown(record) }
    }
}
