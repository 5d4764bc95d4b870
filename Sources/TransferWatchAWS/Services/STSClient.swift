import Foundation

/// Who the caller is, per `GetCallerIdentity`.
package struct STSCallerIdentity: Sendable, Equatable {
    /// The 12-digit account ID.
    package var account: String
    /// The calling user's or assumed role's ARN.
    package var arn: String
    /// The unique ID of the caller (`AIDA…`, or `AROA…:session` for a role).
    package var userID: String

    /// Makes a value from its parts.
    package init(account: String, arn: String, userID: String) {
        self.account = account
        self.arn = arn
        self.userID = userID
    }
}

/// A typed STS client (Query protocol): caller identity and role assumption.
package struct STSClient: Sendable {
    /// The operations this client calls, with their IAM actions.
    package enum Operations {
        /// Needs no permission, but is listed so the policy states what the client calls.
        package static let getCallerIdentity = AWSOperation(.sts, "GetCallerIdentity")
        /// `STS.AssumeRole`.
        package static let assumeRole = AWSOperation(.sts, "AssumeRole")
        /// Sent unsigned: the web identity token is the proof; the role's trust policy is what allows it.
        package static let assumeRoleWithWebIdentity = AWSOperation(.sts, "AssumeRoleWithWebIdentity")

        /// Every operation above.
        package static let all: [AWSOperation] = [getCallerIdentity, assumeRole, assumeRoleWithWebIdentity]
    }

    /// Allowed role session durations, in seconds.
    package static let durationRange = 900...43_200

    /// The underlying AWS client.
    package let client: AWSClient

    /// A client for the context's STS endpoint.
    package init(context: AWSClient.Context) {
        client = AWSClient(service: .sts, context: context)
    }

    /// A client over an existing ``AWSClient`` (whose service must be STS).
    package init(client: AWSClient) {
        precondition(client.service == .sts, "STSClient needs an STS AWSClient")
        self.client = client
    }

    /// The account, ARN and user ID of the credentials in use.
    package func getCallerIdentity() async throws(AWSError) -> STSCallerIdentity {
        let operation = Operations.getCallerIdentity
        let result = try await client.queryCall(operation, [])
        guard let account = result.string("Account"), let arn = result.string("Arn"),
            let userID = result.string("UserId")
        else {
            throw malformed(operation, "the response lacks Account, Arn or UserId")
        }
        return STSCallerIdentity(account: account, arn: arn, userID: userID)
    }

    /// Exchanges an OIDC token (EKS IRSA, GitHub Actions) for temporary role credentials, without signing.
    ///
    /// - Parameters:
    ///   - sessionName: 2–64 characters of `[\w+=,.@-]`.
    ///   - durationSeconds: 900–43200; `nil` for the role's default (1 hour).
    /// - Throws: ``AWSError``; `ParamValidationError` of kind `invalidRequest` (nothing sent) for a bad session name or duration,
    ///   `InvalidIdentityToken`/`ExpiredTokenException` from STS, `IDPCommunicationError` after retries.
    package func assumeRoleWithWebIdentity(
        roleARN: String, sessionName: String, webIdentityToken: String,
        durationSeconds: Int? = nil
    ) async throws(AWSError) -> AWSCredentials {
        let operation = Operations.assumeRoleWithWebIdentity
        try validate(sessionName: sessionName, durationSeconds: durationSeconds, operation)
        var parameters = [
            ("RoleArn", roleARN), ("RoleSessionName", sessionName), ("WebIdentityToken", webIdentityToken),
        ]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let result = try await client.queryCall(operation, parameters, unsigned: true)
        return try credentials(from: result, operation, source: "web identity \(roleARN)")
    }

    /// Assumes a role with the current credentials.
    ///
    /// - Parameters:
    ///   - sessionName: 2–64 characters of `[\w+=,.@-]`.
    ///   - durationSeconds: 900–43200; `nil` for 1 hour.
    package func assumeRole(
        roleARN: String, sessionName: String, durationSeconds: Int? = nil,
        externalID: String? = nil
    ) async throws(AWSError) -> AWSCredentials {
        let operation = Operations.assumeRole
        try validate(sessionName: sessionName, durationSeconds: durationSeconds, operation)
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let externalID { parameters.append(("ExternalId", externalID)) }
        let result = try await client.queryCall(operation, parameters)
        return try credentials(from: result, operation, source: "assume role \(roleARN)")
    }

    private func credentials(from result: XMLNode, _ operation: AWSOperation, source: String) throws(AWSError)
        -> AWSCredentials
    {
        guard let node = result["Credentials"], let keyID = node.string("AccessKeyId"),
            let secret = node.string("SecretAccessKey"),
            let token = node.string("SessionToken"), let expirationText = node.string("Expiration")
        else {
            throw malformed(operation, "the response has no complete Credentials")
        }
        guard let expiration = AWSDate.parseISO8601(expirationText) else {
            throw malformed(operation, "Expiration '\(expirationText)' is not an ISO-8601 time")
        }
        return AWSCredentials(
            accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration, source: source)
    }

    private func validate(sessionName: String, durationSeconds: Int?, _ operation: AWSOperation) throws(AWSError) {
        let allowedPunctuation = Set("_+=,.@-")
        let validName =
            (2...64).contains(sessionName.count)
            && sessionName.allSatisfy {
                ($0.isASCII && ($0.isLetter || $0.isNumber)) || allowedPunctuation.contains($0)
            }
        guard validName else {
            throw AWSError(
                kind: .invalidRequest, service: client.service.id, operation: operation.name,
                code: "ParamValidationError",
                message: "RoleSessionName '\(sessionName)' must be 2 to 64 characters of letters, digits and _+=,.@-",
                attempts: 0)
        }
        if let durationSeconds, !Self.durationRange.contains(durationSeconds) {
            throw AWSError(
                kind: .invalidRequest, service: client.service.id, operation: operation.name,
                code: "ParamValidationError",
                message: "DurationSeconds must be 900 to 43200, not \(durationSeconds)", attempts: 0)
        }
    }

    private func malformed(_ operation: AWSOperation, _ detail: String) -> AWSError {
        AWSError(
            kind: .malformedResponse, service: client.service.id, operation: operation.name, code: "MalformedResponse",
            message: detail)
    }
}
