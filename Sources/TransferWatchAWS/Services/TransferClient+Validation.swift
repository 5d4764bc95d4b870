import Foundation

/// Collects every broken rule of one request, so a caller sees all of them at once, and turns them into one
/// ``AWSError`` of kind ``AWSError/Kind/invalidRequest`` (code `ParamValidationError`, as botocore names it).
///
/// Shared by ``TransferClient`` and ``CloudWatchClient``.
struct ParameterProblems {
    private(set) var messages: [String] = []

    /// Records `message` unless `condition` holds.
    mutating func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { messages.append(message()) }
    }

    /// Records a problem.
    mutating func add(_ message: String) {
        messages.append(message)
    }

    /// Throws the collected problems, if any.
    func check(_ service: AWSService, _ operation: AWSOperation) throws(AWSError) {
        guard !messages.isEmpty else { return }
        throw AWSError(
            kind: .invalidRequest, service: service.id, operation: operation.name, code: Self.code,
            message: messages.joined(separator: "; "), attempts: 0)
    }

    /// The error code of every locally refused request.
    static let code = "ParamValidationError"
}

/// Text checks shared by the validators.
enum ParameterText {
    /// ASCII letters, digits and `_` (the `\w` of AWS's patterns).
    static func isWordCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F
    }

    /// Printable ASCII only (no control characters, nothing above 0x7E).
    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Whether `text` contains something other than whitespace.
    static func hasNonWhitespace(_ text: String) -> Bool {
        text.contains { !$0.isWhitespace }
    }

    /// A quoted, shortened copy of `text` for error messages.
    static func quoted(_ text: String, limit: Int = 60) -> String {
        text.count <= limit ? "'\(text)'" : "'\(text.prefix(limit))…' (\(text.count) characters)"
    }
}

extension TransferClient {
    /// Why Transfer Family would refuse `userName` as a `UserName` (3–100 characters of `[\w][\w@.-]{2,99}`),
    /// or `nil` when it is acceptable: the same rule ``createUser(serverID:userName:role:home:sshPublicKey:sessionPolicy:tags:)``
    /// checks before sending, for callers that vet names ahead of time (the employees table).
    package static func userNameProblem(_ userName: String) -> String? {
        var problems = ParameterProblems()
        Validation.checkUserName(userName, into: &problems)
        return problems.messages.first
    }
}

extension TransferClient {
    /// The local checks made before any request, from the service model (BC-model transfer) and aws-facts §4.
    enum Validation {
        /// `s-` and 17 lowercase hex digits.
        static func checkServerID(_ serverID: String, into problems: inout ParameterProblems) {
            let bytes = Array(serverID.utf8)
            let isValid =
                bytes.count == 19 && serverID.hasPrefix("s-")
                && bytes.dropFirst(2).allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
            problems.require(
                isValid, "ServerId \(ParameterText.quoted(serverID)) is not of the form s-<17 lowercase hex digits>")
        }

        /// 3–100 characters matching `[\w][\w@.-]{2,99}`: so it cannot start with `-`, `.` or `@`.
        static func checkUserName(_ userName: String, into problems: inout ParameterProblems) {
            let bytes = Array(userName.utf8)
            guard (3...100).contains(userName.count) else {
                problems.add(
                    "UserName \(ParameterText.quoted(userName)) must be 3 to 100 characters (it has \(userName.count))")
                return
            }
            guard ParameterText.isWordCharacter(bytes[0]) else {
                problems.add("UserName \(ParameterText.quoted(userName)) must start with a letter, a digit or '_'")
                return
            }
            let allowed = bytes.allSatisfy {
                ParameterText.isWordCharacter($0) || $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "-")
            }
            problems.require(
                allowed,
                "UserName \(ParameterText.quoted(userName)) may contain only letters, digits, '_', '@', '.' and '-'")
        }

