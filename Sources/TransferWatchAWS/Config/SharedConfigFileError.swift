import Foundation

/// Why `~/.aws/credentials` or `~/.aws/config` could not be used; every case names the file, and the line when
/// there is one.
///
/// Messages never quote a line of the file: a malformed line may hold a secret key.
package enum SharedConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The bytes are not UTF-8.
    case notUTF8(path: String)
    /// A `key = value` line comes before any `[section]` header.
    case missingSectionHeader(path: String, line: Int)
    /// A line that is neither a header, a `key = value` line, a continuation nor a comment.
    case invalidLine(path: String, line: Int)
    /// A section header repeated within one file (configparser's strict mode, which botocore uses).
    case duplicateSection(path: String, line: Int, section: String, firstLine: Int)
    /// A key repeated within one section of one file.
    case duplicateKey(path: String, line: Int, section: String, key: String, firstLine: Int)
    /// A line of an indented sub-section (`s3 =` then `  endpoint_url = …`) without `=`.
    case invalidSubsectionLine(path: String, line: Int, key: String)
    /// A value of the wrong type, e.g. `max_attempts = three`.
    case invalidValue(path: String, line: Int, key: String, expected: String)

    /// `<path>:<line>: <what is wrong>`.
    package var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "\(path): cannot read: \(reason)"
        case .notUTF8(let path):
            "\(path): not valid UTF-8"
        case .missingSectionHeader(let path, let line):
            "\(path):\(line): a key appears before any [section] header"
        case .invalidLine(let path, let line):
            "\(path):\(line): expected 'key = value', a [section] header or a comment"
        case .duplicateSection(let path, let line, let section, let firstLine):
            "\(path):\(line): section [\(section)] already appears on line \(firstLine)"
        case .duplicateKey(let path, let line, let section, let key, let firstLine):
            "\(path):\(line): '\(key)' is already set in section [\(section)] on line \(firstLine)"
        case .invalidSubsectionLine(let path, let line, let key):
            "\(path):\(line): expected 'name = value' inside the indented block of '\(key)'"
        case .invalidValue(let path, let line, let key, let expected):
            "\(path):\(line): '\(key)' must be \(expected)"
        }
    }
}
