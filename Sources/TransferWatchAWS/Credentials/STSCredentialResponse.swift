import Foundation

/// Reads the `<Credentials>` element that STS `AssumeRole` and `AssumeRoleWithWebIdentity` return:
/// `<Credentials><AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/></Credentials>`.
enum STSCredentialResponse {
    /// The credentials in an operation's `<…Result>` element.
    /// - Throws: a message naming the first missing or malformed field (never a value).
    static func credentials(in result: XMLNode, source: String) throws(FailureMessage) -> AWSCredentials {
        guard let element = result["Credentials"] else {
            throw FailureMessage(message: "the STS response has no <Credentials>")
        }
        func field(_ name: String) throws(FailureMessage) -> String {
            guard let text = element.string(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                throw FailureMessage(message: "the STS response has no <Credentials><\(name)>")
            }
            return text
        }
        let accessKeyID = try field("AccessKeyId")
        let secret = try field("SecretAccessKey")
        let token = try field("SessionToken")
        let expirationText = try field("Expiration")
        guard let expiration = AWSDate.parseISO8601(expirationText) else {
            throw FailureMessage(message: "the STS response's <Expiration> is not an ISO-8601 time: \(expirationText)")
        }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration,
            source: source)
    }

    /// `transferwatch-<unix seconds>`: the session name when none is configured (botocore uses
    /// `botocore-session-<seconds>`).
    static func defaultSessionName(at date: Date) -> String {
        "transferwatch-\(Int(date.timeIntervalSince1970))"
    }
}
