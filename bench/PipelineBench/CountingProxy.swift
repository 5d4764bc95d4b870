import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `bench/counting_proxy.py` in front of moto: the agent's endpoint, counting its requests by AWS operation.
final class CountingProxy: @unchecked Sendable {
    /// What the proxy has counted.
    struct Counts: Sendable, Codable, Equatable {
        /// Every request.
        var total: Int
        /// Requests by operation (`s3.CopyObject`, `dynamodb.TransactWriteItems`, `sqs.ReceiveMessage`, …).
        var operations: [String: Int]

        /// What was counted since `earlier`.
        func since(_ earlier: Counts) -> Counts {
            var operations: [String: Int] = [:]
            for (name, count) in self.operations {
                let delta = count - (earlier.operations[name] ?? 0)
                if delta != 0 { operations[name] = delta }
            }
            return Counts(total: total - earlier.total, operations: operations)
        }
    }

    /// `http://127.0.0.1:<port>`.
    let endpoint: URL
    private let process: Process
    private let standardInput: Pipe

    /// Starts the proxy with `python` in front of `upstream`.
    init(python: URL, script: URL, upstream: URL) throws {
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path, "--upstream", "\(upstream.host ?? "127.0.0.1"):\(upstream.port ?? 80)"]
        let standardInput = Pipe()
        let standardOutput = Pipe()
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        try process.run()
        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = standardOutput.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        let line = String(decoding: buffer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("listening "), let port = Int(line.dropFirst("listening ".count)) else {
            process.terminate()
            throw BenchError("the counting proxy did not start (printed '\(line)')")
        }
        self.endpoint = URL(string: "http://127.0.0.1:\(port)")!
        self.process = process
        self.standardInput = standardInput
    }

    /// The counts so far.
    func counts() async throws -> Counts {
        let (data, _) = try await URLSession.shared.data(from: endpoint.appendingPathComponent("__count__/stats"))
        return try JSONDecoder().decode(Counts.self, from: data)
    }

    /// Stops the proxy (closing its stdin ends it).
    func stop() {
        try? standardInput.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// A benchmark that cannot go on.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
