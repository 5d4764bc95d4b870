import Foundation
import TransferWatchLocking

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One request for ``BotocoreSigner``: exactly what goes on the wire, plus the signing inputs.
package struct BotocoreSigningRequest: Sendable {
    /// Which of botocore 1.43's signers signs the request.
    package enum Mode: String, Sendable {
        /// `SigV4Auth`: payload hash signed; the path is normalised and encoded again (every service but S3).
        case header
        /// `S3SigV4Auth`: the path is used as sent; adds `x-amz-content-sha256` with the body's SHA-256.
        case s3
        /// `S3SigV4Auth` with `payload_signing_enabled` off: `x-amz-content-sha256: UNSIGNED-PAYLOAD`.
        case s3UnsignedPayload = "s3-unsigned"
        /// `S3SigV4QueryAuth`: a presigned URL valid for ``BotocoreSigningRequest/expires`` seconds.
        case presignS3 = "presign-s3"
    }

    /// The HTTP method.
    package var method: String
    /// The URL exactly as sent: `scheme://host[:port]/already-encoded-path?already-encoded-query`.
    package var url: String
    /// The headers before signing, in order; repeated names are allowed.
    package var headers: [(name: String, value: String)]
    /// The body as sent (after any gzip).
    package var body: Data
    /// The signing name, e.g. `s3`, `dynamodb`, `monitoring`.
    package var service: String
    /// The signing region.
    package var region: String
    /// The access key id.
    package var accessKeyID: String
    /// The secret access key.
    package var secretAccessKey: String
    /// The session token, signed as `X-Amz-Security-Token` when present.
    package var sessionToken: String?
    /// The signing time; botocore's clock is frozen to it (whole seconds, UTC).
    package var timestamp: Date
    /// Which signer to use.
    package var mode: Mode
    /// Presigned URL lifetime in seconds (``Mode/presignS3`` only).
    package var expires: Int

    /// Creates a request; the defaults describe a header-signed GET in `us-east-1`.
    package init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: Data = Data(),
        service: String, region: String = "us-east-1", accessKeyID: String, secretAccessKey: String,
        sessionToken: String? = nil, timestamp: Date, mode: Mode = .header, expires: Int = 3600
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.service = service
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.timestamp = timestamp
        self.mode = mode
        self.expires = expires
    }
}

/// What botocore produced for one ``BotocoreSigningRequest``.
package struct BotocoreSignature: Sendable {
    /// The `Authorization` header; `nil` for presigned URLs.
    package var authorization: String?
    /// The canonical request botocore hashed.
    package var canonicalRequest: String
    /// The string to sign.
    package var stringToSign: String
    /// The hex signature (from `Authorization`, or `X-Amz-Signature` of a presigned URL).
    package var signature: String
    /// Every header of the request after signing, in order: the input headers plus `X-Amz-Date`,
    /// `X-Amz-Content-SHA256`, `X-Amz-Security-Token` and `Authorization` as botocore added them.
    package var signedHeaders: [(name: String, value: String)]
    /// The URL after signing: unchanged for header signing, with the signing query for presigned URLs.
    package var url: String
}

/// Why ``BotocoreSigner`` failed.
package enum BotocoreSignerError: Error, Equatable, CustomStringConvertible {
    /// `botocore_signer.py` is missing from the resource bundle.
    case missingScript
    /// The script exited or closed its output; its stderr went to this process's stderr.
    case scriptExited(status: Int32)
    /// botocore refused a request (request index in the batch, Python's error text).
    case signingFailed(index: Int, message: String)
    /// A reply line could not be decoded.
    case malformedReply(String)

    package var description: String {
        switch self {
        case .missingScript:
            return "botocore_signer.py is missing from the TransferWatchTestSupport bundle"
        case .scriptExited(let status):
            return "botocore_signer.py exited (status \(status)); its stderr is above"
        case .signingFailed(let index, let message):
            return "botocore could not sign request \(index): \(message)"
        case .malformedReply(let line):
            return "botocore_signer.py sent an unreadable reply: \(line.prefix(200))"
        }
    }
}

