import Foundation
import Logging
import Testing
import TransferWatchLocking
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// Test doubles for the credential suites: in-memory files, a scripted transport, a hand-moved clock, a log
/// capture. Nested in one namespace so they cannot clash with other suites' fakes.
enum CredentialFakes {
    /// A fixed instant the tests start from: 2026-03-01T12:00:00Z.
    static let start = Date(timeIntervalSince1970: 1_772_366_400)

    // MARK: Files

    /// Files held in memory; paths not listed do not exist, paths in `unreadable` fail to read.
    final class Files: FileReader, Sendable {
        private let state: Locked<(contents: [String: String], unreadable: Set<String>, reads: [String])>

        init(_ contents: [String: String] = [:], unreadable: Set<String> = []) {
            state = Locked((contents, unreadable, []))
        }

        func contents(atPath path: String) throws(FileReadError) -> Data? {
            let (text, isUnreadable) = state.withLock { state in
                state.reads.append(path)
                return (state.contents[path], state.unreadable.contains(path))
            }
            if isUnreadable { throw FileReadError(path: path, reason: "permission denied") }
            return text.map { Data($0.utf8) }
        }

        /// Replaces (or with `nil` removes) a file.
        func set(_ path: String, _ text: String?) { state.withLock { $0.contents[path] = text } }

        /// Every path read so far, in order.
        var reads: [String] { state.withLock { $0.reads } }
    }

    // MARK: Transport

    /// One scripted answer.
    enum Reply: Sendable {
        case response(HTTPResponse)
        case failure(TransportError)

        static func status(_ status: Int, _ body: String = "", headers: HTTPHeaders = [:]) -> Reply {
            .response(HTTPResponse(status: status, headers: headers, body: Data(body.utf8)))
        }

        static func json(_ object: String) -> Reply {
            .status(200, object, headers: ["Content-Type": "application/json"])
        }

        static func xml(_ status: Int, _ body: String) -> Reply {
            .status(status, body, headers: ["Content-Type": "text/xml"])
        }
    }

