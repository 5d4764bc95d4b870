/// Builds an ``Expression`` from tokens by recursive descent, stopping at the first syntax error.
///
/// Precedence, loosest first: `or`, `and`, `not`, comparisons (`== != < <= > >= in`, `not in`;
/// not chainable), `+ -`, `* / %`, unary `-`, then `.` member access and calls. Binary operators
/// are left-associative. Nesting deeper than ``maximumDepth`` is an error, so no input can exhaust
/// the stack of the parser, the type checker or the evaluator.
///
/// ```swift
/// let expression = try Parser.parse("window.closesAt - now < 12h")
/// print(expression)   // ((window.closesAt - now) < 12h)
/// ```
package struct Parser {
    /// The deepest a syntax tree may be.
    package static let maximumDepth = 64

    private let tokens: [Token]
    private var index = 0
    /// How many grammar rules that can recurse are active, so deep input fails before the stack does.
    private var nesting = 0

    /// Creates a parser over tokens that end with `.end` or `.closeBraces`, as ``Lexer`` makes them.
    package init(tokens: [Token]) {
        precondition(!tokens.isEmpty, "a token stream ends with .end or .closeBraces")
        self.tokens = tokens
    }

    /// Parses a whole expression.
    ///
    /// - Throws: Every lexical problem and the first syntax error, in source order.
    package static func parse(_ source: String) throws(ExpressionError) -> Expression {
        var lexer = Lexer(source)
        let (tokens, lexical, _) = lexer.tokenize()
        var parser = Parser(tokens: tokens)
        let expression: Expression
        do throws(ExpressionError.Diagnostic) {
            expression = try parser.parseExpression()
            try parser.expectEnd(allowingPipe: false)
        } catch {
            throw ExpressionError(lexical + [error])
        }
        guard lexical.isEmpty else { throw ExpressionError(lexical) }
        return expression
    }

    // MARK: - Cursor, for the template parser

    /// The token at the cursor.
    package var current: Token { tokens[index] }

    /// Moves past the current token (never past the last one) and returns it.
    @discardableResult
    package mutating func consume() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Checks that the cursor is at the end of the input (or at `}}`).
    ///
    /// - Parameter allowingPipe: Whether `|` may follow, as it does before a template filter.
    /// - Throws: The diagnostic for a token left over.
    package func expectEnd(allowingPipe: Bool) throws(ExpressionError.Diagnostic) {
        switch current.kind {
        case .end, .closeBraces: return
        case .pipe where allowingPipe: return
        case .pipe: throw ExpressionError.Diagnostic(.pipeOutsideTemplate, at: current.range)
        default: throw ExpressionError.Diagnostic(.unexpectedToken(current.description), at: current.range)
        }
    }

    // MARK: - Grammar

    /// A node and the depth of the tree under it.
    private struct Node {
        var expression: Expression
        var depth: Int
    }

    /// Parses one expression and stops at the first token that cannot continue it.
    ///
    /// - Throws: The first syntax error.
    package mutating func parseExpression() throws(ExpressionError.Diagnostic) -> Expression {
        try parseOr().expression
    }

    private mutating func parseOr() throws(ExpressionError.Diagnostic) -> Node {
        try enter()
        defer { nesting -= 1 }
        var left = try parseAnd()
        while case .keyword(.or) = current.kind {
            let op = consume()
            let right = try parseAnd()
            left = try combine(.or, left, right, op.range)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError.Diagnostic) -> Node {
        var left = try parseNot()
        while case .keyword(.and) = current.kind {
            let op = consume()
            let right = try parseNot()
            left = try combine(.and, left, right, op.range)
        }
        return left
    }

    private mutating func parseNot() throws(ExpressionError.Diagnostic) -> Node {
        guard case .keyword(.not) = current.kind else { return try parseComparison() }
        let op = consume()
        try enter()
        defer { nesting -= 1 }
        let operand = try parseNot()
        return try unary(.not, operand, op.range)
    }

    private mutating func parseComparison() throws(ExpressionError.Diagnostic) -> Node {
        let left = try parseAdditive()
        guard let (op, range) = comparisonOperator() else { return left }
        let right = try parseAdditive()
        let node = try combine(op, left, right, range)
        if let (chained, chainedRange) = comparisonOperator(consuming: false) {
            throw ExpressionError.Diagnostic(.chainedComparison(chained.rawValue), at: chainedRange)
        }
        return node
    }

    /// The comparison operator at the cursor, if there is one, consumed unless `consuming` is false.
    private mutating func comparisonOperator(consuming: Bool = true) -> (Expression.BinaryOperator, SourceRange)? {
        let op: Expression.BinaryOperator
        var range = current.range
        switch current.kind {
        case .equal: op = .equal
        case .notEqual: op = .notEqual
        case .less: op = .less
        case .lessEqual: op = .lessEqual
        case .greater: op = .greater
        case .greaterEqual: op = .greaterEqual
        case .keyword(.in): op = .in
        case .keyword(.not):
            guard index + 1 < tokens.count, case .keyword(.in) = tokens[index + 1].kind else { return nil }
            op = .notIn
            range = range.through(tokens[index + 1].range)
            if consuming { consume() }
        default: return nil
        }
        if consuming { consume() }
        return (op, range)
    }

    private mutating func parseAdditive() throws(ExpressionError.Diagnostic) -> Node {
        var left = try parseMultiplicative()
        while true {
            let op: Expression.BinaryOperator
            switch current.kind {
            case .plus: op = .add
            case .minus: op = .subtract
            default: return left
            }
            let token = consume()
            let right = try parseMultiplicative()
            left = try combine(op, left, right, token.range)
        }
    }

    private mutating func parseMultiplicative() throws(ExpressionError.Diagnostic) -> Node {
        var left = try parseUnary()
        while true {
            let op: Expression.BinaryOperator
            switch current.kind {
            case .star: op = .multiply
            case .slash: op = .divide
            case .percent: op = .remainder
            default: return left
            }
            let token = consume()
            let right = try parseUnary()
            left = try combine(op, left, right, token.range)
        }
    }

    private mutating func parseUnary() throws(ExpressionError.Diagnostic) -> Node {
        guard case .minus = current.kind else { return try parsePostfix() }
        let op = consume()
        try enter()
        defer { nesting -= 1 }
        let operand = try parseUnary()
        return try unary(.negate, operand, op.range)
    }

    private mutating func parsePostfix() throws(ExpressionError.Diagnostic) -> Node {
        var node = try parsePrimary()
        while true {
            switch current.kind {
            case .dot:
                consume()
                guard case .identifier(let name) = current.kind else {
                    throw ExpressionError.Diagnostic(.expectedFieldName(found: current.description), at: current.range)
                }
                let nameToken = consume()
                let range = node.expression.range.through(nameToken.range)
                node = try checked(
                    Node(
                        expression: .member(node.expression, name, nameRange: nameToken.range, range),
                        depth: node.depth + 1))
            case .leftParen:
                throw ExpressionError.Diagnostic(.notCallable(node.expression.description), at: current.range)
            default:
                return node
            }
        }
    }

    private mutating func parsePrimary() throws(ExpressionError.Diagnostic) -> Node {
        let token = current
        func leaf(_ expression: Expression) -> Node {
            consume()
            return Node(expression: expression, depth: 1)
        }
        switch token.kind {
        case .number(let value): return leaf(.literal(.number(value), token.range))
        case .string(let value): return leaf(.literal(.string(value), token.range))
        case .duration(let value): return leaf(.literal(.duration(value), token.range))
        case .keyword(.true): return leaf(.literal(.bool(true), token.range))
        case .keyword(.false): return leaf(.literal(.bool(false), token.range))
        case .keyword(.null): return leaf(.literal(.null, token.range))
        case .keyword(.it): return leaf(.element(token.range))
        case .identifier(let name):
            consume()
            guard case .leftParen = current.kind else { return Node(expression: .name(name, token.range), depth: 1) }
            let open = consume()
            let (arguments, depth, close) = try parseSequence(closing: .rightParen, open: open, closeText: ")")
            let expression = Expression.call(name, arguments, nameRange: token.range, token.range.through(close.range))
            return try checked(Node(expression: expression, depth: depth + 1))
        case .leftParen:
            let open = consume()
            let inner = try parseOr()
            guard case .rightParen = current.kind else {
                throw ExpressionError.Diagnostic(
                    .unclosed(open: "(", close: ")", openedAt: open.range.start), at: current.range)
            }
            consume()
            return try checked(Node(expression: inner.expression, depth: inner.depth + 1))
        case .leftBracket:
            let open = consume()
            let (elements, depth, close) = try parseSequence(closing: .rightBracket, open: open, closeText: "]")
            return try checked(Node(expression: .list(elements, open.range.through(close.range)), depth: depth + 1))
        default:
            throw ExpressionError.Diagnostic(.expectedExpression(found: token.description), at: token.range)
        }
    }

    /// Parses `a, b, c` up to the closing token (a trailing comma is allowed); the opening one is consumed.
    private mutating func parseSequence(
        closing: Token.Kind,
        open: Token,
        closeText: String
    ) throws(ExpressionError.Diagnostic) -> (items: [Expression], depth: Int, close: Token) {
        var items: [Expression] = []
        var depth = 0
        let unclosed = ExpressionError.Problem.unclosed(open: open.text, close: closeText, openedAt: open.range.start)
        while current.kind != closing {
            switch current.kind {
            case .end, .closeBraces: throw ExpressionError.Diagnostic(unclosed, at: current.range)
            default: break
            }
            let item = try parseOr()
            items.append(item.expression)
            depth = max(depth, item.depth)
            if case .comma = current.kind {
                consume()
            } else if current.kind != closing {
                throw ExpressionError.Diagnostic(unclosed, at: current.range)
            }
        }
        return (items, depth, consume())
    }

    private func combine(
        _ op: Expression.BinaryOperator,
        _ left: Node,
        _ right: Node,
        _ operatorRange: SourceRange
    ) throws(ExpressionError.Diagnostic) -> Node {
        let range = left.expression.range.through(right.expression.range)
        let expression = Expression.binary(op, left.expression, right.expression, operatorRange: operatorRange, range)
        return try checked(Node(expression: expression, depth: max(left.depth, right.depth) + 1))
    }

    private func unary(
        _ op: Expression.UnaryOperator,
        _ operand: Node,
        _ operatorRange: SourceRange
    ) throws(ExpressionError.Diagnostic) -> Node {
        let range = operatorRange.through(operand.expression.range)
        return try checked(Node(expression: .unary(op, operand.expression, range), depth: operand.depth + 1))
    }

    private mutating func enter() throws(ExpressionError.Diagnostic) {
        nesting += 1
        guard nesting <= Parser.maximumDepth else {
            throw ExpressionError.Diagnostic(.tooDeep(limit: Parser.maximumDepth), at: current.range)
        }
    }

    private func checked(_ node: Node) throws(ExpressionError.Diagnostic) -> Node {
        guard node.depth <= Parser.maximumDepth else {
            throw ExpressionError.Diagnostic(.tooDeep(limit: Parser.maximumDepth), at: node.expression.range)
        }
        return node
    }
}
