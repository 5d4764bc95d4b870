import Foundation
import Logging
import TransferWatchLocking

/// Credentials from a profile of the shared files, tried in botocore's order:
///
/// 1. **Assume role**: `role_arn` with `source_profile` (whose own credentials sign STS `AssumeRole`, itself
///    possibly another role; cycles are refused) or `credential_source` (`Environment`, `EcsContainer`,
///    `Ec2InstanceMetadata`), plus optional `role_session_name`, `external_id`, `duration_seconds`.
/// 2. **Web identity**: `web_identity_token_file` + `role_arn`; for the selected profile the
///    `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME` variables win key by key, as in
///    botocore, so this is also where web identity from the environment is tried.
/// 3. **Static keys** in the credentials file's `[name]` section.
/// 4. **`credential_process`** (see ``ProcessCredentialProvider``).
/// 5. **Static keys** in the config file's `[profile name]` section.
///
/// IAM Identity Center (`sso_*`) profiles are not read; the message says to wrap them in `credential_process`
/// with `aws configure export-credentials`.
///
/// The first step that applies decides; its plan is remembered, so later calls (refreshes) go straight to it.
/// A profile named by `AWS_PROFILE` that exists nowhere is an error; a missing `default` profile is merely
/// unavailable.
package struct ProfileCredentialProvider: CredentialSource {
    /// `shared files`.
    package let sourceName = "shared files"
    private let context: CredentialContext
    private let profile: String?
    private let includesEnvironmentWebIdentity: Bool
    private let plan: PlanMemo

    /// - Parameters:
    ///   - profile: the profile to read; `nil` for the one the context selects (`AWS_PROFILE`, … `default`).
    ///   - includesEnvironmentWebIdentity: whether the `AWS_WEB_IDENTITY_TOKEN_FILE` variables count (true in the
    ///     default chain; botocore ignores them when resolving a `source_profile`).
    package init(context: CredentialContext, profile: String? = nil, includesEnvironmentWebIdentity: Bool = true) {
        self.context = context
        self.profile = profile
        self.includesEnvironmentWebIdentity = includesEnvironmentWebIdentity
        self.plan = PlanMemo()
    }

    /// Plans the profile (once) and fetches through the plan.
    package func resolve() async throws(CredentialError) -> CredentialResolution {
        if let remembered = plan.value { return .found(try await Self.fetch(remembered, source: sourceName)) }
        let shared = try context.sharedConfig()
        let name = profile ?? shared.profileName
        var planner = ProfilePlanner(shared: shared, context: context, sourceName: sourceName, visited: [name])
        switch try planner.plan(
            profile: name, isTop: true, environmentWebIdentity: includesEnvironmentWebIdentity,
            namedBy: profile == nil ? shared.profileOrigin : .explicit)
        {
        case .provider(let provider):
            let credentials = try await Self.fetch(provider, source: sourceName)
            plan.value = provider
            return .found(credentials)
        case .unavailable(let attempts):
            return .unavailable(attempts)
        }
    }

    private static func fetch(
        _ provider: any CredentialProvider, source: String
    ) async throws(CredentialError) -> AWSCredentials {
        do {
            return try await provider.credentials()
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError(source: source, reason: "\(error)")
        }
    }
}

/// The provider a profile resolved to, kept after the first success.
private final class PlanMemo: Sendable {
    private let stored = Locked<(any CredentialProvider)?>(nil)
    var value: (any CredentialProvider)? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}

/// Decides which provider a profile stands for, following botocore's `AssumeRoleProvider` and
/// `ProfileProviderBuilder`.
struct ProfilePlanner {
    enum Plan {
        case provider(any CredentialProvider)
        case unavailable([(source: String, reason: String)])
    }

    /// The `credential_source` values and the providers they name (case-insensitive, as botocore compares).
    static let credentialSources = ["Environment", "EcsContainer", "Ec2InstanceMetadata"]

    let shared: SharedConfigFiles
    let context: CredentialContext
    let sourceName: String
    /// Profiles entered so far through `source_profile`, to refuse cycles.
    var visited: [String]

    private func fail(_ reason: String) -> CredentialError { CredentialError(source: sourceName, reason: reason) }

