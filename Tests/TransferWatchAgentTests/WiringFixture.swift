import Foundation
import Logging
import TransferWatchAWS
import TransferWatchTestSupport

/// An ``AgentFixture`` whose configuration wires everything the agent runs: the repository's rules, a webhook
/// receiver (a ``LocalHTTPServer`` recording Alertmanager payloads), a spool in the fixture's folder, and HTTP on
/// a free port.
struct WiringFixture {
    let base: AgentFixture
    let hook: LocalHTTPServer

    /// Starts moto and the webhook receiver and writes the configuration.
    static func start(sftp: String = "", agent: String, alerts: String = "") async throws -> WiringFixture {
        let hook = try LocalHTTPServer.start { _ in .json("{}") }
        let started = try await AgentFixture.start(sftp: sftp, agent: agent)
        guard let root = RepositoryPaths.root() else { throw FixtureError("no repository root") }
        let rules = root.appendingPathComponent("rules").path
        try """
        region: us-east-1
        endpoint: \(started.moto.endpoint.absoluteString)
        environment: prod
        buckets: {source: \(AgentFixture.source), destination: \(AgentFixture.destination)}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        queue: \(started.queueURL)
        rules: \(rules)
        spool: \(started.directory.appendingPathComponent("spool").path)
        listen: 127.0.0.1:0
        sftp:
          userRole: arn:aws:iam::123456789012:role/sftp-invoice-user
          requestsPerSecond: 100
        \(sftp)
        alerts:
          webhooks: [{url: "\(hook.baseURL)/hook", format: alertmanager}]
          groupWait: 30s
          groupInterval: 1m
        \(alerts)
        copy:
          concurrency: 4
        agent:
        \(agent)
        """.write(to: started.config, atomically: true, encoding: .utf8)
        return WiringFixture(base: started, hook: hook)
    }

    func stop() {
        hook.stop()
        base.stop()
    }

    /// The Alertmanager payloads received, in order.
    var notifications: [Notification] {
        hook.requests().filter { $0.path == "/hook" }.compactMap { Notification(json: $0.body) }
    }

    /// The notifications about `alertname` with `status` (`firing`, `resolved`).
    func notifications(_ alertname: String, status: String) -> [Notification] {
        notifications.filter { $0.status == status && $0.alertnames.contains(alertname) }
    }

    /// One Alertmanager webhook payload.
    struct Notification {
        var status: String
        var alerts: [[String: Any]]
        var raw: String

        init?(json: Data) {
            guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
                let status = object["status"] as? String, let alerts = object["alerts"] as? [[String: Any]]
            else { return nil }
            self.status = status
            self.alerts = alerts
            raw = String(decoding: json, as: UTF8.self)
        }

        var alertnames: [String] { alerts.compactMap { ($0["labels"] as? [String: String])?["alertname"] } }

        func annotation(_ name: String) -> [String] {
            alerts.compactMap { ($0["annotations"] as? [String: String])?[name] }
        }
    }
}

extension AgentProcess {
    /// The port from the "status server listening" log line (JSON logs).
    func statusPort() async -> Int? {
        guard await waitForLog("status server listening", timeout: .seconds(60)) else { return nil }
        for line in lines(containing: "status server listening") {
            guard let range = line.range(of: #""http.address":"127.0.0.1:"#) else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }
}

/// `GET path` from the agent's status server.
func httpGet(port: Int, _ path: String) async throws -> HTTPTestResponse {
    try await onDedicatedThread {
        let connection = try HTTPTestConnection(port: port)
        _ = connection.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return try connection.readResponse()
    }
}
