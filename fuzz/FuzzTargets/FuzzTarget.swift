import Foundation
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchRules
import TransferWatchWorkflows

/// The parsers that read input TransferWatch does not control, each a libFuzzer target (`make fuzz`).
///
/// A target feeds one input to its parser and checks the parser's promises beyond "does not crash": every
/// diagnostic points inside the input, a parse that succeeds is stable, errors are one line. A broken
/// promise traps, which libFuzzer records as a crash; the inputs it found live in `fuzz/regressions/` and
/// are replayed by the test suite.
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// A rule file (YAML, groups, expressions, templates).
    case rules
    /// One rule expression against the state schema.
    case expression
    /// An S3 event notification (plain, SQS- or SNS-wrapped).
    case s3event
    /// The YAML configuration file.
    case configuration
    /// An AWS XML response body (S3, Query protocols).
    case xml

    /// Runs the target on one input.
    package func run(_ data: Data) {
        switch self {
        case .rules: Self.fuzzRules(data)
        case .expression: Self.fuzzExpression(data)
        case .s3event: Self.fuzzS3Event(data)
        case .configuration: Self.fuzzConfiguration(data)
        case .xml: Self.fuzzXML(data)
        }
    }

    private static func text(_ data: Data) -> String? { String(data: data, encoding: .utf8) }

    /// Lines as YAML counts them: `\r\n`, a lone `\r` and `\n` each end one (a Swift `Character` holds `\r\n`).
    private static func lineCount(_ text: String) -> Int {
        1 + text.reduce(0) { count, character in character == "\n" || character == "\r" || character == "\r\n" ? count + 1 : count }
    }

    private static func fuzzRules(_ data: Data) {
        guard let yaml = text(data) else { return }
        let loaded = RuleFileLoader().load(sources: [(file: "fuzz.yaml", yaml: yaml)])
        let lines = lineCount(yaml)
        for diagnostic in loaded.diagnostics {
            let location = diagnostic.location
            precondition(location.file == "fuzz.yaml", "diagnostic names another file: \(diagnostic)")
            precondition(location.line >= 1 && location.line <= lines + 1, "diagnostic line outside the input: \(diagnostic)")
            precondition(location.column >= 1, "diagnostic column below 1: \(diagnostic)")
            precondition(!diagnostic.description.contains("\n"), "diagnostic is not one line: \(diagnostic)")
        }
        if loaded.diagnostics.isEmpty {
            // A valid file loads the same way twice.
            let again = RuleFileLoader().load(sources: [(file: "fuzz.yaml", yaml: yaml)])
            precondition(again.diagnostics.isEmpty && again.ruleCount == loaded.ruleCount, "loading is not stable")
        }
    }

    private static func fuzzExpression(_ data: Data) {
        guard let source = text(data) else { return }
        do {
            let compiled = try Expression.compile(source, schema: PipelineFacts.state)
            precondition(compiled.source == source, "compiled source differs")
        } catch {
            for diagnostic in error.diagnostics {
                let count = source.unicodeScalars.count
                precondition(diagnostic.range.start.offset >= 0 && diagnostic.range.end.offset <= count + 1,
                             "diagnostic range outside the expression: \(diagnostic)")
                precondition(diagnostic.range.start <= diagnostic.range.end, "diagnostic range reversed: \(diagnostic)")
            }
        }
    }

    private static func fuzzS3Event(_ data: Data) {
        let batch = S3EventParser.parse(data, source: "fuzz")
        for error in batch.errors {
            precondition(!error.description.contains("\n"), "event error is not one line: \(error)")
        }
        for object in batch.objects {
            precondition(!object.bucket.isEmpty && !object.key.isEmpty, "a record without a bucket or key was accepted")
        }
    }

    private static func fuzzConfiguration(_ data: Data) {
        guard let yaml = text(data) else { return }
        do {
            _ = try Configuration(yaml: yaml, file: "fuzz.yaml", environment: [:])
        } catch {
            precondition(!error.errors.isEmpty, "a configuration error without a message")
            let lines = lineCount(yaml)
            for item in error.errors {
                precondition(!item.description.contains("\n"), "configuration error is not one line: \(item)")
                if let location = item.location {
                    precondition(location.line >= 1 && location.line <= lines + 1, "configuration error line outside the input: \(item)")
                }
            }
        }
    }

    private static func fuzzXML(_ data: Data) {
        guard let node = try? XMLNode.parse(data) else { return }
        // What we serialise, we parse back to the same tree.
        let again = try? XMLNode.parse(Data(node.serialized().utf8))
        precondition(again != nil, "serialised XML does not parse")
    }
}
