import Foundation
import Logging

/// Credentials from the container credentials endpoint: ECS task roles and EKS Pod Identity (botocore's
/// `ContainerProvider` and `ContainerMetadataFetcher`).
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` → `GET http://169.254.170.2<uri>`; otherwise
///   `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which may use plain http only to a loopback address, `localhost`,
///   `169.254.170.2`, `169.254.170.23` or `fd00:ec2::23` (https may go anywhere).
/// - `Authorization` comes from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read again on every fetch, since EKS
///   rotates it) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`; a token containing CR or LF is refused.
/// - Each attempt has a 2 s deadline; 3 attempts, 1 s apart. The answer is
///   `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`.
package struct ContainerCredentialProvider: CredentialSource {
    /// The ECS credentials host for relative URIs.
    package static let ecsHost = "169.254.170.2"
    /// Hosts allowed over plain http besides loopback addresses.
    package static let allowedHTTPHosts = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]

    /// `container`.
    package let sourceName = "container"
    private let context: CredentialContext
    private let timeout: Duration
    private let attempts: Int
    private let retryDelay: Duration

    /// - Parameters:
    ///   - timeout: each attempt's deadline.
    ///   - attempts: how many times to try.
    ///   - retryDelay: the wait between attempts (through the context's sleeper).
    package init(
        context: CredentialContext, timeout: Duration = .seconds(2), attempts: Int = 3,
        retryDelay: Duration = .seconds(1)
    ) {
        self.context = context
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.retryDelay = retryDelay
    }

    /// Fetches from the configured endpoint, or reports that none is configured.
    package func resolve() async throws(CredentialError) -> CredentialResolution {
        let url: String
        if let relative = context.variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            url = "http://\(Self.ecsHost)\(relative.hasPrefix("/") ? "" : "/")\(relative)"
        } else if let full = context.variable("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            url = full
            try validateFullURI(full)
        } else {
            return .unavailable(
                sourceName, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set")
        }
        let token = try authorizationToken()
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let token { headers["Authorization"] = token }
        guard let request = MetadataHTTP.request("GET", url: url, headers: headers) else {
            throw CredentialError(source: sourceName, reason: "\(url) is not an http(s) URL")
        }
        let secrets = [token].compactMap { $0 }
        var lastFailure = ""
        for attempt in 1...attempts {
            if attempt > 1 {
                do { try await context.sleeper.sleep(for: retryDelay) } catch { break }
            }
            let response: HTTPResponse
            do {
                response = try await context.transport.send(request, timeout: timeout)
            } catch {
                lastFailure = "cannot reach \(url): \(error)"
                continue
            }
            guard response.status == 200 else {
                let body = MetadataHTTP.excerpt(response)
                lastFailure = "HTTP \(response.status) from \(url)\(body.isEmpty ? "" : ": \(body)")"
                continue
            }
            guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
                lastFailure = "the response from \(url) is not a JSON object"
                continue
            }
            return .found(try credentials(from: object, url: url))
        }
        let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        throw CredentialError(source: sourceName, reason: "\(lastFailure) (after \(tries))", scrubbing: secrets)
    }

    private func validateFullURI(_ full: String) throws(CredentialError) {
        guard let components = URLComponents(string: full), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw CredentialError(
                source: sourceName, reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL: \(full)")
        }
        switch scheme {
        case "https":
            return
        case "http":
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            if MetadataHTTP.isLoopback(bare) { return }
            let allowed = Self.allowedHTTPHosts.contains { candidate in
                if candidate.caseInsensitiveEquals(bare) { return true }
                guard let a = MetadataHTTP.addressBytes(candidate), let b = MetadataHTTP.addressBytes(bare) else {
                    return false
                }
                return a == b
            }
            guard allowed else {
                throw CredentialError(
                    source: sourceName,
                    reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI may use plain http only to a loopback address or "
                        + "\(Self.allowedHTTPHosts.joined(separator: ", ")), not '\(bare)'; use https")
            }
        default:
            throw CredentialError(
                source: sourceName, reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL: \(full)")
        }
    }

    /// The `Authorization` value: the token file's contents (read now), else the token variable.
    private func authorizationToken() throws(CredentialError) -> String? {
        let token: String
        let origin: String
        if let path = context.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            do {
                token = try context.readText(path, what: "container authorization token file")
            } catch {
                throw CredentialError(source: sourceName, reason: error.message)
            }
            origin = "the token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (\(path))"
        } else if let value = context.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            token = value
            origin = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
        } else {
            return nil
        }
        guard !token.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw CredentialError(
                source: sourceName, reason: "\(origin) contains a line break, which is not allowed in an HTTP header")
        }
        return token
    }

    private func credentials(from object: [String: Any], url: String) throws(CredentialError) -> AWSCredentials {
        func field(_ name: String) throws(CredentialError) -> String {
            guard let value = object[name] as? String, !value.isEmpty else {
                throw CredentialError(source: sourceName, reason: "the response from \(url) has no \(name)")
            }
            return value
        }
        let accessKeyID = try field("AccessKeyId")
        let secret = try field("SecretAccessKey")
        let token = try field("Token")
        let expirationText = try field("Expiration")
        guard let expiration = AWSDate.parseISO8601(expirationText) else {
            throw CredentialError(
                source: sourceName, reason: "the Expiration from \(url) is not an ISO-8601 time: \(expirationText)")
        }
        context.logger.debug("found container credentials", metadata: ["credentials.source": "\(sourceName)"])
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration,
            source: sourceName)
    }
}
