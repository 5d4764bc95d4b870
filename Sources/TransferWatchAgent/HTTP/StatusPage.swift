import Foundation
import TransferWatchWorkflows

/// The `/status` page: server-rendered HTML for a person on call, with no external assets and no script.
///
/// From top to bottom: a banner (red with the count when alerts fire, green when all is clear), the
/// window's progress as a large bar, the alerts (firing, pending, silenced, inhibited), the employees still
/// missing, the SFTP server with its age and cost so far, and the recent copies. Every piece of user data
/// is escaped with ``HTMLEscaping``. It reloads itself every ``refreshSeconds``.
package struct StatusPage: Sendable {
    /// The status; `nil` before the agent's first reading (the page says so).
    package var status: PipelineStatus?
    /// Recent copies, newest first.
    package var recentCopies: [RecentCopy]
    /// The environment shown in the title (`prod`).
    package var environment: String?
    /// The meta-refresh interval in seconds.
    package var refreshSeconds: Int

    /// Creates a page.
    package init(
        status: PipelineStatus?, recentCopies: [RecentCopy], environment: String? = nil, refreshSeconds: Int = 30
    ) {
        self.status = status
        self.recentCopies = recentCopies
        self.environment = environment
        self.refreshSeconds = refreshSeconds
    }

    /// The complete HTML document.
    package func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <title>\(escape(title))</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header><h1>TransferWatch\(environment.map { " <span class=\"env\">\(escape($0))</span>" } ?? "")</h1>
            """
        guard let status else {
            html += """
                </header>
                <main>
                <p class="banner unknown" role="status">Status not available yet: the agent has not completed its \
                first reading.</p>
                \(copiesSection(now: nil))
                </main>
                </body>
                </html>

                """
            return html
        }
        html +=
            "<p class=\"asof\">As of <time datetime=\"\(Self.iso(status.now))\">\(Self.display(status.now))</time></p>\n"
        html += "</header>\n<main>\n"
        html += banner(status)
        html += windowSection(status)
        html += alertsSection(status)
        html += missingSection(status)
        html += serverSection(status)
        html += copiesSection(now: status.now)
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    private var title: String {
        var parts = ["TransferWatch"]
        if let environment { parts.append(environment) }
        if let status {
            let firing = status.alerts.filter { $0.state == "firing" }.count
            parts.append("\(status.window): \(status.counter.delivered)/\(status.counter.expected) delivered")
            if firing > 0 { parts.insert("\(firing) FIRING", at: 0) }
        }
        return parts.joined(separator: " · ")
    }

    // MARK: - Sections

    private func banner(_ status: PipelineStatus) -> String {
        let firing = status.alerts.filter { $0.state == "firing" }
        if firing.isEmpty {
            return "<p class=\"banner ok\" role=\"status\">✓ All clear: no alerts firing</p>\n"
        }
        let names = firing.map { escape($0.rule) }.joined(separator: ", ")
        let noun = firing.count == 1 ? "alert" : "alerts"
        return "<p class=\"banner firing\" role=\"alert\">⚠ \(firing.count) \(noun) firing: \(names)</p>\n"
    }

    private func windowSection(_ status: PipelineStatus) -> String {
        let counter = status.counter
        let percent = counter.expected > 0 ? min(100, counter.delivered * 100 / counter.expected) : 0
        let complete = counter.expected > 0 && counter.delivered >= counter.expected
        let label = "\(counter.delivered) of \(counter.expected) employees delivered (\(percent)%)"
        var html = """
            <section aria-labelledby="window-title">
            <h2 id="window-title">Delivery window \(escape(status.window))</h2>
            <div class="bar\(complete ? " complete" : "")" role="progressbar" aria-valuemin="0" \
            aria-valuemax="\(counter.expected)" aria-valuenow="\(counter.delivered)" aria-label="\(escape(label))">\
            <div class="fill" style="width: \(percent)%"></div></div>
            <p class="count">\(escape(label))</p>

            """
        if let last = counter.lastDeliveryAt {
            html +=
                "<p>Last delivery <time datetime=\"\(Self.iso(last))\">\(Self.display(last))</time> "
                + "(\(Self.age(status.now.timeIntervalSince(last))) ago)</p>\n"
        } else {
            html += "<p>No delivery yet in this window.</p>\n"
        }
        return html + "</section>\n"
    }

    private func alertsSection(_ status: PipelineStatus) -> String {
        var html = "<section aria-labelledby=\"alerts-title\">\n<h2 id=\"alerts-title\">Alerts</h2>\n"
        guard !status.alerts.isEmpty else { return html + "<p>No alerts.</p>\n</section>\n" }
        let order = ["firing": 0, "pending": 1, "silenced": 2, "inhibited": 3]
        let alerts = status.alerts.sorted {
            (order[$0.state] ?? 4, $0.since, $0.rule) < (order[$1.state] ?? 4, $1.since, $1.rule)
        }
        html += """
            <table>
            <caption>Alerts, firing first</caption>
            <thead><tr><th scope="col">State</th><th scope="col">Alert</th><th scope="col">Severity</th>\
            <th scope="col">Since</th><th scope="col">Summary</th></tr></thead>
            <tbody>

            """
        for alert in alerts {
            let state = escape(alert.state)
            html +=
                "<tr class=\"alert-\(Self.cssClass(alert.state))\"><td><span class=\"pill\">\(state)</span></td>"
                + "<td>\(escape(alert.rule))</td><td>\(escape(alert.severity))</td>"
                + "<td><time datetime=\"\(Self.iso(alert.since))\">\(Self.display(alert.since))</time></td>"
                + "<td>\(escape(alert.summary))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    private func missingSection(_ status: PipelineStatus) -> String {
        let missing = status.counter.missing
        var html = "<section aria-labelledby=\"missing-title\">\n"
        html += "<h2 id=\"missing-title\">Missing employees (\(missing.count))</h2>\n"
        if missing.isEmpty {
            html += "<p>Every expected employee has delivered.</p>\n"
        } else {
            html += "<ul class=\"missing\">\n"
            html += missing.map { "<li>\(escape($0))</li>\n" }.joined()
            html += "</ul>\n"
        }
        return html + "</section>\n"
    }

    private func serverSection(_ status: PipelineStatus) -> String {
        var html = "<section aria-labelledby=\"server-title\">\n<h2 id=\"server-title\">SFTP server</h2>\n"
        guard let server = status.server else {
            return html + "<p>No server: none is provisioned for this window.</p>\n</section>\n"
        }
        let cost = server.costSoFar.map { String(format: "$%.2f", $0) } ?? "unknown"
        html += """
            <table class="facts">
            <caption>The window's SFTP server</caption>
            <tbody>
            <tr><th scope="row">ID</th><td>\(escape(server.id))</td></tr>
            <tr><th scope="row">State</th><td>\(escape(server.state))</td></tr>
            <tr><th scope="row">Created</th><td><time datetime="\(Self.iso(server.createdAt))">\
            \(Self.display(server.createdAt))</time></td></tr>
            <tr><th scope="row">Age</th><td>\(Self.age(TimeInterval(server.ageSeconds)))</td></tr>
            <tr><th scope="row">Cost so far</th><td>\(cost)</td></tr>
            </tbody>
            </table>

            """
        return html + "</section>\n"
    }

    private func copiesSection(now: Date?) -> String {
        var html = "<section aria-labelledby=\"copies-title\">\n<h2 id=\"copies-title\">Recent copies</h2>\n"
        guard !recentCopies.isEmpty else { return html + "<p>No copies yet.</p>\n</section>\n" }
        html += """
            <table>
            <caption>The most recent copies, newest first</caption>
            <thead><tr><th scope="col">Finished</th><th scope="col">Uploader</th><th scope="col">Key</th>\
            <th scope="col">Result</th><th scope="col">Size</th><th scope="col">Latency</th>\
            <th scope="col">Error</th></tr></thead>
            <tbody>

            """
        for copy in recentCopies {
            let latency = Double(copy.latency.components.seconds) + Double(copy.latency.components.attoseconds) / 1e18
            html +=
                "<tr class=\"copy-\(copy.result.rawValue)\">"
                + "<td class=\"nowrap\"><time datetime=\"\(Self.iso(copy.at))\">\(Self.display(copy.at))</time></td>"
                + "<td class=\"who\">\(escape(copy.uploader))</td><td class=\"key\">\(escape(copy.key))</td>"
                + "<td>\(copy.result.rawValue)</td><td class=\"nowrap\">\(Self.bytes(copy.bytes))</td>"
                + "<td class=\"nowrap\">\(String(format: "%.0f ms", latency * 1000))</td>"
                + "<td>\(escape(copy.errorCode ?? ""))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    // MARK: - Formatting

    private func escape(_ text: String) -> String { HTMLEscaping.escape(text) }

    private static func cssClass(_ state: String) -> String {
        ["firing", "pending", "silenced", "inhibited"].contains(state) ? state : "other"
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    static func display(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d UTC", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `1d 10h`, `3h 5m`, `42s`.
    static func age(_ interval: TimeInterval) -> String {
        let seconds = max(0, Int(interval))
        let (days, hours, minutes) = (seconds / 86_400, seconds % 86_400 / 3600, seconds % 3600 / 60)
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(seconds)s"
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    private static let css = """
        :root{color-scheme:light dark;--ok:#1a7f37;--bad:#c62828;--muted:#6b7280;--line:#d0d7de}
        body{font:18px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;\
        padding:1rem 1.5rem;background:#fff;color:#111}
        @media (prefers-color-scheme:dark){body{background:#111;color:#eee}}
        h1{font-size:1.6rem;margin:.2rem 0}h1 .env{font-size:1rem;padding:.1rem .5rem;border:1px solid var(--line);\
        border-radius:.4rem;vertical-align:middle}
        h2{font-size:1.3rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line)}
        .asof{color:var(--muted);margin:0}
        .banner{font-size:1.5rem;font-weight:700;padding:.8rem 1rem;border-radius:.5rem;color:#fff;margin:1rem 0}
        .banner.ok{background:var(--ok)}.banner.firing{background:var(--bad)}.banner.unknown{background:#9a6700}
        .bar{height:3rem;border:2px solid #555;border-radius:.5rem;background:#e5e7eb;overflow:hidden}
        .bar .fill{height:100%;background:#2563eb}.bar.complete .fill{background:var(--ok)}
        .count{font-size:1.6rem;font-weight:700;margin:.4rem 0}
        table{border-collapse:collapse;width:100%}caption{text-align:left;color:var(--muted);padding:.2rem 0}
        th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
        table.facts{width:auto}table.facts th{padding-right:2rem}
        .pill{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-weight:700;font-size:.9rem}
        tr.alert-firing{background:#fdecea}tr.alert-firing .pill{background:var(--bad);color:#fff}
        tr.alert-firing td{color:#7f1d1d;font-weight:600}
        tr.alert-pending .pill{background:#f59e0b;color:#111}
        tr.alert-silenced,tr.alert-inhibited{color:var(--muted)}
        tr.alert-silenced .pill,tr.alert-inhibited .pill{background:#e5e7eb;color:#374151}
        ul.missing{columns:3;font-size:1.2rem;font-weight:600}
        td.key{font-family:ui-monospace,monospace;overflow-wrap:anywhere;min-width:12rem}
        td.nowrap{white-space:nowrap}td.who{overflow-wrap:anywhere;min-width:6rem}ul.missing li{overflow-wrap:anywhere}
        tr.copy-failed td{color:var(--bad);font-weight:600}
        """
}
