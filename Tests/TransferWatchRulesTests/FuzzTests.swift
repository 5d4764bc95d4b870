import Foundation
import Testing
import TransferWatchRules

/// Random and mutated input must never trap the lexer, parser, type checker, evaluator or template renderer.
///
/// A trap would crash the test process, so each test passing means no input in it trapped; the
/// expectations check that every failure still says what and where.
@Suite struct FuzzTests {
    /// Well-formed expressions to mutate, covering every kind of node.
    static let corpus = [
        "window.closesAt - now < 12h",
        "now - counter.lastDeliveryAt > 6h and len(counter.missing) > 0",
        "server != null and (server.age > 3d or now > window.closesAt)",
        "copy.destination.etag != copy.source.etag or copy.destination.size != copy.source.size",
        "copy.result == \"failed\" and copy.errorCode in [\"AccessDenied\", \"NoSuchKey\"]",
        "any(servers.managed, it != server.id) and not window.complete",
        "count(counter.missing, matches(it, \"[a-z]+\")) >= 2",
        "hours(server.age) * 0.30 > 10 and dayOfMonth(now, \"Europe/Berlin\") >= 28",
        "-(1h30m + 500ms) / 2 < server.age % 1d",
        "join(filter(counter.missing, startsWith(it, 'a')), \"\\n\") == \"alice\"",
        "coalesce(counter.lastDeliveryAt, window.openedAt) + 1w > startOfMonth(now)",
        "max(copy.attempts, 3) % 2 == 1 or upper(copy.uploader) != lower(copy.uploader)",
    ]

    static let templates = [
        "Missing: {{ counter.missing | join(\", \") }}",
        "{{ server.id }} up {{ server.age | humanize | default(\"-\") }}, ${{ hours(server.age) * 0.30 | printf(\"%.2f\") }}",
        "{{ now | date(\"2006-01-02 15:04\", \"Asia/Tokyo\") }} {{ copy.source.size | humanizeBytes }}",
    ]

    static let alphabet: [String] = [
        "a", "s", "m", "h", "d", "w", "x", "_", "0", "1", "2", "9", ".", ",", "(", ")", "[", "]", "{", "}", "{{", "}}",
        "+", "-", "*", "/", "%", "<", ">", "=", "==", "!", "!=", "&", "|", "\"", "'", "\\", "\\u{", " ", "\n", "\t",
        "é", "😀", "\u{0}", "e", "E", "ms", "in", "not", "and", "or", "it", "null", "true", "server", "now", "age",
        "len(", "any(", "matches(", "dayOfMonth(", "\"[\"", "1e999", "99999999999999999999s",
    ]

    static let fragments: [String] = [
        " and ", " or ", " not ", " in ", " == ", " < ", " + ", " - ", " * ", " / ", " % ", "(", ")", "[", "]", ",",
        ".",
        "it", "null", "true", "3", "0", "-1", "1e300", "6h", "0s", "\"x\"", "''", "server", "server.age", "now",
        "counter.missing", "copy.attempts", "window.closesAt", "len(", "any(", "count(", "filter(", "matches(", "join(",
        "coalesce(", "startOfDay(", "hours(", "\"[a-\"", "\"Europe/Berlin\"", "| humanize", "| printf(\"%d\")", "{{",
        "}}",
    ]

    @Test func randomStringsNeverTrap() throws {
        var generator = SplitMix64(seed: 0x7A11_5EED)
        let facts = try factVariants()
        for _ in 0..<3000 {
            let length = Int.random(in: 0...40, using: &generator)
            var source = ""
            for _ in 0..<length { source += FuzzTests.alphabet.randomElement(using: &generator) ?? "" }
            exercise(source, facts: facts)
        }
    }

