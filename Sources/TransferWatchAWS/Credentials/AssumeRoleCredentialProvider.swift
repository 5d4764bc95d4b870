import Foundation
import Logging

/// Temporary credentials for a role, from STS `AssumeRole` signed with another provider's credentials
/// (a profile's `role_arn` with `source_profile` or `credential_source`).
package struct AssumeRoleCredentialProvider: CredentialSource {
    /// The role and the optional `AssumeRole` parameters a profile can set.
    package struct Role: Sendable, Equatable {
        /// `role_arn`.
        package var arn: String
        /// `role_session_name`; `transferwatch-<unix seconds>` when `nil`.
        package var sessionName: String?
        /// `external_id`.
        package var externalID: String?
        /// `duration_seconds` (STS allows 900 to 43200).
        package var durationSeconds: Int?

        /// A role with its optional parameters.
        package init(arn: String, sessionName: String? = nil, externalID: String? = nil, durationSeconds: Int? = nil) {
            self.arn = arn
            self.sessionName = sessionName
            self.externalID = externalID
            self.durationSeconds = durationSeconds
        }
    }

    static let assumeRole = AWSOperation(.sts, "AssumeRole")

    /// The name used in messages.
    package let sourceName: String
    /// The role assumed.
    package let role: Role
    private let source: any CredentialProvider
    private let context: CredentialContext
    private let shared: SharedConfigFiles?

    /// - Parameters:
    ///   - role: the role to assume.
    ///   - source: signs the `AssumeRole` call (wrap a temporary source in ``CachingCredentialProvider``).
    ///   - sourceName: the name used in messages.
    ///   - shared: the shared config, for the STS region and endpoint.
    package init(
        role: Role, source: any CredentialProvider, context: CredentialContext, shared: SharedConfigFiles? = nil,
        sourceName: String = "assume role"
    ) {
        self.role = role
        self.source = source
        self.context = context
        self.shared = shared
        self.sourceName = sourceName
    }

    /// Fetches the source credentials, then calls `AssumeRole` with them.
    package func resolve() async throws(CredentialError) -> CredentialResolution {
        let sourceCredentials: AWSCredentials
        do {
            sourceCredentials = try await source.credentials()
        } catch let error as CredentialError {
            throw CredentialError(
                source: sourceName, reason: "no source credentials to assume \(role.arn) with: \(error.summary)")
        } catch {
            throw CredentialError(
                source: sourceName, reason: "no source credentials to assume \(role.arn) with: \(error)")
        }
        let secrets = [sourceCredentials.secretAccessKey, sourceCredentials.sessionToken].compactMap { $0 }
        var parameters = [
            ("RoleArn", role.arn),
            ("RoleSessionName", role.sessionName ?? STSCredentialResponse.defaultSessionName(at: context.now())),
        ]
        if let externalID = role.externalID { parameters.append(("ExternalId", externalID)) }
        if let duration = role.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        let client = try context.stsClient(
            credentials: StaticCredentialProvider(sourceCredentials), shared: shared, source: sourceName)
        do {
            let result = try await client.queryCall(Self.assumeRole, parameters)
            let credentials = try STSCredentialResponse.credentials(in: result, source: "\(sourceName) \(role.arn)")
            context.logger.debug(
                "assumed role", metadata: ["credentials.source": "\(sourceName)", "credentials.role": "\(role.arn)"])
            return .found(credentials)
        } catch let error as AWSError {
            throw CredentialError(
                source: sourceName, reason: "assuming \(role.arn) failed: \(error)", scrubbing: secrets)
        } catch let error as FailureMessage {
            throw CredentialError(
                source: sourceName, reason: "assuming \(role.arn) failed: \(error.message)", scrubbing: secrets)
        } catch {
            throw CredentialError(
                source: sourceName, reason: "assuming \(role.arn) failed: \(error)", scrubbing: secrets)
        }
    }
}

extension CredentialError {
    /// Every attempt as `source: reason`, for nesting one error inside another's reason.
    package var summary: String {
        attempts.map { "\($0.source): \($0.reason)" }.joined(separator: "; ")
    }
}
