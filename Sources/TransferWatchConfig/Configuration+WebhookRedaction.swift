import Foundation

extension Configuration.Webhook: CustomStringConvertible, CustomDebugStringConvertible {
    /// The webhook with its secrets hidden: `slack webhook https://hooks.slack.com/…`, plus `(routing key hidden)`
    /// for PagerDuty. Slack's URL path and PagerDuty's routing key are credentials, so a webhook interpolated into
    /// a log line or an error (alone, or inside a printed ``Configuration``) shows only its format and host.
    package var description: String {
        var text = "\(format.rawValue) webhook \(Self.redacted(url))"
        if routingKey != nil { text += " (routing key hidden)" }
        return text
    }

    /// The same as ``description``, so `debugPrint` and a printed ``Configuration`` hide the secrets too.
    package var debugDescription: String { description }

    /// `scheme://host[:port]/…`: what of a webhook URL may be shown.
    package static func redacted(_ url: URL) -> String {
        guard let scheme = url.scheme, let host = url.host else { return "…" }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")/…"
    }
}
