import Foundation

extension AWSClient {
    /// Calls a Query-protocol operation (SNS, STS, IAM) and returns its `<OperationResult>` element
    /// (or the whole response element when the operation has no result).
    ///
    /// - Parameter parameters: the operation's parameters already flattened (`Name.member.1`, `Attributes.entry.1.key`).
    package func queryCall(_ operation: AWSOperation, _ parameters: [(String, String)], unsigned: Bool = false) async throws(AWSError) -> XMLNode {
        guard case .query(let apiVersion) = service.wireProtocol else { preconditionFailure("\(service.id) does not speak Query") }
        let form = [("Action", operation.name), ("Version", apiVersion)] + parameters
        let body = form.map { "\(QueryEncoding.formEncode($0.0))=\(QueryEncoding.formEncode($0.1))" }.joined(separator: "&")
        let request = HTTPRequest(method: "POST", endpoint: endpoint, path: "/",
                                  headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"], body: Data(body.utf8))
        let service = self.service
        let response = try await send(operation, request, unsigned: unsigned) { response in
            Self.decodeXMLError(response, service: service, operation: operation)
        }
        let root: XMLNode
        do {
            root = try XMLNode.parse(response.body)
        } catch {
            throw malformed(operation, response, "\(error)")
        }
        return root["\(operation.name)Result"] ?? root
    }

    /// Decodes a Query or REST-XML error: `<ErrorResponse><Error><Code>` or S3's `<Error><Code>`; a body-less
    /// error (HEAD) gets a code from its status.
    package static func decodeXMLError(_ response: HTTPResponse, service: AWSService, operation: AWSOperation) -> AWSError? {
        guard !(200..<300).contains(response.status) else { return nil }
        let headerRequestID = requestID(response.headers)
        guard !response.body.isEmpty, let root = try? XMLNode.parse(response.body) else {
            return AWSError(service: service.id, operation: operation.name, statusCode: response.status,
                            code: statusCode(response.status), message: response.body.isEmpty ? "" : String(response.bodyText.prefix(200)),
                            requestID: headerRequestID)
        }
        let error = root.localName == "Error" ? root : (root["Error"] ?? root["Errors"]?["Error"] ?? root)
        return AWSError(service: service.id, operation: operation.name, statusCode: response.status,
                        code: error.string("Code") ?? statusCode(response.status), message: error.string("Message") ?? "",
                        requestID: root.string("RequestId") ?? error.string("RequestId") ?? headerRequestID, body: response.body)
    }

    /// A code for a body-less error response, as botocore names them.
    package static func statusCode(_ status: Int) -> String {
        switch status {
        case 301: "PermanentRedirect"
        case 304: "NotModified"
        case 400: "BadRequest"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 412: "PreconditionFailed"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        default: "HTTP\(status)"
        }
    }
}

/// Flattening helpers for the Query protocol.
package enum QueryEncoding {
    /// `application/x-www-form-urlencoded` encoding (space as `%20`, which is equally valid and unambiguous).
    package static func formEncode(_ text: String) -> String { URIEncoding.encode(text) }

    /// `Name.member.1=a&Name.member.2=b`.
    package static func list(_ name: String, _ values: [String]) -> [(String, String)] {
        values.enumerated().map { ("\(name).member.\($0.offset + 1)", $0.element) }
    }
}