    @Test func mutatedExpressionsNeverTrap() throws {
        var generator = SplitMix64(seed: 0xBAD_C0DE)
        let facts = try factVariants()
        var compiled = 0
        for round in 0..<4000 {
            var scalars = Array(
                (FuzzTests.corpus + FuzzTests.templates)[round % (FuzzTests.corpus.count + FuzzTests.templates.count)]
                    .unicodeScalars)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                mutate(&scalars, using: &generator)
            }
            var source = ""
            source.unicodeScalars.append(contentsOf: scalars)
            if exercise(source, facts: facts) { compiled += 1 }
        }
        // Some mutants stay valid (and are then evaluated), most do not.
        #expect(compiled > 50)
        #expect(compiled < 4000)
    }

    @Test func randomTokenSequencesNeverTrap() throws {
        var generator = SplitMix64(seed: 0x5EED_0F_70C3)
        let facts = try factVariants()
        for _ in 0..<3000 {
            let count = Int.random(in: 1...14, using: &generator)
            let source = (0..<count).map { _ in FuzzTests.fragments.randomElement(using: &generator) ?? "" }.joined()
            exercise(source, facts: facts)
        }
    }

    @Test(arguments: [
        ("deep parentheses", String(repeating: "(", count: 100_000)),
        ("deep unary minus", String(repeating: "-", count: 100_000) + "1"),
        ("deep not", String(repeating: "not ", count: 50_000) + "true"),
        ("long chain", Array(repeating: "1", count: 20_000).joined(separator: "+")),
        ("long list", "[" + Array(repeating: "1", count: 20_000).joined(separator: ",") + "]"),
        ("deep calls", String(repeating: "abs(", count: 50_000)),
        ("long string", "\"" + String(repeating: "x", count: 200_000) + "\""),
        ("many placeholders", String(repeating: "{{ now }}", count: 5_000)),
        ("nested braces", String(repeating: "{{", count: 10_000)),
    ])
    func pathologicalInputNeverTraps(_ name: String, _ source: String) throws {
        exercise(source, facts: try factVariants())
    }

    // MARK: - Helpers

    /// Compiles `source` as an expression and as a template; evaluates or renders whatever compiles.
    ///
    /// - Returns: Whether it compiled as an expression.
    @discardableResult
    private func exercise(_ source: String, facts: [FactValues]) -> Bool {
        let scalarCount = source.unicodeScalars.count
        var compiledExpression = false
        do {
            let compiled = try Expression.compile(
                source, schema: pipelineSchema, environment: environment("Europe/Berlin"))
            compiledExpression = true
            for fact in facts {
                let value = compiled.evaluate(fact)
                _ = compiled.evaluateBool(fact)
                #expect(
                    value.isNull || compiled.type.valueType.accepts(value),
                    "\(source) gave \(value) for \(compiled.type)")
            }
            _ = compiled.explain(facts[0])
        } catch {
            check(error, source: source, scalarCount: scalarCount)
        }
        do {
            let template = try Template.compile(
                source, schema: pipelineSchema, environment: environment("America/Santiago"))
            for fact in facts { _ = template.render(fact) }
        } catch {
            check(error, source: source, scalarCount: scalarCount)
        }
        return compiledExpression
    }

    private func check(_ error: ExpressionError, source: String, scalarCount: Int) {
        #expect(!error.diagnostics.isEmpty, "no diagnostic for \(source.debugDescription)")
        for diagnostic in error.diagnostics {
            let range = diagnostic.range
            #expect(range.start.line >= 1 && range.start.column >= 1, "\(diagnostic) in \(source.debugDescription)")
            #expect(
                range.start.offset <= range.end.offset && range.end.offset <= scalarCount,
                "\(diagnostic) in \(source.debugDescription)")
            #expect(!diagnostic.message.isEmpty)
        }
    }

    private func mutate(_ scalars: inout [Unicode.Scalar], using generator: inout SplitMix64) {
        let insertion = Array((FuzzTests.alphabet.randomElement(using: &generator) ?? "x").unicodeScalars)
        let position = Int.random(in: 0...scalars.count, using: &generator)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0 where !scalars.isEmpty:
            let end = min(scalars.count, position + Int.random(in: 1...4, using: &generator))
            scalars.removeSubrange(min(position, scalars.count - 1)..<end)
        case 1:
            scalars.insert(contentsOf: insertion, at: position)
        case 2 where position < scalars.count:
            scalars.replaceSubrange(position..<position + 1, with: insertion)
        case 3 where scalars.count > 1:
            let other = Int.random(in: 0..<scalars.count, using: &generator)
            scalars.swapAt(min(position, scalars.count - 1), other)
        default:
            let start = Int.random(in: 0...scalars.count, using: &generator)
            let end = min(scalars.count, start + Int.random(in: 0...8, using: &generator))
            scalars.insert(contentsOf: scalars[start..<end], at: position)
        }
    }

    /// Ordinary facts, facts with every optional absent, and facts with extreme values.
    private func factVariants() throws -> [FactValues] {
        [
            try makeFacts(),
            try makeFacts([
                "server": nil, "counter.lastDeliveryAt": nil, "copy.errorCode": nil, "copy.destination.etag": nil,
                "counter.missing": [],
            ]),
            try makeFacts([
                "now": .timestamp(Date(timeIntervalSince1970: 1e300)), "copy.attempts": .number(.nan),
                "counter.delivered": .number(-.infinity),
                "server.age": .duration(Duration(attoseconds: .max)), "window.closesAt": .timestamp(.distantPast),
                "copy.uploader": "",
            ]),
        ]
    }
}

extension ValueType {
    /// Whether a present value has this type.
    func accepts(_ value: FactValue) -> Bool {
        switch (self, value) {
        case (.bool, .bool), (.number, .number), (.string, .string), (.duration, .duration), (.timestamp, .timestamp):
            return true
        case (.list(let element), .list(let elements)): return elements.allSatisfy { element.accepts($0) }
        default: return false
        }
    }
}