    /// The provider for `name`.
    /// - Parameters:
    ///   - isTop: the selected profile, rather than a `source_profile`.
    ///   - environmentWebIdentity: whether the web identity variables apply.
    ///   - namedBy: how the profile was chosen (a named profile must exist).
    ///   - includesAssumeRole: whether step 1 applies (not for a `source_profile` that has static keys).
    mutating func plan(
        profile name: String, isTop: Bool, environmentWebIdentity: Bool,
        namedBy origin: SharedConfigFiles.ProfileOrigin, includesAssumeRole: Bool = true
    ) throws(CredentialError) -> Plan {
        let profile = shared.profile(name)
        if profile == nil, isTop, origin != .implicit {
            throw fail("profile \"\(name)\" (from \(origin.rawValue)) not found in \(shared.searchedPaths)")
        }
        if includesAssumeRole, let profile, Self.assumesRole(profile) {
            return .provider(try assumeRolePlan(profile))
        }
        if let webIdentity = try webIdentityPlan(profile, environment: environmentWebIdentity) {
            return .provider(webIdentity)
        }
        if let keys = try staticKeys(shared.credentials?.profiles[name], profile: name) { return .provider(keys) }
        if let entry = profile?.entries["credential_process"] {
            guard let command = entry.string, !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("\(entry.path):\(entry.line): credential_process of profile \"\(name)\" is empty")
            }
            return .provider(ProcessCredentialProvider(command: command, context: context, sourceName: sourceName))
        }
        if let keys = try staticKeys(shared.config?.profiles[name], profile: name) { return .provider(keys) }