/// A SigV4 oracle for differential tests: botocore 1.43's own signers, in a long-lived Python process.
///
/// ```swift
/// let oracle = try BotocoreSigner()
/// let expected = try oracle.sign([
///     BotocoreSigningRequest(url: "https://b.s3.us-east-1.amazonaws.com/k", service: "s3",
///                            accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, timestamp: now, mode: .s3)
/// ])
/// #expect(ourSignature == expected[0].signature)
/// ```
///
/// `sign` sends the whole batch as JSON lines while it reads the replies, so thousands of requests take
/// one round trip (about 0.3 ms each). Calls are serialised; the process ends when the signer is released.
package final class BotocoreSigner: Sendable {
    private struct Channel: ~Copyable {
        var reader: LineReader
    }

    private let process: Process
    private let input: FileHandle
    private let channel: Locked<Channel>

    /// Starts `botocore_signer.py` with `python`.
    ///
    /// - Parameter python: An interpreter with botocore 1.43 (`.venv/bin/python3` after `make venv`).
    /// - Throws: ``BotocoreSignerError/missingScript``, or the error from launching the process.
    package init(python: URL) throws {
        guard
            let script = Bundle.module.url(
                forResource: "botocore_signer", withExtension: "py", subdirectory: "Resources")
        else { throw BotocoreSignerError.missingScript }
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        // stderr is inherited: a Python traceback shows up in the test output.
        try process.run()
        self.process = process
        self.input = input.fileHandleForWriting
        self.channel = Locked(Channel(reader: LineReader(handle: output.fileHandleForReading)))
    }

    /// Starts the signer with the emulator tier's Python (``RepositoryPaths/testPython(environment:)``).
    ///
    /// - Throws: ``MotoServerError/pythonNotFound`` when there is no such interpreter.
    package convenience init() throws {
        guard let python = RepositoryPaths.testPython() else { throw MotoServerError.pythonNotFound }
        try self.init(python: python)
    }

    deinit {
        try? input.close()  // the script exits at EOF
        process.waitUntilExit()
    }

    /// Signs every request with botocore, in one round trip.
    ///
    /// - Parameter requests: The requests; may be empty.
    /// - Returns: One signature per request, in the same order.
    /// - Throws: ``BotocoreSignerError``: `signingFailed` names the first request botocore refused (the
    ///   whole batch is still read, so the signer stays usable); `scriptExited` when the process is gone.
    package func sign(_ requests: [BotocoreSigningRequest]) throws -> [BotocoreSignature] {
        guard !requests.isEmpty else { return [] }
        let encoder = JSONEncoder()
        var payload = Data()
        for (index, request) in requests.enumerated() {
            payload.append(try encoder.encode(WireRequest(id: index, request)))
            payload.append(UInt8(ascii: "\n"))
        }
        let input = self.input
        let process = self.process
        return try channel.withLock { channel in
            // Write on another thread while this one reads: a big batch would otherwise fill both pipes.
            let writer = BackgroundWriter(handle: input, data: payload)
            let decoder = JSONDecoder()
            var signatures: [BotocoreSignature] = []
            signatures.reserveCapacity(requests.count)
            var firstFailure: BotocoreSignerError?
            while signatures.count < requests.count {
                guard let line = try channel.reader.nextLine() else {
                    _ = writer.wait()
                    process.waitUntilExit()
                    throw BotocoreSignerError.scriptExited(status: process.terminationStatus)
                }
                guard let reply = try? decoder.decode(WireReply.self, from: line) else {
                    throw BotocoreSignerError.malformedReply(String(decoding: line, as: UTF8.self))
                }
                if let error = reply.error, firstFailure == nil {
                    firstFailure = .signingFailed(index: reply.id ?? signatures.count, message: error)
                }
                signatures.append(reply.makeSignature())
            }
            if let error = writer.wait() { throw error }
            if let firstFailure { throw firstFailure }
            return signatures
        }
    }
}

