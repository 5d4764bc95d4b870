import Foundation

/// An IAM user or role as IAM describes it.
package struct IAMEntity: Sendable, Equatable {
    /// The name.
    package var name: String
    /// `AIDA…` for users, `AROA…` for roles.
    package var id: String
    /// The entity's ARN.
    package var arn: String
    /// The IAM path (`/` by default).
    package var path: String
    /// When the entity was created.
    package var createDate: Date?

    /// Makes a value from its parts.
    package init(name: String, id: String, arn: String, path: String = "/", createDate: Date? = nil) {
        self.name = name
        self.id = id
        self.arn = arn
        self.path = path
        self.createDate = createDate
    }
}

/// A typed IAM client (Query protocol, one global endpoint signed as `us-east-1`): the users, keys, roles and
/// inline policies that the emulator tests and `transferwatch policy` checks need.
package struct IAMClient: Sendable {
    /// The operations this client calls, with their IAM actions.
    package enum Operations {
        /// `IAM.CreateUser`.
        package static let createUser = AWSOperation(.iam, "CreateUser")
        /// `IAM.GetUser`.
        package static let getUser = AWSOperation(.iam, "GetUser")
        /// `IAM.DeleteUser`.
        package static let deleteUser = AWSOperation(.iam, "DeleteUser")
        /// `IAM.CreateAccessKey`.
        package static let createAccessKey = AWSOperation(.iam, "CreateAccessKey")
        /// `IAM.ListAccessKeys`.
        package static let listAccessKeys = AWSOperation(.iam, "ListAccessKeys")
        /// `IAM.DeleteAccessKey`.
        package static let deleteAccessKey = AWSOperation(.iam, "DeleteAccessKey")
        /// `IAM.PutUserPolicy`.
        package static let putUserPolicy = AWSOperation(.iam, "PutUserPolicy")
        /// `IAM.GetUserPolicy`.
        package static let getUserPolicy = AWSOperation(.iam, "GetUserPolicy")
        /// `IAM.ListUserPolicies`.
        package static let listUserPolicies = AWSOperation(.iam, "ListUserPolicies")
        /// `IAM.DeleteUserPolicy`.
        package static let deleteUserPolicy = AWSOperation(.iam, "DeleteUserPolicy")
        /// `IAM.CreateRole`.
        package static let createRole = AWSOperation(.iam, "CreateRole")
        /// `IAM.GetRole`.
        package static let getRole = AWSOperation(.iam, "GetRole")
        /// `IAM.DeleteRole`.
        package static let deleteRole = AWSOperation(.iam, "DeleteRole")
        /// `IAM.PutRolePolicy`.
        package static let putRolePolicy = AWSOperation(.iam, "PutRolePolicy")
        /// `IAM.DeleteRolePolicy`.
        package static let deleteRolePolicy = AWSOperation(.iam, "DeleteRolePolicy")

        /// Every operation above.
        package static let all: [AWSOperation] = [
            createUser, getUser, deleteUser, createAccessKey, listAccessKeys, deleteAccessKey, putUserPolicy,
            getUserPolicy,
            listUserPolicies, deleteUserPolicy, createRole, getRole, deleteRole, putRolePolicy, deleteRolePolicy,
        ]
    }

    /// The underlying AWS client.
    package let client: AWSClient

    /// A client for the context's IAM endpoint.
    package init(context: AWSClient.Context) {
        client = AWSClient(service: .iam, context: context)
    }

    /// A client over an existing ``AWSClient`` (whose service must be IAM).
    package init(client: AWSClient) {
        precondition(client.service == .iam, "IAMClient needs an IAM AWSClient")
        self.client = client
    }

    // MARK: Users

    /// Creates a user.
    ///
    /// - Throws: ``AWSError``; `EntityAlreadyExists` (HTTP 409) when the name is taken.
    @discardableResult
    package func createUser(name: String, path: String? = nil) async throws(AWSError) -> IAMEntity {
        let operation = Operations.createUser
        var parameters = [("UserName", name)]
        if let path { parameters.append(("Path", path)) }
        return try entity(
            try await client.queryCall(operation, parameters)["User"], operation, id: "UserId", name: "UserName")
    }

    /// Describes a user.
    ///
    /// - Throws: ``AWSError``; `NoSuchEntity` (``AWSError/isNotFound``) when there is none.
    package func getUser(name: String) async throws(AWSError) -> IAMEntity {
        let operation = Operations.getUser
        return try entity(
            try await client.queryCall(operation, [("UserName", name)])["User"], operation, id: "UserId",
            name: "UserName")
    }

    /// Deletes a user; with `cascade`, first deletes its access keys and inline policies (IAM refuses to delete
    /// a user that still has them, with `DeleteConflict`).
    package func deleteUser(name: String, cascade: Bool = false) async throws(AWSError) {
        if cascade {
            for keyID in try await listAccessKeys(userName: name) {
                try await deleteAccessKey(userName: name, accessKeyID: keyID)
            }
            for policy in try await listUserPolicies(userName: name) {
                try await deleteUserPolicy(userName: name, policyName: policy)
            }
        }
        _ = try await client.queryCall(Operations.deleteUser, [("UserName", name)])
    }

    /// Creates an access key for a user.
    ///
    /// - Returns: long-term credentials (no session token, no expiry); the secret is only ever shown here.
    package func createAccessKey(userName: String) async throws(AWSError) -> AWSCredentials {
        let operation = Operations.createAccessKey
        let result = try await client.queryCall(operation, [("UserName", userName)])
        guard let key = result["AccessKey"], let keyID = key.string("AccessKeyId"),
            let secret = key.string("SecretAccessKey")
        else {
            throw malformed(operation, "the response has no AccessKey with an ID and secret")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, source: "iam user \(userName)")
    }

    /// The IDs of a user's access keys.
    package func listAccessKeys(userName: String) async throws(AWSError) -> [String] {
        try await listAll(Operations.listAccessKeys, [("UserName", userName)], list: "AccessKeyMetadata") {
            $0.string("AccessKeyId")
        }
    }

    /// Deletes one of a user's access keys.
    package func deleteAccessKey(userName: String, accessKeyID: String) async throws(AWSError) {
        _ = try await client.queryCall(
            Operations.deleteAccessKey, [("UserName", userName), ("AccessKeyId", accessKeyID)])
    }

    /// Adds or replaces an inline policy of a user.
    ///
    /// - Throws: ``AWSError``; `MalformedPolicyDocument` when IAM cannot parse `document`.
    package func putUserPolicy(userName: String, policyName: String, document: String) async throws(AWSError) {
        _ = try await client.queryCall(
            Operations.putUserPolicy,
            [("UserName", userName), ("PolicyName", policyName), ("PolicyDocument", document)])
    }

    /// An inline policy of a user, as JSON text (IAM sends it percent-encoded; this decodes it).
    package func getUserPolicy(userName: String, policyName: String) async throws(AWSError) -> String {
        let operation = Operations.getUserPolicy
        let result = try await client.queryCall(operation, [("UserName", userName), ("PolicyName", policyName)])
        guard let encoded = result.string("PolicyDocument") else {
            throw malformed(operation, "the response has no PolicyDocument")
        }
        return encoded.removingPercentEncoding ?? encoded
    }

    /// The names of a user's inline policies.
    package func listUserPolicies(userName: String) async throws(AWSError) -> [String] {
        try await listAll(Operations.listUserPolicies, [("UserName", userName)], list: "PolicyNames") { $0.text }
    }

    /// Deletes an inline policy of a user.
    package func deleteUserPolicy(userName: String, policyName: String) async throws(AWSError) {
        _ = try await client.queryCall(
            Operations.deleteUserPolicy, [("UserName", userName), ("PolicyName", policyName)])
    }

    // MARK: Roles

    /// Creates a role that the principals in `assumeRolePolicy` (a trust policy document) may assume.
    @discardableResult
    package func createRole(name: String, assumeRolePolicy: String, description: String? = nil) async throws(AWSError)
        -> IAMEntity
    {
        let operation = Operations.createRole
        var parameters = [("RoleName", name), ("AssumeRolePolicyDocument", assumeRolePolicy)]
        if let description { parameters.append(("Description", description)) }
        return try entity(
            try await client.queryCall(operation, parameters)["Role"], operation, id: "RoleId", name: "RoleName")
    }

    /// Describes a role.
    package func getRole(name: String) async throws(AWSError) -> IAMEntity {
        let operation = Operations.getRole
        return try entity(
            try await client.queryCall(operation, [("RoleName", name)])["Role"], operation, id: "RoleId",
            name: "RoleName")
    }

    /// Adds or replaces an inline policy of a role.
    package func putRolePolicy(roleName: String, policyName: String, document: String) async throws(AWSError) {
        _ = try await client.queryCall(
            Operations.putRolePolicy,
            [("RoleName", roleName), ("PolicyName", policyName), ("PolicyDocument", document)])
    }

    /// Deletes an inline policy of a role.
    package func deleteRolePolicy(roleName: String, policyName: String) async throws(AWSError) {
        _ = try await client.queryCall(
            Operations.deleteRolePolicy, [("RoleName", roleName), ("PolicyName", policyName)])
    }

    /// Deletes a role (its inline policies must be deleted first).
    package func deleteRole(name: String) async throws(AWSError) {
        _ = try await client.queryCall(Operations.deleteRole, [("RoleName", name)])
    }

    // MARK: Helpers

    /// Follows `IsTruncated`/`Marker` through every page of a list, collecting `list/member` values.
    private func listAll(
        _ operation: AWSOperation, _ parameters: [(String, String)], list: String,
        _ value: (XMLNode) -> String?
    ) async throws(AWSError) -> [String] {
        var values: [String] = []
        var marker: String?
        repeat {
            let result = try await client.queryCall(operation, parameters + (marker.map { [("Marker", $0)] } ?? []))
            values += (result[list]?.all("member") ?? []).compactMap(value)
            let truncated = result.string("IsTruncated") == "true"
            let next = truncated ? result.string("Marker") : nil
            if truncated, next == nil || next == marker {
                throw malformed(operation, "a truncated page without a new Marker")
            }
            marker = next
        } while marker != nil
        return values
    }

    private func entity(_ node: XMLNode?, _ operation: AWSOperation, id: String, name: String) throws(AWSError)
        -> IAMEntity
    {
        guard let node, let entityName = node.string(name), let entityID = node.string(id), let arn = node.string("Arn")
        else {
            throw malformed(operation, "the response lacks \(name), \(id) or Arn")
        }
        return IAMEntity(
            name: entityName, id: entityID, arn: arn, path: node.string("Path") ?? "/",
            createDate: node.string("CreateDate").flatMap(AWSDate.parseISO8601))
    }

    private func malformed(_ operation: AWSOperation, _ detail: String) -> AWSError {
        AWSError(
            kind: .malformedResponse, service: client.service.id, operation: operation.name, code: "MalformedResponse",
            message: detail)
    }
}
