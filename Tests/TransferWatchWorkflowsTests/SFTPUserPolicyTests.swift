import Foundation
import Testing
import TransferWatchAWS
import TransferWatchConfig

@testable import TransferWatchWorkflows

/// The SFTP users' policies: the role's own (the source bucket), the session policy (each user's own prefix,
/// the only place `${transfer:UserName}` works), and the role's trust policy.
@Suite struct SFTPUserPolicyTests {
    static let scope = PolicyScope(partition: "aws", region: "us-east-1", account: "123456789012")

    @Test func theRolePolicyCoversTheSourceBucketAndNothingElse() throws {
        let document = SFTPUserPolicy.role(configuration: try AgentPolicyTests.configuration(), scope: Self.scope)
        #expect(
            document.json() == #"""
                {
                  "Version": "2012-10-17",
                  "Statement": [
                    {
                      "Sid": "ListSourceBucket",
                      "Effect": "Allow",
                      "Action": [
                        "s3:ListBucket"
                      ],
                      "Resource": [
                        "arn:aws:s3:::invoices-incoming"
                      ]
                    },
                    {
                      "Sid": "SourceObjects",
                      "Effect": "Allow",
                      "Action": [
                        "s3:AbortMultipartUpload",
                        "s3:GetObject",
                        "s3:PutObject"
                      ],
                      "Resource": [
                        "arn:aws:s3:::invoices-incoming/*"
                      ]
                    }
                  ]
                }
                """#)
        #expect(!document.json().contains("${"), "policy variables of Transfer do not work in a role's own policy")
    }

    @Test func theSessionPolicyKeepsEachUserInTheirOwnPrefix() throws {
        let document = SFTPUserPolicy.session(configuration: try AgentPolicyTests.configuration(), scope: Self.scope)
        #expect(
            document.json() == #"""
                {
                  "Version": "2012-10-17",
                  "Statement": [
                    {
                      "Sid": "ListOwnPrefix",
                      "Effect": "Allow",
                      "Action": [
                        "s3:ListBucket"
                      ],
                      "Resource": [
                        "arn:aws:s3:::invoices-incoming"
                      ],
                      "Condition": {
                        "StringLike": {
                          "s3:prefix": [
                            "${transfer:UserName}/*",
                            "${transfer:UserName}"
                          ]
                        }
                      }
                    },
                    {
                      "Sid": "OwnObjects",
                      "Effect": "Allow",
                      "Action": [
                        "s3:AbortMultipartUpload",
                        "s3:GetObject",
                        "s3:PutObject"
                      ],
                      "Resource": [
                        "arn:aws:s3:::invoices-incoming/${transfer:UserName}/*"
                      ]
                    }
                  ]
                }
                """#)
        // No delete: an uploaded invoice stays until the agent moves it.
        #expect(!document.actions.contains("s3:DeleteObject"))
    }

    @Test func theSessionPolicyFitsCreateUsersLimitWithTheLongestBucketName() throws {
        var configuration = try AgentPolicyTests.configuration()
        configuration.buckets.source = String(repeating: "b", count: 63)
        let compact = SFTPUserPolicy.session(configuration: configuration, scope: Self.scope).json(pretty: false)
        #expect(compact.utf8.count < 700, "\(compact.utf8.count) characters")
        #expect(compact.utf8.count <= SFTPUserPolicy.maximumSessionPolicyLength)
        #expect(try JSONSerialization.jsonObject(with: Data(compact.utf8)) is [String: Any])
    }

    @Test func theTrustPolicyLetsOnlyTransferAssumeTheRoleForThisAccountsUsers() {
        #expect(
            SFTPUserPolicy.trust(scope: Self.scope).json() == #"""
                {
                  "Version": "2012-10-17",
                  "Statement": [
                    {
                      "Sid": "TransferAssumesRoleForUsers",
                      "Effect": "Allow",
                      "Principal": {
                        "Service": "transfer.amazonaws.com"
                      },
                      "Action": [
                        "sts:AssumeRole"
                      ],
                      "Condition": {
                        "StringEquals": {
                          "aws:SourceAccount": "123456789012"
                        },
                        "ArnLike": {
                          "aws:SourceArn": "arn:aws:transfer:us-east-1:123456789012:user/*"
                        }
                      }
                    }
                  ]
                }
                """#)
    }

    @Test func theActionsComeFromTheClientsOperationTables() {
        #expect(SFTPUserPolicy.objectActions == ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"])
        #expect(SFTPUserPolicy.listActions == S3Client.Operations.listObjectsV2.iamActions)
    }
}
