// The metrics part of `make bench` on its own, to iterate and profile: PutMetricData data points per CPU second of
// TransferWatch (MetricsPublisher.publishSynthetic through CloudWatchMetricSink → CloudWatchClient.putMetricData)
// against the boto3 baseline (bench/baseline_boto3.py metrics), on one moto.
//
// Both sides publish the same data points (bench/baseline_boto3.py's set: CopySucceeded, CopyLatency and
// BytesCopied in turn, Environment=bench, value i % 997, timestamps spread over the last hour). TransferWatch is
// measured on two paths:
//   raw    every data point sent as its own `Value`, 1,000 per request, as boto3 sends them (the wire path);
//   agent  the agent's own path: MetricsPublisher.record → aggregation → spool (fsync) → PutMetricData.
// CPU is getrusage(RUSAGE_SELF) around the work only; the best of --repeat runs is reported for each path, and
// the boto3 baseline runs --baseline-repeat times (best kept).
//
// Usage: swift run -c release MetricsBench [--datapoints 20000] [--repeat 5] [--baseline-repeat 3]
//            [--no-baseline] [--path raw|agent|both] [--loop SECONDS] [--json PATH]
// `--loop S` keeps publishing on the raw path for S seconds (for `perf record -g -p <pid>`), then exits.
// Python (moto, boto3) is TRANSFERWATCH_PYTHON, else <repository>/.venv/bin/python3.
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchTelemetry
import TransferWatchTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The command line.
struct Options {
    var datapoints = 20_000
    var repeats = 5
    var baselineRepeats = 3
    var baseline = true
    var raw = true
    var agent = true
    var loopSeconds: Double?
    var jsonPath: String?

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        func integer(_ name: String) -> Int {
            guard let value = iterator.next().flatMap(Int.init), value > 0 else {
                usage("\(name) needs a positive integer")
            }
            return value
        }
        while let argument = iterator.next() {
            switch argument {
            case "--datapoints": datapoints = integer(argument)
            case "--repeat": repeats = integer(argument)
            case "--baseline-repeat": baselineRepeats = integer(argument)
            case "--no-baseline": baseline = false
            case "--loop": loopSeconds = Double(integer(argument))
            case "--path":
                switch iterator.next() {
                case "raw": (raw, agent) = (true, false)
                case "agent": (raw, agent) = (false, true)
                case "both": (raw, agent) = (true, true)
                default: usage("--path needs raw, agent or both")
                }
            case "--json":
                guard let path = iterator.next() else { usage("--json needs a path") }
                jsonPath = path
            default: usage("unknown argument \(argument)")
            }
        }
    }
}

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(
        Data(
            """
            MetricsBench: \(message)
            usage: MetricsBench [--datapoints 20000] [--repeat 5] [--baseline-repeat 3] [--no-baseline]
                                [--path raw|agent|both] [--loop SECONDS] [--json PATH]

            """.utf8))
    exit(2)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("MetricsBench: \(message)\n".utf8))
    exit(1)
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data("MetricsBench: \(message)\n".utf8))
}

/// CPU seconds (user + system) of this process.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

let options = Options(arguments: CommandLine.arguments)
let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
guard let root = RepositoryPaths.root() else { fail("cannot find the repository root") }
guard let python = RepositoryPaths.testPython() else { fail("no Python: set TRANSFERWATCH_PYTHON or run `make venv`") }

let moto: MotoServer
do {
    moto = try await MotoServer.start(logger: quiet)
} catch {
    fail("moto did not start: \(error) (run `make venv` or set TRANSFERWATCH_PYTHON)")
}
let context = TestContexts.make(endpoint: moto.endpoint)
let sink = CloudWatchMetricSink(client: CloudWatchClient(context: context))
let namespace = "TransferWatchBench"

// Warm up: the connection to moto and the first-call costs (the bench measures steady state, as the agent runs).
do {
    _ = try await MetricsPublisher.publishSynthetic(
        datapoints: 10, to: sink, namespace: namespace, environment: "bench", now: Date())
} catch {
    moto.stop()
    fail("warm-up PutMetricData failed: \(error)")
}

