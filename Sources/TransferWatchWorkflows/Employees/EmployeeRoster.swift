import TransferWatchAWS

/// The employees table sorted into who gets an SFTP user, who is inactive, and which records are broken.
///
/// Built from the raw items by ``init(records:)``, a pure function, so every rule is tested on plain values.
/// Each record is judged on its own; a broken record never stops the others. The checks, in order:
/// 1. `username` is present, a string (S) and not empty;
/// 2. `active`, when present, is a BOOL (`NULL` reads as absent: active). `active: false` puts the record in
///    ``inactive``, whatever the rest holds: no user is made for it, so nothing else matters;
/// 3. `email`, when present, is a string (`NULL` or empty reads as none);
/// 4. `username` is a name Transfer Family accepts (3–100 characters, `[\w][\w@.-]{2,99}`);
/// 5. `sshPublicKey` is present, a string, and a key ``SSHPublicKey`` accepts;
/// 6. no other record that passed 1–5 has the same username when case is ignored.
///
/// **Duplicates.** The table's partition key is `username`, so two records can only share a name that differs
/// in case (`Alice`, `alice`): DynamoDB keys are case-sensitive. Transfer Family's documentation does not say
/// whether its user names are, so such names might map to the same SFTP user, and in any case they are almost
/// certainly one person entered twice, possibly with two different keys. Every record of such a group is skipped
/// (not just the later one: a scan's order is arbitrary, and picking one would make provisioning flip between
/// runs) until an administrator removes or renames one. Exact repeats of a name, possible only in a table with a
/// sort key, are treated the same way.
package struct EmployeeRoster: Sendable, Equatable {
    /// The employees to provision, sorted by username.
    package var valid: [Employee]
    /// The records that cannot be provisioned, each with its reason, sorted by username.
    package var skipped: [SkippedEmployee]
    /// The usernames of inactive employees (`active: false`), sorted: listed, not provisioned, not expected to upload.
    package var inactive: [String]

    /// Creates a roster from its parts.
    package init(valid: [Employee] = [], skipped: [SkippedEmployee] = [], inactive: [String] = []) {
        self.valid = valid
        self.skipped = skipped
        self.inactive = inactive
    }

    /// Sorts the employees table's items (as a Scan returns them) into valid, skipped and inactive records.
    package init(records: [DynamoDBItem]) {
        var candidates: [Employee] = []
        var skipped: [SkippedEmployee] = []
        var inactive: [String] = []
        for record in records {
            switch Self.judge(record) {
            case .valid(let employee): candidates.append(employee)
            case .inactive(let username): inactive.append(username)
            case .skipped(let skip): skipped.append(skip)
            }
        }

        // 6. Names that collide when case is ignored.
        let groups = Dictionary(grouping: candidates, by: { $0.username.lowercased() })
        var valid: [Employee] = []
        for employee in candidates {
            let group = groups[employee.username.lowercased()] ?? []
            guard group.count > 1 else {
                valid.append(employee)
                continue
            }
            let others = group.map(\.username).filter { $0 != employee.username }
            let reason: String
            if others.isEmpty {
                reason = "the username appears in \(group.count) records; none is provisioned until only one remains"
            } else {
                let names = Set(others).sorted().map { SSHPublicKey.quoted(Array($0.utf8)) }.joined(separator: ", ")
                reason =
                    "the username collides with \(names) when case is ignored (Transfer Family may not "
                    + "tell them apart); none is provisioned until one is removed or renamed"
            }
            skipped.append(SkippedEmployee(username: employee.username, reason: reason))
        }

        self.valid = valid.sorted { $0.username < $1.username }
        self.skipped = skipped.sorted { ($0.username ?? "", $0.reason) < ($1.username ?? "", $1.reason) }
        self.inactive = inactive.sorted()
    }

    private enum Judgement {
        case valid(Employee)
        case inactive(String)
        case skipped(SkippedEmployee)
    }

    private static func judge(_ record: DynamoDBItem) -> Judgement {
        // 1. The username.
        guard let usernameValue = record["username"], !usernameValue.isNull else {
            return .skipped(
                SkippedEmployee(username: nil, reason: "it has no 'username' attribute (\(identify(record)))"))
        }
        guard let username = usernameValue.stringValue else {
            return .skipped(
                SkippedEmployee(
                    username: nil,
                    reason: "its 'username' has type \(usernameValue.typeTag), expected S (\(identify(record)))"))
        }
        guard !username.isEmpty else {
            return .skipped(
                SkippedEmployee(username: username, reason: "its 'username' is empty (\(identify(record)))"))
        }
        func skip(_ reason: String) -> Judgement { .skipped(SkippedEmployee(username: username, reason: reason)) }

        // 2. Active or not.
        var isActive = true
        if let active = record["active"], !active.isNull {
            guard let flag = active.boolValue else {
                return skip(
                    "'active' has type \(active.typeTag), expected BOOL (true or false)\(Self.hint(for: active))")
            }
            isActive = flag
        }
        guard isActive else { return .inactive(username) }

        // 3. The e-mail address.
        var email: String?
        if let value = record["email"], !value.isNull {
            guard let text = value.stringValue else { return skip("'email' has type \(value.typeTag), expected S") }
            email = text.isEmpty ? nil : text
        }

        // 4. A name Transfer Family accepts.
        if let problem = TransferClient.userNameProblem(username) {
            return skip("Transfer Family would refuse it: \(problem)")
        }

        // 5. The key.
        guard let keyValue = record["sshPublicKey"], !keyValue.isNull else {
            return skip("it has no 'sshPublicKey' attribute")
        }
        guard let keyText = keyValue.stringValue else {
            return skip("'sshPublicKey' has type \(keyValue.typeTag), expected S (one OpenSSH public key line)")
        }
        let key: SSHPublicKey
        do {
            key = try SSHPublicKey(parsing: keyText)
        } catch {
            return skip("'sshPublicKey' is not usable: \(error)")
        }
        return .valid(Employee(username: username, sshPublicKey: key.line, email: email, isActive: true))
    }

    /// Names a record that has no usable username by what it does have.
    private static func identify(_ record: DynamoDBItem) -> String {
        if let email = record["email"]?.stringValue, !email.isEmpty {
            return "the record with email \(SSHPublicKey.quoted(Array(email.utf8)))"
        }
        let names = record.keys.sorted()
        return names.isEmpty ? "an empty record" : "a record with attributes \(names.joined(separator: ", "))"
    }

    /// A hint for the usual mistake of writing a Boolean as a string or number.
    private static func hint(for value: DynamoDBAttributeValue) -> String {
        switch value {
        case .s(let text) where ["true", "false"].contains(text.lowercased()):
            "; it is the string '\(text)', write the Boolean \(text.lowercased()) instead"
        case .n(let text) where text == "0" || text == "1":
            "; it is the number \(text), write the Boolean \(text == "1") instead"
        default:
            ""
        }
    }
}
