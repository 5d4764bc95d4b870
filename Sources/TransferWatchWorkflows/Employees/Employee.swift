/// An employee who can be given an SFTP user: a record of the employees table that passed every check.
///
/// See CONTRACT.md ("The employees table"): partition key `username` (S), `sshPublicKey` (S), `email` (S,
/// optional), `active` (BOOL, optional, default true).
package struct Employee: Sendable, Equatable {
    /// The Transfer Family user name: 3–100 characters of `[\w][\w@.-]`, exactly as in the table.
    package var username: String
    /// The validated OpenSSH public key line, normalized (``SSHPublicKey/line``): one space between fields,
    /// no surrounding whitespace. Send it to Transfer as it is.
    package var sshPublicKey: String
    /// The employee's e-mail address, if the table has one (an empty string or `NULL` reads as none).
    package var email: String?
    /// Whether the employee is active; always `true` in ``EmployeeRoster/valid``.
    package var isActive: Bool

    /// Creates an employee from its parts (no validation: use ``EmployeeRoster`` to read the table).
    package init(username: String, sshPublicKey: String, email: String? = nil, isActive: Bool = true) {
        self.username = username
        self.sshPublicKey = sshPublicKey
        self.email = email
        self.isActive = isActive
    }
}

/// A record of the employees table that cannot be provisioned, and why.
package struct SkippedEmployee: Sendable, Equatable, CustomStringConvertible {
    /// The record's `username`, when it has a string one.
    package var username: String?
    /// Why the record is skipped, one line: `'sshPublicKey' is not usable: the RSA key has 1024 bits; …`.
    /// A record without a username names itself here by its other attributes.
    package var reason: String

    /// Creates a skipped record.
    package init(username: String?, reason: String) {
        self.username = username
        self.reason = reason
    }

    /// The one line to print: `employee 'bob' skipped: <reason>`, or `employees table record skipped: <reason>`.
    package var description: String {
        if let username { return "employee \(SSHPublicKey.quoted(Array(username.utf8))) skipped: \(reason)" }
        return "employees table record skipped: \(reason)"
    }
}
