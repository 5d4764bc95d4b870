import Foundation
import TransferWatchAWS
import TransferWatchRules

/// What can go wrong in alerting, each naming the record or input at fault.
package enum AlertingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `--label` or matcher that does not parse.
    case invalidMatcher(String, reason: String)
    /// A silence ID that is not in the table.
    case unknownSilence(String)
    /// A silence that already ended.
    case silenceAlreadyExpired(String)
    /// A stored item that cannot be read (its pk/sk and why); it is skipped, the others are processed.
    case malformedItem(pk: String, sk: String, reason: String)
    /// A state-table call failed.
    case storage(AWSError)
    /// A silence that would never silence anything.
    case invalidSilence(String)

    /// One line.
    package var description: String {
        switch self {
        case .invalidMatcher(let text, let reason): "invalid matcher '\(text)': \(reason)"
        case .unknownSilence(let id): "no silence with ID \(id)"
        case .silenceAlreadyExpired(let id): "silence \(id) has already expired"
        case .malformedItem(let pk, let sk, let reason): "state item \(pk)/\(sk) is malformed: \(reason)"
        case .storage(let error): "state table: \(error)"
        case .invalidSilence(let reason): "invalid silence: \(reason)"
        }
    }
}
