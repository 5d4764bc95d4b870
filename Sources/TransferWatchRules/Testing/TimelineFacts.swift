import Foundation

/// The facts a replay evaluates: a quiet baseline, snapshots merged onto it, the facts derived from the clock, and
/// each step's facts on its workflow's defaults. The README's "Rule unit tests" section lists every default.
enum TimelineFacts {
    /// Transfer Family's price per server-hour (one protocol), for a derived `server.costSoFar`.
    static let serverHourlyPrice = 0.30

    /// The state before any snapshot: the window of `start`'s month open from `start` until the first of the next
    /// month (in `timeZone`), nothing delivered or expected, no server, no copies, no provisioning, no servers.
    static func baselineState(start: Date, timeZone: TimeZone, environment: String) -> [String: FactValue] {
        [
            "window": [
                "id": .string(monthID(start, timeZone: timeZone)),
                "openedAt": .timestamp(start),
                "closesAt": .timestamp(startOfNextMonth(start, timeZone: timeZone)),
                "complete": false,
                "maxLifespan": .duration(.seconds(2 * 86_400)),
            ],
            "counter": ["delivered": 0, "expected": 0, "missing": [], "lastDeliveryAt": nil],
            "server": nil,
            "copies": ["failedLast1h": 0, "succeededLast1h": 0, "lastFailureAt": nil, "failedKeys": []],
            "provisioning": ["expectedUsers": 0, "usersProvisioned": 0, "lastResult": nil, "lastRunAt": nil],
            "servers": ["managed": [], "orphans": []],
            "environment": .string(environment),
        ]
    }

    /// Merges a snapshot onto the state: objects field by field, anything else replaced. A server that appears
    /// (where there was none) starts from an ONLINE server `s-test` created at the snapshot's time.
    static func apply(_ snapshot: [String: FactValue], to state: inout [String: FactValue], at time: Date) {
        var snapshot = snapshot
        if case .object(let server)? = snapshot["server"], !(state["server"].map(isObject) ?? false) {
            let defaults: [String: FactValue] = ["id": "s-test", "state": "ONLINE", "createdAt": .timestamp(time)]
            snapshot["server"] = .object(merge(defaults, server))
            state["server"] = nil
        }
        state = merge(state, snapshot)
    }

    /// The state's facts at `now`, with the derived facts filled in where the timeline did not give them:
    /// `server.age` (now − createdAt), `server.online` (state is ONLINE), `server.costSoFar` (age × $0.30/h) and
    /// `window.closed` (now ≥ closesAt).
    static func stateFacts(_ state: [String: FactValue], now: Date) throws(FactValueError) -> FactValues {
        var tree = state
        tree["now"] = .timestamp(now)
        if case .object(var server)? = tree["server"] {
            if server["age"] == nil, case .timestamp(let created)? = server["createdAt"] {
                server["age"] = .duration(.seconds(max(0, Int64(now.timeIntervalSince(created).rounded(.down)))))
            }
            if server["online"] == nil, case .string(let value)? = server["state"] {
                server["online"] = .bool(value == "ONLINE")
            }
            if server["costSoFar"] == nil, case .duration(let age)? = server["age"] {
                server["costSoFar"] = .number((age.timeInterval / 3600 * serverHourlyPrice * 100).rounded() / 100)
            }
            tree["server"] = .object(server)
        }
        if case .object(var window)? = tree["window"], window["closed"] == nil {
            if case .timestamp(let closesAt)? = window["closesAt"] {
                window["closed"] = .bool(now >= closesAt)
            }
            tree["window"] = .object(window)
        }
        return try FactValues(schema: PipelineFacts.state, values: tree)
    }

