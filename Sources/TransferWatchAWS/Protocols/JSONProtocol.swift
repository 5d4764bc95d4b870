import Foundation

extension AWSClient {
    /// Calls a JSON 1.0/1.1 operation with a raw JSON body and returns the raw JSON response body.
    ///
    /// - Parameters:
    ///   - compressionLevel: gzip the body at this zlib level when it is at least the configured minimum
    ///     (PutMetricData); `nil` sends it as it is.
    ///   - timeout: each attempt's deadline for this call only; `nil` uses the context's.
    package func jsonCall(_ operation: AWSOperation, body: Data, compressionLevel: Int32? = nil,
                          timeout: Duration? = nil) async throws(AWSError) -> Data {
        guard case .json(let version, let targetPrefix, let queryCompatible) = service.wireProtocol else {
            preconditionFailure("\(service.id) does not speak JSON")
        }
        var headers: HTTPHeaders = [
            "Content-Type": "application/x-amz-json-\(version)",
            "X-Amz-Target": "\(targetPrefix).\(operation.name)",
        ]
        if queryCompatible { headers.add("x-amzn-query-mode", "true") }
        var payload = body
        if let compressionLevel, body.count >= context.minCompressionSize,
            let compressed = try? GZip.compress(body, level: compressionLevel)
        {
            payload = compressed
            headers.add("Content-Encoding", "gzip")
        }
        let request = HTTPRequest(method: "POST", endpoint: endpointParts, path: "/", headers: headers, body: payload)
        let service = self.service
        let verifyCRC = service == .dynamoDB
        let response = try await send(operation, request, timeout: timeout) { response in
            Self.decodeJSONError(response, service: service, operation: operation, verifyCRC: verifyCRC)
        }
        return response.body
    }

    /// Calls a JSON operation with typed input and output.
    package func json<Input: Encodable, Output: Decodable>(_ operation: AWSOperation, _ input: Input, as output: Output.Type = Output.self,
                                                         compressionLevel: Int32? = nil, timeout: Duration? = nil) async throws(AWSError) -> Output {
        try await json(operation, input, compressionLevel: compressionLevel, timeout: timeout) { data in
            try AWSJSON.decoder.decode(Output.self, from: data.isEmpty ? Data("{}".utf8) : data)
        }
    }

    /// Decodes a JSON-protocol error: `__type` (namespace and `:` suffix stripped), `message`/`Message`, the
    /// query-compatible `x-amzn-query-error` code, and DynamoDB's CRC32 check on successes.
    package static func decodeJSONError(_ response: HTTPResponse, service: AWSService, operation: AWSOperation, verifyCRC: Bool) -> AWSError? {
        let requestID = requestID(response.headers)
        if (200..<300).contains(response.status) {
            if verifyCRC, let expected = response.headers["x-amz-crc32"].flatMap(UInt32.init), CRC32.checksum(response.body) != expected {
                return AWSError(service: service.id, operation: operation.name, statusCode: response.status, code: "CRC32Mismatch",
                                message: "the response body does not match its x-amz-crc32 header", requestID: requestID)
            }
            return nil
        }
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        // A front end (a proxy, or moto's signature and policy checks) may answer a JSON service with an XML error.
        if object == nil, response.body.first == UInt8(ascii: "<"), var xmlError = decodeXMLError(response, service: service, operation: operation) {
            if let queryError = response.headers["x-amzn-query-error"], let legacy = queryError.split(separator: ";").first, !legacy.isEmpty {
                xmlError.code = String(legacy)
            }
            return xmlError
        }
        var code = (object?["__type"] as? String) ?? (object?["code"] as? String) ?? response.headers["x-amzn-ErrorType"] ?? ""
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        if let queryError = response.headers["x-amzn-query-error"], let legacy = queryError.split(separator: ";").first, !legacy.isEmpty {
            code = String(legacy)
        }
        if code.isEmpty { code = "HTTP\(response.status)" }
        let message = (object?["message"] as? String) ?? (object?["Message"] as? String) ?? (object == nil ? String(response.bodyText.prefix(200)) : "")
        return AWSError(service: service.id, operation: operation.name, statusCode: response.status, code: code,
                        message: message, requestID: requestID, body: response.body)
    }
}

/// The JSON coders for AWS's JSON protocols: timestamps are epoch seconds.
package enum AWSJSON {
    package static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    package static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            let text = try container.decode(String.self)
            if let date = AWSDate.parseISO8601(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a timestamp: \(text)")
        }
        return decoder
    }
}
