import Foundation

extension AWSClient {
    /// Calls a JSON operation with typed input and an answer read by hand with ``JSONReader`` (for the hot
    /// path: DynamoDB items, SQS messages). The input is encoded as ``json(_:_:as:compressionLevel:timeout:)``
    /// encodes it.
    ///
    /// - Parameters:
    ///   - timeout: each attempt's deadline for this call only; `nil` uses the context's.
    ///   - decode: reads the answer's body (empty when the service sent none).
    /// - Throws: ``AWSError``; a malformed answer is `malformedResponse` (`MalformedResponse`), naming the byte.
    package func json<Input: Encodable, Output>(
        _ operation: AWSOperation, _ input: Input, timeout: Duration? = nil,
        decode: (Data) throws(JSONReaderError) -> Output
    ) async throws(AWSError) -> Output {
        let body: Data
        do {
            body = try AWSJSON.encoder.encode(input)
        } catch {
            throw AWSError(
                kind: .malformedResponse, service: service.id, operation: operation.name, code: "SerializationError",
                message: "\(error)")
        }
        let data = try await jsonCall(operation, body: body, timeout: timeout)
        do {
            return try decode(data)
        } catch {
            throw AWSError(
                kind: .malformedResponse, service: service.id, operation: operation.name, code: "MalformedResponse",
                message: "could not decode the \(operation.name) response: \(error)")
        }
    }
}
