import Testing
import TransferWatchRules

@Suite struct FactValuesTests {
    struct Mistake: Sendable, CustomTestStringConvertible {
        let name: String
        let overrides: [String: FactValue]
        let error: FactValueError
        let description: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        Mistake(
            name: "required value missing", overrides: ["window.id": nil], error: .missingField("window.id"),
            description: "missing fact 'window.id'"),
        Mistake(
            name: "required object missing", overrides: ["copy": nil], error: .missingField("copy"),
            description: "missing fact 'copy'"),
        Mistake(
            name: "field the schema lacks", overrides: ["server.colour": "red"], error: .unknownField("server.colour"),
            description: "unknown fact 'server.colour'"),
        Mistake(
            name: "number given as a string", overrides: ["copy.attempts": "3"],
            error: .typeMismatch("copy.attempts", expected: "number", found: "string"),
            description: "fact 'copy.attempts' must be number, found string"),
        Mistake(
            name: "list of the wrong element type", overrides: ["counter.missing": [1, 2]],
            error: .typeMismatch("counter.missing", expected: "list<string>", found: "list<number>"),
            description: "fact 'counter.missing' must be list<string>, found list<number>"),
        Mistake(
            name: "value where an object belongs", overrides: ["server": "s-1"],
            error: .typeMismatch("server", expected: "object", found: "string"),
            description: "fact 'server' must be object, found string"),
        Mistake(
            name: "object where a value belongs", overrides: ["now": ["at": 1]],
            error: .typeMismatch("now", expected: "timestamp", found: "object"),
            description: "fact 'now' must be timestamp, found object"),
    ])
    func rejectsFactsThatDoNotFitTheSchema(_ mistake: Mistake) {
        #expect(throws: mistake.error) { try makeFacts(mistake.overrides) }
        #expect(mistake.error.description == mistake.description)
    }

    @Test func absentObjectMakesEveryFieldUnderItAbsent() throws {
        let facts = try makeFacts(["server": nil])
        #expect(facts["server"] == .null)
        #expect(facts["server.age"] == .null)
        #expect(facts["server.nope"] == nil)
        #expect(try makeFacts()["server.state"] == "ONLINE")
    }

    @Test func missingOptionalFieldIsAbsent() throws {
        var tree = defaultFactTree()
        tree["copy"] = [
            "result": "moved", "attempts": 1, "uploader": "alice", "counted": true,
            "source": ["key": "k", "size": 1, "etag": "e"], "destination": ["size": 1],
        ]
        let facts = try FactValues(schema: pipelineSchema, values: tree)
        #expect(facts["copy.errorCode"] == .null)
        #expect(facts["copy.destination.etag"] == .null)
    }

    @Test func hugeDurationsAreClampedSoArithmeticAndFormattingCannotTrap() throws {
        let facts = try makeFacts(["server.age": .duration(Duration(attoseconds: .max))])
        #expect(facts["server.age"] == .duration(.seconds(9_000_000_000_000_000_000)))
        let template = try Template.compile("{{ server.age }} {{ server.age + 1w | humanize }}", schema: pipelineSchema)
        #expect(template.render(facts) == "9000000000000000000s 104166666666666d 16h")
    }

    @Test func schemaListsEveryFieldWithItsPath() {
        let paths = pipelineSchema.slots.map(\.path)
        #expect(
            paths.prefix(6) == ["now", "window", "window.id", "window.openedAt", "window.closesAt", "window.complete"])
        #expect(paths.contains("copy.destination.etag"))
        #expect(pipelineSchema.slotIndex(of: "copy.source.size").map { pipelineSchema.slots[$0].field } == .number)
        #expect(pipelineSchema == pipelineSchema)
        let other: FactSchema = ["now": .timestamp]
        #expect(pipelineSchema != other)
    }

    @Test func acceptsFactsBuiltForAnEqualSchema() throws {
        // An equal schema built separately is accepted (compared field by field).
        let copy = FactSchema(pipelineSchema.entries.map { ($0.name, $0.field) })
        let compiled = try Expression.compile("len(counter.missing)", schema: copy)
        #expect(compiled.evaluate(try makeFacts()) == 2)
    }
}
