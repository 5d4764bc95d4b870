// The pipeline benchmark of `make bench`: `transferwatch agent` (release build, a child process) against the
// seed's Lambda way in boto3 (bench/baseline_boto3.py), on one moto, in one run.
//
//   1. moto, a counting proxy in front of it for the agent (bench/counting_proxy.py), `transferwatch bootstrap`
//      (buckets, tables, queue, S3 → SQS notification), employees, and an open delivery window.
//   2. A burst of 100 uploads moved at once by an agent with copy.concurrency 100: peak RssAnon/VmRSS
//      (/proc/<pid>/status, sampled every 20 ms).
//   3. The measured agent (copy.concurrency 8, the default) idle: RssAnon and VmRSS.
//   4. N uploads (default 1,000): the agent's CPU (utime+stime of /proc/<pid>/stat) per moved object, its AWS
//      requests per moved object by operation (queue traffic included), objects per second from the first
//      upload until the source bucket is empty.
//   5. More uploads until the agent has made --soak-requests AWS requests (default 10,000): RssAnon after each
//      batch, and its growth per request.
//   6. The boto3 baseline `copy` on the same moto with the same N (re-uploaded), and `metrics` against
//      MetricsPublisher.publishSynthetic with the same number of data points, both CPU-measured in-process.
//   7. SigV4 signatures per second from bench/results/sigv4.json (SigV4Bench, run first by `make bench`).
//
// Usage: swift run -c release PipelineBench [--objects 1000] [--burst 100] [--soak-requests 10000]
//            [--datapoints 20000] [--concurrency 8] [--agent PATH] [--json bench/results/pipeline.json] [--keep]
// Python (moto, the proxy, boto3) is TRANSFERWATCH_PYTHON, else <repository>/.venv/bin/python3.
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchTelemetry
import TransferWatchTestSupport
import TransferWatchWorkflows

#if canImport(Glibc)
    import Glibc
#endif

let options = Options(arguments: CommandLine.arguments)
let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("PipelineBench: \(message)\n".utf8))
    exit(1)
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data("PipelineBench: \(message)\n".utf8))
}

guard let root = RepositoryPaths.root() else { fail("cannot find the repository root") }
guard let python = RepositoryPaths.testPython() else { fail("no Python: set TRANSFERWATCH_PYTHON or run `make venv`") }
let agentBinary =
    options.agentPath.map { URL(fileURLWithPath: $0) }
    ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("transferwatch")
guard FileManager.default.isExecutableFile(atPath: agentBinary.path) else {
    fail("no transferwatch binary at \(agentBinary.path) (swift build -c release --product transferwatch, or --agent PATH)")
}

// MARK: - 1. The emulator, the proxy, the resources

let moto: MotoServer
do {
    moto = try await MotoServer.start(logger: quiet)
} catch {
    fail("moto did not start: \(error) (run `make venv` or set TRANSFERWATCH_PYTHON)")
}
let proxy: CountingProxy
do {
    proxy = try CountingProxy(
        python: python, script: root.appendingPathComponent("bench/counting_proxy.py"), upstream: moto.endpoint)
} catch {
    moto.stop()
    fail("\(error)")
}
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-pipeline-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
func cleanUp() {
    proxy.stop()
    moto.stop()
    if options.keep {
        progress("kept \(directory.path)")
    } else {
        try? FileManager.default.removeItem(at: directory)
    }
}

let source = "invoices-incoming"
let destination = "invoices-archive"
let stateTable = "TransferWatchState"
let employeesTable = "SFTPUsers"
let queueName = "invoice-uploads"
let agentQueueURL = "\(proxy.endpoint.absoluteString)/123456789012/\(queueName)"
let motoQueueURL = "\(moto.endpoint.absoluteString)/123456789012/\(queueName)"
/// Writes a configuration for an agent moving `concurrency` uploads at once.
func writeConfiguration(concurrency: Int, name: String) throws -> URL {
    let path = directory.appendingPathComponent("\(name).yaml")
    // No sftp.userRole: provisioning is disabled, so the agent's traffic is the copy path plus its background
    // loops (dead-letter check, reconciliation); the window is opened below as provisioning would.
    try """
    region: us-east-1
    endpoint: \(proxy.endpoint.absoluteString)
    environment: bench
    buckets: {source: \(source), destination: \(destination)}
    tables: {employees: \(employeesTable), state: \(stateTable)}
    queue: \(agentQueueURL)
    sftp:
      provision: "cron(0 0 28 * ? *)"
      teardown: "cron(0 0 1 * ? *)"
      timezone: UTC
    spool: \(directory.appendingPathComponent("spool-\(name)").path)
    copy:
      concurrency: \(concurrency)

    """.write(to: path, atomically: true, encoding: .utf8)
    return path
}
let configPath = try writeConfiguration(concurrency: options.concurrency, name: "transferwatch")
let burstConfigPath = try writeConfiguration(concurrency: options.burst, name: "burst")

