import Foundation

/// An expression parsed, type-checked and compiled once, ready to evaluate against any number of facts.
///
/// Evaluation never re-parses, never throws and never traps: absent optional facts follow the null
/// semantics described on ``Expression/compile(_:schema:environment:expecting:)``.
///
/// ```swift
/// let rule = try Expression.compile("now - counter.lastDeliveryAt > 6h", schema: schema, expecting: .bool)
/// if rule.evaluateBool(facts) { … }
/// ```
package struct CompiledExpression: Sendable {
    /// The text it was compiled from.
    package let source: String
    /// The type of its result.
    package let type: ExpressionType
    /// The schema it was checked against; facts must be built for the same schema.
    package let schema: FactSchema
    let root: TypedExpression
    let environment: ExpressionEnvironment
    private let thunk: Thunk

    init(
        source: String, type: ExpressionType, schema: FactSchema, root: TypedExpression,
        environment: ExpressionEnvironment
    ) {
        self.source = source
        self.type = type
        self.schema = schema
        self.root = root
        self.environment = environment
        self.thunk = Evaluator(timeZone: environment.timeZone).build(root)
    }

    /// Evaluates the expression.
    ///
    /// - Parameter facts: Facts built for ``schema`` (or an equal schema).
    /// - Returns: A value of ``type``, or `.null` when the result depends on an absent fact.
    /// - Precondition: `facts` were built for this expression's schema.
    package func evaluate(_ facts: FactValues) -> FactValue {
        precondition(
            facts.schema.isIdentical(to: schema) || facts.schema == schema, "facts were built for another schema")
        return thunk(EvaluationFrame(slots: facts.slots, element: .null, trace: nil))
    }

    /// Evaluates a condition: true only when the result is `true` (an absent result counts as false).
    package func evaluateBool(_ facts: FactValues) -> Bool {
        isTrue(evaluate(facts))
    }

    /// Evaluates the expression and reports the value of every subexpression that was evaluated, in
    /// the order each finished; subexpressions skipped by `and`/`or` short-circuiting do not appear.
    ///
    /// For explaining a result (`rules test` failures), not for the hot path: it compiles a traced copy first.
    package func explain(_ facts: FactValues) -> [EvaluationStep] {
        precondition(
            facts.schema.isIdentical(to: schema) || facts.schema == schema, "facts were built for another schema")
        let traced = Evaluator(tracing: true, timeZone: environment.timeZone).build(root)
        let trace = EvaluationTrace()
        _ = traced(EvaluationFrame(slots: facts.slots, element: .null, trace: trace))
        let scalars = Array(source.unicodeScalars)
        return trace.steps.map { step in
            let start = max(0, min(step.range.start.offset, scalars.count))
            let end = max(start, min(step.range.end.offset, scalars.count))
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[start..<end])
            return EvaluationStep(range: step.range, source: text, value: step.value)
        }
    }
}

/// The value one subexpression had in an evaluation.
package struct EvaluationStep: Sendable, Equatable, CustomStringConvertible {
    /// Where the subexpression is.
    package var range: SourceRange
    /// Its source text.
    package var source: String
    /// Its value.
    package var value: FactValue

    /// `copy.attempts = 3`.
    package var description: String {
        "\(source) = \(ValueFormatting.text(value, timeZone: .gmt))"
    }
}
