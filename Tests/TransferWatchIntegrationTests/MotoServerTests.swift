import CTransferWatch
import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite(.requiresMoto)
struct MotoServerTests {
    // MARK: Lifecycle

    @Test func startsOnAFreeLoopbackPortAndAnswers() async throws {
        let moto = try await MotoServer.start(logger: makeLogger())
        defer { moto.stop() }

        #expect(moto.endpoint.host == "127.0.0.1")
        #expect((moto.endpoint.port ?? 0) > 0)
        #expect(try await moto.send("GET", "/moto-api/").status == 200)
        #expect(moto.startupDuration < MotoServer.startTimeout)
        print("moto startup took \(moto.startupDuration)")
    }

    /// moto 5.2.1 kept a copy of every table a `TransactWriteItems` touched (its rollback copy, registered
    /// for the /moto-api dashboard and never released): 1.6 MB per call over 2,000 items, 23 GB in a
    /// `make bench` run. The launcher releases them; 300 transactions over 2,000 items must not grow moto by
    /// more than a fraction of what the leak took (~480 MB).
    @Test func transactionsDoNotLeakCopiesOfTheirTables() async throws {
        let moto = try await MotoServer.start(logger: makeLogger())
        defer { moto.stop() }
        let dynamo = DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint))
        try await dynamo.createTable(name: "employees", partitionKey: DynamoDBKeyAttribute("username", .string))
        try await dynamo.createTable(
            name: "state", partitionKey: DynamoDBKeyAttribute("pk", .string),
            sortKey: DynamoDBKeyAttribute("sk", .string))
        try await dynamo.batchWriteItem(
            table: "employees",
            requests: (0..<2000).map {
                .put(["username": .s(String(format: "emp%05d", $0)), "sshPublicKey": .s("ssh-ed25519 AAAA")])
            })
        func residentMiB() throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(moto.processIdentifier)/status", encoding: .utf8)
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
        }
        let before = try residentMiB()
        for index in 0..<300 {
            try await dynamo.transactWriteItems([
                .conditionCheck(
                    table: "employees", key: ["username": .s(String(format: "emp%05d", index))],
                    condition: "attribute_exists(username)"),
                .put(
                    table: "state", item: ["pk": .s("delivery#\(index)"), "sk": .s("delivery")],
                    condition: "attribute_not_exists(pk)"),
            ])
        }
        let growth = try residentMiB() - before
        #expect(growth < 120, "moto grew by \(growth) MiB over 300 transactions")
    }

    /// The launcher's undo log (a transaction copies the items it touches instead of whole tables): a cancelled
    /// transaction leaves every item it updated, deleted or put as it was, on a table with a sort key, and a
    /// committed one applies in full.
    @Test func aCancelledTransactionPutsBackExactlyTheItemsItTouched() async throws {
        let moto = try await MotoServer.start(logger: makeLogger())
        defer { moto.stop() }
        let dynamo = DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint))
        try await dynamo.createTable(
            name: "state", partitionKey: DynamoDBKeyAttribute("pk", .string),
            sortKey: DynamoDBKeyAttribute("sk", .string))
        try await dynamo.putItem(table: "state", item: ["pk": "w", "sk": "a", "v": 1])
        try await dynamo.putItem(table: "state", item: ["pk": "w", "sk": "b", "v": 2])
        try await dynamo.putItem(table: "state", item: ["pk": "solo", "sk": "x", "v": 3])
        let before = try await dynamo.scanAll(table: "state", consistentRead: true)

        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await dynamo.transactWriteItems([
                    .update(table: "state", key: ["pk": "w", "sk": "a"], updateExpression: "ADD v :one", values: [":one": 1]),
                    .delete(table: "state", key: ["pk": "solo", "sk": "x"]),
                    .put(table: "state", item: ["pk": "new", "sk": "c", "v": 9]),
                    .put(table: "state", item: ["pk": "w", "sk": "d", "v": 9]),
                    .conditionCheck(table: "state", key: ["pk": "w", "sk": "b"], condition: "v = :nine", values: [":nine": 9]),
                ])
            })
        #expect(error.isTransactionCanceled)
        let after = try await dynamo.scanAll(table: "state", consistentRead: true)
        #expect(Self.sorted(after) == Self.sorted(before))

        try await dynamo.transactWriteItems([
            .update(table: "state", key: ["pk": "w", "sk": "a"], updateExpression: "ADD v :one", values: [":one": 1]),
            .delete(table: "state", key: ["pk": "solo", "sk": "x"]),
            .put(table: "state", item: ["pk": "new", "sk": "c", "v": 9]),
        ])
        let committed = try await dynamo.scanAll(table: "state", consistentRead: true)
        #expect(Self.sorted(committed).map { "\($0["pk"]?.stringValue ?? "")/\($0["sk"]?.stringValue ?? "")=\($0["v"]?.intValue ?? -1)" }
            == ["new/c=9", "w/a=2", "w/b=2"])
    }

    private static func sorted(_ items: [DynamoDBClient.Item]) -> [DynamoDBClient.Item] {
        items.sorted { ($0["pk"]?.stringValue ?? "", $0["sk"]?.stringValue ?? "") < ($1["pk"]?.stringValue ?? "", $1["sk"]?.stringValue ?? "") }
    }

    @Test func resetClearsEveryService() async throws {
        let moto = try await MotoServer.start(logger: makeLogger())
        defer { moto.stop() }

        // Unsigned requests go to S3 in moto: PUT /name is CreateBucket, GET / is ListBuckets.
        #expect(try await moto.send("PUT", "/tw-reset-check").status == 200)
        #expect(try await moto.send("GET", "/").text.contains("<Name>tw-reset-check</Name>"))

        try await moto.reset()

        let buckets = try await moto.send("GET", "/")
        #expect(buckets.status == 200)
        #expect(!buckets.text.contains("tw-reset-check"))
    }

    @Test func twoServersRunSideBySideWithSeparateState() async throws {
        async let first = MotoServer.start(logger: makeLogger())
        async let second = MotoServer.start(logger: makeLogger())
        let (a, b) = try await (first, second)
        defer {
            a.stop()
            b.stop()
        }

        #expect(a.endpoint.port != b.endpoint.port)
        #expect(try await a.send("PUT", "/only-in-a").status == 200)
        #expect(try await a.send("GET", "/").text.contains("only-in-a"))
        #expect(!(try await b.send("GET", "/").text.contains("only-in-a")))
    }

    @Test func stopEndsTheProcessAndFreesThePort() async throws {
        let moto = try await MotoServer.start(logger: makeLogger())
        let port = try #require(moto.endpoint.port)
        #expect(isAcceptingConnections(port: port))

        moto.stop()

        #expect(kill(moto.processIdentifier, 0) == -1 && errno == ESRCH, "the launcher process is gone")
        #expect(!isAcceptingConnections(port: port), "nothing listens on the port")
        moto.stop()  // a second stop does nothing
    }

    @Test func launcherExitsWhenItsStandardInputCloses() async throws {
        let launcher = try startLauncherDirectly()
        let port = try #require(await readReadyPort(launcher.output))
        #expect(isAcceptingConnections(port: port))

        try launcher.input.close()  // what the kernel does when `swift test` dies

        #expect(try await waitForExit(launcher.process, within: .seconds(10)))
        #expect(launcher.process.terminationReason == .exit && launcher.process.terminationStatus == 0)
        #expect(!isAcceptingConnections(port: port))
    }

    @Test func launcherExitsWhenItsParentDiesEvenWithStandardInputOpen() async throws {
        let python = try #require(pythonForTests())
        let script = try MotoServer.launcherScript().path
        // bash forks the launcher with our pipe as its stdin (`<&3`: a background job would get /dev/null),
        // so the only way for the launcher to notice bash's death is the os.getppid() poll.
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = [
            "-c", "exec 3<&0; '\(python.path)' '\(script)' --port 0 <&3 2>/dev/null & echo \"PID $!\"; wait",
        ]
        let input = Pipe()
        let output = Pipe()
        bash.standardInput = input
        bash.standardOutput = output
        try bash.run()
        defer { try? input.fileHandleForWriting.close() }
        let lines = await readLines(output.fileHandleForReading, until: { $0.hasPrefix("MOTO_READY") })
        let pidLine = try #require(lines.first { $0.hasPrefix("PID ") })
        let launcherPID = try #require(Int32(pidLine.dropFirst(4)))
        #expect(isAlive(launcherPID))

        kill(bash.processIdentifier, SIGKILL)
        bash.waitUntilExit()

        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while isAlive(launcherPID), clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!isAlive(launcherPID), "the launcher noticed its parent was gone (os.getppid poll)")
    }

    // MARK: gzip request bodies

    @Test func gzipQueryBodyReachesMotoIntact() async throws {
        let moto = try await MotoServer.start(logger: makeLogger())
        defer { moto.stop() }

        let form = putMetricDataForm(namespace: "TransferWatch/GzipQuery", value: 42)
        let response = try await moto.send(
            "POST", "/",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("Content-Encoding", "gzip"),
                ("Authorization", MotoServer.placeholderAuthorization(service: "monitoring")),
            ],
            body: try gzip(Data(form.utf8))
        )
        #expect(response.status == 200, "\(response.text)")

        let statistics = try await getMetricSum(moto, namespace: "TransferWatch/GzipQuery")
        #expect(statistics.contains("<Sum>42.0</Sum>"), "\(statistics)")
    }

    @Test func gzipJSONBodyReachesMotoIntact() async throws {
        let moto = try await MotoServer.start(logger: makeLogger())
        defer { moto.stop() }

        let response = try await moto.send(
            "POST", "/",
            headers: jsonPutMetricDataHeaders + [
                ("Authorization", MotoServer.placeholderAuthorization(service: "monitoring"))
            ],
            body: try gzip(putMetricDataJSON(namespace: "TransferWatch/GzipJSON", value: 7))
        )
        #expect(response.status == 200, "\(response.text)")

        let statistics = try await getMetricSum(moto, namespace: "TransferWatch/GzipJSON")
        #expect(statistics.contains("<Sum>7.0</Sum>"), "\(statistics)")
    }

    /// Without the launcher's fix, moto 5.2.1 gunzips a JSON body twice and answers 500 (BadGzipFile).
    @Test func gzipJSONBodyFailsOnUnpatchedMoto() async throws {
        let moto = try await MotoServer.start(fixesGzipBodies: false, logger: makeLogger())
        defer { moto.stop() }

        let response = try await moto.send(
            "POST", "/",
            headers: jsonPutMetricDataHeaders + [
                ("Authorization", MotoServer.placeholderAuthorization(service: "monitoring"))
            ],
            body: try gzip(putMetricDataJSON(namespace: "TransferWatch/Unpatched", value: 1))
        )
        #expect(response.status == 500)
    }

    /// With signatures verified, a gzip body must be hashed as sent (compressed). Unpatched moto hashes the
    /// re-encoded inflated form (Query: 403) or fails to gunzip twice (JSON: 500); the fix makes both pass.
    @Test(arguments: [true, false])
    func signedGzipBodiesAreVerifiedOverTheCompressedBytes(fixesGzipBodies: Bool) async throws {
        let moto = try await MotoServer.start(
            verifySignatures: true, fixesGzipBodies: fixesGzipBodies, logger: makeLogger())
        defer { moto.stop() }
        let credentials = try await moto.makeCredentials()
        let oracle = try BotocoreSigner()

        let query = try await sendSigned(
            moto, oracle, credentials,
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Content-Encoding", "gzip"),
            ],
            body: try gzip(Data(putMetricDataForm(namespace: "TransferWatch/Signed", value: 5).utf8))
        )
        let json = try await sendSigned(
            moto, oracle, credentials,
            headers: jsonPutMetricDataHeaders,
            body: try gzip(putMetricDataJSON(namespace: "TransferWatch/SignedJSON", value: 6))
        )
        let forged = try await sendSigned(
            moto, oracle, MotoCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: "not-the-secret"),
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Content-Encoding", "gzip"),
            ],
            body: try gzip(Data(putMetricDataForm(namespace: "TransferWatch/Forged", value: 1).utf8))
        )

        #expect(forged.status == 403 && forged.text.contains("SignatureDoesNotMatch"), "\(forged.text)")
        if fixesGzipBodies {
            #expect(query.status == 200, "\(query.text)")
            #expect(json.status == 200, "\(json.text)")
        } else {
            #expect(query.status == 403 && query.text.contains("SignatureDoesNotMatch"), "\(query.text)")
            #expect(json.status == 500)
        }
    }
}

