import Foundation

extension S3Client {
    /// Creates a bucket in the client's region; a bucket this account already owns counts as created.
    ///
    /// Outside `us-east-1` the request carries a `<LocationConstraint>` naming the region.
    ///
    /// - Throws: ``AWSError``: `BucketAlreadyExists` (someone else owns the name), `InvalidBucketName`, …
    package func createBucket(_ bucket: String) async throws(AWSError) {
        let operation = Operations.createBucket
        try validate(operation, bucket: bucket)
        let region = client.context.region
        var body = Data()
        if region != "us-east-1" {
            let document = XMLNode(
                name: "CreateBucketConfiguration", attributes: ["xmlns": Self.s3Namespace],
                children: [XMLNode(name: "LocationConstraint", text: region)])
            body = Data(document.serialized().utf8)
        }
        do {
            _ = try await send(operation, makeRequest(method: "PUT", bucket: bucket, body: body))
        } catch  where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    /// Whether the bucket exists and the caller may use it.
    ///
    /// - Returns: `true` for 200, `false` for 404.
    /// - Throws: ``AWSError``: `AccessDenied` (403: it exists but is not ours, or we lack `s3:ListBucket`), or
    ///   `PermanentRedirect` (301) naming the bucket's region.
    package func headBucket(_ bucket: String) async throws(AWSError) -> Bool {
        let operation = Operations.headBucket
        try validate(operation, bucket: bucket)
        do {
            _ = try await send(operation, makeRequest(method: "HEAD", bucket: bucket))
            return true
        } catch  where error.kind == .service && error.statusCode == 404 {
            return false
        }
    }

    /// Deletes an empty bucket.
    ///
    /// - Throws: ``AWSError``: `BucketNotEmpty` (409), `NoSuchBucket` (404), …
    package func deleteBucket(_ bucket: String) async throws(AWSError) {
        let operation = Operations.deleteBucket
        try validate(operation, bucket: bucket)
        _ = try await send(operation, makeRequest(method: "DELETE", bucket: bucket))
    }

    /// Sends the bucket's events to an SQS queue, replacing the bucket's whole notification configuration.
    ///
    /// The queue's policy must allow `s3.amazonaws.com` to `sqs:SendMessage`, or S3 refuses the configuration
    /// with `InvalidArgument` ("Unable to validate the following destination configurations").
    ///
    /// - Parameters:
    ///   - events: S3 event names, by default every object creation.
    ///   - prefix: only keys starting with this (`prefix` filter rule).
    ///   - suffix: only keys ending with this (`suffix` filter rule).
    ///   - id: the rule's ID (S3 makes one up when `nil`).
    /// - Throws: ``AWSError``: `InvalidArgument`, `NoSuchBucket`, `AccessDenied`, …
    package func putBucketNotificationConfiguration(
        bucket: String, queueARN: String, events: [String] = ["s3:ObjectCreated:*"],
        prefix: String? = nil, suffix: String? = nil, id: String? = nil
    ) async throws(AWSError) {
        let operation = Operations.putBucketNotificationConfiguration
        try validate(operation, bucket: bucket)
        guard !events.isEmpty else { throw invalidParameter(operation, "a notification needs at least one event") }
        let rule = S3QueueNotification(id: id, queueARN: queueARN, events: events, prefix: prefix, suffix: suffix)
        let body = Self.notificationConfigurationBody([rule])
        _ = try await send(
            operation, makeRequest(method: "PUT", bucket: bucket, query: [("notification", nil)], body: body))
    }

    /// The bucket's S3 → SQS notification rules.
    ///
    /// - Throws: ``AWSError``: `NoSuchBucket`, `AccessDenied`, …
    package func getBucketNotificationConfiguration(bucket: String) async throws(AWSError) -> [S3QueueNotification] {
        let operation = Operations.getBucketNotificationConfiguration
        try validate(operation, bucket: bucket)
        let response = try await send(
            operation, makeRequest(method: "GET", bucket: bucket, query: [("notification", nil)]))
        let root = try parseResult(response, operation)
        var rules: [S3QueueNotification] = []
        for entry in root.all("QueueConfiguration") {
            guard let queue = entry.string("Queue") else {
                throw client.malformed(operation, response, "a QueueConfiguration has no Queue")
            }
            var rule = S3QueueNotification(
                id: entry.string("Id"), queueARN: queue, events: entry.all("Event").map(\.text))
            for filterRule in entry.path("Filter", "S3Key")?.all("FilterRule") ?? [] {
                switch filterRule.string("Name")?.lowercased() {
                case "prefix": rule.prefix = filterRule.string("Value")
                case "suffix": rule.suffix = filterRule.string("Value")
                default: continue
                }
            }
            rules.append(rule)
        }
        return rules
    }

    /// The `<NotificationConfiguration>` document for `rules`.
    package static func notificationConfigurationBody(_ rules: [S3QueueNotification]) -> Data {
        let configurations = rules.map { rule in
            var children: [XMLNode] = []
            if let id = rule.id { children.append(XMLNode(name: "Id", text: id)) }
            children.append(XMLNode(name: "Queue", text: rule.queueARN))
            children += rule.events.map { XMLNode(name: "Event", text: $0) }
            let filters = [("prefix", rule.prefix), ("suffix", rule.suffix)].compactMap { name, value in
                value.map {
                    XMLNode(
                        name: "FilterRule",
                        children: [XMLNode(name: "Name", text: name), XMLNode(name: "Value", text: $0)])
                }
            }
            if !filters.isEmpty {
                children.append(XMLNode(name: "Filter", children: [XMLNode(name: "S3Key", children: filters)]))
            }
            return XMLNode(name: "QueueConfiguration", children: children)
        }
        let document = XMLNode(
            name: "NotificationConfiguration", attributes: ["xmlns": s3Namespace], children: configurations)
        return Data(document.serialized().utf8)
    }
}