let processEnvironment: [String: String] = [
    "PATH": "/usr/bin:/bin", "HOME": directory.path,
    "AWS_ACCESS_KEY_ID": TestContexts.motoCredentials.accessKeyID,
    "AWS_SECRET_ACCESS_KEY": TestContexts.motoCredentials.secretAccessKey,
    "AWS_EC2_METADATA_DISABLED": "true",
]

/// Runs `executable arguments…` to completion, returning its standard output (standard error goes to `log`).
func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil, log: URL) throws -> (
    status: Int32, output: Data
) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    process.standardOutput = output
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    process.standardError = try FileHandle(forWritingTo: log)
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, data)
}

progress("bootstrap")
let bootstrapLog = directory.appendingPathComponent("bootstrap.log")
let bootstrap = try runProcess(
    agentBinary, ["--config", configPath.path, "bootstrap"], environment: processEnvironment, log: bootstrapLog)
guard bootstrap.status == 0 else {
    let log = (try? String(contentsOf: bootstrapLog, encoding: .utf8)) ?? ""
    cleanUp()
    fail("transferwatch bootstrap exited \(bootstrap.status): \(log)")
}

let context = TestContexts.make(endpoint: moto.endpoint)
let s3 = S3Client(context: context)
let sqs = SQSClient(context: context)
let dynamo = DynamoDBClient(context: context)

// Enough employees that every upload is a first delivery and the window never completes (one transaction per
// delivery: the common case of a month). Each has a usable public key, as provisioning requires: with a broken
// one the agent's state evaluation would log two warnings per employee every minute (thousands per copy-minute
// here), which is a misconfigured month, not the pipeline being measured.
let employeeCount = options.burst + options.objects + options.soakRequests / 2 + 500
let employeeKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKV9+kP9RjKdt4LJY/0odVVrY6v21XzZZE9TN2cRVdE7 bench"
_ = try await dynamo.batchWriteItem(
    table: employeesTable,
    requests: (0..<employeeCount).map { .put(["username": .s(employee($0)), "sshPublicKey": .s(employeeKey)]) })
let window = windowID(at: Date())
let ledger = DeliveryLedger(dynamo: dynamo, stateTable: stateTable, employeesTable: employeesTable, logger: quiet)
try await ledger.openWindow(window, expected: employeeCount + 1, at: Date())

func employee(_ index: Int) -> String { String(format: "emp%05d", index) }

/// The window of the default provisioning schedule (cron(0 0 28 * ? *), UTC) that `instant` falls in.
func windowID(at instant: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month, .day], from: instant)
    var (year, month) = (parts.year!, parts.month!)
    if parts.day! < 28 {
        month -= 1
        if month == 0 { (year, month) = (year - 1, 12) }
    }
    return String(format: "%04d-%02d", year, month)
}

// MARK: - The agents

/// The agent being measured (the burst's first, then the main one).
nonisolated(unsafe) var agent: AgentChild! = nil
func startAgent(config: URL, name: String) throws -> AgentChild {
    progress("starting \(name) (\(agentBinary.path))")
    let child = try AgentChild(
        binary: agentBinary, config: config, environment: processEnvironment,
        log: directory.appendingPathComponent("\(name).log"))
    agent = child
    return child
}
func giveUp(_ message: String) -> Never {
    _ = agent?.stop()
    let tail = agent?.logTail() ?? ""
    cleanUp()
    fail("\(message)\n--- the agent's log, last lines ---\n\(tail)")
}
let wallClock = ContinuousClock()
/// Lets a fresh agent start (its first long poll open) for `seconds`, failing if it exits.
func settle(_ seconds: Int) async throws {
    let until = wallClock.now + .seconds(seconds)
    while wallClock.now < until {
        guard agent.isRunning else { giveUp("the agent exited with \(agent.process.terminationStatus) while starting") }
        try await Task.sleep(for: .milliseconds(100))
    }
}
func mebibytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

