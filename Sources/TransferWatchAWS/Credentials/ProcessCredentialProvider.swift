import Foundation
import Logging

/// Credentials printed by a profile's `credential_process` command (botocore's `ProcessProvider`).
///
/// The command line is split like a POSIX shell would split it (``ShellWords``) and run **without** a shell.
/// Its standard output must be `{"Version": 1, "AccessKeyId", "SecretAccessKey"[, "SessionToken"][, "Expiration"]}`.
/// A non-zero exit is a failure reported with the first line of its standard error. Output is never quoted in a
/// message, since it holds the secret key.
package struct ProcessCredentialProvider: CredentialSource {
    /// The name used in messages.
    package let sourceName: String
    /// The `credential_process` value.
    package let command: String
    private let context: CredentialContext

    /// - Parameters:
    ///   - command: the command line.
    ///   - sourceName: the name used in messages, e.g. `shared files`.
    package init(command: String, context: CredentialContext, sourceName: String = "credential_process") {
        self.command = command
        self.context = context
        self.sourceName = sourceName
    }

    /// Runs the command and reads its output.
    package func resolve() async throws(CredentialError) -> CredentialResolution {
        let arguments: [String]
        do {
            arguments = try ShellWords.split(command)
        } catch {
            throw CredentialError(source: sourceName, reason: "credential_process cannot be split into words: \(error)")
        }
        guard let program = arguments.first else {
            throw CredentialError(source: sourceName, reason: "credential_process is empty")
        }
        let output: ProcessOutput
        do {
            output = try await context.processes.run(arguments, environment: context.environment)
        } catch {
            throw CredentialError(
                source: sourceName, reason: "credential_process \(program) could not start: \(error.message)")
        }
        guard output.status == 0 else {
            let firstLine =
                String(decoding: output.standardError, as: UTF8.self)
                .split(whereSeparator: \.isNewline).first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            let detail = firstLine.isEmpty ? " and printed nothing on standard error" : ": \(firstLine)"
            let secrets = Self.secrets(in: output.standardOutput)
            throw CredentialError(
                source: sourceName,
                reason: "credential_process \(program) exited with status \(output.status)\(detail)",
                scrubbing: secrets)
        }
        return .found(try credentials(from: output.standardOutput, program: program))
    }

    /// The JSON a credential process prints.
    private struct Output: Decodable {
        /// `Version`, whatever its JSON type, so a wrong one can be named.
        enum Version: Decodable {
            case number(Double)
            case text(String)
            case other
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if (try? container.decode(Bool.self)) != nil {
                    self = .other
                } else if let number = try? container.decode(Double.self) {
                    self = .number(number)
                } else if let text = try? container.decode(String.self) {
                    self = .text(text)
                } else {
                    self = .other
                }
            }
        }
        var Version: Version?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var SessionToken: String?
        var Expiration: String?
    }

    private func credentials(from data: Data, program: String) throws(CredentialError) -> AWSCredentials {
        func fail(_ reason: String) -> CredentialError {
            CredentialError(source: sourceName, reason: "credential_process \(program) \(reason)")
        }
        guard let output = try? JSONDecoder().decode(Output.self, from: data) else {
            throw fail("did not print a JSON object with string credentials")
        }
        switch output.Version {
        case nil: throw fail("printed no Version (expected 1)")
        case .number(let number) where number == 1: break
        case .number(let number):
            let shown = number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
            throw fail("printed Version \(shown); only version 1 is supported")
        case .text(let text): throw fail("printed Version \"\(text)\"; only version 1 is supported")
        case .other: throw fail("printed a Version that is not a number; only version 1 is supported")
        }
        guard let accessKeyID = output.AccessKeyId, !accessKeyID.isEmpty else { throw fail("printed no AccessKeyId") }
        guard let secret = output.SecretAccessKey, !secret.isEmpty else { throw fail("printed no SecretAccessKey") }
        let token = output.SessionToken.flatMap { $0.isEmpty ? nil : $0 }
        var expiration: Date?
        if let text = output.Expiration, !text.isEmpty {
            guard let date = AWSDate.parseISO8601(text) else {
                throw fail("printed an Expiration that is not an ISO-8601 time: \(text)")
            }
            expiration = date
        }
        context.logger.debug(
            "found credentials from credential_process", metadata: ["credentials.source": "\(sourceName)"])
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration,
            source: "credential_process (\(sourceName))")
    }

    /// Any secret and token in an output that failed, so stderr echoing them is scrubbed.
    private static func secrets(in data: Data) -> [String] {
        guard let output = try? JSONDecoder().decode(Output.self, from: data) else { return [] }
        return [output.SecretAccessKey, output.SessionToken].compactMap { $0 }
    }
}
