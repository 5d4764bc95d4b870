import Foundation
import TransferWatchRules

extension PipelineSnapshot {
    /// The snapshot as the facts of ``PipelineFacts/state``, which state rules read.
    ///
    /// - Throws: ``FactValueError`` only if this adapter and the schema disagree (a programming error that the
    ///   unit tests catch).
    package func facts() throws(FactValueError) -> FactValues {
        try FactValues(schema: PipelineFacts.state, values: factTree)
    }

    /// The values behind ``facts()``, by schema field.
    package var factTree: [String: FactValue] {
        [
            "now": .timestamp(now),
            "window": .object([
                "id": .string(window.id),
                "openedAt": .timestamp(window.openedAt),
                "closesAt": .timestamp(window.closesAt),
                "complete": .bool(window.isComplete),
                "closed": .bool(window.isClosed),
                "maxLifespan": .duration(window.maxLifespan),
            ]),
            "counter": .object([
                "delivered": .number(Double(counter.delivered)),
                "expected": .number(Double(counter.expected)),
                "missing": .list(counter.missing.map(FactValue.string)),
                "lastDeliveryAt": counter.lastDeliveryAt.map(FactValue.timestamp) ?? .null,
            ]),
            "server": server.map { server in
                .object([
                    "id": .string(server.id),
                    "state": .string(server.state),
                    "online": .bool(server.isOnline),
                    "createdAt": .timestamp(server.createdAt),
                    "age": .duration(server.age),
                    "costSoFar": .number(server.costSoFar),
                ])
            } ?? .null,
            "copies": .object([
                "failedLast1h": .number(Double(copies.failedLast1h)),
                "succeededLast1h": .number(Double(copies.succeededLast1h)),
                "lastFailureAt": copies.lastFailureAt.map(FactValue.timestamp) ?? .null,
                "failedKeys": .list(copies.failedKeys.map(FactValue.string)),
            ]),
            "provisioning": .object([
                "expectedUsers": .number(Double(provisioning.expectedUsers)),
                "usersProvisioned": .number(Double(provisioning.usersProvisioned)),
                "lastResult": provisioning.lastResult.map(FactValue.string) ?? .null,
                "lastRunAt": provisioning.lastRunAt.map(FactValue.timestamp) ?? .null,
            ]),
            "servers": .object([
                "managed": .list(managedServers.map(FactValue.string)),
                "orphans": .list(orphanServers.map(FactValue.string)),
            ]),
            "environment": .string(environment),
        ]
    }
}
