/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Order and repeats are kept, because SigV4 joins repeated headers in arrival order.
package struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// The fields as sent or received.
    package private(set) var fields: [(name: String, value: String)]

    package init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    package init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    package static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// The first value of `name`, compared case-insensitively.
    package subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveEquals(name) }?.value }
        set {
            if let newValue { replaceOrAdd(name, newValue) } else { remove(name) }
        }
    }

    /// Every value of `name`, in order.
    package func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// Appends a field, keeping any existing ones of the same name.
    package mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field of `name` with one field.
    package mutating func replaceOrAdd(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    /// Removes every field of `name`.
    package mutating func remove(_ name: String) {
        fields.removeAll { $0.name.caseInsensitiveEquals(name) }
    }

    /// Removes, in one pass, the fields a SigV4 signature sets (`Authorization`, `X-Amz-Date`, and when asked
    /// `X-Amz-Content-Sha256` and `X-Amz-Security-Token`), and reports whether a `Host` field is present.
    package mutating func removeForSigning(contentSHA256: Bool, securityToken: Bool) -> Bool {
        var hasHost = false
        fields.removeAll { field in
            let name = field.name
            switch name.utf8.count {
            case 4:
                if name.caseInsensitiveEquals("host") { hasHost = true }
                return false
            case 13: return name.caseInsensitiveEquals("authorization")
            case 10: return name.caseInsensitiveEquals("x-amz-date")
            case 20:
                return (contentSHA256 && name.caseInsensitiveEquals("x-amz-content-sha256"))
                    || (securityToken && name.caseInsensitiveEquals("x-amz-security-token"))
            default: return false
            }
        }
        return hasHost
    }

    /// Whether a field of `name` is present.
    package func contains(_ name: String) -> Bool { self[name] != nil }

    package var isEmpty: Bool { fields.isEmpty }
}

extension String {
    /// ASCII case-insensitive equality, the rule for header names.
    package func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = self.utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A)
        }
    }
}
