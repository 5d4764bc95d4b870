import Testing
import TransferWatchConfig

@Suite struct ARNTests {
    @Test func splitsRoleARNIntoParts() throws {
        let role = try ARN.iamRole("arn:aws:iam::123456789012:role/sftp-invoice-user")
        #expect(
            role
                == ARN(
                    partition: "aws", service: "iam", region: "", account: "123456789012",
                    resource: "role/sftp-invoice-user"))
        #expect(role.description == "arn:aws:iam::123456789012:role/sftp-invoice-user")
    }

    @Test(arguments: [
        "arn:aws:iam::123456789012:role/sftp-invoice-user",
        "arn:aws-us-gov:iam::123456789012:role/service-role/transfer.logging",
        "arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f_g-h",
    ])
    func acceptsRoleARN(_ text: String) {
        #expect((try? ARN.iamRole(text))?.description == text)
    }

    @Test(arguments: [
        "arn:aws:iam::12345:role/x",
        "arn:aws:iam::123456789012:user/x",
        "arn:aws:iam:us-east-1:123456789012:role/x",
        "arn:aws:s3::123456789012:role/x",
        "arn:azure:iam::123456789012:role/x",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role/x/",
        "arn:aws:iam::123456789012:role/bad name",
        "arn:aws:iam::123456789012:role/\(String(repeating: "r", count: 65))",
        "aws:iam::123456789012:role/x",
        "sftp-invoice-user",
    ])
    func rejectsMalformedRoleARN(_ text: String) {
        #expect(throws: ARNError.malformedRole(text)) { try ARN.iamRole(text) }
    }

    @Test(arguments: [
        "arn:aws:sns:us-east-1:123456789012:oncall",
        "arn:aws:sns:eu-west-3:123456789012:alerts_prod-1",
        "arn:aws:sns:us-east-1:123456789012:orders.fifo",
    ])
    func acceptsTopicARN(_ text: String) {
        #expect((try? ARN.snsTopic(text))?.description == text)
    }

    @Test(arguments: [
        "arn:aws:sns::123456789012:oncall",
        "arn:aws:sns:us-east-1:123456789012:",
        "arn:aws:sns:us-east-1:123456789012:on:call",
        "arn:aws:sns:us-east-1:123456789012:.fifo",
        "arn:aws:sqs:us-east-1:123456789012:oncall",
        "arn:aws:sns:us-east-1:oncall",
    ])
    func rejectsMalformedTopicARN(_ text: String) {
        #expect(throws: ARNError.malformedTopic(text)) { try ARN.snsTopic(text) }
    }

    @Test func describesErrorsWithExpectedForm() {
        #expect(
            ARNError.malformedRole("x").description
                == "malformed IAM role ARN 'x' (expected arn:aws:iam::123456789012:role/NAME)")
        #expect(
            ARNError.malformedTopic("y").description
                == "malformed SNS topic ARN 'y' (expected arn:aws:sns:REGION:123456789012:TOPIC)")
    }
}
