import Testing
import TransferWatchRules

/// Positions inside expressions and templates land on the right file column for each YAML scalar style.
@Suite struct RuleFilePositionTests {
    /// One rule whose expr is written in one YAML style, and the one diagnostic it must produce (an unknown
    /// field is reported at the misspelt name, `agee`).
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The lines of `expr:` onwards, indented under the rule.
        var expr: String
        var expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Plain: the expression's column 1 is the node's column.
        Case(
            name: "plain", expr: "expr: server.agee > 1h",
            expected: "p.yaml:6:22: error: unknown field 'server.agee' (did you mean 'server.age'?)"),
        // Double-quoted: one column further for the quote.
        Case(
            name: "double-quoted", expr: "expr: \"server.agee > 1h\"",
            expected: "p.yaml:6:23: error: unknown field 'server.agee' (did you mean 'server.age'?)"),
        // Literal block on its first content line, indented six spaces more than the rule.
        Case(
            name: "literal first line", expr: "expr: |\n      server.agee > 1h",
            expected: "p.yaml:7:22: error: unknown field 'server.agee' (did you mean 'server.age'?)"),
        // Literal block on its third line, after a blank line kept by `|`.
        Case(
            name: "literal after blank line", expr: "expr: |\n      server != null\n\n      and server.agee > 1h",
            expected: "p.yaml:9:26: error: unknown field 'server.agee' (did you mean 'server.age'?)"),
        // Folded block: the second source line is joined with a space onto the first.
        Case(
            name: "folded", expr: "expr: >-\n      server != null\n      and server.agee > 1h",
            expected: "p.yaml:8:26: error: unknown field 'server.agee' (did you mean 'server.age'?)"),
    ]

    @Test(arguments: cases)
    func expressionErrorsMapOntoTheFile(_ testCase: Case) {
        let expr = testCase.expr.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "        " + $0 }.joined(separator: "\n")
        let yaml = """
            groups:
              - name: server
                kind: state
                rules:
                  - alert: stale-server
            \(expr)
                    severity: warning
            """
        let loaded = RuleFileLoader().load(sources: [(file: "p.yaml", yaml: yaml)])
        #expect(loaded.diagnostics.map(\.description) == [testCase.expected])
    }

    @Test func templateErrorsInABlockAnnotationMapLineByLine() {
        let yaml = """
            groups:
              - name: server
                kind: state
                rules:
                  - alert: stale-server
                    expr: server != null
                    severity: warning
                    annotations:
                      description: |
                        Server {{ server.id }} is stale.
                        It has cost {{ server.cost }} so far.
            """
        let loaded = RuleFileLoader().load(sources: [(file: "t.yaml", yaml: yaml)])
        #expect(
            loaded.diagnostics.map(\.description) == [
                "t.yaml:11:35: error: unknown field 'server.cost' (did you mean 'server.costSoFar'?)"
            ])
    }
}
