import Foundation

/// An IAM access key created in moto by ``MotoServer/makeCredentials(userName:)``.
package struct MotoCredentials: Sendable, Equatable {
    /// The access key id (`AKIA...`).
    package var accessKeyID: String
    /// The secret access key.
    package var secretAccessKey: String

    /// Creates credentials from their two parts (tests also forge wrong ones this way).
    package init(accessKeyID: String, secretAccessKey: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }
}

/// moto's signature enforcement, driven through `POST /moto-api/reset-auth`.
///
/// moto counts requests that reach an authorisation check: while fewer than `INITIAL_NO_AUTH_ACTION_COUNT`
/// have been served, a request passes unchecked; after that, each one must carry a valid SigV4 signature
/// from an IAM access key moto knows, and that key's policies must allow the action. `reset-auth` sets the
/// count and restarts the counter.
///
/// A test that verifies signatures:
///
/// ```swift
/// let moto = try await MotoServer.start(verifySignatures: true, logger: logger)
/// let credentials = try await moto.makeCredentials()   // created unauthenticated, enforcement restored
/// // ... sign with credentials; a bad signature now gets 403 SignatureDoesNotMatch
/// ```
extension MotoServer {
    /// Lets the next `count` requests through unchecked, then verifies every request's signature.
    ///
    /// `0` verifies from the next request on. The count includes only requests that reach moto's
    /// authorisation check (service calls, not `/moto-api/`).
    ///
    /// - Parameter count: How many requests may still pass without a valid signature.
    /// - Throws: ``MotoServerError/motoAPIFailed(path:status:body:)`` or a transport error.
    package func enforceAuthentication(afterUnauthenticatedRequests count: Int) async throws {
        try await resetAuthentication(to: String(count))
    }

    /// Stops verifying signatures: every request passes (moto's default, an infinite count).
    package func disableAuthentication() async throws {
        try await resetAuthentication(to: "inf")
    }

    /// Creates an IAM user allowed to do everything (`Action: *`, `Resource: *`) and an access key for it.
    ///
    /// Runs with verification off and then restores the previous setting (which restarts moto's counter).
    ///
    /// - Parameter userName: The IAM user to create; must not exist yet.
    /// - Returns: The new access key.
    /// - Throws: ``MotoServerError/motoAPIFailed(path:status:body:)`` when an IAM call fails.
    package func makeCredentials(userName: String = "transferwatch-tests") async throws -> MotoCredentials {
        let previous = try await resetAuthentication(to: "inf")
        do {
            let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
            try await iam([("Action", "CreateUser"), ("UserName", userName)])
            try await iam([
                ("Action", "PutUserPolicy"), ("UserName", userName), ("PolicyName", "allow-all"),
                ("PolicyDocument", policy),
            ])
            let created = try await iam([("Action", "CreateAccessKey"), ("UserName", userName)])
            guard let accessKeyID = Self.firstElement("AccessKeyId", in: created),
                let secretAccessKey = Self.firstElement("SecretAccessKey", in: created)
            else {
                throw MotoServerError.motoAPIFailed(path: "iam:CreateAccessKey", status: 200, body: created)
            }
            try await resetAuthentication(to: previous)
            return MotoCredentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey)
        } catch {
            _ = try? await resetAuthentication(to: previous)
            throw error
        }
    }

    /// POSTs `value` to `/moto-api/reset-auth`.
    ///
    /// - Returns: The previous count as moto reports it (`"inf"`, `"0.0"`), which this method accepts back.
    @discardableResult
    private func resetAuthentication(to value: String) async throws -> String {
        let data = try await callMotoAPI("moto-api/reset-auth", body: Data(value.utf8))
        struct Answer: Decodable {
            var previous: String
            enum CodingKeys: String, CodingKey { case previous = "PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT" }
        }
        return try JSONDecoder().decode(Answer.self, from: data).previous
    }

    @discardableResult
    private func iam(_ parameters: [(String, String)]) async throws -> String {
        let response = try await sendQuery(service: "iam", parameters: parameters + [("Version", "2010-05-08")])
        guard response.status == 200 else {
            throw MotoServerError.motoAPIFailed(
                path: "iam:\(parameters.first?.1 ?? "")", status: response.status, body: response.text)
        }
        return response.text
    }

    /// The text of the first `<name>…</name>` in `xml`; enough for moto's flat IAM answers.
    static func firstElement(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"),
            let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
    }
}
