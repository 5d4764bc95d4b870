import Foundation

/// The shared credentials and config files together, and the profile the environment selects: what the AWS SDKs
/// read from `~/.aws`.
///
/// ```swift
/// let shared = try SharedConfigFiles.load(environment: ProcessInfo.processInfo.environment, files: LocalFileReader())
/// let region = shared.selectedProfile?.region
/// let s3Endpoint = try shared.endpointURL(for: .s3)
/// ```
///
/// Paths come from `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` (with `~` and `$VARS` expanded, as botocore
/// does), else `$HOME/.aws/credentials` and `$HOME/.aws/config`. A missing file is simply absent. The profile is
/// `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`.
package struct SharedConfigFiles: Sendable, Equatable {
    /// Where the profile name came from.
    package enum ProfileOrigin: String, Sendable, Equatable {
        /// Nothing named one: `default`.
        case implicit
        case awsProfile = "AWS_PROFILE"
        case awsDefaultProfile = "AWS_DEFAULT_PROFILE"
        /// Passed in by the caller (e.g. a `--profile` flag).
        case explicit = "--profile"
    }

    /// The credentials file's path, whether or not it exists.
    package var credentialsPath: String
    /// The config file's path, whether or not it exists.
    package var configPath: String
    /// The parsed credentials file, `nil` when there is none.
    package var credentials: SharedConfigFile?
    /// The parsed config file, `nil` when there is none.
    package var config: SharedConfigFile?
    /// The selected profile's name.
    package var profileName: String
    /// Where ``profileName`` came from.
    package var profileOrigin: ProfileOrigin

    /// Files already read (``load(environment:files:profile:)`` reads them).
    package init(
        credentialsPath: String, configPath: String, credentials: SharedConfigFile?, config: SharedConfigFile?,
        profileName: String, profileOrigin: ProfileOrigin
    ) {
        self.credentialsPath = credentialsPath
        self.configPath = configPath
        self.credentials = credentials
        self.config = config
        self.profileName = profileName
        self.profileOrigin = profileOrigin
    }

    /// Reads both files.
    /// - Parameters:
    ///   - environment: the process environment (tests pass a dictionary).
    ///   - files: where files are read from.
    ///   - profile: a profile chosen by the caller, which beats `AWS_PROFILE`.
    /// - Throws: ``SharedConfigFileError`` when a file exists but cannot be read or parsed.
    package static func load(
        environment: [String: String], files: any FileReader, profile: String? = nil
    ) throws(SharedConfigFileError) -> SharedConfigFiles {
        let credentialsPath = path(
            environment["AWS_SHARED_CREDENTIALS_FILE"], default: "~/.aws/credentials", environment: environment)
        let configPath = path(environment["AWS_CONFIG_FILE"], default: "~/.aws/config", environment: environment)
        let (name, origin) = selectProfile(environment: environment, explicit: profile)
        return SharedConfigFiles(
            credentialsPath: credentialsPath, configPath: configPath,
            credentials: try read(credentialsPath, kind: .credentials, files: files),
            config: try read(configPath, kind: .config, files: files),
            profileName: name, profileOrigin: origin
        )
    }

    /// The profile name and where it came from: `profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, or `default`.
    package static func selectProfile(
        environment: [String: String], explicit: String? = nil
    ) -> (name: String, origin: ProfileOrigin) {
        if let explicit, !explicit.isEmpty { return (explicit, .explicit) }
        if let name = environment["AWS_PROFILE"], !name.isEmpty { return (name, .awsProfile) }
        if let name = environment["AWS_DEFAULT_PROFILE"], !name.isEmpty { return (name, .awsDefaultProfile) }
        return ("default", .implicit)
    }

    private static func read(
        _ path: String, kind: SharedConfigFile.Kind, files: any FileReader
    ) throws(SharedConfigFileError) -> SharedConfigFile? {
        let data: Data?
        do {
            data = try files.contents(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        guard let data else { return nil }
        return try SharedConfigFile(data: data, path: path, kind: kind)
    }

    // MARK: Profiles

    /// The profile called `name`: the config file's keys, overlaid by the credentials file's section of that name
    /// (botocore's `full_config`). `nil` when neither file has it.
    package func profile(_ name: String) -> SharedConfigFile.Properties? {
        let fromConfig = config?.profiles[name]
        let fromCredentials = credentials?.profiles[name]
        guard fromConfig != nil || fromCredentials != nil else { return nil }
        var merged = fromConfig ?? SharedConfigFile.Properties(name: name)
        for (key, entry) in fromCredentials?.entries ?? [:] { merged.entries[key] = entry }
        return merged
    }

    /// The selected profile, when either file has it.
    package var selectedProfile: SharedConfigFile.Properties? { profile(profileName) }

    /// Whether the selected profile was named by the user (then its absence is an error, not a fallback).
    package var isProfileNamed: Bool { profileOrigin != .implicit }

    /// Both paths, each marked `(absent)` when there is no such file: for "profile not found" messages.
    package var searchedPaths: String {
        "\(credentialsPath)\(credentials == nil ? " (absent)" : ""), \(configPath)\(config == nil ? " (absent)" : "")"
    }

    /// The `[services name]` section the selected profile points at with `services = name`.
    package var selectedServices: SharedConfigFile.Properties? {
        guard let name = selectedProfile?.servicesSectionName else { return nil }
        return config?.services[name]
    }

    /// The `[sso-session name]` section called `name`.
    package func ssoSession(_ name: String) -> SharedConfigFile.Properties? { config?.ssoSessions[name] }

    // MARK: Settings of the selected profile

    /// The selected profile's `region`.
    package var region: String? { selectedProfile?.region }

    /// The configured endpoint for `service`: its `endpoint_url` in the profile's `[services]` section, else the
    /// profile's own `endpoint_url`. (`AWS_ENDPOINT_URL_<SERVICE>` beats both and `AWS_ENDPOINT_URL` beats only
    /// the second; ``EndpointResolver`` applies the environment.)
    package func endpointURL(for service: AWSService) throws(SharedConfigFileError) -> URL? {
        if let url = try serviceEndpointURL(for: service) { return url }
        return try selectedProfile?.endpointURL
    }

    /// Only the `[services]` section's `endpoint_url` for `service`.
    package func serviceEndpointURL(for service: AWSService) throws(SharedConfigFileError) -> URL? {
        try selectedServices?.serviceEndpointURL(for: service)
    }

    /// The selected profile's `max_attempts`.
    package var maxAttempts: Int? {
        get throws(SharedConfigFileError) { try selectedProfile?.maxAttempts }
    }

    /// The selected profile's `retry_mode`.
    package var retryMode: SharedConfigFile.RetryMode? {
        get throws(SharedConfigFileError) { try selectedProfile?.retryMode }
    }

    // MARK: Paths

    /// `value` (or `fallback`) with `$VAR`/`${VAR}` and a leading `~` expanded against `environment`, like
    /// botocore's `os.path.expandvars` then `expanduser`.
    package static func path(_ value: String?, default fallback: String, environment: [String: String]) -> String {
        let raw = (value?.isEmpty == false ? value : nil) ?? fallback
        return expandUser(expandVariables(raw, environment: environment), environment: environment)
    }

    /// `~` and `~/…` become `$HOME…`; `~user` is left alone.
    package static func expandUser(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let trimmedHome = home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
        return trimmedHome + path.dropFirst()
    }

    /// `$NAME` and `${NAME}` become the variable's value; unknown variables stay as written.
    package static func expandVariables(_ text: String, environment: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var index = text.startIndex
        func isNameCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                result.append(character)
                index = text.index(after: index)
                continue
            }
            let afterDollar = text.index(after: index)
            if afterDollar < text.endIndex, text[afterDollar] == "{",
                let close = text[afterDollar...].firstIndex(of: "}")
            {
                let name = String(text[text.index(after: afterDollar)..<close])
                if let value = environment[name], !name.isEmpty {
                    result += value
                } else {
                    result += text[index...close]
                }
                index = text.index(after: close)
            } else {
                let nameEnd = text[afterDollar...].firstIndex { !isNameCharacter($0) } ?? text.endIndex
                let name = String(text[afterDollar..<nameEnd])
                if !name.isEmpty, let value = environment[name] {
                    result += value
                } else {
                    result += "$" + name
                }
                index = nameEnd
            }
        }
        return result
    }
}
