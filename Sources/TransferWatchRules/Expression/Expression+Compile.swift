extension Expression {
    /// Parses, type-checks and compiles an expression against a schema of facts.
    ///
    /// **Types.** `bool`, `number` (a `Double`), `string`, `duration`, `timestamp` and `list<T>`. A fact
    /// declared optional (or inside an optional object) may be absent at run time; its static type is
    /// marked optional and whatever is computed from it is optional too.
    ///
    /// **Null semantics.** `x == null` is true when `x` is absent (only optional facts and objects may be
    /// compared with `null`); `==` and `!=` treat two absent values as equal and an absent value as unequal
    /// to any present one; `<`, `<=`, `>`, `>=` and `in` are false when either side is absent (so `not in`
    /// is true); arithmetic and functions give an absent result when an argument is absent, except
    /// `coalesce(x, fallback)`; and `and`, `or`, `not` and ``CompiledExpression/evaluateBool(_:)`` count an
    /// absent bool as false. So `now - counter.lastDeliveryAt > 6h` is false while nothing was delivered.
    ///
    /// **Operators.** `+ - * / %` on numbers; `timestamp - timestamp = duration`, `timestamp ± duration =
    /// timestamp`, `duration ± duration`, `duration * number`, `number * duration`, `duration / number =
    /// duration`, `duration / duration = number`, `duration % duration`; `string + string`. Comparisons
    /// need two operands of one type; `< <= > >=` order numbers, strings, durations and timestamps.
    ///
    /// **Functions.** `len(string|list)`, `count(list)`, `contains(list, x)`, `contains(string, part)`,
    /// `startsWith`, `endsWith`, `matches(string, "regex")` (whole-string match, the pattern a literal checked
    /// here), `lower`, `upper`, `trim`, `join(list, sep = ", ")`; `days`, `hours`, `minutes`, `seconds` of a
    /// duration (fractional numbers); `dayOfMonth`, `hourOfDay`, `minuteOfHour`, `dayOfWeek` (1 = Monday),
    /// `month`, `year`, `daysInMonth`, `startOfDay`, `startOfMonth` of a timestamp in the environment's zone or
    /// a literal zone given as a second argument; `abs`, `min`, `max`, `round`, `floor`, `ceil`, `coalesce`.
    /// **List conditions** have no lambdas: `any(list, cond)`, `all(list, cond)`, `count(list, cond)` and
    /// `filter(list, cond)` evaluate `cond` once per element with the element as `it`, e.g.
    /// `any(counter.missing, startsWith(it, "temp-"))`; in nested conditions `it` is the innermost element.
    ///
    /// - Parameters:
    ///   - source: The expression.
    ///   - schema: The facts it may read.
    ///   - environment: Compile-time settings (the time zone).
    ///   - expecting: The type the result must have (`.bool` for a rule condition), or `nil` for any.
    /// - Returns: The compiled expression.
    /// - Throws: ``ExpressionError`` with every lexical error, the first syntax error, and every type error.
    package static func compile(
        _ source: String,
        schema: FactSchema,
        environment: ExpressionEnvironment = ExpressionEnvironment(),
        expecting: ValueType? = nil
    ) throws(ExpressionError) -> CompiledExpression {
        let scalars = Array(source.unicodeScalars)
        var lexer = Lexer(scalars: scalars, from: 0, at: .start, mode: .expression)
        let (tokens, lexical, _) = lexer.tokenize()
        var parser = Parser(tokens: tokens)
        let expression: Expression
        do throws(ExpressionError.Diagnostic) {
            expression = try parser.parseExpression()
            try parser.expectEnd(allowingPipe: false)
        } catch {
            throw ExpressionError(lexical + [error])
        }
        var checker = TypeChecker(schema: schema, environment: environment, scalars: scalars)
        let (typed, type) = checker.checkRoot(expression, expecting: expecting)
        let diagnostics = lexical + checker.diagnostics
        guard diagnostics.isEmpty, let type else { throw ExpressionError(diagnostics) }
        return CompiledExpression(source: source, type: type, schema: schema, root: typed, environment: environment)
    }
}

extension TypeChecker {
    /// Checks a whole expression or placeholder: its result must be a value (of `expecting`, when given).
    mutating func checkRoot(_ expression: Expression, expecting: ValueType?) -> (TypedExpression, ExpressionType?) {
        let (typed, type) = check(expression)
        switch type {
        case .value(let valueType, let optional):
            if let expecting, expecting != valueType {
                report(.type("expression must be \(expecting), found \(valueType)"), at: expression.range)
                return (typed, nil)
            }
            return (typed, ExpressionType(valueType, isOptional: optional))
        case .object(let slot, _):
            _ = misusedObject(slot, expression, type: .invalid)
        case .null:
            report(.type("expression is always null"), at: expression.range)
        case .invalid:
            break
        }
        return (typed, nil)
    }
}