// MARK: - Helpers

private func makeLogger() -> Logger {
    Logger(label: "MotoServerTests", factory: { _ in SwiftLogNoOpLogHandler() })
}

private func pythonForTests() -> URL? {
    if case .available(let python, _) = MotoServer.availability { return python }
    return nil
}

private let jsonPutMetricDataHeaders: [(name: String, value: String)] = [
    ("Content-Type", "application/x-amz-json-1.0"),
    ("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData"),
    ("Content-Encoding", "gzip"),
]

private func putMetricDataForm(namespace: String, value: Int) -> String {
    MotoServer.formEncoded([
        ("Action", "PutMetricData"), ("Version", "2010-08-01"), ("Namespace", namespace),
        ("MetricData.member.1.MetricName", "InvoicesUploaded"), ("MetricData.member.1.Value", "\(value)"),
        ("MetricData.member.1.Unit", "Count"),
    ])
}

private func putMetricDataJSON(namespace: String, value: Int) -> Data {
    Data(
        #"{"Namespace":"\#(namespace)","MetricData":[{"MetricName":"InvoicesUploaded","Value":\#(value),"Unit":"Count"}]}"#
            .utf8)
}

/// GetMetricStatistics (Sum, one hour either side of now) for `InvoicesUploaded` in `namespace`, as XML.
private func getMetricSum(_ moto: MotoServer, namespace: String) async throws -> String {
    let now = Date()
    let format = Date.ISO8601FormatStyle()
    let response = try await moto.sendQuery(
        service: "monitoring",
        parameters: [
            ("Action", "GetMetricStatistics"), ("Version", "2010-08-01"), ("Namespace", namespace),
            ("MetricName", "InvoicesUploaded"), ("StartTime", format.format(now.addingTimeInterval(-3600))),
            ("EndTime", format.format(now.addingTimeInterval(3600))), ("Period", "7200"),
            ("Statistics.member.1", "Sum"),
        ]
    )
    try #require(response.status == 200, "\(response.text)")
    return response.text
}