        let reason: String
        if profile == nil {
            reason = "profile \"\(name)\" not found in \(shared.searchedPaths)"
        } else if let profile, profile.contains("sso_session") || profile.contains("sso_start_url") {
            reason =
                "profile \"\(name)\" uses IAM Identity Center (sso_*), which TransferWatch does not read; add "
                + "credential_process = aws configure export-credentials --profile \(name) --format process"
        } else {
            reason =
                "profile \"\(name)\" has no credentials (no aws_access_key_id, role_arn, "
                + "web_identity_token_file or credential_process) in \(shared.searchedPaths)"
        }
        var attempts: [(source: String, reason: String)] = []
        if environmentWebIdentity { attempts.append(("web identity", "AWS_WEB_IDENTITY_TOKEN_FILE not set")) }
        attempts.append((sourceName, reason))
        return .unavailable(attempts)
    }

    /// botocore's `_has_assume_role_config_vars`: `role_arn` without `web_identity_token_file`.
    static func assumesRole(_ profile: SharedConfigFile.Properties) -> Bool {
        profile.contains("role_arn") && !profile.contains("web_identity_token_file")
    }

    /// botocore's `_has_static_credentials`.
    static func hasStaticKeys(_ profile: SharedConfigFile.Properties) -> Bool {
        profile.contains("aws_access_key_id") || profile.contains("aws_secret_access_key")
    }

    // MARK: Assume role

    private mutating func assumeRolePlan(
        _ profile: SharedConfigFile.Properties
    ) throws(CredentialError) -> any CredentialProvider {
        let name = profile.name
        guard let roleEntry = profile.entries["role_arn"], let roleARN = roleEntry.string, !roleARN.isEmpty else {
            throw fail("profile \"\(name)\" has an empty role_arn")
        }
        let location = "\(roleEntry.path):\(roleEntry.line)"
        let sourceProfile = profile["source_profile"]
        let credentialSource = profile["credential_source"]
        if sourceProfile != nil && credentialSource != nil {
            throw fail("\(location): profile \"\(name)\" sets both source_profile and credential_source; keep one")
        }
        if profile.contains("mfa_serial") {
            throw fail(
                "\(location): profile \"\(name)\" sets mfa_serial, "
                    + "but TransferWatch runs unattended and cannot prompt for an MFA code")
        }
        var role = AssumeRoleCredentialProvider.Role(
            arn: roleARN, sessionName: profile["role_session_name"], externalID: profile["external_id"])
        // botocore ignores a duration_seconds that is not an integer.
        role.durationSeconds = profile["duration_seconds"].flatMap { Int($0) }

        let source: any CredentialProvider
        if let credentialSource {
            source = try namedSource(credentialSource, profile: name)
        } else if let sourceProfile {
            source = try sourceProfilePlan(sourceProfile, parent: name)
        } else {
            throw fail(
                "\(location): profile \"\(name)\" sets role_arn but neither source_profile nor credential_source")
        }
        return AssumeRoleCredentialProvider(
            role: role, source: CachingCredentialProvider(wrapping: source, now: context.now),
            context: context, shared: shared, sourceName: sourceName)
    }

    private func namedSource(_ name: String, profile: String) throws(CredentialError) -> any CredentialProvider {
        switch name.lowercased() {
        case "environment": return EnvironmentCredentialProvider(environment: context.environment)
        case "ecscontainer": return ContainerCredentialProvider(context: context)
        case "ec2instancemetadata": return InstanceMetadataCredentialProvider(context: context, shared: shared)
        default:
            throw fail(
                "profile \"\(profile)\" has credential_source \"\(name)\"; it must be one of "
                    + Self.credentialSources.joined(separator: ", "))
        }
    }

    /// botocore's `_validate_source_profile` and `_resolve_credentials_from_profile`.
    private mutating func sourceProfilePlan(
        _ sourceName: String, parent: String
    ) throws(CredentialError) -> any CredentialProvider {
        guard let source = shared.profile(sourceName) else {
            throw fail(
                "the source_profile \"\(sourceName)\" of profile \"\(parent)\" not found in \(shared.searchedPaths)")
        }
        if visited.contains(sourceName) {
            // A profile may name itself to take static keys from its own section; anything else is a loop.
            guard sourceName == parent, Self.hasStaticKeys(source) else {
                throw fail(
                    "source_profile cycle: \((visited + [sourceName]).map { "\"\($0)\"" }.joined(separator: " → "))")
            }
        }
        visited.append(sourceName)
        if Self.hasStaticKeys(source) || !Self.assumesRole(source) {
            switch try plan(
                profile: sourceName, isTop: false, environmentWebIdentity: false, namedBy: .implicit,
                includesAssumeRole: false)
            {
            case .provider(let provider):
                return provider
            case .unavailable:
                throw fail("the source_profile \"\(sourceName)\" of profile \"\(parent)\" has no credentials")
            }
        }
        return try assumeRolePlan(source)
    }

    // MARK: Web identity and static keys

    private func webIdentityPlan(
        _ profile: SharedConfigFile.Properties?, environment: Bool
    ) throws(CredentialError) -> (any CredentialProvider)? {
        func setting(_ variable: String, _ key: String) -> String? {
            if environment, let value = context.variable(variable) { return value }
            return profile?[key].flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let tokenFile = setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file") else { return nil }
        guard let roleARN = setting("AWS_ROLE_ARN", "role_arn") else {
            let origin =
                environment && context.variable("AWS_WEB_IDENTITY_TOKEN_FILE") != nil
                ? "AWS_WEB_IDENTITY_TOKEN_FILE is set"
                : "profile \"\(profile?.name ?? "")\" sets web_identity_token_file"
            throw CredentialError(
                source: "web identity", reason: "\(origin) but no role ARN (AWS_ROLE_ARN or role_arn)")
        }
        let configuration = WebIdentityCredentialProvider.Configuration(
            tokenFile: tokenFile, roleARN: roleARN, sessionName: setting("AWS_ROLE_SESSION_NAME", "role_session_name"))
        return WebIdentityCredentialProvider(configuration: configuration, context: context, shared: shared)
    }

    /// Static keys from one file's section, when it has `aws_access_key_id` (botocore's test).
    private func staticKeys(
        _ section: SharedConfigFile.Properties?, profile name: String
    ) throws(CredentialError) -> (any CredentialProvider)? {
        guard let section, let keyEntry = section.entries["aws_access_key_id"] else { return nil }
        let place = "\(keyEntry.path):\(keyEntry.line)"
        guard let accessKeyID = keyEntry.string, !accessKeyID.isEmpty else {
            throw fail("\(place): aws_access_key_id of profile \"\(name)\" is empty")
        }
        guard let secretEntry = section.entries["aws_secret_access_key"] else {
            throw fail("\(place): profile \"\(name)\" sets aws_access_key_id but not aws_secret_access_key")
        }
        guard let secret = secretEntry.string, !secret.isEmpty else {
            throw fail("\(secretEntry.path):\(secretEntry.line): aws_secret_access_key of profile \"\(name)\" is empty")
        }
        // botocore reads the legacy name first.
        let token = (section["aws_security_token"] ?? section["aws_session_token"]).flatMap { $0.isEmpty ? nil : $0 }
        let credentials = AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token,
            source: "profile \(name) in \(keyEntry.path)")
        return StaticCredentialProvider(credentials)
    }
}
