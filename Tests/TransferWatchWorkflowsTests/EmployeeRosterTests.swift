import Testing
import TransferWatchAWS

@testable import TransferWatchWorkflows

/// The employees table sorted record by record: valid, inactive, and skipped with a reason, word for word.
@Suite struct EmployeeRosterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var record: DynamoDBItem
        /// The skipped record's username and reason, or `nil` when the record is valid.
        var skipped: SkippedEmployee?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let key = (try? SSHKeygen.shared.get().keys["ed25519-256"]?.line) ?? "ssh-ed25519 (ssh-keygen missing)"
        let weak = (try? SSHKeygen.shared.get().keys["rsa-1024"]?.line) ?? "ssh-rsa (ssh-keygen missing)"
        func skip(_ username: String?, _ reason: String) -> SkippedEmployee? {
            SkippedEmployee(username: username, reason: reason)
        }
        return [
            // The username.
            Case(
                name: "no username", record: ["email": .s("nobody@corp"), "sshPublicKey": .s(key)],
                skipped: skip(nil, "it has no 'username' attribute (the record with email 'nobody@corp')")),
            Case(
                name: "username is a number", record: ["username": .n("42"), "sshPublicKey": .s(key)],
                skipped: skip(
                    nil, "its 'username' has type N, expected S (a record with attributes sshPublicKey, username)")),
            Case(
                name: "empty username", record: ["username": .s(""), "sshPublicKey": .s(key)],
                skipped: skip("", "its 'username' is empty (a record with attributes sshPublicKey, username)")),
            Case(
                name: "too short for Transfer", record: ["username": .s("ab"), "sshPublicKey": .s(key)],
                skipped: skip(
                    "ab", "Transfer Family would refuse it: UserName 'ab' must be 3 to 100 characters (it has 2)")),
            Case(
                name: "starts with a dot", record: ["username": .s(".hidden"), "sshPublicKey": .s(key)],
                skipped: skip(
                    ".hidden",
                    "Transfer Family would refuse it: UserName '.hidden' must start with a letter, a digit or '_'")),
            Case(
                name: "has a space", record: ["username": .s("bob smith"), "sshPublicKey": .s(key)],
                skipped: skip(
                    "bob smith",
                    "Transfer Family would refuse it: UserName 'bob smith' may contain only letters, digits, '_', '@', '.' and '-'"
                )),
            // active.
            Case(
                name: "active as a string",
                record: ["username": .s("carol"), "active": .s("true"), "sshPublicKey": .s(key)],
                skipped: skip(
                    "carol",
                    "'active' has type S, expected BOOL (true or false); it is the string 'true', write the Boolean true instead"
                )),
            Case(
                name: "active as a number",
                record: ["username": .s("dave"), "active": .n("0"), "sshPublicKey": .s(key)],
                skipped: skip(
                    "dave",
                    "'active' has type N, expected BOOL (true or false); it is the number 0, write the Boolean false instead"
                )),
            Case(
                name: "active as a list",
                record: ["username": .s("erin"), "active": .l([.bool(true)]), "sshPublicKey": .s(key)],
                skipped: skip("erin", "'active' has type L, expected BOOL (true or false)")),
            // The key.
            Case(
                name: "no key", record: ["username": .s("frank")],
                skipped: skip("frank", "it has no 'sshPublicKey' attribute")),
            Case(
                name: "key set instead of a string", record: ["username": .s("grace"), "sshPublicKey": .ss([key])],
                skipped: skip("grace", "'sshPublicKey' has type SS, expected S (one OpenSSH public key line)")),
            Case(
                name: "1024-bit RSA key", record: ["username": .s("heidi"), "sshPublicKey": .s(weak)],
                skipped: skip(
                    "heidi", "'sshPublicKey' is not usable: the RSA key has 1024 bits; at least 2048 are required")),
            Case(
                name: "garbage key", record: ["username": .s("ivan"), "sshPublicKey": .s("paste your key here")],
                skipped: skip(
                    "ivan",
                    "'sshPublicKey' is not usable: key type 'paste' is not accepted: expected one of ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521"
                )),
            // email.
            Case(
                name: "email is a number", record: ["username": .s("judy"), "email": .n("7"), "sshPublicKey": .s(key)],
                skipped: skip("judy", "'email' has type N, expected S")),
            // Valid ones.
            Case(name: "minimal", record: ["username": .s("mallory"), "sshPublicKey": .s(key)], skipped: nil),
            Case(
                name: "active NULL reads as active",
                record: ["username": .s("niaj"), "active": .null, "sshPublicKey": .s(key)], skipped: nil),
            Case(
                name: "email and active true",
                record: [
                    "username": .s("olivia@corp.example"), "active": .bool(true), "email": .s("o@corp"),
                    "sshPublicKey": .s(key),
                ],
                skipped: nil),
        ]
    }()

    @Test(arguments: cases)
    func judgesEachRecordOnItsOwn(_ testCase: Case) throws {
        _ = try SSHKeygen.shared.get()
        let roster = EmployeeRoster(records: [testCase.record])
        if let expected = testCase.skipped {
            #expect(roster.skipped == [expected])
            #expect(roster.valid.isEmpty)
        } else {
            #expect(roster.skipped.isEmpty, "\(roster.skipped)")
            #expect(roster.valid.map(\.username) == [testCase.record["username"]?.stringValue])
        }
        #expect(roster.inactive.isEmpty)
    }

    @Test func readsTheEmployeeAndNormalizesTheKey() throws {
        let line = try #require(try SSHKeygen.shared.get().keys["ecdsa-384"]?.line)
        let parts = line.split(separator: " ")
        let roster = EmployeeRoster(records: [
            [
                "username": .s("alice"), "email": .s("alice@corp"),
                "sshPublicKey": .s("\t\(parts[0])  \(parts[1])  \(parts[2])\n"),
            ],
            ["username": .s("bob"), "email": .s(""), "active": .bool(true), "sshPublicKey": .s(line)],
        ])
        #expect(
            roster.valid == [
                Employee(username: "alice", sshPublicKey: line, email: "alice@corp", isActive: true),
                Employee(username: "bob", sshPublicKey: line, email: nil, isActive: true),
            ])
    }

    @Test func listsInactiveEmployeesWhateverTheirKey() throws {
        let key = try #require(try SSHKeygen.shared.get().keys["ed25519-256"]?.line)
        let roster = EmployeeRoster(records: [
            ["username": .s("zed"), "active": .bool(false)],
            ["username": .s("yolanda"), "active": .bool(false), "sshPublicKey": .s("not a key")],
            ["username": .s("xavier"), "active": .bool(false), "sshPublicKey": .s(key)],
            ["username": .s("walter"), "sshPublicKey": .s(key)],
        ])
        #expect(roster.inactive == ["xavier", "yolanda", "zed"])
        #expect(roster.valid.map(\.username) == ["walter"])
        #expect(roster.skipped.isEmpty)
    }

    @Test func skipsEveryRecordOfANameThatDiffersOnlyInCase() throws {
        let key = try #require(try SSHKeygen.shared.get().keys["ed25519-256"]?.line)
        let other = try #require(try SSHKeygen.shared.get().keys["ecdsa-256"]?.line)
        let records: [DynamoDBItem] = [
            ["username": .s("alice"), "sshPublicKey": .s(key)],
            ["username": .s("ALICE"), "sshPublicKey": .s(other)],
            ["username": .s("Alice"), "sshPublicKey": .s(key)],
            ["username": .s("bob"), "sshPublicKey": .s(key)],
            // An inactive Bob gets no user, so he collides with nobody.
            ["username": .s("BOB"), "active": .bool(false)],
            // A broken Carol gets no user either.
            ["username": .s("carol"), "sshPublicKey": .s(key)],
            ["username": .s("Carol"), "sshPublicKey": .n("1")],
        ]
        // The order a scan returns them in must not matter.
        var random = SeededGenerator(seed: 3)
        for order in [records, records.reversed(), records.shuffled(using: &random)] {
            let roster = EmployeeRoster(records: order)
            #expect(roster.valid.map(\.username) == ["bob", "carol"])
            #expect(roster.inactive == ["BOB"])
            let collision =
                "when case is ignored (Transfer Family may not tell them apart); none is provisioned until one is removed or renamed"
            #expect(
                roster.skipped == [
                    SkippedEmployee(
                        username: "ALICE", reason: "the username collides with 'Alice', 'alice' \(collision)"),
                    SkippedEmployee(
                        username: "Alice", reason: "the username collides with 'ALICE', 'alice' \(collision)"),
                    SkippedEmployee(
                        username: "Carol", reason: "'sshPublicKey' has type N, expected S (one OpenSSH public key line)"
                    ),
                    SkippedEmployee(
                        username: "alice", reason: "the username collides with 'ALICE', 'Alice' \(collision)"),
                ])
        }
    }

    @Test func skipsAnExactlyRepeatedName() throws {
        let key = try #require(try SSHKeygen.shared.get().keys["ed25519-256"]?.line)
        let roster = EmployeeRoster(records: [
            ["username": .s("dave"), "sshPublicKey": .s(key), "device": .s("laptop")],
            ["username": .s("dave"), "sshPublicKey": .s(key), "device": .s("desktop")],
        ])
        #expect(roster.valid.isEmpty)
        #expect(
            roster.skipped.map(\.reason)
                == Array(
                    repeating: "the username appears in 2 records; none is provisioned until only one remains", count: 2
                ))
    }

    @Test func describesASkippedRecordInOneLineNamingIt() {
        #expect(
            "\(SkippedEmployee(username: "heidi", reason: "it has no 'sshPublicKey' attribute"))"
                == "employee 'heidi' skipped: it has no 'sshPublicKey' attribute")
        #expect(
            "\(SkippedEmployee(username: nil, reason: "it has no 'username' attribute (an empty record)"))"
                == "employees table record skipped: it has no 'username' attribute (an empty record)")
        #expect(
            EmployeeRoster(records: [[:]]).skipped.map(\.reason) == ["it has no 'username' attribute (an empty record)"]
        )
    }
}
