import Foundation

/// The standard AWS environment variables that are layered over the configuration file.
///
/// Each one set to a non-empty value replaces the file's value:
///
/// | variable | replaces |
/// | --- | --- |
/// | `AWS_REGION`, else `AWS_DEFAULT_REGION` | `region` |
/// | `AWS_ENDPOINT_URL` | `endpoint` |
/// | `AWS_ENDPOINT_URL_<SERVICE>` | that service's endpoint (``Configuration/AWS/serviceEndpoints``) |
/// | `AWS_PROFILE` | ``Configuration/AWS/profile`` (no file key) |
/// | `AWS_MAX_ATTEMPTS` | `aws.maxAttempts` |
/// | `AWS_CA_BUNDLE` | `aws.caBundle` (a relative path is relative to the current directory) |
///
/// An empty variable counts as unset, as in the AWS SDKs.
struct EnvironmentLayer {
    var region: String?
    var endpoint: URL?
    var serviceEndpoints: [String: URL] = [:]
    var profile: String?
    var maxAttempts: Int?
    var caBundle: String?

    /// Reads the variables, reporting invalid values to `log`.
    init(_ environment: [String: String], log: DiagnosticLog) {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            guard region == nil, let text = value(name) else { continue }
            if let problem = NameRules.regionProblem(text) {
                log.report(.invalidEnvironment(variable: name, message: problem))
            }
            region = text
        }
        if let text = value("AWS_ENDPOINT_URL") {
            endpoint = Self.url(text, variable: "AWS_ENDPOINT_URL", log: log)
        }
        let prefix = "AWS_ENDPOINT_URL_"
        for name in environment.keys.sorted() where name.hasPrefix(prefix) && name.count > prefix.count {
            guard let text = value(name) else { continue }
            if let url = Self.url(text, variable: name, log: log) {
                serviceEndpoints[String(name.dropFirst(prefix.count)).uppercased()] = url
            }
        }
        profile = value("AWS_PROFILE")
        if let text = value("AWS_MAX_ATTEMPTS") {
            if let attempts = Int(text), attempts >= 1, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                maxAttempts = attempts
            } else {
                log.report(
                    .invalidEnvironment(
                        variable: "AWS_MAX_ATTEMPTS",
                        message: "expected an integer of at least 1, got \(quoted(text))"
                    )
                )
            }
        }
        caBundle = value("AWS_CA_BUNDLE")
    }

    private static func url(_ text: String, variable: String, log: DiagnosticLog) -> URL? {
        guard let url = NameRules.httpURL(text) else {
            log.report(
                .invalidEnvironment(
                    variable: variable,
                    message: "malformed URL \(quoted(text)) (expected an http:// or https:// URL)"
                )
            )
            return nil
        }
        return url
    }
}
