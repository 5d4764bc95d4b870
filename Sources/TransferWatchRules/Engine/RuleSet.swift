import TransferWatchConfig

/// The loaded, validated rules of a folder or a list of files, compiled once and ready to evaluate.
///
/// ```swift
/// let rules = try RuleSet.load(files: ["rules/copy.yaml", "rules/server.yaml"], environment: environment)
/// let verdicts = rules.verdicts(for: .copy, facts: stepFacts, now: now)      // after each copy step
/// let evaluations = rules.evaluateState(facts: snapshotFacts, now: now)     // at the state groups' interval
/// ```
///
/// A rule set exists only when every file loaded without a diagnostic, so evaluating it cannot fail.
package struct RuleSet: Sendable {
    /// Every group, in file order.
    package let groups: [RuleGroup]
    /// The step groups of each workflow, in file order.
    package let stepGroups: [StepWorkflow: [RuleGroup]]
    /// The state groups, in file order.
    package let stateGroups: [RuleGroup]
    /// How many files the rules came from.
    package let fileCount: Int

    /// Builds a rule set from groups that already validated.
    package init(groups: [RuleGroup], fileCount: Int = 1) {
        self.groups = groups
        self.fileCount = fileCount
        var steps: [StepWorkflow: [RuleGroup]] = [:]
        var states: [RuleGroup] = []
        for group in groups {
            switch group.kind {
            case .step(let workflow): steps[workflow, default: []].append(group)
            case .state: states.append(group)
            }
        }
        self.stepGroups = steps
        self.stateGroups = states
    }

    /// Builds a rule set from a loader's outcome.
    ///
    /// - Throws: ``RuleSetError`` with every diagnostic when any file had a problem.
    package init(_ loaded: RuleFileLoader.LoadedRules) throws(RuleSetError) {
        guard loaded.diagnostics.isEmpty else { throw RuleSetError(diagnostics: loaded.diagnostics) }
        self.init(groups: loaded.groups, fileCount: loaded.fileCount)
    }

    /// Loads and validates rule files.
    ///
    /// - Parameters:
    ///   - files: Paths, as diagnostics should name them.
    ///   - environment: The configured time zone for calendar functions and rendered timestamps.
    /// - Throws: ``RuleSetError`` with every problem in every file, sorted by position.
    package static func load(
        files: [String], environment: ExpressionEnvironment = ExpressionEnvironment()
    ) throws(RuleSetError) -> RuleSet {
        try RuleSet(RuleFileLoader(environment: environment).load(files: files))
    }

    /// Every rule, in file order.
    package var rules: [Rule] { groups.flatMap(\.rules) }

    /// The rule named `alert`, if any.
    package func rule(named alert: String) -> Rule? {
        for group in groups {
            if let rule = group.rules.first(where: { $0.alert == alert }) { return rule }
        }
        return nil
    }

    /// The names of the state rules, which ``AlertTracker/observe(state:at:)`` expects to see evaluated.
    package var stateRuleNames: Set<String> { Set(stateGroups.flatMap { $0.rules.map(\.alert) }) }
}

/// Why rule files could not become a ``RuleSet``: every problem, each `file:line:col: error: message`.
package struct RuleSetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, sorted by file, line and column.
    package var diagnostics: [RuleDiagnostic]

    /// Creates an error.
    package init(diagnostics: [RuleDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One diagnostic per line.
    package var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