    /// A step's facts: what the test wrote, on the workflow's defaults, at time `now`.
    static func stepFacts(
        _ step: TimelineStep, now: Date, timeZone: TimeZone, environment: String
    ) throws(FactValueError) -> FactValues {
        var common: [String: FactValue] = [
            "now": .timestamp(now), "startedAt": .timestamp(now), "finishedAt": .timestamp(now),
            "environment": .string(environment), "notes": [], "requests": 0,
        ]
        let window = FactValue.string(monthID(now, timeZone: timeZone))
        var tree: [String: FactValue]
        switch step.workflow {
        case .copy:
            common.merge(
                [
                    "result": "moved", "window": window, "delivery": nil, "counted": false, "windowComplete": false,
                    "multipart": false, "parts": nil, "latency": .duration(.zero), "attempts": nil, "errorCode": nil,
                    "source": ["bucket": "invoices-incoming", "key": "alice/invoice.pdf", "size": nil, "etag": nil],
                    "destination": ["bucket": "invoices-archive"],
                ], uniquingKeysWith: { $1 })
            tree = merge(common, step.facts)
            deriveCopyFacts(&tree)
        case .provision:
            common.merge(
                [
                    "result": "provisioned", "window": window, "runID": "test-run", "server": [:], "usersCreated": [],
                    "usersAdopted": [], "usersAlreadyProvisioned": 0, "usersNoLongerListed": [], "skipped": [],
                    "inactive": [], "windowOpened": false, "failures": [], "rateLimitWait": .duration(.zero),
                    "serverWait": .duration(.zero), "duration": .duration(.zero),
                ], uniquingKeysWith: { $1 })
            tree = merge(common, step.facts)
        case .teardown:
            common.merge(
                [
                    "result": "tornDown", "window": window, "reason": "scheduled", "dryRun": false,
                    "includeOrphans": false, "server": [:], "usersDeleted": [], "usersAlreadyGone": [],
                    "windowClosed": true, "orphansDeleted": [], "failures": [], "rateLimitWait": .duration(.zero),
                    "duration": .duration(.zero),
                ], uniquingKeysWith: { $1 })
            tree = merge(common, step.facts)
        }
        return try FactValues(schema: step.workflow.schema, values: tree)
    }

    /// A copy's destination defaults to the source's key, size and ETag (an intact copy), its uploader to the
    /// key's first segment, and its bytes to the source's size.
    private static func deriveCopyFacts(_ tree: inout [String: FactValue]) {
        guard case .object(let source)? = tree["source"] else { return }
        var destination: [String: FactValue] = [:]
        if case .object(let given)? = tree["destination"] { destination = given }
        for key in ["key", "size", "etag"] where destination[key] == nil {
            destination[key] = source[key] ?? .null
        }
        tree["destination"] = .object(destination)
        if tree["uploader"] == nil, case .string(let key)? = source["key"] {
            let first = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first
            tree["uploader"] = key.contains("/") ? first.map { .string(String($0)) } ?? .null : .null
        }
        if tree["bytes"] == nil {
            if case .number(let size)? = source["size"] { tree["bytes"] = .number(size) } else { tree["bytes"] = 0 }
        }
    }

    /// Merges `overlay` onto `base`: objects field by field, anything else (lists, values, `null`) replaced.
    static func merge(_ base: [String: FactValue], _ overlay: [String: FactValue]) -> [String: FactValue] {
        var result = base
        for (key, value) in overlay {
            if case .object(let nested) = value, case .object(let existing)? = base[key] {
                result[key] = .object(merge(existing, nested))
            } else {
                result[key] = value
            }
        }
        return result
    }

    private static func isObject(_ value: FactValue) -> Bool {
        if case .object = value { return true }
        return false
    }

    /// `YYYY-MM` of an instant in a zone: the delivery window's ID.
    static func monthID(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month], from: date)
        let month = parts.month ?? 1
        return "\(parts.year ?? 1970)-\(month < 10 ? "0" : "")\(month)"
    }

    /// Midnight on the first of the month after `date`'s, in a zone.
    static func startOfNextMonth(_ date: Date, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: date)) ?? date
        return calendar.date(byAdding: .month, value: 1, to: start) ?? date
    }
}
