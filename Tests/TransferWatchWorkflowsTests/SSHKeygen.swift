import Foundation

/// Public keys made by the real `ssh-keygen` (openssh-client, installed by `make deps`), once per test process.
///
/// Only public key lines leave the temporary folder; the private keys are deleted with it.
struct SSHKeygen: Sendable {
    /// One generated key: its `.pub` line and what `ssh-keygen -l -E sha256` says about it.
    struct Key: Sendable {
        var line: String
        /// `2048 SHA256:abc… comment (RSA)`.
        var listing: String
    }

    /// `rsa-1024`, `rsa-2048`, `rsa-4096`, `ed25519-256`, `ecdsa-256`, `ecdsa-384`, `ecdsa-521`, and `dsa-1024`
    /// where this OpenSSH can still make DSA keys (9.8 and later cannot).
    var keys: [String: Key]
    /// An Ed25519 user certificate (`ssh-ed25519-cert-v01@openssh.com`) signed by a throwaway CA.
    var certificate: String

    /// The keys, or why `ssh-keygen` could not make them.
    static let shared: Result<SSHKeygen, SSHKeygenError> = Result { () throws(SSHKeygenError) in try make() }

    struct SSHKeygenError: Error, CustomStringConvertible {
        var description: String
    }

    private static func make() throws(SSHKeygenError) -> SSHKeygen {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-sshkeys-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw SSHKeygenError(description: "cannot create \(folder.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        var keys: [String: Key] = [:]
        let specs = [
            ("rsa", 1024), ("rsa", 2048), ("rsa", 4096), ("ed25519", 256), ("ecdsa", 256), ("ecdsa", 384),
            ("ecdsa", 521), ("dsa", 1024),
        ]
        for (type, bits) in specs {
            let optional = type == "dsa"
            let name = "\(type)-\(bits)"
            let path = folder.appendingPathComponent(name).path
            var arguments = ["-q", "-t", type, "-N", "", "-C", "\(name)@transferwatch-test", "-f", path]
            if type != "ed25519" { arguments += ["-b", "\(bits)"] }
            do {
                try run(arguments)
            } catch  where optional {
                continue
            }
            let line = try read(path + ".pub")
            let listing = try run(["-l", "-E", "sha256", "-f", path + ".pub"])
            keys[name] = Key(line: line, listing: listing)
        }
        let ca = folder.appendingPathComponent("ca").path
        try run(["-q", "-t", "ed25519", "-N", "", "-f", ca])
        try run([
            "-q", "-s", ca, "-I", "alice", "-n", "alice", folder.appendingPathComponent("ed25519-256").path + ".pub",
        ])
        let certificate = try read(folder.appendingPathComponent("ed25519-256-cert.pub").path)
        return SSHKeygen(keys: keys, certificate: certificate)
    }

    @discardableResult
    private static func run(_ arguments: [String]) throws(SSHKeygenError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ssh-keygen"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw SSHKeygenError(description: "cannot run ssh-keygen (install openssh-client: make deps): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw SSHKeygenError(
                description:
                    "ssh-keygen \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
        return text
    }

    private static func read(_ path: String) throws(SSHKeygenError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SSHKeygenError(description: "ssh-keygen wrote no \(path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
