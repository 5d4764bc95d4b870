import Foundation
import Testing

@testable import TransferWatchAWS

/// The INI dialect of `~/.aws/credentials` and `~/.aws/config`. Every expected value here was checked against
/// botocore 1.43.11's `raw_config_parse` / `load_config` on the same text.
@Suite struct SharedConfigFileTests {
    // MARK: The dialect

    @Test func commentsAreWholeLinesOnlyAndValuesKeepHashes() throws {
        let file = try parse(
            """
            # top comment
            ; another
            [default]
            region = us-west-2 # not a comment
              # indented comment
            aws_access_key_id=AKIDEXAMPLE

            [profile dev]
            region: eu-west-1
            """, kind: .config)
        #expect(file.profiles["default"]?["region"] == "us-west-2 # not a comment")
        #expect(file.profiles["default"]?["aws_access_key_id"] == "AKIDEXAMPLE")
        #expect(file.profiles["dev"]?["region"] == "eu-west-1")
        #expect(file.sections.map(\.name) == ["default", "profile dev"])
    }

    @Test func indentedBlockIsASubsectionAndOtherContinuationsJoinWithNewlines() throws {
        let file = try parse(
            """
            [profile x]
            s3 =
              endpoint_url = http://localhost:4566
              addressing_style = path

            region = us-east-1
            note = first
              second

              third


            """, kind: .config)
        let profile = try #require(file.profiles["x"])
        #expect(profile.subsection("s3") == ["endpoint_url": "http://localhost:4566", "addressing_style": "path"])
        #expect(profile["s3"] == nil)
        #expect(profile["region"] == "us-east-1")
        #expect(profile["note"] == "first\nsecond\n\nthird")
    }

    @Test func configSectionsMapToProfilesLikeBotocore() throws {
        let file = try parse(
            """
            [default]
            region=a
            [profile default]
            region=b
            [dev]
            region=c
            [profile  "my dev" ]
            region=d
            [profile a b]
            region=e
            [profilex]
            region=f
            [services svc]
            s3 =
             endpoint_url=http://s3.local
            [sso-session corp]
            sso_region=us-east-1
            """, kind: .config)
        // `[dev]` is not a profile in the config file; `[profile a b]` and `[profilex]` are ignored; the later of
        // `[default]` and `[profile default]` wins; a quoted name may hold spaces.
        #expect(Set(file.profiles.keys) == ["default", "my dev"])
        #expect(file.profiles["default"]?["region"] == "b")
        #expect(file.profiles["my dev"]?["region"] == "d")
        #expect(file.services["svc"]?.subsection("s3") == ["endpoint_url": "http://s3.local"])
        #expect(file.ssoSessions["corp"]?["sso_region"] == "us-east-1")
    }

    @Test func credentialsFileSectionsAreProfileNamesVerbatim() throws {
        let file = try parse(
            """
            [default]
            aws_access_key_id = A
            [profile dev]
            aws_access_key_id = B
            [dev]
            aws_access_key_id = C
            """, kind: .credentials)
        #expect(Set(file.profiles.keys) == ["default", "profile dev", "dev"])
        #expect(file.profiles["dev"]?["aws_access_key_id"] == "C")
        #expect(file.services.isEmpty)
    }

    @Test func defaultSectionFillsEveryOtherSection() throws {
        let file = try parse("[DEFAULT]\nregion = base\n[profile a]\n[profile b]\nregion = own\n", kind: .config)
        #expect(file.profiles["a"]?["region"] == "base")
        #expect(file.profiles["b"]?["region"] == "own")
        #expect(file.sections.map(\.name) == ["profile a", "profile b"])
    }

