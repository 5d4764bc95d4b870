/// An Amazon Resource Name, `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, split into its parts.
///
/// ``init(parsing:)`` checks only the general shape; ``iamRole(_:)`` and ``snsTopic(_:)`` check
/// the two kinds the configuration names.
///
/// ```swift
/// let role = try ARN.iamRole("arn:aws:iam::123456789012:role/sftp-invoice-user")
/// role.account   // "123456789012"
/// role.resource  // "role/sftp-invoice-user"
/// ```
package struct ARN: Sendable, Hashable, CustomStringConvertible {
    /// The partition: `aws`, `aws-cn`, `aws-us-gov`, ….
    package var partition: String
    /// The service namespace, such as `iam` or `sns`.
    package var service: String
    /// The region; empty for global services such as IAM.
    package var region: String
    /// The 12-digit account ID.
    package var account: String
    /// The resource part, which may itself contain `:` and `/`.
    package var resource: String

    /// Creates an ARN from its parts, without validation.
    package init(partition: String, service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Splits an ARN into its six parts.
    ///
    /// The partition must be `aws` or start with `aws-` and use lowercase letters and hyphens, the
    /// account must be empty or 12 digits, and the service and resource must not be empty.
    ///
    /// - Parameter text: The ARN.
    /// - Returns: `nil` when `text` is not shaped like an ARN.
    package init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        let partition = parts[1]
        guard partition == "aws" || partition.hasPrefix("aws-"),
            partition.allSatisfy({ ("a"..."z").contains($0) || $0 == "-" })
        else { return nil }
        guard !parts[2].isEmpty,
            parts[2].allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else { return nil }
        guard parts[3].allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            return nil
        }
        guard parts[4].isEmpty || (parts[4].count == 12 && parts[4].allSatisfy { ("0"..."9").contains($0) }) else {
            return nil
        }
        guard !parts[5].isEmpty, !parts[5].contains(where: { $0.isWhitespace || $0.isNewline }) else { return nil }
        self.init(partition: partition, service: parts[2], region: parts[3], account: parts[4], resource: parts[5])
    }

    /// Parses an IAM role ARN, `arn:aws:iam::123456789012:role/PATH/NAME`.
    ///
    /// - Parameter text: The ARN.
    /// - Throws: ``ARNError/malformedRole(_:)`` unless the service is `iam`, the region is empty,
    ///   the account has 12 digits and the resource is `role/` followed by a path and name made of
    ///   letters, digits and `+=,.@_-/` (not ending in `/`, the name at most 64 characters).
    package static func iamRole(_ text: String) throws(ARNError) -> ARN {
        guard let arn = ARN(parsing: text), arn.service == "iam", arn.region.isEmpty, arn.account.count == 12,
            arn.resource.hasPrefix("role/")
        else { throw .malformedRole(text) }
        let pathAndName = arn.resource.dropFirst("role/".count)
        let allowed = { (character: Character) in
            character.isASCII && (character.isLetter || character.isNumber || "+=,.@_-/".contains(character))
        }
        guard !pathAndName.isEmpty, !pathAndName.hasSuffix("/"), !pathAndName.hasPrefix("/"),
            pathAndName.allSatisfy(allowed),
            let name = pathAndName.split(separator: "/").last, name.count <= 64
        else { throw .malformedRole(text) }
        return arn
    }

    /// Parses an SNS topic ARN, `arn:aws:sns:REGION:123456789012:TOPIC`.
    ///
    /// - Parameter text: The ARN.
    /// - Throws: ``ARNError/malformedTopic(_:)`` unless the service is `sns`, the region and the
    ///   12-digit account are present and the topic name is 1–256 letters, digits, `-` and `_`
    ///   (a FIFO topic may end in `.fifo`).
    package static func snsTopic(_ text: String) throws(ARNError) -> ARN {
        guard let arn = ARN(parsing: text), arn.service == "sns", !arn.region.isEmpty, arn.account.count == 12
        else { throw .malformedTopic(text) }
        let name = arn.resource.hasSuffix(".fifo") ? String(arn.resource.dropLast(5)) : arn.resource
        guard !name.isEmpty, arn.resource.count <= 256,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw .malformedTopic(text) }
        return arn
    }

    /// The ARN as text.
    package var description: String {
        "arn:\(partition):\(service):\(region):\(account):\(resource)"
    }
}

/// Why an ARN is not the kind the configuration expects.
package enum ARNError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not an IAM role ARN.
    case malformedRole(String)
    /// Not an SNS topic ARN.
    case malformedTopic(String)

    /// A one-line explanation with the expected form.
    package var description: String {
        switch self {
        case .malformedRole(let text):
            "malformed IAM role ARN \(quoted(text)) (expected arn:aws:iam::123456789012:role/NAME)"
        case .malformedTopic(let text):
            "malformed SNS topic ARN \(quoted(text)) (expected arn:aws:sns:REGION:123456789012:TOPIC)"
        }
    }
}
