import Foundation
import Logging

/// Temporary credentials from STS `AssumeRoleWithWebIdentity` (EKS IRSA and other OIDC federation): an
/// **unsigned** Query call carrying the token read from a file.
///
/// Configured by `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` [+ `AWS_ROLE_SESSION_NAME`], or by a profile's
/// `web_identity_token_file` + `role_arn` [+ `role_session_name`] (see ``ProfileCredentialProvider``). The token
/// file is read again on every call, because the orchestrator rotates it.
package struct WebIdentityCredentialProvider: CredentialSource {
    /// Where the token and the role come from.
    package struct Configuration: Sendable, Equatable {
        /// The token file's path.
        package var tokenFile: String
        /// The role to assume.
        package var roleARN: String
        /// `transferwatch-<unix seconds>` when `nil`.
        package var sessionName: String?

        /// A configuration.
        package init(tokenFile: String, roleARN: String, sessionName: String? = nil) {
            self.tokenFile = tokenFile
            self.roleARN = roleARN
            self.sessionName = sessionName
        }
    }

    static let assumeRoleWithWebIdentity = AWSOperation(.sts, "AssumeRoleWithWebIdentity")

    /// The name used in messages (`web identity`).
    package let sourceName: String
    private let configuration: Configuration?
    private let context: CredentialContext
    private let shared: SharedConfigFiles?

    /// Reads `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME` from the context's environment.
    package init(context: CredentialContext) {
        self.context = context
        self.configuration = nil
        self.shared = nil
        self.sourceName = "web identity"
    }

    /// Uses a fixed configuration (a profile's keys).
    package init(
        configuration: Configuration, context: CredentialContext, shared: SharedConfigFiles? = nil,
        sourceName: String = "web identity"
    ) {
        self.context = context
        self.configuration = configuration
        self.shared = shared
        self.sourceName = sourceName
    }

    /// Reads the token and calls `AssumeRoleWithWebIdentity`.
    package func resolve() async throws(CredentialError) -> CredentialResolution {
        let configuration: Configuration
        if let fixed = self.configuration {
            configuration = fixed
        } else {
            guard let tokenFile = context.variable("AWS_WEB_IDENTITY_TOKEN_FILE") else {
                return .unavailable(sourceName, "AWS_WEB_IDENTITY_TOKEN_FILE not set")
            }
            guard let roleARN = context.variable("AWS_ROLE_ARN") else {
                throw CredentialError(
                    source: sourceName, reason: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
            }
            configuration = Configuration(
                tokenFile: tokenFile, roleARN: roleARN, sessionName: context.variable("AWS_ROLE_SESSION_NAME"))
        }
        return .found(try await assumeRole(configuration))
    }

    private func assumeRole(_ configuration: Configuration) async throws(CredentialError) -> AWSCredentials {
        let token: String
        do {
            token = try context.readText(configuration.tokenFile, what: "web identity token file").trimmingCharacters(
                in: .whitespacesAndNewlines)
        } catch {
            throw CredentialError(source: sourceName, reason: error.message)
        }
        guard !token.isEmpty else {
            throw CredentialError(
                source: sourceName, reason: "web identity token file \(configuration.tokenFile) is empty")
        }
        let parameters = [
            ("RoleArn", configuration.roleARN),
            (
                "RoleSessionName",
                configuration.sessionName ?? STSCredentialResponse.defaultSessionName(at: context.now())
            ),
            ("WebIdentityToken", token),
        ]
        let client = try context.stsClient(
            credentials: NoCredentialProvider(), shared: shared ?? (try? context.sharedConfig()), source: sourceName)
        do {
            let result = try await client.queryCall(Self.assumeRoleWithWebIdentity, parameters, unsigned: true)
            let credentials = try STSCredentialResponse.credentials(
                in: result, source: "\(sourceName) \(configuration.roleARN)")
            context.logger.debug(
                "assumed role with web identity",
                metadata: [
                    "credentials.source": "\(sourceName)", "credentials.role": "\(configuration.roleARN)",
                ])
            return credentials
        } catch let error as AWSError {
            throw CredentialError(
                source: sourceName, reason: "assuming \(configuration.roleARN) failed: \(error)", scrubbing: [token])
        } catch let error as FailureMessage {
            throw CredentialError(
                source: sourceName, reason: "assuming \(configuration.roleARN) failed: \(error.message)",
                scrubbing: [token])
        } catch {
            throw CredentialError(
                source: sourceName, reason: "assuming \(configuration.roleARN) failed: \(error)", scrubbing: [token])
        }
    }
}

/// Stands in where a client needs a provider but every call is unsigned.
struct NoCredentialProvider: CredentialProvider {
    func credentials() async throws -> AWSCredentials {
        throw CredentialError(source: "unsigned request", reason: "this client sends unsigned requests only")
    }
}