    /// One line-level rule of configparser, checked against botocore.
    struct DialectCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var key: String
        var expected: String?
        var testDescription: String { name }
    }

    static let dialectCases: [DialectCase] = [
        // Keys are lowercased; values are not.
        .init(
            name: "keys are case-insensitive", text: "[default]\nAWS_Access_Key_ID = K\n", key: "aws_access_key_id",
            expected: "K"),
        // configparser's header regex matches at the start and ignores what follows the last `]`.
        .init(
            name: "text after a header is ignored", text: "[default] trailing\nregion=x\n", key: "region", expected: "x"
        ),
        // A deeper-indented line continues the value, even when it looks like a header.
        .init(
            name: "an indented header is a continuation", text: "[default]\nregion = x\n  [profile y]\n", key: "region",
            expected: "x\n[profile y]"),
        // The first `=` or `:` splits, so URLs keep their colons.
        .init(
            name: "a URL keeps its colons", text: "[default]\nendpoint_url = http://h:9000/p?a=b\n",
            key: "endpoint_url", expected: "http://h:9000/p?a=b"),
        .init(name: "a colon before an equals sign splits", text: "[default]\na:b = c\n", key: "a", expected: "b = c"),
        .init(name: "CRLF line endings", text: "[default]\r\nregion = x\r\n", key: "region", expected: "x"),
        .init(
            name: "an empty value is an empty string", text: "[default]\nregion =\nfoo=\n   \n", key: "region",
            expected: ""),
        .init(
            name: "a byte-order mark is skipped", text: "\u{FEFF}[default]\nregion = x\n", key: "region", expected: "x"),
        .init(name: "tabs indent continuations", text: "[default]\nnote = a\n\tb\n", key: "note", expected: "a\nb"),
    ]

    @Test(arguments: dialectCases) func dialect(_ testCase: DialectCase) throws {
        let file = try SharedConfigFile(data: Data(testCase.text.utf8), path: "/t/config", kind: .config)
        #expect(file.profiles["default"]?[testCase.key] == testCase.expected)
    }

    @Test func entriesRememberFileAndLine() throws {
        let file = try parse("# c\n[default]\n\nregion = x\n", kind: .config)
        let entry = try #require(file.profiles["default"]?.entries["region"])
        #expect(entry.path == "/t/config")
        #expect(entry.line == 4)
        #expect(file.sections.first?.line == 2)
    }

    // MARK: Errors, word for word

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var message: String
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        .init(
            name: "duplicate key (case-insensitive)", text: "[default]\nregion=a\nRegion=b\n",
            message: "/t/config:3: 'region' is already set in section [default] on line 2"),
        .init(
            name: "duplicate section", text: "[default]\nregion=a\n[default]\nx=1\n",
            message: "/t/config:3: section [default] already appears on line 1"),
        .init(
            name: "key before any section", text: "# hello\nregion=a\n[default]\n",
            message: "/t/config:2: a key appears before any [section] header"),
        .init(
            name: "line without a delimiter", text: "[default]\nregion a\n",
            message: "/t/config:2: expected 'key = value', a [section] header or a comment"),
        .init(
            name: "empty key", text: "[default]\n= x\n",
            message: "/t/config:2: expected 'key = value', a [section] header or a comment"),
        .init(
            name: "sub-section line without equals",
            text: "[default]\ns3 =\n  addressing_style = path\n  endpoint_url\n",
            message: "/t/config:4: expected 'name = value' inside the indented block of 's3'"),
        .init(
            name: "duplicate key across two DEFAULT sections", text: "[DEFAULT]\na=1\n[DEFAULT]\na=2\n",
            message: "/t/config:4: 'a' is already set in section [DEFAULT] on line 2"),
        .init(
            name: "unclosed header", text: "[default\nregion=a\n",
            message: "/t/config:1: a key appears before any [section] header"),
    ]

    @Test(arguments: errorCases) func errors(_ testCase: ErrorCase) {
        #expect {
            try SharedConfigFile(parsing: testCase.text, path: "/t/config", kind: .config)
        } throws: { error in
            "\(error)" == testCase.message
        }
    }

    @Test func invalidUTF8IsReportedWithThePath() {
        #expect(throws: SharedConfigFileError.notUTF8(path: "/t/config")) {
            try SharedConfigFile(data: Data([0x5B, 0xFF, 0x5D]), path: "/t/config", kind: .config)
        }
    }

    @Test func aMalformedSecretLineIsNeverQuoted() throws {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let error = #expect(throws: SharedConfigFileError.self) {
            try SharedConfigFile(
                parsing: "[default]\naws_secret_access_key \(secret)\n", path: "/t/credentials", kind: .credentials)
        }
        #expect(error.map { "\($0)".contains(secret) } == false)
    }

    // MARK: Typed settings

    @Test func typedSettingsOfAProfile() throws {
        let file = try parse(
            """
            [profile p]
            region = eu-central-1
            endpoint_url = http://localhost:5055
            max_attempts = 5
            retry_mode = standard
            services = local
            [services local]
            s3 =
              endpoint_url = http://s3.localhost:4566
            dynamodb =
              endpoint_url = http://localhost:8000
            """, kind: .config)
        let profile = try #require(file.profiles["p"])
        #expect(profile.region == "eu-central-1")
        #expect(try profile.endpointURL == URL(string: "http://localhost:5055"))
        #expect(try profile.maxAttempts == 5)
        #expect(try profile.retryMode == .standard)
        let services = try #require(file.services["local"])
        #expect(try services.serviceEndpointURL(for: .s3) == URL(string: "http://s3.localhost:4566"))
        #expect(try services.serviceEndpointURL(for: .dynamoDB) == URL(string: "http://localhost:8000"))
        #expect(try services.serviceEndpointURL(for: .sqs) == nil)
    }

    @Test(arguments: [
        ("max_attempts = three", "/t/config:2: 'max_attempts' must be a whole number of at least 1"),
        ("max_attempts = 0", "/t/config:2: 'max_attempts' must be a whole number of at least 1"),
        ("retry_mode = fast", "/t/config:2: 'retry_mode' must be one of legacy, standard, adaptive"),
        ("endpoint_url = localhost:5055", "/t/config:2: 'endpoint_url' must be a URL such as https://host:port"),
    ])
    func badSettingsNameFileAndLine(line: String, message: String) throws {
        let profile = try #require(try parse("[default]\n\(line)\n", kind: .config).profiles["default"])
        #expect {
            _ = try profile.maxAttempts
            _ = try profile.retryMode
            _ = try profile.endpointURL
        } throws: { error in
            "\(error)" == message
        }
    }

    // MARK: Helpers

    private func parse(_ text: String, kind: SharedConfigFile.Kind) throws -> SharedConfigFile {
        try SharedConfigFile(parsing: text, path: kind == .config ? "/t/config" : "/t/credentials", kind: kind)
    }
}

