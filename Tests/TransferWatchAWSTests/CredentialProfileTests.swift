import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// Profiles of the shared files: static keys, assume role, web identity, `credential_process`.
@Suite struct ProfileCredentialProviderTests {
    static let credentialsPath = "/home/tester/.aws/credentials"
    static let configPath = "/home/tester/.aws/config"

    // MARK: Static keys

    @Test func staticKeysFromTheCredentialsFile() async throws {
        let credentials = try await provider(
            credentials: "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n"
        ).credentials()
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyID: "AKIDFILE", secretAccessKey: "file-secret",
                    source: "profile default in /home/tester/.aws/credentials"))
    }

    @Test func staticKeysFromTheConfigFileWhenTheCredentialsFileHasNone() async throws {
        let credentials = try await provider(
            credentials: "[default]\nregion = us-west-2\n",
            config:
                "[profile dev]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\naws_session_token = tok\n",
            environment: ["AWS_PROFILE": "dev"]
        ).credentials()
        #expect(credentials.accessKeyID == "AKIDCONFIG")
        #expect(credentials.sessionToken == "tok")
        #expect(credentials.source == "profile dev in /home/tester/.aws/config")
    }

    @Test func theCredentialsFileBeatsTheConfigFile() async throws {
        let credentials = try await provider(
            credentials: "[default]\naws_access_key_id = FROMCREDENTIALS\naws_secret_access_key = a\n",
            config: "[default]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = b\n"
        ).credentials()
        #expect(credentials.accessKeyID == "FROMCREDENTIALS")
    }

    @Test func legacySecurityTokenKeyIsReadFirst() async throws {
        let credentials = try await provider(
            credentials: """
                [default]
                aws_access_key_id = A
                aws_secret_access_key = b
                aws_session_token = new
                aws_security_token = legacy
                """
        ).credentials()
        #expect(credentials.sessionToken == "legacy")
    }

    @Test(arguments: [
        (
            "[default]\naws_access_key_id = A\n",
            "no AWS credentials from shared files: /home/tester/.aws/credentials:2: profile \"default\" sets aws_access_key_id but not aws_secret_access_key"
        ),
        (
            "[default]\naws_access_key_id =\naws_secret_access_key = s\n",
            "no AWS credentials from shared files: /home/tester/.aws/credentials:2: aws_access_key_id of profile \"default\" is empty"
        ),
        (
            "[default]\naws_access_key_id = A\naws_secret_access_key =\n",
            "no AWS credentials from shared files: /home/tester/.aws/credentials:3: aws_secret_access_key of profile \"default\" is empty"
        ),
        (
            "[default]\nregion = x\nregion = y\n",
            "no AWS credentials from shared files: /home/tester/.aws/credentials:3: 'region' is already set in section [default] on line 2"
        ),
    ])
    func brokenKeysAreErrorsNamingFileAndLine(credentialsFile: String, message: String) async {
        await #expect {
            try await provider(credentials: credentialsFile).credentials()
        } throws: { error in
            "\(error)" == message
        }
    }

    // MARK: Which profile

    @Test func aMissingDefaultProfileIsUnavailable() async throws {
        let resolution = try await provider().resolve()
        guard case .unavailable(let attempts) = resolution else {
            Issue.record("expected unavailable")
            return
        }
        #expect(attempts.map(\.source) == ["web identity", "shared files"])
        #expect(
            attempts.map(\.reason) == [
                "AWS_WEB_IDENTITY_TOKEN_FILE not set",
                "profile \"default\" not found in /home/tester/.aws/credentials (absent), /home/tester/.aws/config (absent)",
            ])
    }

    @Test func aProfileWithoutCredentialsIsUnavailable() async throws {
        let resolution = try await provider(config: "[default]\nregion = eu-west-1\n").resolve()
        guard case .unavailable(let attempts) = resolution else {
            Issue.record("expected unavailable")
            return
        }
        #expect(
            attempts.last?.reason
                == "profile \"default\" has no credentials (no aws_access_key_id, role_arn, web_identity_token_file "
                + "or credential_process) in /home/tester/.aws/credentials (absent), /home/tester/.aws/config")
    }

    @Test func anIdentityCenterProfileSaysHowToUseIt() async throws {
        let resolution = try await provider(
            config: "[profile corp]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Admin\n",
            environment: ["AWS_PROFILE": "corp"]
        ).resolve()
        guard case .unavailable(let attempts) = resolution else {
            Issue.record("expected unavailable")
            return
        }
        #expect(
            attempts.last?.reason
                == "profile \"corp\" uses IAM Identity Center (sso_*), which TransferWatch does not read; "
                + "add credential_process = aws configure export-credentials --profile corp --format process")
    }

    @Test(arguments: [
        (["AWS_PROFILE": "ghost"], "AWS_PROFILE"),
        (["AWS_DEFAULT_PROFILE": "ghost"], "AWS_DEFAULT_PROFILE"),
    ])
    func aNamedProfileThatDoesNotExistIsAnError(environment: [String: String], variable: String) async {
        await #expect {
            try await provider(config: "[default]\nregion = x\n", environment: environment).credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from shared files: profile \"ghost\" (from \(variable)) not found in "
                + "/home/tester/.aws/credentials (absent), /home/tester/.aws/config"
        }
    }

    @Test func theResolvedPlanIsRememberedAndFilesAreNotReadAgain() async throws {
        let files = CredentialFakes.Files([
            Self.credentialsPath: "[default]\naws_access_key_id = A\naws_secret_access_key = b\n"
        ])
        let provider = ProfileCredentialProvider(context: CredentialFakes.context(files: files))
        _ = try await provider.credentials()
        let readsAfterFirst = files.reads.count
        files.set(Self.credentialsPath, "[default]\naws_access_key_id = CHANGED\naws_secret_access_key = b\n")
        #expect(try await provider.credentials().accessKeyID == "A")
        #expect(files.reads.count == readsAfterFirst)
    }

    // MARK: Assume role

    @Test func assumeRoleWithASourceProfileSignsWithTheSourceKeys() async throws {
        let transport = CredentialFakes.Transport(["POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRole"))]])
        let credentials = try await provider(
            credentials: "[base]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = source-secret\n",
            config: """
                [profile deploy]
                role_arn = arn:aws:iam::123456789012:role/pipeline
                source_profile = base
                external_id = ext-42
                duration_seconds = 1800
                region = eu-west-1
                """,
            environment: ["AWS_PROFILE": "deploy"], transport: transport
        ).credentials()
        #expect(credentials.accessKeyID == CredentialFakes.issuedKeyID)
        #expect(credentials.secretAccessKey == CredentialFakes.issuedSecret)
        #expect(credentials.sessionToken == CredentialFakes.issuedToken)
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_772_370_000))
        #expect(credentials.source == "shared files arn:aws:iam::123456789012:role/pipeline")

        let sent = try #require(transport.sent.first)
        #expect(sent.request.host == "sts.eu-west-1.amazonaws.com")
        #expect(
            sent.form == [
                "Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": "arn:aws:iam::123456789012:role/pipeline",
                "RoleSessionName": "transferwatch-1772366400", "ExternalId": "ext-42", "DurationSeconds": "1800",
            ])
        #expect(
            sent.request.headers["Authorization"]?.contains("Credential=AKIDSOURCE/20260301/eu-west-1/sts/aws4_request")
                == true)
    }

    @Test func assumeRoleChainsThroughRolesToStaticKeys() async throws {
        let transport = CredentialFakes.Transport([
            "POST /": [
                .xml(200, CredentialFakes.stsSuccess("AssumeRole", keyID: "ASIAFIRSTHOP")),
                .xml(200, CredentialFakes.stsSuccess("AssumeRole", keyID: "ASIASECONDHOP")),
            ]
        ])
        let credentials = try await provider(
            credentials: "[root]\naws_access_key_id = AKIDROOT\naws_secret_access_key = r\n",
            config: """
                [profile middle]
                role_arn = arn:aws:iam::111111111111:role/middle
                source_profile = root
                [profile top]
                role_arn = arn:aws:iam::222222222222:role/top
                source_profile = middle
                role_session_name = nightly
                """,
            environment: ["AWS_PROFILE": "top"], transport: transport
        ).credentials()
        #expect(credentials.accessKeyID == "ASIASECONDHOP")
        let sent = transport.sent
        #expect(
            sent.map { $0.form["RoleArn"] } == [
                "arn:aws:iam::111111111111:role/middle", "arn:aws:iam::222222222222:role/top",
            ])
        #expect(sent[0].request.headers["Authorization"]?.contains("Credential=AKIDROOT/") == true)
        #expect(sent[1].request.headers["Authorization"]?.contains("Credential=ASIAFIRSTHOP/") == true)
        #expect(sent[1].request.headers["X-Amz-Security-Token"] == CredentialFakes.issuedToken)
        #expect(sent[1].form["RoleSessionName"] == "nightly")
    }

    @Test func aProfileMayNameItselfAsSourceWhenItHasStaticKeys() async throws {
        let transport = CredentialFakes.Transport(["POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRole"))]])
        let credentials = try await provider(
            credentials: """
                [default]
                aws_access_key_id = AKIDSELF
                aws_secret_access_key = s
                role_arn = arn:aws:iam::123456789012:role/self
                source_profile = default
                """,
            transport: transport
        ).credentials()
        #expect(credentials.accessKeyID == CredentialFakes.issuedKeyID)
        #expect(transport.sent.first?.request.headers["Authorization"]?.contains("Credential=AKIDSELF/") == true)
    }

    @Test func credentialSourceEnvironmentSignsWithTheEnvironmentKeys() async throws {
        let transport = CredentialFakes.Transport(["POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRole"))]])
        _ = try await provider(
            config: "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = environment\n",
            environment: ["AWS_ACCESS_KEY_ID": "AKIDFROMENV", "AWS_SECRET_ACCESS_KEY": "e"], transport: transport
        ).credentials()
        #expect(transport.sent.first?.request.headers["Authorization"]?.contains("Credential=AKIDFROMENV/") == true)
    }

    @Test func credentialSourceWithNothingThereIsAnError() async {
        await #expect {
            try await provider(config: "[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n")
                .credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from shared files: no source credentials to assume arn:aws:iam::1:role/r with: "
                + "environment: AWS_ACCESS_KEY_ID not set"
        }
    }

    @Test(arguments: [
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
            "source_profile cycle: \"a\" → \"b\" → \"a\""
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\n",
            "source_profile cycle: \"a\" → \"a\""
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n"
                + "[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = b\n",
            "source_profile cycle: \"a\" → \"b\" → \"c\" → \"b\""
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = nobody\n",
            "the source_profile \"nobody\" of profile \"a\" not found in /home/tester/.aws/credentials (absent), /home/tester/.aws/config"
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nregion = x\n",
            "the source_profile \"b\" of profile \"a\" has no credentials"
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\ncredential_source = Environment\n",
            "/home/tester/.aws/config:2: profile \"a\" sets both source_profile and credential_source; keep one"
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\n",
            "/home/tester/.aws/config:2: profile \"a\" sets role_arn but neither source_profile nor credential_source"
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\nmfa_serial = arn:aws:iam::1:mfa/ann\n",
            "/home/tester/.aws/config:2: profile \"a\" sets mfa_serial, but TransferWatch runs unattended and cannot prompt for an MFA code"
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\ncredential_source = Lambda\n",
            "profile \"a\" has credential_source \"Lambda\"; it must be one of Environment, EcsContainer, Ec2InstanceMetadata"
        ),
    ])
    func roleMisconfigurationsAreErrors(config: String, reason: String) async {
        let transport = CredentialFakes.Transport()
        await #expect {
            try await provider(config: config, environment: ["AWS_PROFILE": "a"], transport: transport).credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from shared files: \(reason)"
        }
        #expect(transport.sent.isEmpty)
    }

    @Test func stsRefusingTheRoleIsReportedWithAWSsWords() async {
        let transport = CredentialFakes.Transport([
            "POST /": [
                .xml(
                    403,
                    CredentialFakes.stsError(
                        code: "AccessDenied",
                        message:
                            "User: arn:aws:iam::123456789012:user/ann is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/r"
                    ))
            ]
        ])
        await #expect {
            try await provider(
                credentials: "[base]\naws_access_key_id = A\naws_secret_access_key = b\n",
                config: "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n",
                transport: transport
            ).credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from shared files: assuming arn:aws:iam::123456789012:role/r failed: STS.AssumeRole failed: "
                + "AccessDenied (HTTP 403, request 4ad0d8b5-1d72-4e67-a6de-6d4a6a4b6a11) after 1 attempt: User: arn:aws:iam::123456789012:user/ann "
                + "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/r"
        }
    }

    @Test func stsEndpointFromTheEnvironmentOrTheServicesSection() async throws {
        let transport = CredentialFakes.Transport(["POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRole"))]])
        _ = try await provider(
            credentials: "[base]\naws_access_key_id = A\naws_secret_access_key = b\n",
            config: """
                [default]
                role_arn = arn:aws:iam::1:role/r
                source_profile = base
                services = local
                [services local]
                sts =
                  endpoint_url = http://127.0.0.1:5055
                """,
            transport: transport
        ).credentials()
        #expect(transport.sent.first?.request.url == "http://127.0.0.1:5055/")
    }

    @Test func aMalformedSTSEndpointIsAnError() async {
        let transport = CredentialFakes.Transport()
        await #expect {
            try await provider(
                credentials: "[base]\naws_access_key_id = A\naws_secret_access_key = b\n",
                config:
                    "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\nendpoint_url = localhost:5055\n",
                transport: transport
            ).credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from shared files: /home/tester/.aws/config:4: 'endpoint_url' must be a URL such as https://host:port"
        }
        #expect(transport.sent.isEmpty)
    }

    // MARK: Web identity in a profile

    @Test func webIdentityFromProfileKeys() async throws {
        let files = CredentialFakes.Files([
            Self.configPath:
                "[default]\nrole_arn = arn:aws:iam::1:role/irsa\nweb_identity_token_file = /var/run/token\nrole_session_name = pod-7\n",
            "/var/run/token": "eyJhbGciOiJSUzI1NiJ9.profile-token.sig\n",
        ])
        let transport = CredentialFakes.Transport([
            "POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity"))]
        ])
        let credentials = try await ProfileCredentialProvider(
            context: CredentialFakes.context(files: files, transport: transport)
        ).credentials()
        #expect(credentials.accessKeyID == CredentialFakes.issuedKeyID)
        let sent = try #require(transport.sent.first)
        #expect(sent.request.headers["Authorization"] == nil)
        #expect(sent.form["WebIdentityToken"] == "eyJhbGciOiJSUzI1NiJ9.profile-token.sig")
        #expect(sent.form["RoleSessionName"] == "pod-7")
    }

    /// botocore's `_get_config` prefers each environment variable over the profile's key.
    @Test func environmentWebIdentityVariablesBeatTheProfileKeyByKey() async throws {
        let files = CredentialFakes.Files([
            Self.configPath:
                "[default]\nrole_arn = arn:aws:iam::1:role/from-profile\nweb_identity_token_file = /profile/token\n",
            "/env/token": "env-token",
        ])
        let transport = CredentialFakes.Transport([
            "POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity"))]
        ])
        _ = try await ProfileCredentialProvider(
            context: CredentialFakes.context(
                environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/env/token"], files: files, transport: transport)
        ).credentials()
        #expect(transport.sent.first?.form["WebIdentityToken"] == "env-token")
        #expect(transport.sent.first?.form["RoleArn"] == "arn:aws:iam::1:role/from-profile")
    }

    @Test func webIdentityWithoutARoleIsAnError() async {
        await #expect {
            try await provider(config: "[default]\nweb_identity_token_file = /t\n").credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from web identity: profile \"default\" sets web_identity_token_file but no role ARN (AWS_ROLE_ARN or role_arn)"
        }
    }

    // MARK: credential_process

    @Test func credentialProcessOutputBecomesCredentials() async throws {
        let command =
            #"/bin/sh -c 'echo "{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"process-secret\", \"SessionToken\": \"process-token\", \"Expiration\": \"2026-03-01T13:00:00Z\"}"'"#
        let credentials = try await provider(config: "[default]\ncredential_process = \(command)\n").credentials()
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyID: "AKIDPROCESS", secretAccessKey: "process-secret", sessionToken: "process-token",
                    expiration: Date(timeIntervalSince1970: 1_772_370_000), source: "credential_process (shared files)")
        )
    }

    @Test func credentialProcessWithoutExpirationOrToken() async throws {
        let command = #"/bin/sh -c 'echo "{\"Version\": 1, \"AccessKeyId\": \"AKIDP\", \"SecretAccessKey\": \"s\"}"'"#
        let credentials = try await provider(credentials: "[default]\ncredential_process = \(command)\n").credentials()
        #expect(credentials.expiration == nil)
        #expect(credentials.sessionToken == nil)
    }

    @Test func credentialProcessIsSplitLikeAShellAndGetsTheEnvironment() async throws {
        let processes = CredentialFakes.Processes(
            ProcessOutput(
                status: 0, standardOutput: Data(#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s"}"#.utf8),
                standardError: Data()))
        let files = CredentialFakes.Files([
            Self.configPath: "[default]\ncredential_process = \"/opt/my tools/creds\" --account 'prod east' --flag\n"
        ])
        _ = try await ProfileCredentialProvider(context: CredentialFakes.context(files: files, processes: processes))
            .credentials()
        #expect(processes.runs == [["/opt/my tools/creds", "--account", "prod east", "--flag"]])
    }

    @Test func credentialProcessSeesTheContextEnvironment() async throws {
        let command = #"/bin/sh -c 'echo "{\"Version\": 1, \"AccessKeyId\": \"$TW_KEY\", \"SecretAccessKey\": \"s\"}"'"#
        let credentials = try await provider(
            config: "[default]\ncredential_process = \(command)\n", environment: ["TW_KEY": "AKIDFROMCHILDENV"]
        ).credentials()
        #expect(credentials.accessKeyID == "AKIDFROMCHILDENV")
    }

    @Test(arguments: [
        (
            #"/bin/sh -c 'echo "token expired for account 1234" >&2; echo second >&2; exit 3'"#,
            "credential_process /bin/sh exited with status 3: token expired for account 1234"
        ),
        (
            #"/bin/sh -c 'exit 1'"#,
            "credential_process /bin/sh exited with status 1 and printed nothing on standard error"
        ),
        (
            #"/bin/sh -c 'echo "{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}"'"#,
            "credential_process /bin/sh printed Version 2; only version 1 is supported"
        ),
        (
            #"/bin/sh -c 'echo "{\"Version\": \"1\", \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}"'"#,
            "credential_process /bin/sh printed Version \"1\"; only version 1 is supported"
        ),
        (
            #"/bin/sh -c 'echo "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}"'"#,
            "credential_process /bin/sh printed no Version (expected 1)"
        ),
        (
            #"/bin/sh -c 'echo "{\"Version\": 1, \"AccessKeyId\": \"A\"}"'"#,
            "credential_process /bin/sh printed no SecretAccessKey"
        ),
        (
            #"/bin/sh -c 'echo "{\"Version\": 1, \"SecretAccessKey\": \"s\"}"'"#,
            "credential_process /bin/sh printed no AccessKeyId"
        ),
        (
            #"/bin/sh -c 'echo "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", \"Expiration\": \"soon\"}"'"#,
            "credential_process /bin/sh printed an Expiration that is not an ISO-8601 time: soon"
        ),
        (
            #"/bin/sh -c 'echo not json'"#,
            "credential_process /bin/sh did not print a JSON object with string credentials"
        ),
        (
            #"definitely-not-a-command-7f3a --flag"#,
            "credential_process definitely-not-a-command-7f3a could not start: command not found: definitely-not-a-command-7f3a"
        ),
        (
            #"/bin/sh -c 'unterminated"#,
            "credential_process cannot be split into words: no closing quotation"
        ),
    ])
    func credentialProcessFailuresAreReportedPrecisely(command: String, reason: String) async {
        await #expect {
            try await provider(
                config: "[default]\ncredential_process = \(command)\n", environment: ["PATH": "/usr/bin:/bin"]
            ).credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from shared files: \(reason)"
        }
    }

    @Test func theRealProcessRunnerDrainsLargeOutputOnBothPipes() async throws {
        let output = try await LocalProcessRunner().run(
            [
                "/bin/sh", "-c",
                "head -c 200000 /dev/zero | tr '\\0' e >&2; head -c 300000 /dev/zero | tr '\\0' o; exit 4",
            ],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(output.status == 4)
        #expect(output.standardOutput.count == 300_000)
        #expect(output.standardError.count == 200_000)
    }

    // MARK: Helpers

    private func provider(
        credentials: String? = nil, config: String? = nil, environment: [String: String] = [:],
        transport: CredentialFakes.Transport = CredentialFakes.Transport()
    ) -> ProfileCredentialProvider {
        var contents: [String: String] = [:]
        if let credentials { contents[Self.credentialsPath] = credentials }
        if let config { contents[Self.configPath] = config }
        return ProfileCredentialProvider(
            context: CredentialFakes.context(
                environment: environment, files: CredentialFakes.Files(contents),
                transport: transport))
    }
}
