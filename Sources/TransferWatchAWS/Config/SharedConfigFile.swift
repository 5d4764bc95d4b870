import Foundation

/// One parsed `~/.aws/credentials` or `~/.aws/config` file, read with the INI rules botocore gets from Python's
/// `configparser.RawConfigParser` (strict mode, no interpolation).
///
/// The dialect, exactly:
/// - `[name]` starts a section; the name is everything between the first `[` and the last `]`, unstripped.
///   A section may appear only once per file. `[DEFAULT]` holds defaults for every other section of the file.
/// - `key = value` or `key: value`; the first `=` or `:` splits. Keys are trimmed and lowercased, values trimmed.
///   A key may appear only once per section.
/// - Lines whose first non-blank character is `#` or `;` are comments. There are no inline comments:
///   `region = eu-west-1 # Ireland` has the value `eu-west-1 # Ireland`.
/// - A line indented deeper than its key's line continues that key's value. A value whose first line is empty
///   (`s3 =` followed by indented `endpoint_url = …` lines) is a sub-section of `name = value` pairs.
/// - Blank lines inside a continued value are kept; trailing ones are dropped.
///
/// Section names mean different things per file (see ``profiles``): in the credentials file `[name]` is profile
/// `name`; in the config file profiles are `[default]` and `[profile name]`, beside `[sso-session name]` and
/// `[services name]`.
package struct SharedConfigFile: Sendable, Equatable {
    /// Which of the two files this is; it decides how section names map to profiles.
    package enum Kind: String, Sendable, Equatable {
        /// `~/.aws/credentials`: every section is a profile named like the section.
        case credentials
        /// `~/.aws/config`: `[default]`, `[profile name]`, `[sso-session name]`, `[services name]`.
        case config
    }

    /// A value: a string, or the `name = value` pairs of an indented block.
    package enum Value: Sendable, Equatable {
        case string(String)
        case subsection([String: String])
    }

    /// One key of one section, with where it was written.
    package struct Entry: Sendable, Equatable {
        /// The lowercased key.
        package var key: String
        /// The value.
        package var value: Value
        /// The file the key is in.
        package var path: String
        /// The 1-based line of the key.
        package var line: Int

        /// An entry.
        package init(key: String, value: Value, path: String, line: Int) {
            self.key = key
            self.value = value
            self.path = path
            self.line = line
        }

        /// The value when it is a plain string.
        package var string: String? {
            if case .string(let text) = value { return text }
            return nil
        }
    }

    /// One `[section]` of the file, with `[DEFAULT]`'s keys filled in.
    package struct Section: Sendable, Equatable {
        /// The raw header text between the brackets.
        package var name: String
        /// The 1-based line of the header.
        package var line: Int
        /// The keys in file order.
        package var entries: [Entry]

        /// The entry for `key` (lowercase).
        package subscript(key: String) -> Entry? { entries.first { $0.key == key } }
    }

    /// The path the file was read from (used in every message about it).
    package let path: String
    /// Which file this is.
    package let kind: Kind
    /// The sections in file order, without `[DEFAULT]` itself.
    package let sections: [Section]

    /// Parses a file's bytes.
    /// - Throws: ``SharedConfigFileError`` naming `path` and the offending line.
    package init(data: Data, path: String, kind: Kind) throws(SharedConfigFileError) {
        guard var text = String(validating: data, as: UTF8.self) else { throw .notUTF8(path: path) }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        try self.init(parsing: text, path: path, kind: kind)
    }

    /// Parses a file's text.
    /// - Throws: ``SharedConfigFileError`` naming `path` and the offending line.
    package init(parsing text: String, path: String, kind: Kind) throws(SharedConfigFileError) {
        self.path = path
        self.kind = kind
        self.sections = try Parser(path: path).parse(text)
    }
}

// MARK: - The configparser state machine

/// A key being read: its value is a list of stripped lines until the section or the indentation ends it.
private struct RawOption {
    var key: String
    var line: Int
    var pieces: [(text: String, line: Int)]
}

private struct RawSection {
    var name: String
    var line: Int
    var options: [RawOption] = []
}

private struct Parser {
    let path: String

