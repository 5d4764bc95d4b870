// TEMPORARY STAND-IN — DELETE WHEN THE `Employees/` BRANCH (EmployeeDirectory, issue 4 part 5) LANDS ON MAIN.
//
// A minimal copy of the agreed interface (`Employee`, `EmployeeDirectory`, `EmployeeRoster`, `SkippedEmployee`)
// so provisioning can be built and tested before the real directory arrives. The real one validates keys
// properly (RSA size, key blob structure); this one checks only what provisioning's tests need. After
// `git merge main` brings `Sources/TransferWatchWorkflows/Employees/`, this file must be deleted: the duplicate
// type names make the build fail until it is.
import Foundation
import Logging
import TransferWatchAWS

/// One row of the employees table (stand-in; see the file header).
package struct Employee: Sendable, Equatable {
    package var username: String
    package var sshPublicKey: String
    package var email: String?
    package var isActive: Bool

    package init(username: String, sshPublicKey: String, email: String? = nil, isActive: Bool = true) {
        self.username = username
        self.sshPublicKey = sshPublicKey
        self.email = email
        self.isActive = isActive
    }
}

/// An employee record that cannot be provisioned, and why (stand-in).
package struct SkippedEmployee: Sendable, Equatable {
    package var username: String?
    package var reason: String

    package init(username: String?, reason: String) {
        self.username = username
        self.reason = reason
    }
}

/// The employees table read and validated (stand-in).
package struct EmployeeRoster: Sendable {
    package var valid: [Employee]
    package var skipped: [SkippedEmployee]
    package var inactive: [String]

    package init(valid: [Employee], skipped: [SkippedEmployee], inactive: [String]) {
        self.valid = valid
        self.skipped = skipped
        self.inactive = inactive
    }
}

/// Reads the employees table (stand-in).
package struct EmployeeDirectory: Sendable {
    let dynamo: DynamoDBClient
    let table: String
    let logger: Logger

    package init(dynamo: DynamoDBClient, table: String, logger: Logger) {
        self.dynamo = dynamo
        self.table = table
        self.logger = logger
    }

    package func load() async throws(AWSError) -> EmployeeRoster {
        let items = try await dynamo.scanAll(table: table, consistentRead: true)
        var roster = EmployeeRoster(valid: [], skipped: [], inactive: [])
        var seen = Set<String>()
        for item in items.sorted(by: { ($0["username"]?.stringValue ?? "") < ($1["username"]?.stringValue ?? "") }) {
            guard let username = item["username"]?.stringValue else {
                roster.skipped.append(SkippedEmployee(username: nil, reason: "no username"))
                continue
            }
            if item["active"]?.boolValue == false {
                roster.inactive.append(username)
                continue
            }
            let userNameIsValid =
                (3...100).contains(username.count)
                && username.first.map { $0.isLetter || $0.isNumber || $0 == "_" } == true
                && username.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_@.-".contains($0)) }
            guard userNameIsValid else {
                roster.skipped.append(SkippedEmployee(username: username, reason: "invalid username"))
                continue
            }
            guard seen.insert(username.lowercased()).inserted else {
                roster.skipped.append(SkippedEmployee(username: username, reason: "duplicate username"))
                continue
            }
            guard let key = item["sshPublicKey"]?.stringValue, !key.isEmpty else {
                roster.skipped.append(SkippedEmployee(username: username, reason: "missing SSH public key"))
                continue
            }
            let fields = key.split(separator: " ")
            guard fields.count >= 2, ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"].contains(String(fields[0])),
                Data(base64Encoded: String(fields[1])) != nil
            else {
                roster.skipped.append(SkippedEmployee(username: username, reason: "malformed SSH public key"))
                continue
            }
            roster.valid.append(
                Employee(username: username, sshPublicKey: key, email: item["email"]?.stringValue, isActive: true))
        }
        return roster
    }
}