// MARK: - Wire format (see Resources/botocore_signer.py)

private struct WireRequest: Encodable {
    var id: Int
    var method: String
    var url: String
    var headers: [[String]]
    var bodyBase64: String
    var service: String
    var region: String
    var accessKey: String
    var secretKey: String
    var sessionToken: String?
    var timestamp: String
    var mode: String
    var expires: Int

    enum CodingKeys: String, CodingKey {
        case id, method, url, headers, service, region, timestamp, mode, expires
        case bodyBase64 = "body_b64"
        case accessKey = "access_key"
        case secretKey = "secret_key"
        case sessionToken = "session_token"
    }

    init(id: Int, _ request: BotocoreSigningRequest) {
        self.id = id
        method = request.method
        url = request.url
        headers = request.headers.map { [$0.name, $0.value] }
        bodyBase64 = request.body.base64EncodedString()
        service = request.service
        region = request.region
        accessKey = request.accessKeyID
        secretKey = request.secretAccessKey
        sessionToken = request.sessionToken
        timestamp = Self.amzDate(request.timestamp)
        mode = request.mode.rawValue
        expires = request.expires
    }

    /// `20150830T123600Z`.
    static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        let date = "\(parts.year ?? 0)\(two(parts.month))\(two(parts.day))"
        return "\(date)T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }
}

private struct WireReply: Decodable {
    var id: Int?
    var error: String?
    var authorization: String?
    var canonicalRequest: String?
    var stringToSign: String?
    var signature: String?
    var signedHeaders: [[String]]?
    var url: String?

    enum CodingKeys: String, CodingKey {
        case id, error, authorization, signature, url
        case canonicalRequest = "canonical_request"
        case stringToSign = "string_to_sign"
        case signedHeaders = "signed_headers"
    }

    func makeSignature() -> BotocoreSignature {
        BotocoreSignature(
            authorization: authorization,
            canonicalRequest: canonicalRequest ?? "",
            stringToSign: stringToSign ?? "",
            signature: signature ?? "",
            signedHeaders: (signedHeaders ?? []).compactMap { pair in
                pair.count == 2 ? (name: pair[0], value: pair[1]) : nil
            },
            url: url ?? ""
        )
    }
}

// MARK: - Pipes

/// Splits a pipe's bytes into lines, keeping what follows the last newline for the next call.
private struct LineReader: ~Copyable {
    let handle: FileHandle
    var buffer: [UInt8] = []
    var start = 0

    init(handle: FileHandle) {
        self.handle = handle
    }

    /// The next line without its newline, or `nil` at EOF.
    mutating func nextLine() throws -> Data? {
        var searched = start
        while true {
            if let newline = buffer[searched...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(buffer[start..<newline])
                start = newline + 1
                if start > 1 << 16, start * 2 > buffer.count {  // compact now and then, not per line
                    buffer.removeFirst(start)
                    start = 0
                }
                return line
            }
            searched = buffer.count
            guard let chunk = try handle.readAvailableBytes() else { return nil }
            buffer.append(contentsOf: chunk)
        }
    }
}

/// Writes `data` to a pipe on a thread of its own, with SIGPIPE blocked on that thread only, so a dead
/// reader turns into an EPIPE error instead of killing the test process.
private final class BackgroundWriter: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let failure = Locked<(any Error)?>(nil)

    init(handle: FileHandle, data: Data) {
        Thread.detachNewThread { [self] in
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &signals, nil)
            do {
                try handle.write(contentsOf: data)
            } catch {
                failure.withLock { $0 = error }
            }
            done.signal()
        }
    }

    /// Waits for the write to finish; returns its error, if any.
    func wait() -> (any Error)? {
        done.wait()
        return failure.withLock { $0 }
    }
}