/// Both files together: paths, profile selection, merging.
@Suite struct SharedConfigFilesTests {
    @Test func pathsComeFromVariablesWithTildeAndVariablesExpanded() {
        let environment = [
            "HOME": "/home/ann", "AWS_CONFIG_FILE": "~/custom/config",
            "AWS_SHARED_CREDENTIALS_FILE": "$XDG/aws/${NAME}", "XDG": "/x", "NAME": "creds",
        ]
        #expect(
            SharedConfigFiles.path(environment["AWS_CONFIG_FILE"], default: "~/.aws/config", environment: environment)
                == "/home/ann/custom/config")
        #expect(
            SharedConfigFiles.path(
                environment["AWS_SHARED_CREDENTIALS_FILE"], default: "~/.aws/credentials", environment: environment)
                == "/x/aws/creds")
        #expect(
            SharedConfigFiles.path(nil, default: "~/.aws/credentials", environment: ["HOME": "/root/"])
                == "/root/.aws/credentials")
        #expect(SharedConfigFiles.expandVariables("$UNSET/a/${ALSO}/$", environment: [:]) == "$UNSET/a/${ALSO}/$")
        #expect(SharedConfigFiles.expandUser("~bob/x", environment: ["HOME": "/h"]) == "~bob/x")
    }

    @Test(arguments: [
        ([:], "default", SharedConfigFiles.ProfileOrigin.implicit),
        (["AWS_PROFILE": "a", "AWS_DEFAULT_PROFILE": "b"], "a", .awsProfile),
        (["AWS_DEFAULT_PROFILE": "b"], "b", .awsDefaultProfile),
        (["AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "b"], "b", .awsDefaultProfile),
    ])
    func profileSelection(environment: [String: String], name: String, origin: SharedConfigFiles.ProfileOrigin) {
        let selected = SharedConfigFiles.selectProfile(environment: environment)
        #expect(selected.name == name)
        #expect(selected.origin == origin)
    }

    @Test func anExplicitProfileBeatsTheEnvironment() {
        #expect(SharedConfigFiles.selectProfile(environment: ["AWS_PROFILE": "a"], explicit: "cli").name == "cli")
    }

    @Test func credentialsFileOverlaysConfigFileForTheSameProfile() throws {
        let files = CredentialFakes.Files([
            "/home/t/.aws/config":
                "[profile dev]\nregion = eu-west-1\nrole_arn = arn:config\nservices = s\n[services s]\nsts =\n  endpoint_url = http://sts.local:1\n",
            "/home/t/.aws/credentials": "[dev]\nrole_arn = arn:credentials\naws_access_key_id = AKID\n",
        ])
        let shared = try SharedConfigFiles.load(environment: ["HOME": "/home/t", "AWS_PROFILE": "dev"], files: files)
        let profile = try #require(shared.selectedProfile)
        #expect(profile["region"] == "eu-west-1")
        #expect(profile["role_arn"] == "arn:credentials")
        #expect(profile.entries["role_arn"]?.path == "/home/t/.aws/credentials")
        #expect(profile["aws_access_key_id"] == "AKID")
        #expect(shared.region == "eu-west-1")
        #expect(try shared.endpointURL(for: .sts) == URL(string: "http://sts.local:1"))
        #expect(try shared.endpointURL(for: .s3) == nil)
        #expect(shared.searchedPaths == "/home/t/.aws/credentials, /home/t/.aws/config")
    }

    @Test func missingFilesAreAbsentNotErrors() throws {
        let shared = try SharedConfigFiles.load(environment: ["HOME": "/nowhere"], files: CredentialFakes.Files())
        #expect(shared.credentials == nil && shared.config == nil)
        #expect(shared.selectedProfile == nil)
        #expect(shared.searchedPaths == "/nowhere/.aws/credentials (absent), /nowhere/.aws/config (absent)")
    }

    @Test func anUnreadableFileIsAnError() {
        let files = CredentialFakes.Files(["/h/.aws/config": "[default]\n"], unreadable: ["/h/.aws/config"])
        #expect(throws: SharedConfigFileError.unreadable(path: "/h/.aws/config", reason: "permission denied")) {
            try SharedConfigFiles.load(environment: ["HOME": "/h"], files: files)
        }
    }

    @Test func theRealFileReaderReadsAndReportsAbsence() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twcreds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("config").path
        try Data("[default]\nregion = ap-south-1\n".utf8).write(to: URL(fileURLWithPath: path))
        let reader = LocalFileReader()
        #expect(
            try reader.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
                == "[default]\nregion = ap-south-1\n")
        #expect(try reader.contents(atPath: directory.appendingPathComponent("absent").path) == nil)
        #expect(try reader.contents(atPath: directory.path) == nil)
    }
}

