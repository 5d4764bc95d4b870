import Foundation
import TransferWatchConfig

extension AlertReceiver: CustomStringConvertible, CustomDebugStringConvertible {
    /// The receiver as a log line or an error may show it: its ``name`` (`slack-9f2c41d0`, `sns:oncall`), never
    /// the webhook's URL or routing key, even when the receiver itself is interpolated or debug-printed.
    package var description: String { name }

    /// The same as ``description``.
    package var debugDescription: String { name }
}

extension AlertReceiver.Kind: CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind without secrets: `sns arn:aws:sns:…:oncall`, or `slack webhook https://hooks.slack.com/…`.
    package var description: String {
        switch self {
        case .sns(let topicARN): "sns \(topicARN)"
        case .webhook(let url, let format, let routingKey):
            "\(Configuration.Webhook(url: url, format: format, routingKey: routingKey))"
        }
    }

    /// The same as ``description``.
    package var debugDescription: String { description }
}