    /// A request as the transport received it.
    struct Sent: Sendable {
        var request: HTTPRequest
        var timeout: Duration
        var bodyText: String { String(decoding: request.body, as: UTF8.self) }
        /// The form fields of a Query body.
        var form: [String: String] {
            var fields: [String: String] = [:]
            for pair in bodyText.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let value =
                    parts.count > 1
                    ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
                fields[name] = value
            }
            return fields
        }
    }

    /// Answers by `METHOD path` (e.g. `PUT /latest/api/token`) from a queue per route: each call takes the next
    /// reply and the last one repeats. An unscripted route is refused like a closed port.
    final class Transport: HTTPTransport, Sendable {
        private let state: Locked<(routes: [String: [Reply]], sent: [Sent])>

        init(_ routes: [String: [Reply]] = [:]) {
            state = Locked((routes, []))
        }

        func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
            let route = "\(request.method) \(request.path)"
            let reply: Reply? = state.withLock { state in
                state.sent.append(Sent(request: request, timeout: timeout))
                guard var queue = state.routes[route], let first = queue.first else { return nil }
                if queue.count > 1 {
                    queue.removeFirst()
                    state.routes[route] = queue
                }
                return first
            }
            switch reply {
            case .response(let response)?: return response
            case .failure(let error)?: throw error
            case nil: throw TransportError(.connectFailed, "Failed to connect to \(request.host): Connection refused")
            }
        }

        /// Adds replies to a route.
        func script(_ route: String, _ replies: Reply...) {
            state.withLock { $0.routes[route, default: []].append(contentsOf: replies) }
        }

        /// Every request so far.
        var sent: [Sent] { state.withLock { $0.sent } }

        /// The requests to one route.
        func sent(to route: String) -> [Sent] { sent.filter { "\($0.request.method) \($0.request.path)" == route } }
    }

    // MARK: Clock

    /// A wall clock that moves only when told.
    final class Clock: Sendable {
        private let current: Locked<Date>
        init(_ start: Date = CredentialFakes.start) { current = Locked(start) }
        var now: Date { current.withLock { $0 } }
        func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
        func set(_ date: Date) { current.withLock { $0 = date } }
        var closure: @Sendable () -> Date { { self.now } }
    }

    // MARK: Logs

    /// Captures every log line with its metadata rendered as text.
    final class LogCapture: Sendable {
        private let lines = Locked<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var logger: Logger {
            Logger(label: "credentials.test") { _ in CapturingHandler(capture: self) }
        }
    }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append(
                "\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
            )
        }
    }

    // MARK: Processes

    /// Records the commands it is asked to run and answers with a fixed output.
    final class Processes: ProcessRunner, Sendable {
        private let state: Locked<(output: ProcessOutput, runs: [[String]])>
        init(_ output: ProcessOutput) { state = Locked((output, [])) }
        func run(_ arguments: [String], environment: [String: String]) async throws(ProcessLaunchError) -> ProcessOutput
        {
            state.withLock {
                $0.runs.append(arguments)
                return $0.output
            }
        }
        var runs: [[String]] { state.withLock { $0.runs } }
    }

    // MARK: Factories

    /// A context over the fakes; `HOME` is `/home/tester` unless the environment says otherwise.
    static func context(
        environment: [String: String] = [:],
        files: Files = Files(),
        transport: Transport = Transport(),
        processes: any ProcessRunner = LocalProcessRunner(),
        clock: Clock = Clock(),
        sleeper: RecordingSleeper = RecordingSleeper(),
        logs: LogCapture = LogCapture(),
        profile: String? = nil
    ) -> CredentialContext {
        var environment = environment
        if environment["HOME"] == nil { environment["HOME"] = "/home/tester" }
        return CredentialContext(
            environment: environment, files: files, transport: transport, processes: processes, now: clock.closure,
            sleeper: sleeper, random: SeededRandomSource(seed: 7), logger: logs.logger, profile: profile)
    }

    /// The credentials a fake STS or metadata service hands out.
    static let issuedKeyID = "ASIAISSUEDEXAMPLE0001"
    static let issuedSecret = "IssuedSecret/wJalrXUtnFEMIK7MDENGbPxRfiCY"
    static let issuedToken = "IssuedSessionToken//////////wEaCXVzLWVhc3QtMSJHMEUCIQ"

    /// A real-shaped STS success body for `operation` (`AssumeRole`, `AssumeRoleWithWebIdentity`).
    static func stsSuccess(
        _ operation: String, expiration: String = "2026-03-01T13:00:00Z", keyID: String = issuedKeyID
    ) -> String {
        """
        <\(operation)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <\(operation)Result>
            <AssumedRoleUser>
              <AssumedRoleId>AROA3XFRBF535PLBIFPI4:transferwatch</AssumedRoleId>
              <Arn>arn:aws:sts::123456789012:assumed-role/pipeline/transferwatch</Arn>
            </AssumedRoleUser>
            <Credentials>
              <AccessKeyId>\(keyID)</AccessKeyId>
              <SecretAccessKey>\(issuedSecret)</SecretAccessKey>
              <SessionToken>\(issuedToken)</SessionToken>
              <Expiration>\(expiration)</Expiration>
            </Credentials>
            <PackedPolicySize>6</PackedPolicySize>
          </\(operation)Result>
          <ResponseMetadata>
            <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
          </ResponseMetadata>
        </\(operation)Response>
        """
    }

    /// A real-shaped STS error body.
    static func stsError(code: String, message: String, type: String = "Sender") -> String {
        """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error>
            <Type>\(type)</Type>
            <Code>\(code)</Code>
            <Message>\(message)</Message>
          </Error>
          <RequestId>4ad0d8b5-1d72-4e67-a6de-6d4a6a4b6a11</RequestId>
        </ErrorResponse>
        """
    }

    /// Container/IMDS credential JSON.
    static func metadataCredentials(
        expiration: String = "2026-03-01T18:00:00Z", code: String? = nil, tokenKey: String = "Token"
    ) -> String {
        let codeField =
            code.map { "\"Code\": \"\($0)\", \"LastUpdated\": \"2026-03-01T11:55:00Z\", \"Type\": \"AWS-HMAC\", " }
            ?? ""
        return """
            {\(codeField)"AccessKeyId": "\(issuedKeyID)", "SecretAccessKey": "\(issuedSecret)", "\(tokenKey)": "\(issuedToken)", "Expiration": "\(expiration)"}
            """
    }
}

/// The fakes behave as the suites rely on.
@Suite struct CredentialFakesTests {
    @Test func transportRepeatsTheLastReplyAndRefusesUnscriptedRoutes() async throws {
        let transport = CredentialFakes.Transport(["GET /a": [.status(500), .status(200, "ok")]])
        let request = HTTPRequest(method: "GET", scheme: "http", host: "h", path: "/a")
        #expect(try await transport.send(request, timeout: .seconds(1)).status == 500)
        #expect(try await transport.send(request, timeout: .seconds(1)).status == 200)
        #expect(try await transport.send(request, timeout: .seconds(1)).status == 200)
        await #expect(throws: TransportError.self) {
            try await transport.send(
                HTTPRequest(method: "GET", scheme: "http", host: "h", path: "/b"), timeout: .seconds(1))
        }
        #expect(transport.sent.count == 4)
    }
}
