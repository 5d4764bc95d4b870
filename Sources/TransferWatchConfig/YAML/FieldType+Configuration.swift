import Foundation

/// The field types of the configuration's own values, each validated from a string.
extension FieldType {
    /// An AWS region such as `us-east-1`.
    static var region: FieldType<String> { .checkedString(NameRules.regionProblem) }

    /// An S3 bucket name.
    static var bucketName: FieldType<String> { .checkedString(NameRules.bucketProblem) }

    /// A DynamoDB table name.
    static var tableName: FieldType<String> { .checkedString(NameRules.tableProblem) }

    /// A path: any non-empty string without NUL.
    static var path: FieldType<String> {
        .checkedString { text in
            if text.isEmpty { return "path must not be empty" }
            if text.contains("\0") { return "path must not contain NUL" }
            return nil
        }
    }

    /// A non-empty string.
    static var nonEmptyString: FieldType<String> {
        .checkedString { $0.isEmpty ? "must not be empty" : nil }
    }

    /// An absolute `http` or `https` URL.
    static var httpURL: FieldType<URL> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> URL in
            guard let url = NameRules.httpURL(text) else {
                throw .invalid("malformed URL \(quoted(text)) (expected an http:// or https:// URL)")
            }
            return url
        }
    }

    /// A webhook URL, validated like ``httpURL`` but never echoed in an error: Slack's and other receivers' URLs
    /// carry their secret in the path or query, so a malformed one is shown by its scheme and host at most
    /// (`malformed webhook URL htps://hooks.slack.com/… (the rest is not shown: webhook URLs are credentials)`).
    static var webhookURL: FieldType<URL> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> URL in
            guard let url = NameRules.httpURL(text) else {
                throw .invalid(
                    "malformed webhook URL \(redactedURL(text)) (expected an http:// or https:// URL; the rest is "
                        + "not shown: webhook URLs are credentials)")
            }
            return url
        }
    }

    /// What of a URL may be shown: `scheme://host/…`, or `…` when it has no recognisable scheme and host.
    static func redactedURL(_ text: String) -> String {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme, let host = components.host, !host.isEmpty
        else { return "…" }
        return "\(scheme)://\(host)/…"
    }

    /// An SQS queue URL.
    static var queueURL: FieldType<URL> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> URL in
            guard let url = NameRules.queueURL(text) else {
                throw .invalid(
                    "malformed SQS queue URL \(quoted(text)) (expected https://sqs.REGION.amazonaws.com/123456789012/NAME)"
                )
            }
            return url
        }
    }

    /// A destination-key template.
    static var keyTemplate: FieldType<KeyTemplate> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> KeyTemplate in
            do throws(KeyTemplateError) {
                return try KeyTemplate(parsing: text)
            } catch {
                throw .invalid("invalid template \(quoted(text)): \(error)")
            }
        }
    }

    /// A `host:port` listen address.
    static var listenAddress: FieldType<ListenAddress> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> ListenAddress in
            do throws(ListenAddressError) {
                return try ListenAddress(parsing: text)
            } catch {
                throw .invalid(error.description)
            }
        }
    }

    /// An EventBridge schedule expression.
    static var schedule: FieldType<ScheduleExpression> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> ScheduleExpression in
            do throws(ScheduleExpressionError) {
                return try ScheduleExpression(parsing: text)
            } catch {
                throw .invalid(error.description)
            }
        }
    }

    /// An IANA time zone name that Foundation knows.
    static var timeZone: FieldType<TimeZone> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> TimeZone in
            guard let timeZone = TimeZone(identifier: text) else {
                throw .invalid("unknown time zone \(quoted(text)) (expected an IANA name such as UTC or Europe/Paris)")
            }
            return timeZone
        }
    }

    /// An IAM role ARN.
    static var iamRole: FieldType<ARN> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> ARN in
            do throws(ARNError) {
                return try ARN.iamRole(text)
            } catch {
                throw .invalid(error.description)
            }
        }
    }

    /// An SNS topic ARN.
    static var snsTopic: FieldType<ARN> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> ARN in
            do throws(ARNError) {
                return try ARN.snsTopic(text)
            } catch {
                throw .invalid(error.description)
            }
        }
    }

    /// A byte size within `range`; `reason` says where the bounds come from.
    static func byteSize(in range: ClosedRange<ByteSize>, reason: String) -> FieldType<ByteSize> {
        FieldType<ByteSize>.byteSize.map { (size: ByteSize) throws(FieldFailure) -> ByteSize in
            guard range.contains(size) else {
                throw .invalid("\(size) is outside \(range.lowerBound)-\(range.upperBound) (\(reason))")
            }
            return size
        }
    }
}
