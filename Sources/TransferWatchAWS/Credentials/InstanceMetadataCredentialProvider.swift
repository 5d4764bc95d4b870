import Foundation
import Logging

/// The instance role's credentials from the EC2 instance metadata service, IMDSv2 first (botocore's
/// `InstanceMetadataProvider` and `InstanceMetadataFetcher`).
///
/// 1. `PUT /latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds: 21600`. A 403, 404 or 405, a timeout,
///    or running out of attempts falls back to IMDSv1 (no token) unless `AWS_EC2_METADATA_V1_DISABLED=true`;
///    a 400 ends the search.
/// 2. `GET /latest/meta-data/iam/security-credentials/` gives the role name, then `GET …/<role>` gives
///    `{Code, AccessKeyId, SecretAccessKey, Token, Expiration}`, both with `x-aws-ec2-metadata-token`.
///    A 200 whose `Code` is not `Success` is a failure carrying its `Message`.
///
/// Settings come from the environment, then the selected profile: `AWS_EC2_METADATA_DISABLED`,
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` / `ec2_metadata_service_endpoint`,
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` / `ec2_metadata_service_endpoint_mode` (`IPv6` →
/// `http://[fd00:ec2::254]`), `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled`,
/// `AWS_METADATA_SERVICE_TIMEOUT` / `metadata_service_timeout` (seconds, default 1) and
/// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` / `metadata_service_num_attempts` (default 1).
///
/// Like botocore, credentials that arrive already close to expiry (the service could not rotate them) get their
/// expiry pushed 17 to 25 minutes ahead, so an instance keeps working through a metadata-service outage.
/// Every failure is "unavailable" (the chain moves on), as botocore returns nothing rather than raising.
package struct InstanceMetadataCredentialProvider: CredentialSource {
    /// The IPv4 endpoint.
    package static let ipv4Endpoint = "http://169.254.169.254"
    /// The IPv6 endpoint.
    package static let ipv6Endpoint = "http://[fd00:ec2::254]"
    static let tokenPath = "latest/api/token"
    static let credentialsPath = "latest/meta-data/iam/security-credentials/"
    static let tokenTTLSeconds = "21600"
    /// How long before expiry botocore wants IMDS credentials refreshed (plus 2–10 minutes of jitter).
    static let refreshWindow: TimeInterval = 15 * 60

    /// The resolved settings.
    package struct Settings: Sendable, Equatable {
        /// `AWS_EC2_METADATA_DISABLED=true`.
        package var isDisabled: Bool
        /// The base URL, e.g. `http://169.254.169.254`.
        package var endpoint: String
        /// No IMDSv1 fallback.
        package var isV1Disabled: Bool
        /// Each request's deadline.
        package var timeout: Duration
        /// Attempts per request.
        package var attempts: Int
        /// The variable or key that disabled IMDSv1, for messages.
        package var v1DisabledBy: String

        /// Settings; the defaults are botocore's.
        package init(
            isDisabled: Bool = false, endpoint: String = InstanceMetadataCredentialProvider.ipv4Endpoint,
            isV1Disabled: Bool = false,
            timeout: Duration = .seconds(1), attempts: Int = 1, v1DisabledBy: String = "AWS_EC2_METADATA_V1_DISABLED"
        ) {
            self.isDisabled = isDisabled
            self.endpoint = endpoint
            self.isV1Disabled = isV1Disabled
            self.timeout = timeout
            self.attempts = attempts
            self.v1DisabledBy = v1DisabledBy
        }
    }

    /// `instance metadata`.
    package let sourceName = "instance metadata"
    private let context: CredentialContext
    private let shared: SharedConfigFiles?

    /// - Parameter shared: the shared config whose selected profile may hold IMDS settings; read from the
    ///   context when `nil`.
    package init(context: CredentialContext, shared: SharedConfigFiles? = nil) {
        self.context = context
        self.shared = shared
    }

    /// Reads the settings from the environment, then from `profile`.
    /// - Throws: ``CredentialError`` for an unknown endpoint mode, a malformed endpoint or a non-numeric setting.
    package static func settings(
        environment: [String: String], profile: SharedConfigFile.Properties?
    ) throws(CredentialError) -> Settings {
        let source = "instance metadata"
        func setting(_ variable: String, _ key: String) -> (value: String, origin: String)? {
            if let value = environment[variable], !value.isEmpty { return (value, variable) }
            if let entry = profile?.entries[key], let value = entry.string, !value.isEmpty {
                return (value, "\(entry.path):\(entry.line): \(key)")
            }
            return nil
        }
        var settings = Settings()
        settings.isDisabled = environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true"
        if let v1 = setting("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled") {
            settings.isV1Disabled = v1.value.lowercased() == "true"
            settings.v1DisabledBy = v1.origin
        }
        let mode = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode")
        if let mode, !["ipv4", "ipv6"].contains(mode.value.lowercased()) {
            throw CredentialError(
                source: source, reason: "\(mode.origin) is '\(mode.value)'; the endpoint modes are IPv4 and IPv6")
        }
        if let endpoint = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint") {
            guard MetadataHTTP.request("GET", url: endpoint.value) != nil,
                let scheme = URLComponents(string: endpoint.value)?.scheme?.lowercased(),
                ["http", "https"].contains(scheme)
            else {
                throw CredentialError(
                    source: source, reason: "\(endpoint.origin) is not an http(s) URL: \(endpoint.value)")
            }
            settings.endpoint = endpoint.value
        } else if mode?.value.lowercased() == "ipv6" {
            settings.endpoint = ipv6Endpoint
        }
        if let timeout = setting("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout") {
            guard let seconds = Double(timeout.value), seconds > 0, seconds.isFinite else {
                throw CredentialError(
                    source: source, reason: "\(timeout.origin) must be a number of seconds, not '\(timeout.value)'")
            }
            settings.timeout = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        if let attempts = setting("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts") {
            guard let count = Int(attempts.value), count >= 1 else {
                throw CredentialError(
                    source: source,
                    reason: "\(attempts.origin) must be a whole number of at least 1, not '\(attempts.value)'")
            }
            settings.attempts = count
        }
        return settings
    }

    /// Runs the IMDSv2 (or v1) exchange; every failure is reported as unavailable.
    package func resolve() async throws(CredentialError) -> CredentialResolution {
        if context.flag("AWS_EC2_METADATA_DISABLED") {
            return .unavailable(sourceName, "disabled by AWS_EC2_METADATA_DISABLED")
        }
        let profile = (shared ?? (try? context.sharedConfig()))?.selectedProfile
        let settings = try Self.settings(environment: context.environment, profile: profile)
        let base = settings.endpoint

        let token: String?
        switch await fetchToken(settings) {
        case .token(let value):
            token = value
        case .fallback(let why):
            guard !settings.isV1Disabled else {
                return .unavailable(
                    sourceName, "no IMDSv2 token (\(why)) and IMDSv1 is disabled by \(settings.v1DisabledBy)")
            }
            context.logger.debug("falling back to IMDSv1", metadata: ["imds.reason": "\(why)"])
            token = nil
        case .refused(let why):
            return .unavailable(sourceName, why)
        }
        var headers: HTTPHeaders = [:]
        if let token { headers["x-aws-ec2-metadata-token"] = token }

        let roleURL = MetadataHTTP.join(base, Self.credentialsPath)
        let roleResponse: HTTPResponse
        switch await get(roleURL, headers: headers, settings: settings, needsJSON: false) {
        case .success(let response): roleResponse = response
        case .failure(let failure): return .unavailable(sourceName, failure.message)
        }
        let role =
            roleResponse.bodyText.split(whereSeparator: \.isNewline).first.map {
                $0.trimmingCharacters(in: .whitespaces)
            } ?? ""
        guard !role.isEmpty else { return .unavailable(sourceName, "no IAM role is attached to this instance") }

        let credentialsURL = roleURL + role
        let response: HTTPResponse
        switch await get(credentialsURL, headers: headers, settings: settings, needsJSON: true) {
        case .success(let value): response = value
        case .failure(let failure): return .unavailable(sourceName, failure.message)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            return .unavailable(sourceName, "the credentials of role \(role) are not a JSON object")
        }
        if let code = object["Code"] as? String, code != "Success" {
            let message = (object["Message"] as? String).map { ": \($0)" } ?? ""
            return .unavailable(
                sourceName, "the metadata service refused credentials for role \(role): \(code)\(message)")
        }
        func field(_ name: String) -> String? { (object[name] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        guard let accessKeyID = field("AccessKeyId"), let secret = field("SecretAccessKey"), let token = field("Token"),
            let expirationText = field("Expiration")
        else {
            let missing =
                ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"].first { field($0) == nil } ?? "AccessKeyId"
            return .unavailable(sourceName, "the credentials of role \(role) have no \(missing)")
        }
        guard let reportedExpiration = AWSDate.parseISO8601(expirationText) else {
            return .unavailable(sourceName, "the Expiration of role \(role) is not an ISO-8601 time: \(expirationText)")
        }
        let expiration = extendedExpiration(reportedExpiration, role: role)
        context.logger.debug(
            "found instance role credentials",
            metadata: ["credentials.source": "\(sourceName)", "credentials.role": "\(role)"])
        return .found(
            AWSCredentials(
                accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration,
                source: "\(sourceName) (role \(role))"))
    }

    // MARK: - Steps

    private enum TokenOutcome {
        case token(String)
        /// No token; IMDSv1 may be tried.
        case fallback(String)
        /// A 400: stop.
        case refused(String)
    }

    private func fetchToken(_ settings: Settings) async -> TokenOutcome {
        let url = MetadataHTTP.join(settings.endpoint, Self.tokenPath)
        guard
            let request = MetadataHTTP.request(
                "PUT", url: url, headers: ["x-aws-ec2-metadata-token-ttl-seconds": Self.tokenTTLSeconds])
        else {
            return .refused("\(url) is not an http(s) URL")
        }
        var why = "no attempt made"
        for _ in 0..<settings.attempts {
            do {
                let response = try await context.transport.send(request, timeout: settings.timeout)
                switch response.status {
                case 200:
                    let token = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
                    if token.isEmpty { return .fallback("the token response from \(url) was empty") }
                    return .token(token)
                case 403, 404, 405:
                    return .fallback("HTTP \(response.status) from PUT \(url)")
                case 400:
                    return .refused("the metadata service refused the token request: HTTP 400 from PUT \(url)")
                default:
                    why = "HTTP \(response.status) from PUT \(url)"
                }
            } catch let error as TransportError where error.isTimeout {
                return .fallback("PUT \(url) timed out")
            } catch {
                why = "cannot reach \(url): \(error)"
            }
        }
        return .fallback(why)
    }

    private struct Failure: Error { var message: String }

    /// GETs `url`, retrying (up to the attempt count) on errors, non-200s, empty bodies and, when `needsJSON`, bodies
    /// that are not JSON.
    private func get(
        _ url: String, headers: HTTPHeaders, settings: Settings, needsJSON: Bool
    ) async -> Result<HTTPResponse, Failure> {
        guard let request = MetadataHTTP.request("GET", url: url, headers: headers) else {
            return .failure(Failure(message: "\(url) is not an http(s) URL"))
        }
        var why = "no attempt made"
        for _ in 0..<settings.attempts {
            do {
                let response = try await context.transport.send(request, timeout: settings.timeout)
                if response.status != 200 {
                    why =
                        response.status == 404 && !needsJSON
                        ? "HTTP 404 from \(url): no IAM role is attached to this instance"
                        : "HTTP \(response.status) from \(url)"
                } else if response.body.isEmpty {
                    why = "an empty response from \(url)"
                } else if needsJSON, (try? JSONSerialization.jsonObject(with: response.body)) == nil {
                    why = "the response from \(url) is not JSON"
                } else {
                    return .success(response)
                }
            } catch {
                why = "cannot reach \(url): \(error)"
            }
        }
        return .failure(Failure(message: why))
    }

    /// botocore's `_evaluate_expiration`: when `expiration` is within 15 minutes plus 2–10 minutes of jitter, use
    /// now plus that offset instead, so stale credentials are retried later rather than abandoned.
    private func extendedExpiration(_ expiration: Date, role: String) -> Date {
        let now = context.now()
        let jitter = 120 + Int(context.random.nextUnitInterval() * 481)
        let offset = Self.refreshWindow + TimeInterval(min(jitter, 600))
        guard now >= expiration.addingTimeInterval(-offset) else { return expiration }
        context.logger.warning(
            "instance metadata returned credentials close to expiry; extending their use",
            metadata: [
                "credentials.role": "\(role)", "credentials.retry_in_seconds": "\(Int(offset))",
            ])
        return now.addingTimeInterval(offset)
    }
}
