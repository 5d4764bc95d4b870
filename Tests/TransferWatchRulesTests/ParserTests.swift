import Testing
import TransferWatchRules

@Suite struct ParserTests {
    struct GroupingCase: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        /// The tree, fully parenthesized.
        let grouped: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        GroupingCase(name: "* binds tighter than +", source: "a + b * c", grouped: "(a + (b * c))"),
        GroupingCase(name: "+ and - are left-associative", source: "a - b - c + d", grouped: "(((a - b) - c) + d)"),
        GroupingCase(name: "* / % are left-associative", source: "a / b * c % d", grouped: "(((a / b) * c) % d)"),
        GroupingCase(name: "parentheses override precedence", source: "(a + b) * c", grouped: "((a + b) * c)"),
        GroupingCase(
            name: "arithmetic binds tighter than comparison", source: "window.closesAt - now < 12h",
            grouped: "((window.closesAt - now) < 12h)"),
        GroupingCase(
            name: "comparison binds tighter than and", source: "a < 1 and b > 2", grouped: "((a < 1) and (b > 2))"),
        GroupingCase(name: "and binds tighter than or", source: "a or b and c", grouped: "(a or (b and c))"),
        GroupingCase(name: "or is left-associative", source: "a or b or c", grouped: "((a or b) or c)"),
        GroupingCase(name: "and is left-associative", source: "a and b and c", grouped: "((a and b) and c)"),
        GroupingCase(name: "not binds looser than comparison", source: "not a == b", grouped: "(not (a == b))"),
        GroupingCase(name: "not binds tighter than and", source: "not a and b", grouped: "((not a) and b)"),
        GroupingCase(name: "not not", source: "not not a", grouped: "(not (not a))"),
        GroupingCase(name: "unary minus binds tighter than *", source: "-a * b", grouped: "((-a) * b)"),
        GroupingCase(
            name: "unary minus applies to the whole member path", source: "-server.age", grouped: "(-server.age)"),
        GroupingCase(name: "minus after an operator is unary", source: "a - -b", grouped: "(a - (-b))"),
        GroupingCase(
            name: "member access chains", source: "copy.destination.size == copy.source.size",
            grouped: "(copy.destination.size == copy.source.size)"),
        GroupingCase(
            name: "in and not in are comparisons", source: "server.state not in [\"A\", \"B\"] or x in y",
            grouped: "((server.state not in [\"A\", \"B\"]) or (x in y))"),
        GroupingCase(
            name: "calls take full expressions as arguments", source: "max(a + 1, b * 2) > 3",
            grouped: "(max((a + 1), (b * 2)) > 3)"),
        GroupingCase(name: "a trailing comma in arguments", source: "len(a,)", grouped: "len(a)"),
        GroupingCase(
            name: "literals print canonically", source: "1h30m + 90s == 5490000ms and 'q' != null",
            grouped: "(((1h30m + 1m30s) == 1h31m30s) and (\"q\" != null))"),
        GroupingCase(
            name: "it inside a condition", source: "any(counter.missing, startsWith(it, \"a\"))",
            grouped: "any(counter.missing, startsWith(it, \"a\"))"),
        GroupingCase(name: "newlines are whitespace", source: "a\n  and\n  b", grouped: "(a and b)"),
    ])
    func groups(_ test: GroupingCase) throws {
        let expression = try Parser.parse(test.source)
        #expect(expression.description == test.grouped)
    }

    @Test func everyNodeKnowsItsRange() throws {
        let expression = try Parser.parse("now - counter.lastDeliveryAt > 6h")
        guard case .binary(.greater, let lhs, let rhs, let operatorRange, let range) = expression else {
            Issue.record("expected a comparison, found \(expression)")
            return
        }
        #expect(operatorRange.start.description == "1:30")
        #expect(range.start.offset == 0 && range.end.offset == 33)
        #expect(rhs.range.start.description == "1:32")
        guard case .binary(.subtract, _, let member, _, _) = lhs else {
            Issue.record("expected a subtraction, found \(lhs)")
            return
        }
        guard case .member(_, "lastDeliveryAt", let nameRange, let memberRange) = member else {
            Issue.record("expected a member, found \(member)")
            return
        }
        #expect(nameRange.start.description == "1:15")
        #expect(memberRange.start.description == "1:7")
    }

    struct SyntaxErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let error: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        SyntaxErrorCase(
            name: "unclosed parenthesis", source: "len((a + b)", error: "1:12: expected ')' to close '(' at 1:4"),
        SyntaxErrorCase(
            name: "unclosed group before another token", source: "(a + b c",
            error: "1:8: expected ')' to close '(' at 1:1"),
        SyntaxErrorCase(
            name: "arguments without a comma", source: "join(a b)", error: "1:8: expected ')' to close '(' at 1:5"),
        SyntaxErrorCase(name: "unclosed list", source: "x in [1, 2", error: "1:11: expected ']' to close '[' at 1:6"),
        SyntaxErrorCase(
            name: "missing right operand", source: "a >", error: "1:4: expected an expression, found end of input"),
        SyntaxErrorCase(name: "empty expression", source: "", error: "1:1: expected an expression, found end of input"),
        SyntaxErrorCase(
            name: "operator in operand position", source: "a and or b", error: "1:7: expected an expression, found 'or'"
        ),
        SyntaxErrorCase(name: "leftover token", source: "a b", error: "1:3: unexpected 'b' after the expression"),
        SyntaxErrorCase(
            name: "stray closing parenthesis", source: "a)", error: "1:2: unexpected ')' after the expression"),
        SyntaxErrorCase(
            name: "chained comparison", source: "1 < a < 3",
            error: "1:7: '<' cannot follow another comparison (join comparisons with 'and')"),
        SyntaxErrorCase(
            name: "dot without a name", source: "server.",
            error: "1:8: expected a field name after '.', found end of input"),
        SyntaxErrorCase(
            name: "keyword as a field name", source: "window.in",
            error: "1:8: expected a field name after '.', found 'in'"),
        SyntaxErrorCase(
            name: "calling a field", source: "server.age(1)", error: "1:11: 'server.age' is not a function"),
        SyntaxErrorCase(
            name: "a filter in a plain expression", source: "a | upper",
            error: "1:3: '|' is only allowed in templates (use 'or')"),
        SyntaxErrorCase(
            name: "not after a comparison operator", source: "a == not b",
            error: "1:6: expected an expression, found 'not'"),
        SyntaxErrorCase(
            name: "lexical and syntax errors together", source: "a @ (b",
            error: "1:3: unexpected character '@'\n1:7: expected ')' to close '(' at 1:5"),
    ])
    func reportsTheFirstSyntaxError(_ test: SyntaxErrorCase) {
        #expect(throws: ExpressionError.self) { try Parser.parse(test.source) }
        do {
            _ = try Parser.parse(test.source)
        } catch {
            #expect(error.description == test.error)
        }
    }

    @Test(arguments: [
        ("parentheses", String(repeating: "(", count: 70) + "a" + String(repeating: ")", count: 70)),
        ("unary minus", String(repeating: "-", count: 70) + "a"),
        ("not", String(repeating: "not ", count: 70) + "a"),
        ("a long chain of +", (0..<70).map { "a\($0)" }.joined(separator: " + ")),
        ("nested calls", String(repeating: "abs(", count: 70) + "1" + String(repeating: ")", count: 70)),
    ])
    func rejectsNestingDeeperThanTheLimit(_ name: String, _ source: String) {
        do {
            _ = try Parser.parse(source)
            Issue.record("\(name) should be too deep")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.message == "expression is nested too deeply (at most 64 levels)")
        }
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let source = String(repeating: "(", count: 30) + "a" + String(repeating: ")", count: 30)
        #expect(try Parser.parse(source).description == "a")
    }
}