/// `shlex.split` in POSIX mode, as botocore splits `credential_process`.
@Suite struct ShellWordsTests {
    @Test(arguments: [
        ("a b", ["a", "b"]),
        ("a \"b c\" d", ["a", "b c", "d"]),
        ("a 'b\\c' d", ["a", "b\\c", "d"]),
        ("a\\ b", ["a b"]),
        ("\"a\\\"b\"", ["a\"b"]),
        ("\"a\\nb\"", ["a\\nb"]),
        ("''", [""]),
        ("a\"b c\"d", ["ab cd"]),
        ("  ", []),
        ("x \"\" y", ["x", "", "y"]),
        ("/bin/sh -c 'echo \"{}\"'", ["/bin/sh", "-c", "echo \"{}\""]),
    ])
    func splitsLikePythonShlex(line: String, words: [String]) throws {
        #expect(try ShellWords.split(line) == words)
    }

    @Test func unbalancedInputFails() {
        #expect(throws: ShellWords.SplitError.unclosedQuote) { try ShellWords.split("\"abc") }
        #expect(throws: ShellWords.SplitError.unclosedQuote) { try ShellWords.split("'a") }
        #expect(throws: ShellWords.SplitError.trailingBackslash) { try ShellWords.split("abc\\") }
    }
}
