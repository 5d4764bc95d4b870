import Foundation
import Testing
import TransferWatchRules

@Suite struct EvaluatorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        /// Facts that differ from ``defaultFactTree()``, by dotted path.
        var facts: [String: FactValue] = [:]
        let value: FactValue
        var zone = "UTC"
        var testDescription: String { name }
    }

    static func hours(_ count: Double) -> FactValue { .duration(.milliseconds(Int64(count * 3_600_000))) }

    @Test(arguments: [
        // Durations and timestamps (now is 2026-11-28 09:00 UTC, the window closes 2026-12-01 00:00, the server is 3d2h old).
        Case(name: "timestamp minus timestamp", source: "window.closesAt - now", value: hours(63)),
        Case(name: "calendar anchor, far from the end", source: "window.closesAt - now < 12h", value: false),
        Case(
            name: "calendar anchor, near the end", source: "window.closesAt - now < 12h",
            facts: ["now": .timestamp(utc(2026, 11, 30, 13))], value: true),
        Case(name: "time since the last delivery", source: "now - counter.lastDeliveryAt > 6h", value: true),
        Case(
            name: "timestamp plus compound duration", source: "now + 1h30m",
            value: .timestamp(utc(2026, 11, 28, 10, 30))),
        Case(name: "timestamp minus duration", source: "now - 1d", value: .timestamp(utc(2026, 11, 27, 9))),
        Case(name: "duration plus timestamp", source: "2d + window.openedAt", value: .timestamp(utc(2026, 11, 30))),
        Case(name: "duration times number", source: "server.age * 1.5", value: hours(111)),
        Case(name: "number times duration", source: "2 * 90m", value: hours(3)),
        Case(name: "duration divided by number", source: "server.age / 4", value: hours(18.5)),
        Case(name: "duration divided by duration", source: "server.age / 1h", value: 74),
        Case(name: "duration remainder", source: "server.age % 1d", value: hours(2)),
        Case(name: "duration sum and difference", source: "1h + 30m - 15s", value: .duration(.seconds(5385))),
        Case(name: "negated duration", source: "-server.age", value: hours(-74)),
        Case(name: "duration divided by zero is absent", source: "1d / 0", value: .null),
        Case(name: "duration remainder by zero is absent", source: "1d % 0s", value: .null),
        Case(name: "hours as a number", source: "hours(server.age)", value: 74),
        Case(name: "days as a fractional number", source: "days(36h)", value: 1.5),
        Case(name: "minutes and seconds", source: "minutes(90s) + seconds(500ms)", value: 2),
        Case(name: "cost so far", source: "hours(server.age) * 0.30", value: .number(74 * 0.30)),
        Case(name: "duration arithmetic saturates instead of trapping", source: "1w * 1e300 > 1000000w", value: true),
        Case(name: "negative overflow saturates too", source: "-(1w * 1e300) - 1w * 1e300 < 0s", value: true),
        // Numbers and strings.
        Case(name: "precedence in arithmetic", source: "counter.delivered / counter.expected * 100", value: 80),
        Case(name: "remainder keeps the dividend's sign", source: "-7 % 3", value: -1),
        Case(name: "number division by zero is infinite", source: "1 / 0 > 1e308", value: true),
        Case(name: "NaN compares false", source: "0 / 0 >= 0 or 0 / 0 < 0", value: false),
        Case(name: "round, floor, ceil, abs", source: "round(2.5) + floor(-1.5) + ceil(0.2) + abs(-4)", value: 6),
        Case(name: "min and max", source: "max(server.age, 4d) - min(1h, 2h)", value: hours(95)),
        Case(name: "string concatenation", source: "window.id + \"/\" + copy.uploader", value: "2026-11/alice"),
        Case(
            name: "upper, lower, trim", source: "upper(copy.uploader) + lower(\"B\") + trim(\"  c \")", value: "ALICEbc"
        ),
        Case(name: "len counts characters", source: "len(\"héllo\")", value: 5),
        Case(
            name: "startsWith and endsWith",
            source: "startsWith(copy.source.key, copy.uploader + \"/\") and endsWith(copy.source.key, \".pdf\")",
            value: true),
        Case(name: "contains on a string", source: "contains(copy.source.key, \"invoice\")", value: true),
        Case(name: "contains the empty string", source: "contains(\"abc\", \"\")", value: true),
        Case(name: "strings order by code point", source: "\"alice\" < \"bob\" and \"Z\" < \"a\"", value: true),
        Case(name: "matches the whole string", source: "matches(copy.uploader, \"[a-z]+\")", value: true),
        Case(name: "matches is anchored", source: "matches(copy.uploader, \"ali\")", value: false),
        Case(
            name: "a raw single-quoted pattern",
            source: "matches(copy.source.key, '[a-z]+/invoice-[0-9]{4}-[0-9]{2}\\.pdf')", value: true),
        Case(name: "matches with alternation stays anchored", source: "matches(\"xb\", \"a|b\")", value: false),
        // Lists.
        Case(name: "len of a list", source: "len(counter.missing)", value: 2),
        Case(name: "in", source: "\"alice\" in counter.missing", value: true),
        Case(name: "not in", source: "\"carol\" not in counter.missing", value: true),
        Case(name: "contains on a list", source: "contains(counter.missing, \"bob\")", value: true),
        Case(name: "count with a condition", source: "count(counter.missing, startsWith(it, \"a\"))", value: 1),
        Case(name: "filter", source: "filter(counter.missing, it != \"alice\")", value: ["bob"]),
        Case(name: "any", source: "any(counter.missing, len(it) == 3)", value: true),
        Case(name: "all", source: "all(counter.missing, len(it) == 3)", value: false),
        Case(
            name: "any of an empty list", source: "any(counter.missing, true)", facts: ["counter.missing": []],
            value: false),
        Case(
            name: "all of an empty list", source: "all(counter.missing, false)", facts: ["counter.missing": []],
            value: true),
        Case(
            name: "nested conditions see their own it", source: "count([[1, 2], [3], [0]], any(it, it > 1))", value: 2),
        Case(
            name: "it reaches outer facts", source: "any(servers.managed, it != server.id)",
            facts: ["servers.managed": ["s-0123456789abcdef0", "s-0fedcba987654321"]], value: true),
        Case(name: "join", source: "join(counter.missing, \" & \")", value: "alice & bob"),
        Case(name: "join renders numbers", source: "join([1, 2.5, 3])", value: "1, 2.5, 3"),
        Case(name: "lists compare element by element", source: "counter.missing == [\"alice\", \"bob\"]", value: true),
        // Null semantics: the server is absent.
        Case(name: "absent object equals null", source: "server == null", facts: ["server": nil], value: true),
        Case(name: "present object is not null", source: "server != null", value: true),
        Case(
            name: "ordering with an absent value is false", source: "server.age > 3d", facts: ["server": nil],
            value: false),
        Case(name: "negating that is true", source: "not (server.age > 3d)", facts: ["server": nil], value: true),
        Case(
            name: "arithmetic on an absent value is absent", source: "server.age * 2", facts: ["server": nil],
            value: .null),
        Case(
            name: "absent is unequal to a present value", source: "server.state != \"ONLINE\"", facts: ["server": nil],
            value: true),
        Case(
            name: "two absent values are equal", source: "server.id == copy.errorCode", facts: ["server": nil],
            value: true),
        Case(
            name: "in with an absent needle is false", source: "server.id in servers.managed", facts: ["server": nil],
            value: false),
        Case(
            name: "not in with an absent needle is true", source: "server.id not in servers.managed",
            facts: ["server": nil], value: true),
        Case(
            name: "functions of an absent value are absent", source: "len(server.id)", facts: ["server": nil],
            value: .null),
        Case(
            name: "an absent bool is false in and", source: "server.online and true", facts: ["server": nil],
            value: false),
        Case(
            name: "an absent bool is false in or", source: "server.online or true", facts: ["server": nil], value: true),
        Case(name: "not of an absent bool is true", source: "not server.online", facts: ["server": nil], value: true),
        Case(
            name: "absent timestamp makes the difference absent", source: "now - counter.lastDeliveryAt",
            facts: ["counter.lastDeliveryAt": nil], value: .null),
        Case(
            name: "no delivery yet is not stale", source: "now - counter.lastDeliveryAt > 6h",
            facts: ["counter.lastDeliveryAt": nil], value: false),
        Case(
            name: "coalesce falls back", source: "coalesce(counter.lastDeliveryAt, window.openedAt)",
            facts: ["counter.lastDeliveryAt": nil], value: .timestamp(utc(2026, 11, 28))),
        Case(
            name: "coalesce keeps a present value", source: "coalesce(counter.lastDeliveryAt, window.openedAt)",
            value: .timestamp(utc(2026, 11, 28, 1, 30))),
        Case(
            name: "integrity: destination without an etag", source: "copy.destination.etag != copy.source.etag",
            facts: ["copy.destination.etag": nil], value: true),
        Case(
            name: "integrity: matching etags",
            source: "copy.destination.etag != copy.source.etag or copy.destination.size != copy.source.size",
            value: false),
        Case(
            name: "optional error code", source: "copy.errorCode == \"AccessDenied\"",
            facts: ["copy.result": "failed", "copy.errorCode": "AccessDenied"], value: true),
        // Calendar functions.
        Case(
            name: "day of month in UTC at the end of February", source: "dayOfMonth(now)",
            facts: ["now": .timestamp(utc(2026, 2, 28, 23, 30))], value: 28),
        Case(
            name: "the same instant is March 1st in Berlin", source: "dayOfMonth(now)",
            facts: ["now": .timestamp(utc(2026, 2, 28, 23, 30))], value: 1, zone: "Europe/Berlin"),
        Case(
            name: "days in February in UTC", source: "daysInMonth(now)",
            facts: ["now": .timestamp(utc(2026, 2, 28, 23, 30))], value: 28),
        Case(
            name: "days in March in Berlin", source: "daysInMonth(now)",
            facts: ["now": .timestamp(utc(2026, 2, 28, 23, 30))], value: 31, zone: "Europe/Berlin"),
        Case(
            name: "leap February", source: "daysInMonth(now)", facts: ["now": .timestamp(utc(2028, 2, 10))], value: 29),
        Case(
            name: "2100 is not a leap year", source: "daysInMonth(now)", facts: ["now": .timestamp(utc(2100, 2, 10))],
            value: 28),
        Case(
            name: "2000 was a leap year", source: "daysInMonth(now)", facts: ["now": .timestamp(utc(2000, 2, 10))],
            value: 29),
        Case(name: "days left in the month from the 28th", source: "daysInMonth(now) - dayOfMonth(now)", value: 2),
        Case(
            name: "the 28th-to-1st cycle: the window is open", source: "dayOfMonth(now) >= 28 or dayOfMonth(now) == 1",
            facts: ["now": .timestamp(utc(2026, 12, 1, 8))], value: true),
        Case(
            name: "hour before the spring-forward jump in Berlin", source: "hourOfDay(now)",
            facts: ["now": .timestamp(utc(2026, 3, 29, 0, 30))], value: 1, zone: "Europe/Berlin"),
        Case(
            name: "hour after the spring-forward jump in Berlin", source: "hourOfDay(now)",
            facts: ["now": .timestamp(utc(2026, 3, 29, 1, 30))], value: 3, zone: "Europe/Berlin"),
        Case(
            name: "the hour repeated in autumn, first time", source: "hourOfDay(now)",
            facts: ["now": .timestamp(utc(2026, 10, 25, 0, 30))], value: 2, zone: "Europe/Berlin"),
        Case(
            name: "the hour repeated in autumn, second time", source: "hourOfDay(now)",
            facts: ["now": .timestamp(utc(2026, 10, 25, 1, 30))], value: 2, zone: "Europe/Berlin"),
        Case(
            name: "a spring-forward day has 23 hours", source: "now - startOfDay(now)",
            facts: ["now": .timestamp(utc(2026, 3, 29, 10))], value: hours(11), zone: "Europe/Berlin"),
        Case(
            name: "an ordinary day", source: "now - startOfDay(now)", facts: ["now": .timestamp(utc(2026, 3, 30, 10))],
            value: hours(12), zone: "Europe/Berlin"),
        Case(
            name: "start of month across a DST change", source: "startOfMonth(now)",
            facts: ["now": .timestamp(utc(2026, 12, 1, 3))], value: .timestamp(utc(2026, 11, 1, 4)),
            zone: "America/New_York"),
        Case(
            name: "a day whose midnight is skipped starts at the jump", source: "startOfDay(now)",
            facts: ["now": .timestamp(utc(2026, 9, 6, 15))], value: .timestamp(utc(2026, 9, 6, 4)),
            zone: "America/Santiago"),
        Case(
            name: "a zone named in the call beats the environment's",
            source: "hourOfDay(now, \"Asia/Kolkata\") * 100 + minuteOfHour(now, \"Asia/Kolkata\")", value: 1430,
            zone: "Europe/Berlin"),
        Case(name: "day of week is ISO (Saturday is 6)", source: "dayOfWeek(now)", value: 6),
        Case(
            name: "month and year", source: "year(now) * 100 + month(now)",
            facts: ["now": .timestamp(utc(2026, 12, 31, 23, 30))], value: 202_701, zone: "Asia/Tokyo"),
        Case(name: "instants beyond the calendar have no fields", source: "dayOfMonth(now + 1w * 1e300)", value: .null),
    ])
    func evaluates(_ test: Case) throws {
        let compiled = try Expression.compile(test.source, schema: pipelineSchema, environment: environment(test.zone))
        let facts = try makeFacts(test.facts)
        #expect(compiled.evaluate(facts) == test.value)
    }

    @Test func evaluateBoolTreatsAbsentAsFalse() throws {
        let compiled = try Expression.compile("server.online", schema: pipelineSchema, expecting: .bool)
        #expect(compiled.evaluateBool(try makeFacts()))
        #expect(!compiled.evaluateBool(try makeFacts(["server": nil])))
        #expect(compiled.evaluate(try makeFacts(["server": nil])) == .null)
    }

    @Test func oneCompiledExpressionEvaluatesManyFacts() throws {
        let stale = try Expression.compile(
            "server != null and server.age > 3d", schema: pipelineSchema, expecting: .bool)
        let ages: [(Int, Bool)] = [(0, false), (3 * 86_400, false), (3 * 86_400 + 1, true), (10 * 86_400, true)]
        for (seconds, fires) in ages {
            #expect(stale.evaluateBool(try makeFacts(["server.age": .duration(.seconds(seconds))])) == fires)
        }
        #expect(!stale.evaluateBool(try makeFacts(["server": nil])))
    }

    @Test func andShortCircuits() throws {
        let compiled = try Expression.compile("copy.counted and copy.attempts > 1", schema: pipelineSchema)
        let steps = try compiled.explain(makeFacts(["copy.counted": false]))
        #expect(steps.map(\.description) == ["copy.counted = false", "copy.counted and copy.attempts > 1 = false"])
        let full = try compiled.explain(makeFacts())
        #expect(full.map(\.source).contains("copy.attempts"))
    }

    @Test func orShortCircuits() throws {
        let compiled = try Expression.compile("server == null or server.age > 3d", schema: pipelineSchema)
        let steps = try compiled.explain(makeFacts(["server": nil]))
        #expect(
            steps.map(\.description) == [
                "server = <no value>", "server == null = true", "server == null or server.age > 3d = true",
            ])
    }

    @Test func anyStopsAtTheFirstMatch() throws {
        let compiled = try Expression.compile("any(counter.missing, it == \"alice\")", schema: pipelineSchema)
        let steps = try compiled.explain(makeFacts(["counter.missing": ["alice", "bob", "carol"]]))
        #expect(steps.filter { $0.source == "it" }.map(\.value) == ["alice"])
    }

    @Test func explainShowsFoldedConstantsOnce() throws {
        let compiled = try Expression.compile("server.age > 1h + 30m", schema: pipelineSchema)
        let steps = try compiled.explain(makeFacts())
        #expect(steps.map(\.description) == ["server.age = 3d2h", "1h + 30m = 1h30m", "server.age > 1h + 30m = true"])
    }

    @Test func evaluatesConcurrently() async throws {
        let compiled = try Expression.compile(
            "matches(copy.source.key, '[a-z]+/invoice-[0-9]{4}-[0-9]{2}\\.pdf') and now - counter.lastDeliveryAt > 6h",
            schema: pipelineSchema, expecting: .bool)
        let facts = try makeFacts()
        let results = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<500).reduce(0) { count, _ in count + (compiled.evaluateBool(facts) ? 1 : 0) } }
            }
            return await group.reduce(0, +)
        }
        #expect(results == 2000)
    }
}