/// Signs a CloudWatch POST with botocore (header mode, over the body as given) and sends it to moto.
private func sendSigned(
    _ moto: MotoServer, _ oracle: BotocoreSigner, _ credentials: MotoCredentials,
    headers: [(name: String, value: String)], body: Data
) async throws -> MotoResponse {
    let signed = try oracle.sign([
        BotocoreSigningRequest(
            method: "POST", url: moto.endpoint.absoluteString + "/", headers: headers, body: body,
            service: "monitoring", accessKeyID: credentials.accessKeyID,
            secretAccessKey: credentials.secretAccessKey, timestamp: Date(), mode: .header)
    ])
    return try await moto.send("POST", "/", headers: signed[0].signedHeaders, body: body)
}

/// gzip through zlib (CTransferWatch), as the product compresses PutMetricData.
private func gzip(_ data: Data) throws -> Data {
    var output: UnsafeMutablePointer<UInt8>?
    var length = 0
    let status = data.withUnsafeBytes { bytes in
        tw_gzip_compress(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count, 6, &output, &length)
    }
    try #require(status == 0 && output != nil, "tw_gzip_compress failed: \(status)")
    defer { tw_free(output) }
    return Data(bytes: output!, count: length)
}

private struct DirectLauncher {
    var process: Process
    var input: FileHandle
    var output: FileHandle
}

