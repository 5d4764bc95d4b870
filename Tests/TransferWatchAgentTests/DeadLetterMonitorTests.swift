import Testing
import TransferWatchAgent

/// Finding the dead-letter queue from the redrive policy's ARN, without `sqs:GetQueueUrl`.
@Suite struct DeadLetterMonitorTests {
    @Test func theDeadLetterQueueURLIsDerivedFromItsARN() {
        #expect(
            DeadLetterMonitor.queueURL(
                forARN: "arn:aws:sqs:eu-west-1:123456789012:uploads-dlq",
                beside: "https://sqs.eu-west-1.amazonaws.com/123456789012/uploads")
                == "https://sqs.eu-west-1.amazonaws.com/123456789012/uploads-dlq")
        #expect(
            DeadLetterMonitor.queueURL(
                forARN: "arn:aws:sqs:us-east-1:123456789012:uploads-dlq",
                beside: "http://127.0.0.1:5000/123456789012/uploads")
                == "http://127.0.0.1:5000/123456789012/uploads-dlq")
    }
}
