import Foundation
import TransferWatchLocking

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A fault-injecting HTTP proxy in front of a ``MotoServer`` (`Resources/fault_proxy.py`), for the
/// reliability tests: point the AWS client at ``endpoint`` and a share of its requests meet 500/503,
/// throttling, resets (before or after the emulator did the work), truncated answers or latency.
///
/// ```swift
/// let proxy = try await FaultProxy.start(upstream: moto.endpoint, rate: 0.1, seed: 7)
/// defer { proxy.stop() }
/// // … run the workload against proxy.endpoint …
/// try await proxy.configure(down: true)     // CloudWatch "unreachable"
/// let stats = try await proxy.statistics()  // what was injected
/// ```
package final class FaultProxy: Sendable {
    /// The kinds of fault (the proxy's `--faults` names).
    package enum Fault: String, Sendable, CaseIterable {
        case internalError = "500"
        case unavailable = "503"
        case throttle
        case reset
        case resetAfterForwarding = "reset-after"
        case truncate
        case latency
    }

    /// `http://127.0.0.1:<port>`.
    package let endpoint: URL
    private let process: Process
    private let standardInput: Pipe
    private let isStopped = Locked(false)

    private init(endpoint: URL, process: Process, standardInput: Pipe) {
        self.endpoint = endpoint
        self.process = process
        self.standardInput = standardInput
    }

    /// Starts a proxy to `upstream` that faults `rate` of the requests with `faults`, replayably from `seed`.
    package static func start(
        upstream: URL, rate: Double, faults: [Fault] = Fault.allCases, latency: Duration = .milliseconds(300),
        seed: UInt64 = 1
    ) async throws -> FaultProxy {
        guard let python = RepositoryPaths.testPython() else { throw MotoServerError.unavailable(reason: "no Python for the fault proxy (set TRANSFERWATCH_PYTHON)") }
        guard let script = Bundle.module.url(forResource: "fault_proxy", withExtension: "py", subdirectory: "Resources") else {
            throw MotoServerError.missingResource("Resources/fault_proxy.py")
        }
        guard let host = upstream.host, let port = upstream.port else { throw MotoServerError.missingResource("upstream host:port in \(upstream)") }
        let milliseconds = latency.components.seconds * 1000 + latency.components.attoseconds / 1_000_000_000_000_000
        let process = Process()
        process.executableURL = python
        process.arguments = [
            script.path, "--upstream", "\(host):\(port)", "--rate", "\(rate)",
            "--faults", faults.map(\.rawValue).joined(separator: ","), "--latency-ms", "\(milliseconds)", "--seed", "\(seed)",
        ]
        let standardInput = Pipe()
        let standardOutput = Pipe()
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        try process.run()
        let line: String? = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var buffer = Data()
                while !buffer.contains(UInt8(ascii: "\n")) {
                    let chunk = standardOutput.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                }
                continuation.resume(returning: String(data: buffer, encoding: .utf8))
            }
        }
        guard let line, line.hasPrefix("listening "),
            let bound = Int(line.dropFirst("listening ".count).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw MotoServerError.unavailable(reason: "the fault proxy did not start (printed \(line ?? "nothing"))")
        }
        return FaultProxy(endpoint: URL(string: "http://127.0.0.1:\(bound)")!, process: process, standardInput: standardInput)
    }

    /// Counts of requests seen, forwarded, and faulted by kind (`outage` while ``configure(rate:down:)`` said so).
    package func statistics() async throws -> [String: Double] {
        try await control(method: "GET", path: "stats", body: nil)
    }

    /// Changes the fault rate, or makes every request fail as if the upstream were unreachable (`down`).
    ///
    /// - Parameter unambiguous: substrings of the path or `X-Amz-Target` of calls whose answer is never lost after
    ///   the emulator did the work (a `reset-after` or `truncate` chosen for them becomes a `reset` before
    ///   forwarding, counted as `spared`): for calls no client can retry exactly once, such as `PutMetricData`,
    ///   which has no idempotency token, so a resent batch after a lost answer is counted twice by CloudWatch.
    @discardableResult
    package func configure(rate: Double? = nil, down: Bool? = nil, unambiguous: [String]? = nil) async throws -> [String: Double] {
        var update: [String: Any] = [:]
        if let rate { update["rate"] = rate }
        if let down { update["down"] = down }
        if let unambiguous { update["unambiguous"] = unambiguous }
        return try await control(method: "POST", path: "config", body: try JSONSerialization.data(withJSONObject: update))
    }

    /// Makes exactly the first `count` requests whose (decoded) path or `X-Amz-Target` contains `match` (and whose method is
    /// `method`, when given) meet `fault`, whatever the rate (replaces earlier targets; counted under the fault's
    /// name and `targeted`).
    @discardableResult
    package func target(_ match: String, count: Int, fault: Fault = .internalError, method: String? = nil) async throws -> [String: Double] {
        var target: [String: Any] = ["match": match, "count": count, "fault": fault.rawValue]
        if let method { target["method"] = method }
        let update: [String: Any] = ["targeted": [target]]
        let body = try JSONSerialization.data(withJSONObject: update)
        return try await control(method: "POST", path: "config", body: body)
    }

    private func control(method: String, path: String, body: Data?) async throws -> [String: Double] {
        var request = URLRequest(url: endpoint.appendingPathComponent("__faults__/\(path)"))
        request.httpMethod = method
        request.httpBody = body
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    /// Stops the proxy (closing its stdin ends it; terminate is the fallback).
    package func stop() {
        let first = isStopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        try? standardInput.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }
}
