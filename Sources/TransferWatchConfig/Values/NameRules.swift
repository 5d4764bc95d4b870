import Foundation

/// The naming rules of the AWS resources the configuration names.
///
/// Each check returns `nil` for a valid name, or the one-line problem to report.
enum NameRules {
    /// S3's general-purpose bucket naming rules.
    ///
    /// 3–63 characters of lowercase letters, digits, `.` and `-`; starts and ends with a letter or
    /// digit; no `..`; not shaped like an IPv4 address; none of the prefixes and suffixes S3 reserves.
    static func bucketProblem(_ name: String) -> String? {
        let shown = quoted(name)
        guard (3...63).contains(name.count) else {
            return "invalid bucket name \(shown) (must be 3-63 characters, has \(name.count))"
        }
        let allowed = { (c: Character) in ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "." || c == "-" }
        guard name.allSatisfy(allowed) else {
            return "invalid bucket name \(shown) (only lowercase letters, digits, '.' and '-')"
        }
        let letterOrDigit = { (c: Character) in ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        guard let first = name.first, let last = name.last, letterOrDigit(first), letterOrDigit(last) else {
            return "invalid bucket name \(shown) (must start and end with a letter or digit)"
        }
        guard !name.contains("..") else {
            return "invalid bucket name \(shown) (must not contain '..')"
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }) {
            return "invalid bucket name \(shown) (must not look like an IP address)"
        }
        for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] where name.hasPrefix(prefix) {
            return "invalid bucket name \(shown) (the prefix '\(prefix)' is reserved)"
        }
        for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] where name.hasSuffix(suffix) {
            return "invalid bucket name \(shown) (the suffix '\(suffix)' is reserved)"
        }
        return nil
    }

    /// DynamoDB table names: 3–255 characters of letters, digits, `_`, `.` and `-`.
    static func tableProblem(_ name: String) -> String? {
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "." || c == "-") }
        guard (3...255).contains(name.count), name.allSatisfy(allowed) else {
            return "invalid DynamoDB table name \(quoted(name)) (3-255 characters of a-z A-Z 0-9 _ . -)"
        }
        return nil
    }

    /// CloudWatch namespaces: 1–255 characters of letters, digits, space and `.-_/#:`, not
    /// starting with `:` or `AWS/` (reserved for AWS's own metrics).
    static func namespaceProblem(_ name: String) -> String? {
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || " .-_/#:".contains(c)) }
        guard (1...255).contains(name.count), name.allSatisfy(allowed) else {
            return "invalid CloudWatch namespace \(quoted(name)) (1-255 characters of a-z A-Z 0-9 space . - _ / # :)"
        }
        if name.hasPrefix(":") || name.hasPrefix("AWS/") {
            return "invalid CloudWatch namespace \(quoted(name)) (must not start with ':' or 'AWS/')"
        }
        return nil
    }

    /// Region names such as `us-east-1` or `us-gov-west-1`: lowercase letters, digits and hyphens,
    /// at least two hyphen-separated parts, starting with a letter.
    static func regionProblem(_ name: String) -> String? {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        let valid =
            parts.count >= 2 && name.count <= 64
            && parts.allSatisfy {
                !$0.isEmpty && $0.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
            }
            && parts[0].allSatisfy { ("a"..."z").contains($0) }
        return valid ? nil : "malformed region \(quoted(name)) (expected e.g. us-east-1)"
    }

    /// The environment label: 1–255 printable characters (it is a CloudWatch dimension value and an alert label).
    static func environmentProblem(_ name: String) -> String? {
        let valid =
            (1...255).contains(name.count)
            && name.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control }
            && name.trimmingCharacters(in: .whitespaces) == name
        return valid
            ? nil : "invalid environment name \(quoted(name)) (1-255 printable characters, no surrounding spaces)"
    }

    /// An absolute `http` or `https` URL with a host and no spaces.
    static func httpURL(_ text: String) -> URL? {
        guard !text.contains(where: { $0.isWhitespace }), let url = URL(string: text),
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return nil }
        return url
    }

    /// An SQS queue URL: `http(s)://HOST/ACCOUNT/NAME`, the account 12 digits and the name 1–80
    /// letters, digits, `-` and `_` (a FIFO queue's ending in `.fifo`).
    static func queueURL(_ text: String) -> URL? {
        guard let url = httpURL(text), url.query == nil, url.fragment == nil else { return nil }
        let segments = url.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard segments.count == 2, let account = segments.first, let name = segments.last,
            account.count == 12, account.allSatisfy({ ("0"..."9").contains($0) })
        else { return nil }
        let base = name.hasSuffix(".fifo") ? name.dropLast(5) : name
        guard (1...80).contains(name.count), !base.isEmpty,
            base.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        return url
    }
}
