/// The template that names an object's destination key, such as `archive/{yyyy}/{mm}/{username}/{filename}`.
///
/// Placeholders are `{key}` (the whole source key), `{username}` (its first segment, the uploader),
/// `{filename}` (its last segment), `{yyyy}` (four-digit year) and `{mm}` (two-digit month). Any other
/// `{name}` and any brace without its partner is an error; there is no escape for a literal brace,
/// since S3 keys seldom need one. A template must contain `{key}` or `{filename}`, or every object
/// would be copied to the same few keys.
///
/// ```swift
/// let template = try KeyTemplate(parsing: "{yyyy}/{mm}/{username}/{filename}")
/// template.render(key: "alice/inv.pdf", username: "alice", filename: "inv.pdf", year: 2026, month: 11)
/// // "2026/11/alice/inv.pdf"
/// ```
package struct KeyTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One placeholder of a template.
    package enum Placeholder: String, Sendable, Hashable, CaseIterable {
        /// `{key}`: the whole source key.
        case key
        /// `{username}`: the source key's first segment.
        case username
        /// `{filename}`: the source key's last segment.
        case filename
        /// `{yyyy}`: the year, four digits.
        case year = "yyyy"
        /// `{mm}`: the month, two digits.
        case month = "mm"
    }

    /// A part of a parsed template.
    package enum Segment: Sendable, Hashable {
        /// Text copied as it is.
        case literal(String)
        /// A value substituted when rendering.
        case placeholder(Placeholder)
    }

    /// The template as written.
    package let source: String
    /// The parsed template, in order.
    package let segments: [Segment]

    /// The default template, `{key}`: the destination key is the source key.
    package static let sourceKey = KeyTemplate(validated: "{key}", segments: [.placeholder(.key)])

    private init(validated source: String, segments: [Segment]) {
        self.source = source
        self.segments = segments
    }

    /// Parses and validates a template.
    ///
    /// - Parameter source: The template text.
    /// - Throws: ``KeyTemplateError`` for an unknown placeholder, an unbalanced brace, an empty
    ///   template, or one without `{key}` or `{filename}`.
    package init(parsing source: String) throws(KeyTemplateError) {
        guard !source.isEmpty else { throw .empty }
        var segments: [Segment] = []
        var literal = ""
        var index = source.startIndex
        var offset = 0
        while index < source.endIndex {
            let character = source[index]
            if character == "}" { throw .unmatchedClosingBrace(offset: offset) }
            if character != "{" {
                literal.append(character)
                index = source.index(after: index)
                offset += 1
                continue
            }
            let openOffset = offset
            var nameEnd = source.index(after: index)
            var nameLength = 0
            while nameEnd < source.endIndex, source[nameEnd] != "}" {
                if source[nameEnd] == "{" { throw .unclosedBrace(offset: openOffset) }
                nameEnd = source.index(after: nameEnd)
                nameLength += 1
            }
            guard nameEnd < source.endIndex else { throw .unclosedBrace(offset: openOffset) }
            let name = String(source[source.index(after: index)..<nameEnd])
            guard let placeholder = Placeholder(rawValue: name) else { throw .unknownPlaceholder(name) }
            if !literal.isEmpty {
                segments.append(.literal(literal))
                literal = ""
            }
            segments.append(.placeholder(placeholder))
            index = source.index(after: nameEnd)
            offset += nameLength + 2
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        guard segments.contains(.placeholder(.key)) || segments.contains(.placeholder(.filename)) else {
            throw .missingObjectPlaceholder
        }
        self.init(validated: source, segments: segments)
    }

    /// Renders the destination key for one object.
    ///
    /// - Parameters:
    ///   - key: The whole source key, `<username>/<path>`.
    ///   - username: The uploader, the key's first segment.
    ///   - filename: The key's last segment.
    ///   - year: The year of the delivery, written with at least four digits.
    ///   - month: The month of the delivery, 1–12, written with two digits.
    /// - Returns: The destination key.
    package func render(key: String, username: String, filename: String, year: Int, month: Int) -> String {
        var result = ""
        for segment in segments {
            switch segment {
            case .literal(let text): result += text
            case .placeholder(.key): result += key
            case .placeholder(.username): result += username
            case .placeholder(.filename): result += filename
            case .placeholder(.year): result += zeroPadded(year, width: 4)
            case .placeholder(.month): result += zeroPadded(month, width: 2)
            }
        }
        return result
    }

    /// Renders the destination key for a source key, taking the username and file name from it.
    ///
    /// The username is the text before the first `/` (the whole key if there is none) and the
    /// file name the text after the last `/`.
    ///
    /// - Parameters:
    ///   - sourceKey: The source key, `<username>/<path>`.
    ///   - year: The year of the delivery.
    ///   - month: The month of the delivery, 1–12.
    /// - Returns: The destination key.
    package func render(sourceKey: String, year: Int, month: Int) -> String {
        let username =
            sourceKey.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? sourceKey
        let filename =
            sourceKey.split(separator: "/", omittingEmptySubsequences: false).last
            .map(String.init) ?? sourceKey
        return render(key: sourceKey, username: username, filename: filename, year: year, month: month)
    }

    /// The template as written.
    package var description: String { source }
}

/// Why a destination-key template is invalid.
package enum KeyTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The template is the empty string.
    case empty
    /// `{name}` where `name` is not a known placeholder.
    case unknownPlaceholder(String)
    /// A `{` with no `}` after it (before the next `{`), at this character offset.
    case unclosedBrace(offset: Int)
    /// A `}` with no `{` before it, at this character offset.
    case unmatchedClosingBrace(offset: Int)
    /// Neither `{key}` nor `{filename}` appears.
    case missingObjectPlaceholder

    /// A one-line explanation.
    package var description: String {
        switch self {
        case .empty:
            "empty template (expected e.g. {key} or {yyyy}/{mm}/{username}/{filename})"
        case .unknownPlaceholder(let name):
            "unknown placeholder '{\(name)}' (expected {key}, {username}, {filename}, {yyyy} or {mm})"
        case .unclosedBrace(let offset):
            "unbalanced '{' at character \(offset + 1)"
        case .unmatchedClosingBrace(let offset):
            "unbalanced '}' at character \(offset + 1)"
        case .missingObjectPlaceholder:
            "template needs {key} or {filename}, or every object is copied to the same key"
        }
    }
}

/// `value` in decimal, padded with leading zeros to `width` digits (a minus sign comes first).
private func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(value.magnitude)
    let padding = String(repeating: "0", count: max(0, width - digits.count))
    return (value < 0 ? "-" : "") + padding + digits
}
