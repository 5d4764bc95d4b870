import Testing
import TransferWatchRules

@Suite struct TypeCheckerTests {
    struct GoodCase: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        /// The result type, `?` when it can be absent.
        let type: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        GoodCase(name: "calendar anchor", source: "window.closesAt - now < 12h", type: "bool"),
        GoodCase(
            name: "timestamp minus optional timestamp is an optional duration", source: "now - counter.lastDeliveryAt",
            type: "duration?"),
        GoodCase(
            name: "comparing an optional is a plain bool", source: "now - counter.lastDeliveryAt > 6h", type: "bool"),
        GoodCase(name: "field of an optional object is optional", source: "server.age", type: "duration?"),
        GoodCase(name: "nested required field", source: "copy.destination.size", type: "number"),
        GoodCase(name: "optional object compared with null", source: "server == null", type: "bool"),
        GoodCase(name: "null on the left", source: "null != copy.errorCode", type: "bool"),
        GoodCase(
            name: "optional and required strings compare", source: "copy.destination.etag != copy.source.etag",
            type: "bool"),
        GoodCase(name: "timestamp plus duration", source: "window.openedAt + 2d", type: "timestamp"),
        GoodCase(name: "duration plus timestamp", source: "2d + window.openedAt", type: "timestamp"),
        GoodCase(name: "timestamp minus duration", source: "now - 1h30m", type: "timestamp"),
        GoodCase(name: "duration times number", source: "server.age * 2", type: "duration?"),
        GoodCase(name: "number times duration", source: "0.5 * 1h", type: "duration"),
        GoodCase(name: "duration divided by number", source: "1d / 4", type: "duration"),
        GoodCase(name: "duration divided by duration", source: "server.age / 1h", type: "number?"),
        GoodCase(name: "duration remainder", source: "25h % 1d", type: "duration"),
        GoodCase(name: "number remainder", source: "counter.delivered % 3", type: "number"),
        GoodCase(name: "string concatenation", source: "window.id + \"/\" + copy.uploader", type: "string"),
        GoodCase(name: "negated duration", source: "-server.age", type: "duration?"),
        GoodCase(name: "optional bool in a condition", source: "server.online and not window.complete", type: "bool"),
        GoodCase(name: "in a list literal", source: "server.state in [\"ONLINE\", \"STARTING\"]", type: "bool"),
        GoodCase(name: "in a list fact", source: "server.id not in servers.managed", type: "bool"),
        GoodCase(name: "len of a list", source: "len(counter.missing)", type: "number"),
        GoodCase(name: "len of a string", source: "len(copy.uploader)", type: "number"),
        GoodCase(
            name: "count with a condition", source: "count(counter.missing, startsWith(it, \"a\"))", type: "number"),
        GoodCase(
            name: "filter keeps the element type", source: "filter(servers.managed, it != server.id)",
            type: "list<string>"),
        GoodCase(name: "any", source: "any(servers.managed, it != server.id)", type: "bool"),
        GoodCase(
            name: "nested conditions use the innermost it", source: "all([[1, 2], [3]], any(it, it > 0))", type: "bool"),
        GoodCase(name: "contains on a list", source: "contains(servers.managed, server.id)", type: "bool?"),
        GoodCase(name: "contains on a string", source: "contains(copy.source.key, \"/\")", type: "bool"),
        GoodCase(
            name: "matches with a valid pattern", source: "matches(copy.uploader, \"[a-z][a-z0-9-]*\")", type: "bool"),
        GoodCase(name: "join", source: "join(counter.missing, \", \")", type: "string"),
        GoodCase(name: "join with the default separator", source: "join(counter.missing)", type: "string"),
        GoodCase(name: "hours of a duration", source: "hours(server.age) * 0.30", type: "number?"),
        GoodCase(
            name: "calendar fields", source: "dayOfMonth(now) >= 28 and hourOfDay(now, \"Europe/Berlin\") < 12",
            type: "bool"),
        GoodCase(name: "days in month", source: "daysInMonth(now) - dayOfMonth(now)", type: "number"),
        GoodCase(name: "start of month is a timestamp", source: "startOfMonth(now) + 27d", type: "timestamp"),
        GoodCase(name: "min of durations", source: "min(server.age, 1d)", type: "duration?"),
        GoodCase(
            name: "coalesce removes optionality", source: "coalesce(counter.lastDeliveryAt, window.openedAt)",
            type: "timestamp"),
        GoodCase(name: "abs of a duration", source: "abs(now - window.closesAt)", type: "duration"),
        GoodCase(name: "constant folding still types", source: "round(1h / 1m) == 60", type: "bool"),
    ])
    func acceptsWellTypedExpression(_ test: GoodCase) throws {
        let compiled = try Expression.compile(test.source, schema: pipelineSchema)
        #expect(compiled.type.description == test.type)
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let errors: [String]
        var expecting: ValueType? = nil
        var testDescription: String { name }
    }

    @Test(arguments: [
        BadCase(
            name: "duration compared with a string", source: "server.age > \"x\"",
            errors: [#"1:12: type error: cannot compare duration with string ("x")"#]),
        BadCase(
            name: "misspelled top-level field", source: "not sever.online",
            errors: ["1:5: unknown field 'sever' (did you mean 'server'?)"]),
        BadCase(
            name: "misspelled nested field", source: "server.agee > 1h",
            errors: ["1:8: unknown field 'server.agee' (did you mean 'server.age'?)"]),
        BadCase(name: "unknown field with nothing close", source: "banana", errors: ["1:1: unknown field 'banana'"]),
        BadCase(
            name: "number compared with a duration", source: "copy.attempts > 3h",
            errors: ["1:15: type error: cannot compare number with duration (3h)"]),
        BadCase(
            name: "duration compared with a bare number", source: "server.age > 3",
            errors: ["1:12: type error: cannot compare duration with number (3)"]),
        BadCase(
            name: "timestamp plus timestamp", source: "now + window.closesAt",
            errors: ["1:5: type error: cannot apply '+' to timestamp and timestamp (window.closesAt)"]),
        BadCase(
            name: "duration minus timestamp", source: "1h - now",
            errors: ["1:4: type error: cannot apply '-' to duration and timestamp (now)"]),
        BadCase(
            name: "number plus string", source: "copy.attempts + \"1\"",
            errors: [#"1:15: type error: cannot apply '+' to number and string ("1")"#]),
        BadCase(
            name: "and with a number", source: "copy.attempts and copy.counted",
            errors: ["1:1: type error: 'and' needs bool operands, found number (copy.attempts)"]),
        BadCase(
            name: "not of a string", source: "not copy.result",
            errors: ["1:5: type error: 'not' needs a bool, found string (copy.result)"]),
        BadCase(
            name: "negating a string", source: "-copy.result == \"x\"",
            errors: ["1:1: type error: cannot negate string (copy.result)"]),
        BadCase(
            name: "required value compared with null", source: "window.id == null",
            errors: ["1:11: type error: 'window.id' is never null"]),
        BadCase(
            name: "ordering with null", source: "server.age > null",
            errors: ["1:12: type error: cannot compare duration with null (null)"]),
        BadCase(
            name: "ordering bools", source: "copy.counted < true",
            errors: ["1:14: type error: '<' cannot order bool values"]),
        BadCase(
            name: "object used as a value", source: "server > 1",
            errors: [
                "1:1: type error: 'server' is an object: compare it with null or use one of its fields (id, state, age, createdAt, online)"
            ]),
        BadCase(
            name: "required object compared with null", source: "window != null",
            errors: ["1:8: type error: 'window' is never null"]),
        BadCase(
            name: "required object used as a value", source: "window == copy",
            errors: ["1:1: type error: 'window' is an object: use one of its fields (id, openedAt, closesAt, complete)"]
        ),
        BadCase(
            name: "field of a value", source: "server.age.hours > 1",
            errors: ["1:12: type error: cannot read field 'hours' of duration (server.age)"]),
        BadCase(
            name: "unknown function", source: "lenght(counter.missing) > 0",
            errors: ["1:1: unknown function 'lenght' (did you mean 'len'?)"]),
        BadCase(
            name: "function used as a value", source: "len > 0",
            errors: ["1:1: 'len' is a function: call it as len(...)"]),
        BadCase(
            name: "too many arguments", source: "len(counter.missing, 1) > 0",
            errors: ["1:1: 'len' takes 1 argument, found 2"]),
        BadCase(
            name: "too few arguments", source: "contains(servers.managed)",
            errors: ["1:1: 'contains' takes 2 arguments, found 1"]),
        BadCase(
            name: "wrong argument type", source: "len(copy.attempts) > 0",
            errors: ["1:5: type error: argument 1 of 'len' must be a string or a list, found number (copy.attempts)"]),
        BadCase(
            name: "element type of contains", source: "contains(counter.missing, 3)",
            errors: [
                "1:27: type error: argument 2 of 'contains' must be string to search list<string>, found number (3)"
            ]),
        BadCase(
            name: "in with the wrong element type", source: "copy.attempts in counter.missing",
            errors: ["1:15: type error: cannot look for number (copy.attempts) in list<string>"]),
        BadCase(
            name: "in without a list", source: "\"a\" in copy.uploader",
            errors: ["1:5: type error: 'in' needs a list on its right, found string (copy.uploader)"]),
        BadCase(
            name: "invalid regular expression", source: "matches(copy.uploader, \"[a-\")",
            errors: ["1:24: invalid regular expression '[a-'"]),
        BadCase(
            name: "regular expression not a literal", source: "matches(copy.uploader, copy.result)",
            errors: ["1:24: argument 2 of 'matches' must be a string literal"]),
        BadCase(
            name: "unknown time zone", source: "dayOfMonth(now, \"Europe/Berln\") == 1",
            errors: ["1:17: unknown time zone 'Europe/Berln'"]),
        BadCase(
            name: "calendar function of a duration", source: "dayOfMonth(server.age) == 1",
            errors: ["1:12: type error: argument 1 of 'dayOfMonth' must be a timestamp, found duration (server.age)"]),
        BadCase(
            name: "it outside a condition", source: "it == \"alice\"",
            errors: ["1:1: 'it' is only defined inside the condition of any, all, count or filter"]),
        BadCase(
            name: "condition that is not a bool", source: "any(counter.missing, len(it))",
            errors: ["1:22: type error: argument 2 of 'any' must be a bool condition on 'it', found number (len(it))"]),
        BadCase(
            name: "any over a string", source: "any(copy.uploader, it == \"a\")",
            errors: ["1:5: type error: argument 1 of 'any' must be a list, found string (copy.uploader)"]),
        BadCase(
            name: "mixed list literal", source: "copy.result in [\"moved\", 3]",
            errors: ["1:26: type error: list elements must all be string, found number (3)"]),
        BadCase(
            name: "empty list literal", source: "counter.missing == []",
            errors: ["1:20: type error: an empty list has no element type (test for an empty list with len(x) == 0)"]),
        BadCase(
            name: "optional element in a list literal", source: "copy.uploader in [server.id]",
            errors: ["1:19: type error: a list cannot contain 'server.id', which may be absent"]),
        BadCase(
            name: "coalesce with another type", source: "coalesce(copy.errorCode, 0) == 0",
            errors: ["1:26: type error: argument 2 of 'coalesce' must be string like argument 1, found number (0)"]),
        BadCase(
            name: "rule condition that is not a bool", source: "server.age",
            errors: ["1:1: type error: expression must be bool, found duration"], expecting: .bool),
        BadCase(
            name: "expression that is only null", source: "null", errors: ["1:1: type error: expression is always null"]
        ),
        BadCase(
            name: "every independent mistake is reported",
            source: "sever.age > 1h and copy.attempts > \"3\" or lenght(x)",
            errors: [
                "1:1: unknown field 'sever' (did you mean 'server'?)",
                #"1:34: type error: cannot compare number with string ("3")"#,
                "1:43: unknown function 'lenght' (did you mean 'len'?)",
                "1:50: unknown field 'x'",
            ]),
        BadCase(
            name: "lexical errors come with type errors", source: "server.age > 2 days and copy.result > 1",
            errors: [
                "1:14: malformed duration '2 days'",
                "1:37: type error: cannot compare string with number (1)",
            ]),
        BadCase(
            name: "a mistake is reported once, not again by the node above", source: "-(sever.age * 2) > 1h",
            errors: ["1:3: unknown field 'sever' (did you mean 'server'?)"]),
        BadCase(
            name: "positions on later lines", source: "server.online\n  and server.age > \"3d\"",
            errors: [#"2:18: type error: cannot compare duration with string ("3d")"#]),
        BadCase(
            name: "long operands are cut in messages",
            source: "server.age == \"a very long string that goes on and on and on\"",
            errors: [
                #"1:12: type error: cannot compare duration with string ("a very long string that goes on and on…)"#
            ]),
    ])
    func rejectsIllTypedExpression(_ test: BadCase) {
        do {
            _ = try Expression.compile(test.source, schema: pipelineSchema, expecting: test.expecting)
            Issue.record("\(test.source) compiled")
        } catch {
            #expect(error.diagnostics.map(\.description) == test.errors)
        }
    }

    @Test func errorDescriptionHasOneLinePerDiagnostic() {
        do {
            _ = try Expression.compile("sever > 1 or copy.result > 2", schema: pipelineSchema)
            Issue.record("compiled")
        } catch {
            #expect(
                error.description
                    == "1:1: unknown field 'sever' (did you mean 'server'?)\n1:26: type error: cannot compare string with number (2)"
            )
        }
    }
}
