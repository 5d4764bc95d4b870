import TransferWatchAWS
import TransferWatchConfig

/// The policies of the SFTP users' access: the role's own policy, the per-user session policy, and the role's
/// trust policy.
///
/// **Why two permission policies.** Transfer Family's `${transfer:UserName}` can only be used in a *session
/// policy* (CreateUser's `Policy` parameter); AWS documents that it cannot appear in a managed policy or in a
/// role's own policy. So the role (`sftp.userRole`) is limited to the source bucket (``role(configuration:scope:)``),
/// and each user's sessions are narrowed to their own prefix `<username>/` by ``session(configuration:scope:)``,
/// which provisioning passes when it creates the user. What a session may do is the intersection of the two. The
/// LOGICAL home (`/` → `/<source bucket>/<username>`) already keeps the user there; the session policy makes S3
/// enforce it too.
///
/// **What an SFTP upload needs.** Transfer writes an upload with `PutObject`, or a multipart upload (also
/// `s3:PutObject`) that it aborts when the client disconnects (`s3:AbortMultipartUpload`); `ls` is a ListObjectsV2
/// with the user's prefix (`s3:ListBucket`, limited by `s3:prefix`); `stat` after an upload is a HeadObject
/// (`s3:GetObject`). `s3:DeleteObject` is not granted: an uploaded invoice is evidence, and the agent moves it
/// away within seconds anyway. Clients must therefore upload under the final name (WinSCP: turn off "transfer to
/// temporary filename"), because a rename is a copy and a delete on S3.
package enum SFTPUserPolicy {
    /// The policy variable Transfer replaces with the user's name in a session policy.
    package static let userNameVariable = "${transfer:UserName}"
    /// The longest session policy CreateUser accepts, in characters.
    package static let maximumSessionPolicyLength = 2048

    /// What an SFTP user does to objects, from the same operation tables the client uses.
    static var objectActions: [String] {
        let operations = [
            S3Client.Operations.putObject, S3Client.Operations.createMultipartUpload,
            S3Client.Operations.completeMultipartUpload, S3Client.Operations.abortMultipartUpload,
            S3Client.Operations.getObject,
        ]
        return Array(Set(operations.flatMap(\.iamActions))).sorted()
    }

    /// Listing a folder.
    static var listActions: [String] { S3Client.Operations.listObjectsV2.iamActions }

    /// The user role's own policy: the source bucket's objects and listing, nothing per user (see the type's doc).
    package static func role(configuration: Configuration, scope: PolicyScope) -> PolicyDocument {
        let bucket = "arn:\(scope.partition):s3:::\(configuration.buckets.source)"
        return PolicyDocument(statements: [
            .init(sid: "ListSourceBucket", actions: listActions, resources: [bucket]),
            .init(sid: "SourceObjects", actions: objectActions, resources: ["\(bucket)/*"]),
        ])
    }

    /// The session policy provisioning passes to CreateUser (`Policy`): each user limited to `<username>/` in
    /// the source bucket. Its compact JSON (``PolicyDocument/json(pretty:)`` with `pretty: false`) is what
    /// CreateUser takes, at most 2048 characters; with a 63-character bucket name it has well under 700.
    package static func session(configuration: Configuration, scope: PolicyScope) -> PolicyDocument {
        let bucket = "arn:\(scope.partition):s3:::\(configuration.buckets.source)"
        return PolicyDocument(statements: [
            .init(
                sid: "ListOwnPrefix", actions: listActions, resources: [bucket],
                conditions: [
                    .init("StringLike", "s3:prefix", ["\(userNameVariable)/*", userNameVariable])
                ]),
            .init(sid: "OwnObjects", actions: objectActions, resources: ["\(bucket)/\(userNameVariable)/*"]),
        ])
    }

    /// The user role's trust policy: Transfer Family may assume it, on behalf of a user of this account and
    /// region only (`aws:SourceAccount`, `aws:SourceArn`: the confused-deputy guard AWS recommends; Transfer
    /// assumes a user role in the context of the user's ARN).
    package static func trust(scope: PolicyScope) -> PolicyDocument {
        PolicyDocument(statements: [
            .init(
                sid: "TransferAssumesRoleForUsers", principal: ("Service", "transfer.amazonaws.com"),
                actions: ["sts:AssumeRole"], resources: [],
                conditions: [
                    .init("StringEquals", "aws:SourceAccount", [scope.account]),
                    .init(
                        "ArnLike", "aws:SourceArn",
                        ["arn:\(scope.partition):transfer:\(scope.region):\(scope.account):user/*"]),
                ])
        ])
    }
}
