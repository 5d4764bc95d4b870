import Foundation

/// What the client needs to know about one AWS service: how to sign for it, where it lives, and which wire
/// protocol it speaks.
package struct AWSService: Sendable, Hashable {
    /// The wire protocol.
    package enum WireProtocol: Sendable, Hashable {
        /// JSON 1.0 or 1.1 with `X-Amz-Target: <targetPrefix>.<Operation>`; `queryCompatible` services also get
        /// `x-amzn-query-mode: true` and may answer with `x-amzn-query-error`.
        case json(version: String, targetPrefix: String, queryCompatible: Bool)
        /// Form-encoded `Action=…&Version=…`, XML answers.
        case query(apiVersion: String)
        /// REST verbs and XML bodies (S3).
        case restXML
    }

    /// The service ID as AWS names it (`S3`, `DynamoDB`), used in errors and logs.
    package let id: String
    /// The SigV4 signing name (`s3`, `monitoring`).
    package let signingName: String
    /// The endpoint host prefix.
    package let endpointPrefix: String
    /// The suffix of `AWS_ENDPOINT_URL_<SUFFIX>`.
    package let environmentSuffix: String
    package let wireProtocol: WireProtocol
    /// Served from one global endpoint signed as `us-east-1` (IAM).
    package let isGlobal: Bool

    package static let s3 = AWSService(id: "S3", signingName: "s3", endpointPrefix: "s3", environmentSuffix: "S3", wireProtocol: .restXML, isGlobal: false)
    package static let dynamoDB = AWSService(id: "DynamoDB", signingName: "dynamodb", endpointPrefix: "dynamodb", environmentSuffix: "DYNAMODB",
                                             wireProtocol: .json(version: "1.0", targetPrefix: "DynamoDB_20120810", queryCompatible: false), isGlobal: false)
    package static let sqs = AWSService(id: "SQS", signingName: "sqs", endpointPrefix: "sqs", environmentSuffix: "SQS",
                                        wireProtocol: .json(version: "1.0", targetPrefix: "AmazonSQS", queryCompatible: true), isGlobal: false)
    package static let sns = AWSService(id: "SNS", signingName: "sns", endpointPrefix: "sns", environmentSuffix: "SNS",
                                        wireProtocol: .query(apiVersion: "2010-03-31"), isGlobal: false)
    package static let sts = AWSService(id: "STS", signingName: "sts", endpointPrefix: "sts", environmentSuffix: "STS",
                                        wireProtocol: .query(apiVersion: "2011-06-15"), isGlobal: false)
    package static let transfer = AWSService(id: "Transfer", signingName: "transfer", endpointPrefix: "transfer", environmentSuffix: "TRANSFER",
                                             wireProtocol: .json(version: "1.1", targetPrefix: "TransferService", queryCompatible: false), isGlobal: false)
    package static let cloudWatch = AWSService(id: "CloudWatch", signingName: "monitoring", endpointPrefix: "monitoring", environmentSuffix: "CLOUDWATCH",
                                               wireProtocol: .json(version: "1.0", targetPrefix: "GraniteServiceVersion20100801", queryCompatible: true), isGlobal: false)
    package static let iam = AWSService(id: "IAM", signingName: "iam", endpointPrefix: "iam", environmentSuffix: "IAM",
                                        wireProtocol: .query(apiVersion: "2010-05-08"), isGlobal: true)
}

/// One operation of one service, with the IAM actions it needs.
///
/// The least-privilege policy (`transferwatch policy`) is built from these same values, so the policy and the
/// calls the client makes cannot drift apart.
///
/// Two values are the same operation when service and name agree (``isIdempotent`` describes a call, not the API).
package struct AWSOperation: Sendable, Hashable, CustomStringConvertible {
    package let service: AWSService
    package let name: String
    /// The IAM actions the call needs (CopyObject needs `s3:GetObject` on the source and `s3:PutObject` on the destination).
    package let iamActions: [String]
    /// Whether sending the call twice has the effect of sending it once. When `false` (`CreateServer`, which has
    /// no client token; `PutMetricData`; `Publish`; an `UpdateItem` that adds) each attempt goes on a fresh
    /// connection (``HTTPRequest/sendsOnce``), so libcurl never resends it by itself after a reused connection
    /// closes without an answer; the client's own retries, which count, log and obey the caller's budget, still
    /// apply.
    package let isIdempotent: Bool

    package init(_ service: AWSService, _ name: String, iam: [String]? = nil, idempotent: Bool = true) {
        self.service = service
        self.name = name
        self.iamActions = iam ?? ["\(service.signingName == "monitoring" ? "cloudwatch" : service.signingName):\(name)"]
        self.isIdempotent = idempotent
    }

    /// The same operation, for a call that must not take effect twice (an `UpdateItem` that adds).
    package var notIdempotent: AWSOperation {
        AWSOperation(service, name, iam: iamActions, idempotent: false)
    }

    package var description: String { "\(service.id).\(name)" }

    package static func == (lhs: AWSOperation, rhs: AWSOperation) -> Bool {
        lhs.service == rhs.service && lhs.name == rhs.name
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(service)
        hasher.combine(name)
    }
}

/// Finds each service's endpoint, most specific first:
/// 1. `AWS_ENDPOINT_URL_<SERVICE>`;
/// 2. the shared config profile's `[services]` section `endpoint_url` for that service;
/// 3. `AWS_ENDPOINT_URL`;
/// 4. the configured endpoint (transferwatch.yaml's `endpoint`);
/// 5. the shared config profile's own `endpoint_url`;
/// 6. AWS's endpoint for the region.
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips 1–5.
package struct EndpointResolver: Sendable {
    package var region: String
    package var environment: [String: String]
    package var configuredEndpoint: URL?
    package var sharedConfig: SharedConfigFiles?

    package init(region: String, environment: [String: String] = [:], configuredEndpoint: URL? = nil, sharedConfig: SharedConfigFiles? = nil) {
        self.region = region
        self.environment = environment
        self.configuredEndpoint = configuredEndpoint
        self.sharedConfig = sharedConfig
    }

    /// The endpoint URL for `service`, and whether it is a custom one (which makes S3 path-style).
    package func endpoint(for service: AWSService) -> (url: URL, isCustom: Bool) {
        let ignoreConfigured = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        if !ignoreConfigured {
            func fromEnvironment(_ key: String) -> URL? {
                guard let value = environment[key], !value.isEmpty, let url = URL(string: value), url.host != nil else { return nil }
                return url
            }
            if let url = fromEnvironment("AWS_ENDPOINT_URL_\(service.environmentSuffix)") { return (url, true) }
            if let url = try? sharedConfig?.serviceEndpointURL(for: service) { return (url, true) }
            if let url = fromEnvironment("AWS_ENDPOINT_URL") { return (url, true) }
            if let configuredEndpoint { return (configuredEndpoint, true) }
            if let url = try? sharedConfig?.endpointURL(for: service) { return (url, true) }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        if service.isGlobal { return (URL(string: "https://\(service.endpointPrefix).\(suffix)")!, false) }
        return (URL(string: "https://\(service.endpointPrefix).\(region).\(suffix)")!, false)
    }

    /// The region to sign with: global services sign as `us-east-1` on AWS, and as the configured region on an emulator.
    package func signingRegion(for service: AWSService) -> String {
        service.isGlobal && !endpoint(for: service).isCustom ? "us-east-1" : region
    }
}