/// The launcher without ``MotoServer``, to test its own contract.
private func startLauncherDirectly() throws -> DirectLauncher {
    let python = try #require(pythonForTests())
    let process = Process()
    process.executableURL = python
    process.arguments = [try MotoServer.launcherScript().path, "--host", "127.0.0.1", "--port", "0"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    return DirectLauncher(process: process, input: input.fileHandleForWriting, output: output.fileHandleForReading)
}

private func readReadyPort(_ handle: FileHandle) async -> Int? {
    let lines = await readLines(handle, until: { $0.hasPrefix("MOTO_READY port=") })
    return lines.last.flatMap { Int($0.dropFirst("MOTO_READY port=".count)) }
}

/// Reads lines on a thread of its own until one matches `isLast` or EOF.
private func readLines(_ handle: FileHandle, until isLast: @escaping @Sendable (String) -> Bool) async -> [String] {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            var buffer = Data()
            var lines: [String] = []
            // Not read(upToCount:): corelibs Foundation waits for the full count or EOF.
            while case let chunk = handle.availableData, !chunk.isEmpty {
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    lines.append(line)
                    if isLast(line) {
                        continuation.resume(returning: lines)
                        return
                    }
                }
            }
            continuation.resume(returning: lines)
        }
    }
}

private func waitForExit(_ process: Process, within limit: Duration) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while process.isRunning, clock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))
    }
    return !process.isRunning
}

/// Alive and not a zombie: a re-parented child may wait a while for its new parent to reap it.
private func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    guard let afterName = stat.range(of: ") ") else { return false }
    return !stat[afterName.upperBound...].hasPrefix("Z")
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
private func isAcceptingConnections(port: Int) -> Bool {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketFD >= 0 else { return false }
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return result == 0
}
