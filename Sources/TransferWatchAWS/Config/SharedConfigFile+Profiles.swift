import Foundation

extension SharedConfigFile {
    /// The keys of one profile, `[sso-session]` or `[services]` section; a profile may merge keys from both files,
    /// and each key remembers its own file and line.
    package struct Properties: Sendable, Equatable {
        /// The profile (or session, or services) name.
        package var name: String
        /// The keys, lowercase.
        package var entries: [String: Entry]

        /// Properties with the given keys.
        package init(name: String, entries: [String: Entry] = [:]) {
            self.name = name
            self.entries = entries
        }

        init(name: String, section: Section) {
            self.init(
                name: name,
                entries: Dictionary(section.entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first }))
        }

        /// The string value of `key`, or `nil` when it is absent or a sub-section.
        package subscript(key: String) -> String? { entries[key]?.string }

        /// The `name = value` pairs of an indented block under `key`.
        package func subsection(_ key: String) -> [String: String]? {
            if case .subsection(let pairs)? = entries[key]?.value { return pairs }
            return nil
        }

        /// Whether `key` is present at all (botocore tests presence, not emptiness).
        package func contains(_ key: String) -> Bool { entries[key] != nil }

        /// `region`.
        package var region: String? { self["region"].flatMap { $0.isEmpty ? nil : $0 } }

        /// `endpoint_url`: the endpoint for every service of this profile.
        package var endpointURL: URL? {
            get throws(SharedConfigFileError) { try url("endpoint_url") }
        }

        /// `max_attempts`: total attempts per request, the first included.
        package var maxAttempts: Int? {
            get throws(SharedConfigFileError) {
                guard let entry = entries["max_attempts"] else { return nil }
                guard let text = entry.string, let value = Int(text), value >= 1 else {
                    throw .invalidValue(
                        path: entry.path, line: entry.line, key: entry.key, expected: "a whole number of at least 1")
                }
                return value
            }
        }

        /// `retry_mode`: `legacy`, `standard` or `adaptive`.
        package var retryMode: RetryMode? {
            get throws(SharedConfigFileError) {
                guard let entry = entries["retry_mode"] else { return nil }
                guard let mode = entry.string.flatMap(RetryMode.init(rawValue:)) else {
                    throw .invalidValue(
                        path: entry.path, line: entry.line, key: entry.key,
                        expected: "one of legacy, standard, adaptive")
                }
                return mode
            }
        }

        /// `services`: the name of the `[services name]` section this profile uses.
        package var servicesSectionName: String? { self["services"] }

        /// In a `[services name]` section: the indented `endpoint_url` under the service's key
        /// (`s3`, `dynamodb`, `sqs`, `sns`, `sts`, `transfer`, `cloudwatch`).
        package func serviceEndpointURL(for service: AWSService) throws(SharedConfigFileError) -> URL? {
            let key = service.environmentSuffix.lowercased()
            guard let entry = entries[key], let text = subsection(key)?["endpoint_url"] else { return nil }
            return try Self.parseURL(text, entry: entry, key: "\(key).endpoint_url")
        }

        /// The value of `key` as an absolute http(s) URL.
        package func url(_ key: String) throws(SharedConfigFileError) -> URL? {
            guard let entry = entries[key] else { return nil }
            guard let text = entry.string else {
                throw .invalidValue(
                    path: entry.path, line: entry.line, key: key, expected: "a URL such as https://host:port")
            }
            return try Self.parseURL(text, entry: entry, key: key)
        }

        private static func parseURL(_ text: String, entry: Entry, key: String) throws(SharedConfigFileError) -> URL {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme),
                let host = url.host, !host.isEmpty
            else {
                throw .invalidValue(
                    path: entry.path, line: entry.line, key: key, expected: "a URL such as https://host:port")
            }
            return url
        }
    }

    /// The retry modes of the AWS SDKs.
    package enum RetryMode: String, Sendable, Equatable {
        case legacy, standard, adaptive
    }

    /// The profiles this file defines, by name.
    ///
    /// In the credentials file each section is a profile of the same name. In the config file `[default]` and
    /// `[profile name]` are (the name is read with shell quoting: `[profile "my name"]`); a header that does
    /// not split into exactly two words is ignored, as botocore does. When two sections name the same profile
    /// (`[default]` and `[profile default]`), the later one wins.
    package var profiles: [String: Properties] {
        switch kind {
        case .credentials:
            var result: [String: Properties] = [:]
            for section in sections { result[section.name] = Properties(name: section.name, section: section) }
            return result
        case .config:
            var result: [String: Properties] = [:]
            for section in sections {
                if section.name.hasPrefix("profile") {
                    if let name = Self.prefixedName(section.name) {
                        result[name] = Properties(name: name, section: section)
                    }
                } else if section.name == "default" {
                    result["default"] = Properties(name: "default", section: section)
                }
            }
            return result
        }
    }

    /// The `[sso-session name]` sections of the config file.
    package var ssoSessions: [String: Properties] { prefixedSections("sso-session") }

    /// The `[services name]` sections of the config file.
    package var services: [String: Properties] { prefixedSections("services") }

    private func prefixedSections(_ prefix: String) -> [String: Properties] {
        guard kind == .config else { return [:] }
        var result: [String: Properties] = [:]
        for section in sections where section.name.hasPrefix(prefix) {
            if let name = Self.prefixedName(section.name) { result[name] = Properties(name: name, section: section) }
        }
        return result
    }

    /// botocore's `_parse_section`: `shlex.split(header)`, kept only when it gives exactly two words.
    private static func prefixedName(_ header: String) -> String? {
        guard let words = try? ShellWords.split(header), words.count == 2 else { return nil }
        return words[1]
    }
}
