import Foundation

/// An AWS access key, with its session token and expiry when temporary.
///
/// Its `description` never shows the secret or the token.
package struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    package var accessKeyID: String
    package var secretAccessKey: String
    package var sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys.
    package var expiration: Date?
    /// Which provider produced them (for diagnostics), e.g. `environment`, `profile default`.
    package var source: String

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil, source: String = "static") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    package var description: String {
        var text = "AWSCredentials(\(Redaction.redactAccessKeyID(accessKeyID)), secret: <redacted>"
        if sessionToken != nil { text += ", session token: <redacted>" }
        if let expiration { text += ", expires \(AWSDate.iso8601(expiration))" }
        return text + ", from \(source))"
    }
}