    func parse(_ text: String) throws(SharedConfigFileError) -> [SharedConfigFile.Section] {
        var sections: [RawSection] = []
        var defaults = RawSection(name: "DEFAULT", line: 0)
        /// `nil` before the first header, `-1` for `[DEFAULT]`, else an index into `sections`.
        var current: Int?
        var currentOption: Int?
        var indentLevel = 0

        func withSection(_ body: (inout RawSection) -> Void) {
            guard let current else { return }
            if current < 0 { body(&defaults) } else { body(&sections[current]) }
        }

        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let stripped = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            let isComment = stripped.hasPrefix("#") || stripped.hasPrefix(";")
            if stripped.isEmpty || isComment {
                // A blank line inside a value is part of it; a comment line is not, and neither ends it.
                if !isComment, let option = currentOption {
                    withSection { $0.options[option].pieces.append(("", lineNumber)) }
                }
                continue
            }
            let indent = rawLine.prefix { $0.isWhitespace }.count
            if current != nil, let option = currentOption, indent > indentLevel {
                withSection { $0.options[option].pieces.append((stripped, lineNumber)) }
                continue
            }
            indentLevel = indent
            if let header = Self.sectionHeader(stripped) {
                if header == "DEFAULT" {
                    current = -1
                } else if let first = sections.first(where: { $0.name == header }) {
                    throw .duplicateSection(path: path, line: lineNumber, section: header, firstLine: first.line)
                } else {
                    sections.append(RawSection(name: header, line: lineNumber))
                    current = sections.count - 1
                }
                currentOption = nil
                continue
            }
            guard current != nil else { throw .missingSectionHeader(path: path, line: lineNumber) }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .invalidLine(path: path, line: lineNumber)
            }
            let key = stripped[..<delimiter].trimmingCharacters(in: .whitespaces).lowercased()
            guard !key.isEmpty else { throw .invalidLine(path: path, line: lineNumber) }
            let value = stripped[stripped.index(after: delimiter)...].trimmingCharacters(in: .whitespaces)
            var duplicate: (name: String, line: Int)?
            withSection { section in
                if let first = section.options.first(where: { $0.key == key }) {
                    duplicate = (section.name, first.line)
                }
            }
            if let duplicate {
                throw .duplicateKey(
                    path: path, line: lineNumber, section: duplicate.name, key: key, firstLine: duplicate.line)
            }
            withSection { section in
                section.options.append(RawOption(key: key, line: lineNumber, pieces: [(value, lineNumber)]))
                currentOption = section.options.count - 1
            }
        }

        let defaultEntries = try defaults.options.map { option throws(SharedConfigFileError) in try entry(option) }
        return try sections.map { raw throws(SharedConfigFileError) in
            var entries = try raw.options.map { option throws(SharedConfigFileError) in try entry(option) }
            for inherited in defaultEntries where !entries.contains(where: { $0.key == inherited.key }) {
                entries.append(inherited)
            }
            return SharedConfigFile.Section(name: raw.name, line: raw.line, entries: entries)
        }
    }

    /// configparser's `\[(?P<header>.+)\]` matched at the start: everything up to the last `]`, at least one character.
    private static func sectionHeader(_ line: String) -> String? {
        guard line.hasPrefix("["), let close = line.lastIndex(of: "]") else { return nil }
        let start = line.index(after: line.startIndex)
        guard close > start else { return nil }
        return String(line[start..<close])
    }

    /// Joins a key's lines (trailing blank lines dropped) and reads an indented block as a sub-section.
    private func entry(_ option: RawOption) throws(SharedConfigFileError) -> SharedConfigFile.Entry {
        var pieces = option.pieces
        while let last = pieces.last, last.text.isEmpty, pieces.count > 1 { pieces.removeLast() }
        let isSubsection = pieces.count > 1 && pieces[0].text.isEmpty
        guard isSubsection else {
            let joined = pieces.map(\.text).joined(separator: "\n")
            return .init(key: option.key, value: .string(joined), path: path, line: option.line)
        }
        var pairs: [String: String] = [:]
        for piece in pieces.dropFirst() where !piece.text.isEmpty {
            guard let equals = piece.text.firstIndex(of: "=") else {
                throw .invalidSubsectionLine(path: path, line: piece.line, key: option.key)
            }
            let name = piece.text[..<equals].trimmingCharacters(in: .whitespaces)
            pairs[name] = piece.text[piece.text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return .init(key: option.key, value: .subsection(pairs), path: path, line: option.line)
    }
}
