import Foundation

/// Every failure of an AWS call, as one value: which service and operation, what AWS said, and how many
/// attempts were made.
///
/// Its description reads like `S3.CopyObject failed: AccessDenied (HTTP 403, request 8F2A…) after 1 attempt: Access Denied`
/// and never contains a secret.
package struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    package enum Kind: Sendable, Equatable {
        /// AWS (or the emulator) answered with an error.
        case service
        /// No complete response arrived.
        case transport(TransportError.Kind)
        /// No credentials could be found or refreshed.
        case credentials
        /// The response could not be understood.
        case malformedResponse
        /// The request was refused before it was sent: a parameter breaks the operation's documented rules.
        case invalidRequest
    }

    package var kind: Kind
    /// The service ID, e.g. `S3`, `DynamoDB`.
    package var service: String
    /// The operation name, e.g. `CopyObject`.
    package var operation: String
    /// The HTTP status, when a response arrived.
    package var statusCode: Int?
    /// AWS's error code (`AccessDenied`, `ConditionalCheckFailedException`), or the transport failure's name.
    package var code: String
    package var message: String
    package var requestID: String?
    /// How many times the request was sent.
    package var attempts: Int
    /// The raw error body, for service-specific fields (e.g. DynamoDB's `CancellationReasons`).
    package var body: Data?

    package init(kind: Kind = .service, service: String, operation: String, statusCode: Int? = nil, code: String,
                 message: String, requestID: String? = nil, attempts: Int = 1, body: Data? = nil) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.statusCode = statusCode
        self.code = code
        self.message = message
        self.requestID = requestID
        self.attempts = attempts
        self.body = body
    }

    package var description: String {
        if kind == .invalidRequest { return "\(service).\(operation) not sent: \(code): \(message)" }
        var details: [String] = []
        if let statusCode { details.append("HTTP \(statusCode)") }
        if let requestID, !requestID.isEmpty { details.append("request \(requestID)") }
        let detailText = details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"
        let attemptText = " after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        let messageText = message.isEmpty ? "" : ": \(message)"
        return "\(service).\(operation) failed: \(code)\(detailText)\(attemptText)\(messageText)"
    }

    /// Whether AWS said the caller lacks permission.
    package var isAccessDenied: Bool {
        ["AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation", "Forbidden"].contains(code)
    }

    /// Whether the thing addressed does not exist (404-style codes).
    package var isNotFound: Bool {
        ["NoSuchKey", "NoSuchBucket", "NotFound", "ResourceNotFoundException", "ResourceNotFound", "NoSuchUpload",
         "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "NoSuchEntity"].contains(code)
            || (statusCode == 404 && kind == .service)
    }

    /// Whether the signature or the key was refused.
    package var isSignatureFailure: Bool {
        ["SignatureDoesNotMatch", "InvalidSignatureException", "InvalidClientTokenId", "UnrecognizedClientException",
         "InvalidAccessKeyId", "IncompleteSignature", "AuthFailure"].contains(code)
    }
}
