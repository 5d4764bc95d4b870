import Foundation

extension S3Client {
    /// Replaces the bucket's notification configuration with `rules` (S3 → SQS), so a caller can add one rule
    /// while keeping the others: the configuration is a single document, and a put replaces it whole.
    ///
    /// - Throws: ``AWSError``: `InvalidArgument` (S3 could not validate a destination), `NoSuchBucket`, …
    package func putBucketNotificationConfiguration(bucket: String, rules: [S3QueueNotification]) async throws(AWSError)
    {
        let operation = Operations.putBucketNotificationConfiguration
        try validate(operation, bucket: bucket)
        let body = Self.notificationConfigurationBody(rules)
        _ = try await send(
            operation, makeRequest(method: "PUT", bucket: bucket, query: [("notification", nil)], body: body))
    }
}
