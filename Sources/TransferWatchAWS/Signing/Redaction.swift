import Foundation

/// Keeps secrets out of logs and error messages: signatures, secret keys, session tokens, presigned signatures.
package enum Redaction {
    /// Header names whose values are secret.
    package static let secretHeaders: Set<String> = ["authorization", "x-amz-security-token", "proxy-authorization", "x-aws-ec2-metadata-token", "cookie"]
    /// Query parameters whose values are secret.
    package static let secretQueryParameters: Set<String> = ["x-amz-signature", "x-amz-security-token", "x-amz-credential", "signature", "awsaccesskeyid"]

    /// The header value, or `<redacted>` for a secret header.
    package static func headerValue(name: String, value: String) -> String {
        secretHeaders.contains(name.lowercased()) ? "<redacted>" : value
    }

    /// A header list safe to log.
    package static func headers(_ headers: HTTPHeaders) -> [(String, String)] {
        headers.fields.map { ($0.name, headerValue(name: $0.name, value: $0.value)) }
    }

    /// The URL with secret query values replaced by `<redacted>`.
    package static func redactURL(_ url: String) -> String {
        guard let question = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: question)...]
        let items = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            guard let equals = item.firstIndex(of: "=") else { return String(item) }
            let name = item[..<equals]
            return secretQueryParameters.contains(name.lowercased()) ? "\(name)=<redacted>" : String(item)
        }
        return url[...question] + items.joined(separator: "&")
    }

    /// An access key ID shortened to its first four characters (`AKIA…`), enough to tell keys apart in a log.
    package static func redactAccessKeyID(_ id: String) -> String {
        id.count <= 4 ? id : id.prefix(4) + "…"
    }

    /// Removes known secrets from free text (e.g. an error body echoing a header): the given strings, and any
    /// SigV4 signature (`Signature=<64 hex>`, `X-Amz-Signature=<64 hex>`).
    package static func scrub(_ text: String, secrets: [String]) -> String {
        var text = text
        for secret in secrets where secret.count >= 8 {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        guard text.contains("Signature=") else { return text }
        var output = ""
        var rest = Substring(text)
        while let range = rest.range(of: "Signature=") {
            output += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let hex = rest.prefix { $0.isHexDigit }
            if !hex.isEmpty {
                output += "<redacted>"
                rest = rest.dropFirst(hex.count)
            }
        }
        return output + rest
    }
}
