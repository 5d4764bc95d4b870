// Rule evaluations per CPU second: 200 compiled rules against one copy step record (PipelineFacts.copyStep), on one
// thread; then the same rules through the engine (RuleSet.verdicts), labels and annotations rendered.
//
// Usage: swift run -c release RulesBench [--seconds 2] [--json bench/results/rules.json]
import Foundation
import TransferWatchRules

#if canImport(Glibc)
    import Glibc
#endif

struct Options {
    var seconds = 2.0
    var jsonPath: String? = nil

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--seconds": seconds = iterator.next().flatMap(Double.init) ?? seconds
            case "--json": jsonPath = iterator.next()
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// CPU time of this thread, not wall time, so the figure holds on a busy machine.
func cpuSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// The facts of a copy step: the engine's own schema for copy step records.
let schema = PipelineFacts.copyStep

let startedAt = Date(timeIntervalSince1970: 1_795_856_400)  // 2026-11-28 09:00 UTC
let record: [String: FactValue] = [
    "source": [
        "bucket": "invoices-incoming", "key": "alice/invoice-2026-11.pdf", "size": 1_572_864,
        "etag": "\"9b2cf535f27731c974343645a3985328\"",
    ],
    "destination": [
        "bucket": "invoices-archive", "key": "alice/2026/11/invoice-2026-11.pdf", "size": 1_572_864,
        "etag": "\"9b2cf535f27731c974343645a3985328\"",
    ],
    "uploader": "alice", "window": "2026-11", "result": "moved", "delivery": "counted",
    "counted": true, "windowComplete": false, "multipart": false, "parts": nil,
    "bytes": 1_572_864, "latency": .duration(.milliseconds(840)), "requests": 5, "attempts": nil,
    "errorCode": nil, "notes": [],
    "startedAt": .timestamp(startedAt), "finishedAt": .timestamp(startedAt.addingTimeInterval(0.84)),
    "now": .timestamp(startedAt.addingTimeInterval(2)), "environment": "prod",
]

/// Twenty shapes of step rule, each instantiated ten times with different constants: 200 rules.
func makeRules() -> [String] {
    let employees = #"["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]"#
    let shapes: [(Int) -> String] = [
        { _ in #"result == "failed""# },
        { i in #"result == "failed" and errorCode in ["AccessDenied", "NoSuchBucket", "Err\#(i)"]"# },
        { _ in "destination.etag != source.etag or destination.size != source.size" },
        { i in "attempts > \(i + 2)" },
        { _ in #"not counted and result == "moved""# },
        { _ in "uploader not in \(employees)" },
        { i in "latency > \(i + 5)s" },
        { i in "now - startedAt > \(i + 1)h" },
        { _ in #"not startsWith(destination.key, uploader + "/")"# },
        { i in "bytes > \(i + 1) * 1024 * 1024 * 1024" },
        { _ in "len(notes) > 0" },
        { i in "requests > \(i + 8) and multipart" },
        { _ in "multipart and parts == null" },
        { i in #"delivery == "unknownUploader" or delivery == "windowNotOpen\#(i)""# },
        { i in "finishedAt - startedAt > \(i + 30)s" },
        { _ in #"any(notes, contains(it, "unknown"))"# },
        { i in "windowComplete and latency < \(i + 1)ms" },
        { _ in #"errorCode != null and startsWith(errorCode, "Slow")"# },
        { i in "hourOfDay(now) >= \(18 + i % 6) or hourOfDay(now) < \(i % 6)" },
        { i in #"matches(source.key, '[a-z]+/invoice-[0-9]{4}-[0-9]{2}\#(i == 0 ? "" : "(-\(i))?")\.pdf')"# },
    ]
    return (0..<10).flatMap { i in shapes.map { $0(i) } }
}

/// The same 200 conditions as one rule file: a step group for copy, each rule with a templated label and summary.
func makeRuleFile(_ expressions: [String]) -> String {
    var yaml = "groups:\n  - name: bench\n    kind: step\n    workflow: copy\n    rules:\n"
    for (index, expression) in expressions.enumerated() {
        yaml += """
                  - alert: bench-\(index)
                    expr: |-
                      \(expression)
                    severity: warning
                    labels:
                      key: "{{ source.key }}"
                    annotations:
                      summary: "rule \(index) fired for {{ source.key }} ({{ bytes | humanizeBytes }})"

            """
    }
    return yaml
}

let options = Options(arguments: CommandLine.arguments)
let sources = makeRules()
let environment = ExpressionEnvironment(timeZone: TimeZone(identifier: "Europe/Berlin") ?? .gmt)
var rules: [CompiledExpression] = []
let compileStart = cpuSeconds()
for source in sources {
    do {
        rules.append(try Expression.compile(source, schema: schema, environment: environment, expecting: .bool))
    } catch {
        FileHandle.standardError.write(Data("\(source)\n\(error)\n".utf8))
        exit(1)
    }
}
let compileSeconds = cpuSeconds() - compileStart

let facts: FactValues
do {
    facts = try FactValues(schema: schema, values: record)
} catch {
    FileHandle.standardError.write(Data("facts: \(error)\n".utf8))
    exit(1)
}

// Every rule against the record, repeatedly; `fired` keeps the work from being optimized away.
var evaluations = 0
var fired = 0
let start = cpuSeconds()
while cpuSeconds() - start < options.seconds {
    for _ in 0..<100 {
        for rule in rules where rule.evaluateBool(facts) { fired += 1 }
    }
    evaluations += 100 * rules.count
}
let elapsed = cpuSeconds() - start
let perSecond = Double(evaluations) / elapsed

// Without the regular expressions, which cost more than all other rules together.
let plain = rules.filter { !$0.source.hasPrefix("matches(") }
var plainEvaluations = 0
let plainStart = cpuSeconds()
while cpuSeconds() - plainStart < options.seconds {
    for _ in 0..<100 {
        for rule in plain where rule.evaluateBool(facts) { fired += 1 }
    }
    plainEvaluations += 100 * plain.count
}
let plainPerSecond = Double(plainEvaluations) / (cpuSeconds() - plainStart)

// The whole engine: RuleSet.verdicts over the same 200 rules as a rule file, labels and annotations rendered for
// every rule that fires and labels for every rule (as the workflows call it after each copy step).
let loaded = RuleFileLoader(environment: environment).load(sources: [(file: "bench.yaml", yaml: makeRuleFile(sources))])
guard loaded.diagnostics.isEmpty else {
    FileHandle.standardError.write(Data(loaded.diagnostics.map(\.description).joined(separator: "\n").utf8))
    exit(1)
}
let ruleSet = RuleSet(groups: loaded.groups)
var verdictCount = 0
let engineStart = cpuSeconds()
while cpuSeconds() - engineStart < options.seconds {
    for _ in 0..<10 {
        let verdicts = ruleSet.verdicts(for: .copy, facts: facts, now: startedAt)
        verdictCount += verdicts.count
        fired += verdicts.count { $0.fired }
    }
}
let enginePerSecond = Double(verdictCount) / (cpuSeconds() - engineStart)

func format(_ value: Double) -> String { String(format: "%.0f", value) }
print("Rule evaluations per CPU second (one thread, release build)")
print(
    "  \(rules.count) compiled step rules against one copy step record: \(format(perSecond))/s (\(String(format: "%.0f", 1e9 / perSecond)) ns each)"
)
print("  the \(plain.count) without a regular expression:                  \(format(plainPerSecond))/s")
print("  through RuleSet.verdicts (labels rendered for every rule):  \(format(enginePerSecond))/s")
print("  compiling the \(rules.count) rules took \(String(format: "%.1f", compileSeconds * 1000)) ms of CPU")
print("  target: at least 1,000,000/s; \(fired > 0 ? "rules fired" : "no rule fired")")
if let path = options.jsonPath {
    let result: [String: Any] = [
        "benchmark": "rules", "rules": rules.count, "evaluations_per_second": perSecond,
        "evaluations_per_second_without_regex": plainPerSecond,
        "verdicts_per_second": enginePerSecond, "compile_milliseconds": compileSeconds * 1000,
    ]
    if let data = try? JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys]) {
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: data)
    }
}