// MARK: - Uploads and waiting for them to be moved

nonisolated(unsafe) var nextEmployee = 0
nonisolated(unsafe) var movedSoFar = 0
let body = Data(String(repeating: "invoice line 0123456789\n", count: 80).utf8)  // ~1.9 KB, one part

/// Uploads `count` objects (16 at a time, straight to moto: not counted as the agent's), each by a new employee.
func upload(_ count: Int, phase: String) async throws {
    let first = nextEmployee
    nextEmployee += count
    try await withThrowingTaskGroup(of: Void.self) { group in
        var index = first
        func launch() {
            let key = "\(employee(index))/\(phase)/invoice-\(index).pdf"
            index += 1
            group.addTask { try await s3.putObject(bucket: source, key: key, body: body) }
        }
        while index < first + min(16, count) { launch() }
        while try await group.next() != nil {
            if index < first + count { launch() }
        }
    }
}

/// Waits until the source bucket is empty (every upload moved), at most `timeout`.
func waitUntilMoved(expectedTotal: Int, timeout: Duration = .seconds(600)) async throws {
    let deadline = wallClock.now + timeout
    while true {
        guard agent.isRunning else { giveUp("the agent exited with \(agent.process.terminationStatus)") }
        let page = try await s3.listObjectsV2(bucket: source, maxKeys: 1)
        if page.objects.isEmpty { break }
        guard wallClock.now < deadline else {
            giveUp("uploads were not moved within \(timeout) (\(page.objects.first?.key ?? "?") is still in the source)")
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    movedSoFar = expectedTotal
}

/// Checks that the destination holds every upload so far (none lost, none left).
func verifyDestination() async throws {
    let count = try await s3.listAllObjects(bucket: destination).count
    guard count == movedSoFar else { giveUp("the destination holds \(count) objects, expected \(movedSoFar)") }
}

// MARK: - 2. A burst of 100 at once, with copy.concurrency 100: peak memory

_ = try startAgent(config: burstConfigPath, name: "agent-burst")
try await settle(3)
progress("burst: \(options.burst) uploads at once, copy.concurrency \(options.burst)")
let burstSampler = MemorySampler(probe: agent.probe)
try await upload(options.burst, phase: "burst")
try await waitUntilMoved(expectedTotal: options.burst)
let burst = burstSampler.stop()
try await verifyDestination()
guard let burstMemory = burst.peak else { giveUp("the agent's memory could not be read") }
progress("burst: peak RssAnon \(mebibytes(burstMemory.anonymous)) MiB, VmRSS \(mebibytes(burstMemory.resident)) MiB")
// Its last deletions go out, then it stops.
try await Task.sleep(for: .seconds(2))
let burstStatus = agent.stop()
if burstStatus != 0 { giveUp("the burst agent exited with \(burstStatus) on SIGTERM") }

// MARK: - 3. The measured agent (copy.concurrency as configured) idle

let countsBeforeAgent = try await proxy.counts()
let main = try startAgent(config: configPath, name: "agent")
let probe = main.probe
try await settle(3)
let idleSampler = MemorySampler(probe: probe, interval: .milliseconds(100))
let idleCPUStart = probe.cpuSeconds() ?? 0
try await Task.sleep(for: .seconds(options.idleSeconds))
let idleCPU = (probe.cpuSeconds() ?? 0) - idleCPUStart
let idle = idleSampler.stop()
guard let idleMemory = idle.peak else { giveUp("the agent's memory could not be read") }
progress("idle: RssAnon \(mebibytes(idleMemory.anonymous)) MiB, VmRSS \(mebibytes(idleMemory.resident)) MiB")

// MARK: - 4. N objects: CPU, requests and objects per second

progress("run: \(options.objects) uploads")
let countsBeforeRun = try await proxy.counts()
guard let cpuBeforeRun = probe.cpuSeconds() else { giveUp("the agent's CPU time could not be read") }
let runSampler = MemorySampler(probe: probe)
let runStart = wallClock.now
try await upload(options.objects, phase: "run")
try await waitUntilMoved(expectedTotal: options.burst + options.objects)
let runWall = seconds(wallClock.now - runStart)
// The last DeleteMessageBatch goes out 2 s after the consumer goes idle (UploadEventConsumer.Settings.idleFlushDelay):
// wait for it, so the run is charged every deletion it caused. Its long poll stays open.
try await Task.sleep(for: .seconds(4))
guard let cpuAfterRun = probe.cpuSeconds() else { giveUp("the agent's CPU time could not be read") }
let runCounts = try await proxy.counts().since(countsBeforeRun)
let runMemory = runSampler.stop().peak
try await verifyDestination()
let agentCPUPerObject = (cpuAfterRun - cpuBeforeRun) / Double(options.objects)
let agentRequestsPerObject = Double(runCounts.total) / Double(options.objects)
let agentObjectsPerSecond = Double(options.objects) / runWall
progress(
    "run: \(Figure.format(agentObjectsPerSecond)) objects/s, \(Figure.format(agentRequestsPerObject)) requests/object, "
        + "\(Figure.format(agentCPUPerObject * 1000)) CPU ms/object")

// MARK: - 5. Soak: memory across --soak-requests AWS requests

struct SoakSample: Codable {
    var requests: Int
    var objects: Int
    var rssAnon: Int
    var vmRSS: Int
}
var soak: [SoakSample] = []
func soakSample() async throws -> SoakSample {
    guard let memory = probe.memory() else { giveUp("the agent's memory could not be read") }
    let requests = try await proxy.counts().since(countsBeforeAgent).total
    return SoakSample(requests: requests, objects: movedSoFar, rssAnon: memory.anonymous, vmRSS: memory.resident)
}
soak.append(try await soakSample())
progress("soak: until the agent has made \(options.soakRequests) AWS requests (now \(soak[0].requests))")
while let last = soak.last, last.requests < options.soakRequests {
    let remaining = options.soakRequests - last.requests
    let batch = max(50, min(options.soakBatch, Int(Double(remaining) / max(agentRequestsPerObject, 1)) + 1))
    guard nextEmployee + batch <= employeeCount else { break }
    try await upload(batch, phase: "soak")
    try await waitUntilMoved(expectedTotal: movedSoFar + batch)
    try await Task.sleep(for: .milliseconds(3500))
    soak.append(try await soakSample())
}
try await verifyDestination()
let soakFirst = soak.first!
let soakLast = soak.last!
let soakGrowth = soakLast.rssAnon - soakFirst.rssAnon
let soakRequests = soakLast.requests - soakFirst.requests
let growthPerRequest = soakRequests > 0 ? Double(soakGrowth) / Double(soakRequests) : 0
let soakPeak = soak.map(\.rssAnon).max() ?? 0
progress(
    "soak: \(soakLast.requests) requests, RssAnon \(mebibytes(soakFirst.rssAnon)) → \(mebibytes(soakLast.rssAnon)) MiB")

guard let agentTotalCPU = probe.cpuSeconds() else { giveUp("the agent's CPU time could not be read") }
let agentStatus = main.stop()
let mainStopped = wallClock.now
let agentTotals = try await proxy.counts().since(countsBeforeAgent)
if agentStatus != 0 {
    progress("warning: the agent exited with \(agentStatus) on SIGTERM")
}

// MARK: - 6. Metrics (TransferWatch in-process, then boto3), then the boto3 copy baseline

/// Runs bench/baseline_boto3.py and decodes its JSON line.
func baseline(_ arguments: [String]) throws -> [String: Any] {
    let log = directory.appendingPathComponent("baseline.log")
    let result = try runProcess(
        python, [root.appendingPathComponent("bench/baseline_boto3.py").path] + arguments
            + ["--endpoint", moto.endpoint.absoluteString], log: log)
    guard result.status == 0,
        let object = try? JSONSerialization.jsonObject(with: result.output) as? [String: Any]
    else {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        cleanUp()
        fail("baseline_boto3.py \(arguments.first ?? "") exited \(result.status): \(text.suffix(2000))")
    }
    return object
}
func number(_ object: [String: Any], _ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? 0 }

progress("metrics: \(options.datapoints) data points each")
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
let sink = CloudWatchMetricSink(client: CloudWatchClient(context: context))
let metricsCPUStart = processCPUSeconds()
let metricsWallStart = wallClock.now
let synthetic = try await MetricsPublisher.publishSynthetic(
    datapoints: options.datapoints, to: sink, namespace: "TransferWatchBench", environment: "bench", now: Date())
let metricsCPU = processCPUSeconds() - metricsCPUStart
let metricsWall = seconds(wallClock.now - metricsWallStart)
let baselineMetrics = try baseline(["metrics", "--count", "\(options.datapoints)"])
let agentDatapointsPerCPU = Double(synthetic.datapoints) / metricsCPU
let baselineDatapointsPerCPU = number(baselineMetrics, "datapoints") / number(baselineMetrics, "cpu_seconds")

// A long poll the agent cancelled when it stopped is still open in moto for up to 20 s, and would take (and
// hide for the visibility timeout) the first events of the baseline: let it expire first.
let longPollExpiry = mainStopped + .seconds(21)
if wallClock.now < longPollExpiry { try await Task.sleep(until: longPollExpiry, clock: wallClock) }
progress("baseline copy: \(options.objects) uploads")
try await upload(options.objects, phase: "baseline")
// Every notification is in the queue before the baseline starts (it stops after five empty polls).
let queueDeadline = wallClock.now + .seconds(120)
while true {
    let attributes = try await sqs.getQueueAttributes(queueURL: motoQueueURL)
    if (attributes.approximateNumberOfMessages ?? 0) >= options.objects { break }
    guard wallClock.now < queueDeadline else { cleanUp(); fail("the baseline's upload events did not reach the queue") }
    try await Task.sleep(for: .milliseconds(200))
}

let baselineCopy = try baseline([
    "copy", "--count", "\(options.objects)", "--queue", motoQueueURL, "--destination", destination,
    "--table", stateTable, "--window", window,
])
let baselineObjects = number(baselineCopy, "objects")
guard baselineObjects == Double(options.objects) else {
    cleanUp()
    fail("the baseline moved \(Int(baselineObjects)) of \(options.objects) objects")
}
let baselineCPUPerObject = number(baselineCopy, "cpu_seconds") / baselineObjects
let baselineRequestsPerObject = number(baselineCopy, "requests") / baselineObjects
let baselineObjectsPerSecond = baselineObjects / number(baselineCopy, "wall_seconds")

cleanUp()

// MARK: - 7. SigV4, from SigV4Bench

let sigv4 = (try? Data(contentsOf: root.appendingPathComponent("bench/results/sigv4.json")))
    .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
let sigv4Ours = (sigv4?["transferwatch_per_second"] as? NSNumber)?.doubleValue
let sigv4Theirs = (sigv4?["botocore_per_second"] as? NSNumber)?.doubleValue

// MARK: - The table

let mib = 1_048_576.0
let figures = [
    Figure(
        name: "client CPU per moved object", unit: "ms", transferWatch: agentCPUPerObject * 1000,
        baseline: baselineCPUPerObject * 1000, target: .atMostFractionOfBaseline(0.1)),
    Figure(
        name: "AWS requests per moved object", unit: "requests", transferWatch: agentRequestsPerObject,
        baseline: baselineRequestsPerObject, target: .atMost(3.3)),
    Figure(
        name: "objects per second", unit: "objects/s", transferWatch: agentObjectsPerSecond,
        baseline: baselineObjectsPerSecond, target: .none),
    Figure(
        name: "PutMetricData datapoints per CPU second", unit: "datapoints/s", transferWatch: agentDatapointsPerCPU,
        baseline: baselineDatapointsPerCPU, target: .atLeastMultipleOfBaseline(10)),
    Figure(
        name: "SigV4 signatures per second", unit: "signatures/s", transferWatch: sigv4Ours, baseline: sigv4Theirs,
        target: .none, note: sigv4 == nil ? "bench/results/sigv4.json missing: run SigV4Bench" : nil),
    Figure(
        name: "agent CPU while idle", unit: "ms per second", transferWatch: idleCPU * 1000 / Double(options.idleSeconds),
        baseline: nil, target: .none),
    Figure(
        name: "agent RssAnon idle", unit: "MiB", transferWatch: Double(idleMemory.anonymous) / mib, baseline: nil,
        target: .atMost(15), note: "VmRSS \(mebibytes(idleMemory.resident)) MiB"),
    Figure(
        name: "agent RssAnon peak, \(options.burst) uploads moved at once", unit: "MiB",
        transferWatch: Double(burstMemory.anonymous) / mib, baseline: nil, target: .atMost(60),
        note: "VmRSS \(mebibytes(burstMemory.resident)) MiB"),
    Figure(
        name: "agent RssAnon growth per request over \(soakLast.requests) requests", unit: "bytes",
        transferWatch: growthPerRequest, baseline: nil, target: .atMost(100),
        note:
            "\(mebibytes(soakFirst.rssAnon)) -> \(mebibytes(soakLast.rssAnon)) MiB, peak \(mebibytes(soakPeak)); VmRSS \(mebibytes(soakFirst.vmRSS)) -> \(mebibytes(soakLast.vmRSS)) MiB"
    ),
]

print("")
print("Pipeline benchmark: transferwatch agent (release, a child process) vs the boto3 Lambda way, one moto")
print(
    "  \(options.objects) objects (after a burst of \(options.burst)), copy.concurrency \(options.concurrency), "
        + "\(options.datapoints) metric data points; ratio = TransferWatch / boto3")
print("")
printTable(figures)
print("")
print("The agent's AWS requests during the \(options.objects)-object run, by operation (per moved object):")
for (operation, count) in runCounts.operations.sorted(by: { $0.value > $1.value }) {
    print(
        "  \(operation.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(count).padding(toLength: 7, withPad: " ", startingAt: 0)) \(Figure.format(Double(count) / Double(options.objects)))"
    )
}
print("  total \(runCounts.total) in \(Figure.format(runWall)) s; the agent's whole run: \(agentTotals.total) requests, "
    + "\(Figure.format(agentTotalCPU)) CPU s, \(movedSoFar) objects")
let baselineOperations = (baselineCopy["operations"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
print("The boto3 baseline's, by operation (per moved object):")
for (operation, count) in baselineOperations.sorted(by: { $0.value > $1.value }) {
    print(
        "  \(operation.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(count).padding(toLength: 7, withPad: " ", startingAt: 0)) \(Figure.format(Double(count) / Double(options.objects)))"
    )
}
print(
    "Metrics: TransferWatch \(synthetic.datapoints) data points in \(synthetic.requests) requests, "
        + "\(Figure.format(metricsCPU)) CPU s, \(Figure.format(metricsWall)) s; boto3 \(Int(number(baselineMetrics, "requests"))) requests, "
        + "\(Figure.format(number(baselineMetrics, "cpu_seconds"))) CPU s")
let missed = figures.filter { $0.met == false }
print(missed.isEmpty ? "Every target met." : "Targets missed: \(missed.map(\.name).joined(separator: "; "))")

if let path = options.jsonPath {
    let json: [String: Any] = [
        "benchmark": "pipeline",
        "objects": options.objects,
        "burst": options.burst,
        "copyConcurrency": options.concurrency,
        "datapoints": options.datapoints,
        "figures": figures.map(\.json),
        "agent": [
            "runRequestsByOperation": runCounts.operations,
            "runRequests": runCounts.total,
            "runWallSeconds": runWall,
            "runCPUSeconds": cpuAfterRun - cpuBeforeRun,
            "runPeakRssAnon": runMemory?.anonymous ?? 0,
            "runPeakVmRSS": runMemory?.resident ?? 0,
            "idleRssAnon": idleMemory.anonymous,
            "idleCPUSeconds": idleCPU,
            "idleSeconds": options.idleSeconds,
            "idleVmRSS": idleMemory.resident,
            "burstPeakRssAnon": burstMemory.anonymous,
            "burstPeakVmRSS": burstMemory.resident,
            "totalRequests": agentTotals.total,
            "totalRequestsByOperation": agentTotals.operations,
            "totalCPUSeconds": agentTotalCPU,
            "objectsMoved": movedSoFar,
            "exitStatus": Int(agentStatus),
            "soak": soak.map { ["requests": $0.requests, "objects": $0.objects, "rssAnon": $0.rssAnon, "vmRSS": $0.vmRSS] },
        ] as [String: Any],
        "boto3": ["copy": baselineCopy, "metrics": baselineMetrics],
        "metrics": [
            "datapoints": synthetic.datapoints, "requests": synthetic.requests, "cpuSeconds": metricsCPU,
            "wallSeconds": metricsWall,
        ] as [String: Any],
    ]
    let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: path))
}
if agentStatus != 0 { exit(1) }
