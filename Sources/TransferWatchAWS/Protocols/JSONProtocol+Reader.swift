import Foundation

extension AWSClient {
    /// Calls a JSON operation with typed input and an answer read by `decode`: by hand with ``JSONReader`` on
    /// the hot path (DynamoDB items, SQS messages), with `JSONDecoder` in ``json(_:_:as:compressionLevel:timeout:)``.
    ///
    /// - Parameters:
    ///   - compressionLevel: gzip the body at this zlib level when it is large enough (`nil`: never).
    ///   - timeout: each attempt's deadline for this call only; `nil` uses the context's.
    ///   - decode: reads the answer's body (empty when the service sent none).
    /// - Throws: ``AWSError``; a malformed answer is `malformedResponse` (`MalformedResponse`), naming the byte.
    package func json<Input: Encodable, Output>(
        _ operation: AWSOperation, _ input: Input, compressionLevel: Int32? = nil, timeout: Duration? = nil,
        decode: (Data) throws -> Output
    ) async throws(AWSError) -> Output {
        let body: Data
        do {
            body = try AWSJSON.encoder.encode(input)
        } catch {
            throw AWSError(
                kind: .malformedResponse, service: service.id, operation: operation.name, code: "SerializationError",
                message: "\(error)")
        }
        let data = try await jsonCall(operation, body: body, compressionLevel: compressionLevel, timeout: timeout)
        do {
            return try decode(data)
        } catch {
            throw AWSError(
                kind: .malformedResponse, service: service.id, operation: operation.name, code: "MalformedResponse",
                message: "could not decode the \(operation.name) response: \(error)")
        }
    }
}