if let loopSeconds = options.loopSeconds {
    progress("publishing for \(Int(loopSeconds)) s (pid \(getpid()))")
    let deadline = ContinuousClock.now + .seconds(loopSeconds)
    var sent = 0
    while ContinuousClock.now < deadline {
        sent += try await MetricsPublisher.publishSynthetic(
            datapoints: options.datapoints, to: sink, namespace: namespace, environment: "bench", now: Date()
        ).datapoints
    }
    progress("\(sent) data points")
    moto.stop()
    exit(0)
}

/// One path's best run.
struct Run {
    var datapoints = 0
    var requests = 0
    var cpu = Double.infinity
    var perCPUSecond: Double { Double(datapoints) / cpu }
}

var rawRun = Run()
if options.raw {
    for _ in 0..<options.repeats {
        let start = cpuSeconds()
        let report = try await MetricsPublisher.publishSynthetic(
            datapoints: options.datapoints, to: sink, namespace: namespace, environment: "bench", now: Date())
        let cpu = cpuSeconds() - start
        if cpu < rawRun.cpu { rawRun = Run(datapoints: report.datapoints, requests: report.requests, cpu: cpu) }
    }
    progress(
        "raw: \(rawRun.datapoints) data points in \(rawRun.requests) requests, best \(rawRun.cpu) CPU s: "
            + "\(Int(rawRun.perCPUSecond))/CPU s")
}

var agentRun = Run()
if options.agent {
    let spool = FileManager.default.temporaryDirectory.appendingPathComponent("tw-metrics-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: spool) }
    for _ in 0..<options.repeats {
        let start = cpuSeconds()
        let report = try await MetricsPublisher.publishSyntheticThroughAgentPath(
            datapoints: options.datapoints, to: sink, namespace: namespace, environment: "bench",
            spoolDirectory: spool.path, now: Date(), logger: quiet)
        let cpu = cpuSeconds() - start
        if cpu < agentRun.cpu { agentRun = Run(datapoints: report.datapoints, requests: report.requests, cpu: cpu) }
    }
    progress(
        "agent: \(agentRun.datapoints) samples in \(agentRun.requests) requests, best \(agentRun.cpu) CPU s: "
            + "\(Int(agentRun.perCPUSecond))/CPU s")
}

var baselineBest: (cpu: Double, datapoints: Double, requests: Double)?
if options.baseline {
    for _ in 0..<options.baselineRepeats {
        let process = Process()
        process.executableURL = python
        process.arguments = [
            root.appendingPathComponent("bench/baseline_boto3.py").path, "metrics", "--count", "\(options.datapoints)",
            "--endpoint", moto.endpoint.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cpu = (object["cpu_seconds"] as? NSNumber)?.doubleValue,
            let points = (object["datapoints"] as? NSNumber)?.doubleValue
        else {
            moto.stop()
            fail("baseline_boto3.py metrics exited \(process.terminationStatus)")
        }
        let requests = (object["requests"] as? NSNumber)?.doubleValue ?? 0
        if cpu < baselineBest?.cpu ?? .infinity { baselineBest = (cpu, points, requests) }
    }
}
moto.stop()

var figures: [String: Any] = ["datapoints": options.datapoints]
if let baselineBest {
    let perCPU = baselineBest.datapoints / baselineBest.cpu
    progress("boto3: \(Int(baselineBest.datapoints)) data points, best \(baselineBest.cpu) CPU s: \(Int(perCPU))/CPU s")
    figures["boto3"] = ["cpuSeconds": baselineBest.cpu, "perCPUSecond": perCPU, "requests": baselineBest.requests]
    if options.raw {
        progress("raw / boto3 = \(String(format: "%.2f", rawRun.perCPUSecond / perCPU))x")
        figures["rawRatio"] = rawRun.perCPUSecond / perCPU
    }
    if options.agent {
        progress("agent / boto3 = \(String(format: "%.2f", agentRun.perCPUSecond / perCPU))x")
        figures["agentRatio"] = agentRun.perCPUSecond / perCPU
    }
}
if options.raw {
    figures["raw"] = ["cpuSeconds": rawRun.cpu, "perCPUSecond": rawRun.perCPUSecond, "requests": rawRun.requests]
}
if options.agent {
    figures["agent"] = [
        "cpuSeconds": agentRun.cpu, "perCPUSecond": agentRun.perCPUSecond, "requests": agentRun.requests,
    ]
}
let json = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys, .prettyPrinted])
print(String(decoding: json, as: UTF8.self))
if let path = options.jsonPath { try json.write(to: URL(fileURLWithPath: path)) }
