import Foundation
import Testing
import TransferWatchAWS
import TransferWatchConfig

@testable import TransferWatchWorkflows

/// The agent's policy: assembled from the declared permission sets, exact ARNs, `*` only where AWS has no
/// resource type, and the account read from the configuration.
@Suite struct AgentPolicyTests {
    @Test func printsTheExactPolicyForTheREADMEConfiguration() throws {
        let configuration = try Self.configuration()
        let output = AgentPolicy.make(configuration: configuration, scope: try PolicyScope.resolve(configuration))
        #expect(output.document.json() == Self.readmePolicy)
        #expect(output.notes == ["sftp.loggingRole is not configured: iam:PassRole left out"])
    }

    static let readmePolicy = #"""
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "SourceBucket",
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
                "s3:DeleteObject",
                "s3:GetObject"
              ],
              "Resource": [
                "arn:aws:s3:::invoices-incoming/*"
              ]
            },
            {
              "Sid": "DestinationBucket",
              "Effect": "Allow",
              "Action": [
                "s3:ListBucket"
              ],
              "Resource": [
                "arn:aws:s3:::invoices-archive"
              ]
            },
            {
              "Sid": "DestinationObjects",
              "Effect": "Allow",
              "Action": [
                "s3:AbortMultipartUpload",
                "s3:GetObject",
                "s3:PutObject"
              ],
              "Resource": [
                "arn:aws:s3:::invoices-archive/*"
              ]
            },
            {
              "Sid": "EmployeesTable",
              "Effect": "Allow",
              "Action": [
                "dynamodb:ConditionCheckItem",
                "dynamodb:Scan"
              ],
              "Resource": [
                "arn:aws:dynamodb:us-east-1:123456789012:table/SFTPUsers"
              ]
            },
            {
              "Sid": "StateTable",
              "Effect": "Allow",
              "Action": [
                "dynamodb:BatchWriteItem",
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:UpdateItem"
              ],
              "Resource": [
                "arn:aws:dynamodb:us-east-1:123456789012:table/TransferWatchState"
              ]
            },
            {
              "Sid": "AlertItems",
              "Effect": "Allow",
              "Action": [
                "dynamodb:DeleteItem"
              ],
              "Resource": [
                "arn:aws:dynamodb:us-east-1:123456789012:table/TransferWatchState"
              ],
              "Condition": {
                "ForAllValues:StringEquals": {
                  "dynamodb:LeadingKeys": [
                    "alerts#prod",
                    "verdicts#prod"
                  ]
                }
              }
            },
            {
              "Sid": "UploadQueue",
              "Effect": "Allow",
              "Action": [
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage"
              ],
              "Resource": [
                "arn:aws:sqs:us-east-1:123456789012:invoice-uploads"
              ]
            },
            {
              "Sid": "DeadLetterQueue",
              "Effect": "Allow",
              "Action": [
                "sqs:GetQueueAttributes"
              ],
              "Resource": [
                "arn:aws:sqs:us-east-1:123456789012:invoice-uploads-dlq"
              ]
            },
            {
              "Sid": "AlertTopic",
              "Effect": "Allow",
              "Action": [
                "sns:Publish"
              ],
              "Resource": [
                "arn:aws:sns:us-east-1:123456789012:oncall"
              ]
            },
            {
              "Sid": "NewManagedServers",
              "Effect": "Allow",
              "Action": [
                "transfer:CreateServer"
              ],
              "Resource": [
                "*"
              ],
              "Condition": {
                "StringEquals": {
                  "aws:RequestTag/transferwatch:managed": "true"
                }
              }
            },
            {
              "Sid": "NewManagedUsers",
              "Effect": "Allow",
              "Action": [
                "transfer:CreateUser"
              ],
              "Resource": [
                "arn:aws:transfer:us-east-1:123456789012:server/*"
              ],
              "Condition": {
                "StringEquals": {
                  "aws:ResourceTag/transferwatch:managed": "true",
                  "aws:RequestTag/transferwatch:managed": "true"
                }
              }
            },
            {
              "Sid": "ManagedServers",
              "Effect": "Allow",
              "Action": [
                "transfer:DeleteServer",
                "transfer:DescribeServer"
              ],
              "Resource": [
                "arn:aws:transfer:us-east-1:123456789012:server/*"
              ],
              "Condition": {
                "StringEquals": {
                  "aws:ResourceTag/transferwatch:managed": "true"
                }
              }
            },
            {
              "Sid": "ManagedUsers",
              "Effect": "Allow",
              "Action": [
                "transfer:DeleteUser"
              ],
              "Resource": [
                "arn:aws:transfer:us-east-1:123456789012:user/*"
              ],
              "Condition": {
                "StringEquals": {
                  "aws:ResourceTag/transferwatch:managed": "true"
                }
              }
            },
            {
              "Sid": "UserRole",
              "Effect": "Allow",
              "Action": [
                "iam:PassRole"
              ],
              "Resource": [
                "arn:aws:iam::123456789012:role/sftp-invoice-user"
              ],
              "Condition": {
                "StringEquals": {
                  "iam:PassedToService": "transfer.amazonaws.com"
                }
              }
            },
            {
              "Sid": "MetricNamespace",
              "Effect": "Allow",
              "Action": [
                "cloudwatch:PutMetricData"
              ],
              "Resource": [
                "*"
              ],
              "Condition": {
                "StringEquals": {
                  "cloudwatch:namespace": "TransferWatch"
                }
              }
            },
            {
              "Sid": "ManagedAlarms",
              "Effect": "Allow",
              "Action": [
                "cloudwatch:DeleteAlarms",
                "cloudwatch:ListTagsForResource",
                "cloudwatch:PutCompositeAlarm",
                "cloudwatch:PutMetricAlarm",
                "cloudwatch:TagResource"
              ],
              "Resource": [
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:TransferWatch-prod-*"
              ]
            },
            {
              "Sid": "AnyAlarm",
              "Effect": "Allow",
              "Action": [
                "cloudwatch:DescribeAlarms"
              ],
              "Resource": [
                "*"
              ]
            },
            {
              "Sid": "EnvironmentDashboards",
              "Effect": "Allow",
              "Action": [
                "cloudwatch:PutDashboard"
              ],
              "Resource": [
                "arn:aws:cloudwatch::123456789012:dashboard/*-prod"
              ]
            },
            {
              "Sid": "NoResourceType",
              "Effect": "Allow",
              "Action": [
                "transfer:ListServers"
              ],
              "Resource": [
                "*"
              ]
            }
          ]
        }
        """#

    @Test func grantsEveryIAMActionOfEveryDeclaredOperation() throws {
        let configuration = try Self.configuration(loggingRole: true)
        let document = AgentPolicy.make(configuration: configuration, scope: try PolicyScope.resolve(configuration))
            .document
        for set in AgentPolicy.components {
            for use in set.uses {
                #expect(use.problems.isEmpty, "\(set.component): \(use.problems)")
                for grant in use.grants where !grant.resources.isEmpty {
                    #expect(
                        document.actions.contains(grant.action),
                        "\(set.component): \(use.operation) needs \(grant.action)")
                    for resource in grant.resources {
                        #expect(
                            document.statement(resource.sid)?.actions.contains(grant.action) == true,
                            "\(set.component): \(grant.action) on \(resource)")
                    }
                }
            }
        }
        // And nothing else: every action in the policy comes from a declared use.
        let declared = Set(
            AgentPolicy.components.flatMap(\.uses).flatMap(\.grants).filter { !$0.resources.isEmpty }.map(\.action))
        #expect(Set(document.actions) == declared)
    }

    @Test func aDeclarationThatMissesOrInventsAnActionIsReported() {
        let missing = OperationUse(S3Client.Operations.copyObject, ["s3:GetObject": [.sourceObjects]])
        #expect(missing.problems == ["S3.CopyObject: s3:PutObject is not granted or excluded"])
        let invented = OperationUse(
            S3Client.Operations.deleteObject,
            [
                "s3:DeleteObject": [.sourceObjects], "s3:DeleteObjectVersion": [.sourceObjects],
            ])
        #expect(invented.problems == ["S3.DeleteObject: s3:DeleteObjectVersion is not one of its IAM actions"])
    }

    @Test func usesAStarResourceOnlyWhereAWSDefinesNoResourceType() throws {
        let configuration = try Self.configuration(loggingRole: true)
        let document = AgentPolicy.make(configuration: configuration, scope: try PolicyScope.resolve(configuration))
            .document
        let starred = document.statements.filter { $0.resources.contains("*") }
        #expect(
            Set(starred.flatMap(\.actions)) == [
                "cloudwatch:DescribeAlarms", "cloudwatch:PutMetricData", "transfer:CreateServer",
                "transfer:ListServers",
            ])
        // DescribeAlarms is the only read on `*`: CloudWatch returns composite alarms only then. Every alarm
        // write is limited to the `<namespace>-<environment>-` prefix, dashboards to the environment's.
        #expect(document.statement("AnyAlarm")?.actions == ["cloudwatch:DescribeAlarms"])
        #expect(
            document.statement("ManagedAlarms")?.resources == [
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:TransferWatch-prod-*"
            ])
        // The state table's items may be deleted only in the alerting partition.
        #expect(document.statement("StateTable")?.actions.contains("dynamodb:DeleteItem") == false)
        #expect(document.statement("AlertItems")?.actions == ["dynamodb:DeleteItem"])
        #expect(
            document.statement("MetricNamespace")?.conditions == [
                .init("StringEquals", "cloudwatch:namespace", ["TransferWatch"])
            ])
        #expect(
            document.statement("NewManagedServers")?.conditions
                == [.init("StringEquals", "aws:RequestTag/transferwatch:managed", ["true"])])
        // Every other Transfer statement is scoped by the managed tag; managed servers are told apart by
        // DescribeServer, which this scoping refuses on any other server, so no tag-reading statement is needed.
        for sid in ["ManagedServers", "ManagedUsers", "NewManagedUsers"] {
            #expect(
                document.statement(sid)?.conditions.contains(
                    .init("StringEquals", "aws:ResourceTag/transferwatch:managed", ["true"])) == true,
                "\(sid)")
        }
        #expect(!document.actions.contains("transfer:ListTagsForResource"))
        // Roles are passed to Transfer only, and only the configured ones.
        let passedToTransfer = PolicyDocument.Condition(
            "StringEquals", "iam:PassedToService", ["transfer.amazonaws.com"])
        #expect(document.statement("UserRole")?.resources == ["arn:aws:iam::123456789012:role/sftp-invoice-user"])
        #expect(document.statement("UserRole")?.conditions == [passedToTransfer])
        #expect(document.statement("LoggingRole")?.resources == ["arn:aws:iam::123456789012:role/transfer-logging"])
        #expect(document.statement("LoggingRole")?.conditions == [passedToTransfer])
        // Nothing may delete from the destination, and nothing may write to the source.
        #expect(document.statement("DestinationObjects")?.actions.contains("s3:DeleteObject") == false)
        #expect(document.statement("SourceObjects")?.actions.contains("s3:PutObject") == false)
        #expect(document.actions.filter { $0.hasPrefix("dynamodb:") && $0.contains("Table") }.isEmpty)
    }

    @Test func leavesOutWhatTheConfigurationDoesNotName() throws {
        let configuration = try Self.configuration(queue: false, topic: false, userRole: false)
        let output = AgentPolicy.make(
            configuration: configuration,
            scope: PolicyScope(partition: "aws", region: "us-east-1", account: "123456789012"))
        #expect(
            output.notes == [
                "queue is not configured: sqs:ChangeMessageVisibility, sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage left out",
                "queue is not configured: sqs:GetQueueAttributes left out",
                "alerts.snsTopicArn is not configured: sns:Publish left out",
                "sftp.userRole is not configured: iam:PassRole left out",
                "sftp.loggingRole is not configured: iam:PassRole left out",
            ])
        #expect(output.document.statement("UploadQueue") == nil)
        #expect(output.document.statement("DeadLetterQueue") == nil)
        #expect(output.document.statement("AlertTopic") == nil)
        #expect(!output.document.actions.contains("iam:PassRole"))
    }

    @Test func buildsARNsInTheConfiguredPartitionRegionAndAccount() throws {
        var configuration = try Self.configuration(queue: false, topic: false, userRole: false)
        configuration.region = "cn-north-1"
        configuration.queue = URL(string: "https://sqs.cn-northwest-1.amazonaws.com.cn/210987654321/uploads")
        configuration.namespace = "Invoices/Prod"
        let scope = try PolicyScope.resolve(configuration)
        #expect(scope == PolicyScope(partition: "aws-cn", region: "cn-north-1", account: "210987654321"))
        let document = AgentPolicy.make(configuration: configuration, scope: scope).document
        #expect(document.statement("SourceObjects")?.resources == ["arn:aws-cn:s3:::invoices-incoming/*"])
        #expect(
            document.statement("StateTable")?.resources == [
                "arn:aws-cn:dynamodb:cn-north-1:210987654321:table/TransferWatchState"
            ])
        // The queue keeps the region of its own URL.
        #expect(document.statement("UploadQueue")?.resources == ["arn:aws-cn:sqs:cn-northwest-1:210987654321:uploads"])
        #expect(document.statement("ManagedUsers")?.resources == ["arn:aws-cn:transfer:cn-north-1:210987654321:user/*"])
        #expect(document.statement("MetricNamespace")?.conditions.first?.values == ["Invoices/Prod"])
    }

    @Test func readsTheAccountFromWhicheverARNTheConfigurationHas() throws {
        #expect(try PolicyScope.resolve(try Self.configuration(queue: false, topic: false)).account == "123456789012")
        #expect(
            try PolicyScope.resolve(try Self.configuration(topic: false, userRole: false)).account == "123456789012")
        #expect(
            try PolicyScope.resolve(try Self.configuration(queue: false, userRole: false)).account == "123456789012")
        // An emulator's queue URL still names the account.
        var emulator = try Self.configuration(topic: false, userRole: false)
        emulator.queue = URL(string: "http://127.0.0.1:5000/123456789012/invoice-uploads")
        let scope = try PolicyScope.resolve(emulator)
        #expect(scope == PolicyScope(partition: "aws", region: "us-east-1", account: "123456789012"))
        #expect(
            AgentPolicy.make(configuration: emulator, scope: scope).document.statement("UploadQueue")?.resources
                == ["arn:aws:sqs:us-east-1:123456789012:invoice-uploads"])
    }

    @Test func refusesToGuessTheAccount() throws {
        let none = try Self.configuration(queue: false, topic: false, userRole: false)
        #expect(throws: PolicyError.noAccount) { try PolicyScope.resolve(none) }
        #expect(
            "\(PolicyError.noAccount)"
                == "no AWS account ID in the configuration (sftp.userRole, sftp.loggingRole, alerts.snsTopicArn or queue would give one); pass --account ACCOUNT_ID"
        )
        #expect(try PolicyScope.resolve(none, account: "111122223333").account == "111122223333")

        var mixed = try Self.configuration()
        mixed.alerts.snsTopicArn = try ARN.snsTopic("arn:aws:sns:us-east-1:999999999999:oncall")
        let error = #expect(throws: PolicyError.self) { try PolicyScope.resolve(mixed) }
        #expect(
            error?.description
                == "the configuration names more than one account (sftp.userRole 123456789012, alerts.snsTopicArn 999999999999, queue 123456789012); pass --account ACCOUNT_ID to choose the one that owns the tables and the Transfer servers"
        )
        // --account decides; a topic in another account keeps its own ARN.
        let scope = try PolicyScope.resolve(mixed, account: "123456789012")
        #expect(
            AgentPolicy.make(configuration: mixed, scope: scope).document.statement("AlertTopic")?.resources
                == ["arn:aws:sns:us-east-1:999999999999:oncall"])

        let invalid = #expect(throws: PolicyError.self) { try PolicyScope.resolve(none, account: "12345") }
        #expect(invalid?.description == "--account '12345' is not a 12-digit AWS account ID")

        var partitions = try Self.configuration(queue: false, topic: false)
        partitions.alerts.snsTopicArn = try ARN.snsTopic("arn:aws-us-gov:sns:us-gov-west-1:123456789012:oncall")
        let split = #expect(throws: PolicyError.self) { try PolicyScope.resolve(partitions) }
        #expect(
            split?.description
                == "the configuration's ARNs name more than one partition (sftp.userRole aws, alerts.snsTopicArn aws-us-gov)"
        )
    }

    @Test func fitsAManagedPolicyEvenWithTheLongestNames() throws {
        var configuration = try Self.configuration(loggingRole: true)
        configuration.buckets = .init(
            source: String(repeating: "s", count: 63), destination: String(repeating: "d", count: 63))
        configuration.tables = .init(
            employees: String(repeating: "E", count: 255), state: String(repeating: "S", count: 255))
        configuration.namespace = String(repeating: "N", count: 255)
        let document = AgentPolicy.make(configuration: configuration, scope: try PolicyScope.resolve(configuration))
            .document
        let compact = document.json(pretty: false)
        // IAM counts characters without whitespace: 6,144 for a managed policy, 10,240 inline on a role.
        #expect(compact.count < 6144, "\(compact.count) characters")
        #expect(!compact.contains(" ") && !compact.contains("\n"))
        let parsed = try JSONSerialization.jsonObject(with: Data(compact.utf8)) as? [String: Any]
        #expect((parsed?["Statement"] as? [Any])?.count == document.statements.count)
    }

    @Test func escapesWhatJSONNeedsEscaped() {
        let document = PolicyDocument(statements: [
            .init(
                sid: "Odd", actions: ["a:B"], resources: ["x\"y\\z\n\u{01}é"],
                conditions: [.init("StringEquals", "k", ["1", "2"])])
        ])
        #expect(
            document.json(pretty: false)
                == #"{"Version":"2012-10-17","Statement":[{"Sid":"Odd","Effect":"Allow","Action":["a:B"],"Resource":["x\"y\\z\n\u0001é"],"Condition":{"StringEquals":{"k":["1","2"]}}}]}"#
        )
    }

    // MARK: - Helpers

    /// The README's configuration, optionally without its queue, topic or user role, or with a logging role.
    static func configuration(
        queue: Bool = true, topic: Bool = true, userRole: Bool = true, loggingRole: Bool = false
    ) throws -> Configuration {
        var configuration = Configuration(
            region: "us-east-1", buckets: .init(source: "invoices-incoming", destination: "invoices-archive"),
            tables: .init(employees: "SFTPUsers", state: "TransferWatchState"))
        if queue {
            configuration.queue = URL(string: "https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads")
        }
        if topic { configuration.alerts.snsTopicArn = try ARN.snsTopic("arn:aws:sns:us-east-1:123456789012:oncall") }
        if userRole {
            configuration.sftp.userRole = try ARN.iamRole("arn:aws:iam::123456789012:role/sftp-invoice-user")
        }
        if loggingRole {
            configuration.sftp.loggingRole = try ARN.iamRole("arn:aws:iam::123456789012:role/transfer-logging")
        }
        return configuration
    }
}
