// Provisioning and teardown of one delivery window with N employees (2,000 by default) against moto: wall time,
// requests, and the CPU time of this process, while moto does the rest in its own process.
//
// Usage: swift run -c release ProvisionBench [--employees 2000] [--concurrency 16] [--rate 500]
//                                            [--json bench/results/provision.json]
// Python (moto) is TRANSFERWATCH_PYTHON, else <repository>/.venv/bin/python3.
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

#if canImport(Glibc)
    import Glibc
#endif

/// The command line.
struct Options {
    var employees = 2_000
    var concurrency = 16
    var requestsPerSecond = 500.0
    var jsonPath: String? = "bench/results/provision.json"

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--employees": employees = iterator.next().flatMap(Int.init) ?? employees
            case "--concurrency": concurrency = iterator.next().flatMap(Int.init) ?? concurrency
            case "--rate": requestsPerSecond = iterator.next().flatMap(Double.init) ?? requestsPerSecond
            case "--json": jsonPath = iterator.next()
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// CPU seconds (user + system) of this process (moto's are its own).
func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Wall and CPU seconds of `body`.
func measure<T>(_ body: () async throws -> T) async rethrows -> (value: T, wall: Double, cpu: Double) {
    let cpuStart = cpuSeconds()
    let start = ContinuousClock.now
    let value = try await body()
    let wall = ContinuousClock.now - start
    let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
    return (value, seconds, cpuSeconds() - cpuStart)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ProvisionBench: \(message)\n".utf8))
    exit(1)
}

func format(_ value: Double) -> String { String(format: "%.2f", value) }

let options = Options(arguments: CommandLine.arguments)
let window = "2026-11"
let stateTable = "TransferWatchState"
let employeesTable = "SFTPUsers"
// One valid OpenSSH Ed25519 public key line (the one ProvisionCommandTests uses); every employee shares it.
let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bench@example.com"
let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

let moto: MotoServer
do {
    moto = try await MotoServer.start(logger: quiet)
} catch {
    fail("moto did not start: \(error) (run `make venv` or set TRANSFERWATCH_PYTHON)")
}
let context = TestContexts.make(endpoint: moto.endpoint)
let dynamo = DynamoDBClient(context: context)
let transfer = TransferClient(context: context)
let registry = ServerRegistry(dynamo: dynamo, table: stateTable)
let ledger = DeliveryLedger(dynamo: dynamo, stateTable: stateTable, employeesTable: employeesTable, logger: quiet)

// The tables and the employees (not measured).
let seeding = try await measure {
    try await StateTable.create(named: stateTable, using: dynamo)
    try await StateTable.createEmployees(named: employeesTable, using: dynamo)
    let rows = (1...options.employees).map { index -> DynamoDBWriteRequest in
        .put(["username": .s(String(format: "employee%05d", index)), "sshPublicKey": .s(key)])
    }
    _ = try await dynamo.batchWriteItem(table: employeesTable, requests: rows)
}

let settings = ProvisioningWorkflow.Settings(
    sourceBucket: "invoices-incoming", userRole: "arn:aws:iam::123456789012:role/sftp-invoice-user",
    sessionPolicy:
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::invoices-incoming/${transfer:UserName}/*"}]}"#,
    userConcurrency: options.concurrency, requestsPerSecond: options.requestsPerSecond,
    onlinePollInterval: .seconds(1))
let provisioning = ProvisioningWorkflow(
    transfer: transfer, registry: registry, ledger: ledger,
    employees: EmployeeDirectory(dynamo: dynamo, table: employeesTable, logger: quiet),
    settings: settings, now: { Date() }, logger: quiet)
let provision = try await measure { try await provisioning.run(window: window) }
let teardownWorkflow = TeardownWorkflow(
    transfer: transfer, registry: registry, ledger: ledger,
    settings: .init(userConcurrency: options.concurrency, requestsPerSecond: options.requestsPerSecond),
    now: { Date() }, logger: quiet)
let teardown = try await measure { try await teardownWorkflow.run(window: window, reason: .manual) }
moto.stop()

print("Provisioning one window against moto (release build; moto in its own process)")
print("  employees:            \(options.employees) (seeded in \(format(seeding.wall)) s)")
print(
    "  concurrency, rate:    \(settings.userConcurrency) users at once, \(Int(settings.requestsPerSecond)) Transfer req/s"
)
print("  users created:        \(provision.value.usersCreated.count)")
print("  requests:             \(provision.value.requestCount)")
print(
    "  wall seconds:         \(format(provision.wall)) (users \(format(Double(provision.value.usersMilliseconds) / 1000)), rate-limit wait \(format(Double(provision.value.rateLimitWaitMilliseconds) / 1000)))"
)
print("  CPU seconds (ours):   \(format(provision.cpu))")
print("Teardown")
print(
    "  users deleted:        \(teardown.value.usersDeleted.count), server deleted: \(teardown.value.serverDeleted == true)"
)
print("  requests:             \(teardown.value.requestCount)")
print("  wall seconds:         \(format(teardown.wall))")
print("  CPU seconds (ours):   \(format(teardown.cpu))")

if let path = options.jsonPath {
    func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }
    let json: [String: Any] = [
        "employees": options.employees,
        "userConcurrency": settings.userConcurrency,
        "requestsPerSecond": settings.requestsPerSecond,
        "seedingWallMilliseconds": milliseconds(seeding.wall),
        "provision": [
            "result": provision.value.result.rawValue,
            "usersCreated": provision.value.usersCreated.count,
            "requests": provision.value.requestCount,
            "wallMilliseconds": milliseconds(provision.wall),
            "cpuMilliseconds": milliseconds(provision.cpu),
            "usersMilliseconds": provision.value.usersMilliseconds,
            "rateLimitWaitMilliseconds": provision.value.rateLimitWaitMilliseconds,
        ],
        "teardown": [
            "result": teardown.value.result.rawValue,
            "usersDeleted": teardown.value.usersDeleted.count,
            "requests": teardown.value.requestCount,
            "wallMilliseconds": milliseconds(teardown.wall),
            "cpuMilliseconds": milliseconds(teardown.cpu),
        ],
    ]
    let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: path))
}

if provision.value.isFailure || provision.value.usersCreated.count != options.employees {
    fail("provisioning did not create every user: \(provision.value.summary)")
}
if teardown.value.isFailure || teardown.value.usersDeleted.count != options.employees {
    fail("teardown did not delete every user: \(teardown.value.summary)")
}
