// SigV4 signatures per second, ours against botocore's, on the same machine in one run.
//
// Usage: swift run -c release SigV4Bench [--seconds 2] [--python .venv/bin/python3] [--json bench/results/sigv4.json]
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TransferWatchAWS

struct Options {
    var seconds = 2.0
    var python: String? = ProcessInfo.processInfo.environment["TRANSFERWATCH_PYTHON"]
    var jsonPath: String? = "bench/results/sigv4.json"

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--seconds": seconds = iterator.next().flatMap(Double.init) ?? seconds
            case "--python": python = iterator.next()
            case "--json": jsonPath = iterator.next()
            default: FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8)); exit(2)
            }
        }
    }
}

/// Signs `request` repeatedly for about `seconds` and returns signatures per second.
func measure(_ name: String, seconds: Double, signer: SigV4Signer, request: HTTPRequest, options: SigV4Signer.Options) -> Double {
    let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let date = Date(timeIntervalSince1970: 1_440_938_160)
    // CPU time of this thread, not wall time: the figure holds on a busy machine, and matches the baseline's.
    func cpuSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
    var count = 0
    let start = cpuSeconds()
    var sink = 0
    while cpuSeconds() - start < seconds {
        for _ in 0..<1000 {
            var copy = request
            sink &+= signer.sign(&copy, credentials: credentials, at: date, options: options).signature.utf8.count
        }
        count += 1000
    }
    precondition(sink > 0)
    return Double(count) / (cpuSeconds() - start)
}

func botocoreRate(python: String, seconds: Double) -> Double? {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sigv4_botocore.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, script.path, "--seconds", String(seconds)]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    return object?["signatures_per_second"] as? Double
}

let options = Options(arguments: CommandLine.arguments)
let body = Data(#"{"TableName":"TransferWatchState","Key":{"pk":{"S":"window#2026-11"},"sk":{"S":"employee#alice"}},"UpdateExpression":"ADD delivered :one"}"#.utf8)
let dynamo = HTTPRequest(method: "POST", host: "dynamodb.us-east-1.amazonaws.com", path: "/",
                         headers: ["Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.UpdateItem"], body: body)
let s3 = HTTPRequest(method: "PUT", host: "invoices-archive.s3.us-east-1.amazonaws.com", path: "/alice/2026/11/invoice%20001.pdf",
                     headers: ["x-amz-copy-source": "invoices-incoming/alice/invoice%20001.pdf"])

let ours = measure("dynamodb", seconds: options.seconds, signer: SigV4Signer(region: "us-east-1", service: "dynamodb"), request: dynamo, options: .standard)
let oursS3 = measure("s3", seconds: options.seconds, signer: SigV4Signer(region: "us-east-1", service: "s3"), request: s3, options: .s3)
let baseline = options.python.flatMap { botocoreRate(python: $0, seconds: options.seconds) }

func format(_ value: Double) -> String { String(format: "%.0f", value) }
print("SigV4 signatures per CPU second (one thread, release build)")
print("  transferwatch, DynamoDB UpdateItem (JSON body): \(format(ours))/s")
print("  transferwatch, S3 CopyObject (headers):          \(format(oursS3))/s")
if let baseline {
    print("  botocore 1.43 SigV4Auth, same DynamoDB request:  \(format(baseline))/s")
    print(String(format: "  ratio: %.1fx botocore (target: at least 30x, and at least 100,000/s)", ours / baseline))
} else {
    print("  botocore baseline: not run (set TRANSFERWATCH_PYTHON to a python with botocore, or use `make bench`)")
}
if let path = options.jsonPath {
    var result: [String: Any] = ["benchmark": "sigv4", "transferwatch_per_second": ours, "transferwatch_s3_per_second": oursS3]
    if let baseline { result["botocore_per_second"] = baseline; result["ratio"] = ours / baseline }
    if let data = try? JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys]) {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: data)
    }
}