        /// An IAM role ARN: `arn:<partition>:iam::<12-digit account>:role/<path and name>`, 20–2048 characters.
        static func checkRoleARN(_ arn: String, parameter: String, into problems: inout ParameterProblems) {
            let problem =
                "\(parameter) \(ParameterText.quoted(arn)) is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
            guard (20...2048).contains(arn.utf8.count) else {
                problems.add(problem)
                return
            }
            let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty,
                parts[1].utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || $0 == UInt8(ascii: "-") }),
                parts[2] == "iam", parts[3].isEmpty,
                parts[4].utf8.count == 12, parts[4].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                parts[5].hasPrefix("role/"), parts[5].count > 5, !parts[5].contains(where: \.isWhitespace)
            else {
                problems.add(problem)
                return
            }
        }

        /// PATH: one absolute path; LOGICAL: 1–50,000 mappings whose Entry and Target start with `/`.
        static func checkHome(_ home: HomeDirectory, into problems: inout ParameterProblems) {
            switch home {
            case .path(let path):
                problems.require(
                    path.hasPrefix("/") && path.utf8.count <= 1024,
                    "HomeDirectory \(ParameterText.quoted(path)) must start with '/' and be at most 1024 characters")
            case .logical(let mappings):
                problems.require(
                    (1...50_000).contains(mappings.count),
                    "HomeDirectoryMappings must have 1 to 50000 entries (it has \(mappings.count))")
                for (index, mapping) in mappings.enumerated() {
                    problems.require(
                        mapping.entry.hasPrefix("/") && mapping.entry.utf8.count <= 1024,
                        "HomeDirectoryMappings[\(index)].Entry \(ParameterText.quoted(mapping.entry)) must start with '/' and be at most 1024 characters"
                    )
                    problems.require(
                        mapping.target.hasPrefix("/") && mapping.target.utf8.count <= 1024,
                        "HomeDirectoryMappings[\(index)].Target \(ParameterText.quoted(mapping.target)) must start with '/' and be at most 1024 characters"
                    )
                    if let type = mapping.type {
                        problems.require(
                            type == "FILE" || type == "DIRECTORY",
                            "HomeDirectoryMappings[\(index)].Type must be FILE or DIRECTORY, not \(ParameterText.quoted(type))"
                        )
                    }
                }
            }
        }

        /// At most 2048 characters, `(ssh|ecdsa)-<type> <base64> [comment]` (the model's pattern).
        static func checkSSHPublicKey(_ body: String, into problems: inout ParameterProblems) {
            guard body.utf8.count <= 2048 else {
                problems.add("SshPublicKeyBody must be at most 2048 characters (it has \(body.utf8.count))")
                return
            }
            let fields = body.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            let type = fields.first.map(String.init) ?? ""
            let typeIsValid =
                (type.hasPrefix("ssh-") || type.hasPrefix("ecdsa-"))
                && type.split(separator: "-", maxSplits: 1).last.map { rest in
                    !rest.isEmpty
                        && rest.utf8.allSatisfy {
                            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-")
                        }
                } == true
            let key = fields.count > 1 ? Substring(fields[1]) : ""
            let unpadded = key.prefix(while: { $0 != "=" })
            let padding = key.dropFirst(unpadded.count)
            let keyIsBase64 =
                !unpadded.isEmpty && padding.count <= 3 && padding.allSatisfy { $0 == "=" }
                && unpadded.utf8.allSatisfy {
                    ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                        || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/")
                }
            problems.require(
                typeIsValid && keyIsBase64,
                "SshPublicKeyBody is not an OpenSSH public key line ('<ssh-… or ecdsa-…> <base64> [comment]')")
        }

        /// 1–50 tags, keys 1–128 and values 0–256 characters.
        static func checkTags(_ tags: [String: String], into problems: inout ParameterProblems) {
            guard !tags.isEmpty else { return }
            problems.require(tags.count <= 50, "Tags may have at most 50 entries (it has \(tags.count))")
            for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
                problems.require(
                    (1...128).contains(key.count), "tag key \(ParameterText.quoted(key)) must be 1 to 128 characters")
                problems.require(
                    value.count <= 256, "the value of tag \(ParameterText.quoted(key)) must be at most 256 characters")
            }
        }
    }
}
