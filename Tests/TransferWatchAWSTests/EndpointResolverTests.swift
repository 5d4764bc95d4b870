import Foundation
import Testing
@testable import TransferWatchAWS

/// Endpoint precedence: the AWS environment, the shared config file, transferwatch.yaml, then AWS's own.
@Suite struct EndpointResolverTests {
    static let sharedConfig = """
        [default]
        endpoint_url = http://profile-wide:1000
        services = local
        [services local]
        dynamodb =
          endpoint_url = http://services-dynamodb:2000
        """

    func resolver(environment: [String: String] = [:], yaml: String? = nil, shared: Bool = false, region: String = "eu-west-1") throws -> EndpointResolver {
        let files = shared
            ? SharedConfigFiles(credentialsPath: "/credentials", configPath: "/c", credentials: nil,
                                config: try SharedConfigFile(data: Data(Self.sharedConfig.utf8), path: "/c", kind: .config),
                                profileName: "default", profileOrigin: .implicit)
            : nil
        return EndpointResolver(region: region, environment: environment, configuredEndpoint: yaml.flatMap(URL.init(string:)), sharedConfig: files)
    }

    @Test func awsEndpointsByDefault() throws {
        let endpoints = try resolver()
        #expect(endpoints.endpoint(for: .dynamoDB).url.absoluteString == "https://dynamodb.eu-west-1.amazonaws.com")
        #expect(endpoints.endpoint(for: .cloudWatch).url.absoluteString == "https://monitoring.eu-west-1.amazonaws.com")
        #expect(endpoints.endpoint(for: .iam).url.absoluteString == "https://iam.amazonaws.com")
        #expect(endpoints.signingRegion(for: .iam) == "us-east-1")
        #expect(endpoints.endpoint(for: .s3).isCustom == false)
        #expect(try resolver(region: "cn-north-1").endpoint(for: .sqs).url.absoluteString == "https://sqs.cn-north-1.amazonaws.com.cn")
    }

    @Test func precedenceFromMostToLeastSpecific() throws {
        let everything = try resolver(environment: ["AWS_ENDPOINT_URL_DYNAMODB": "http://env-dynamodb:1", "AWS_ENDPOINT_URL": "http://env-all:2"],
                                      yaml: "http://yaml:3", shared: true)
        #expect(everything.endpoint(for: .dynamoDB).url.absoluteString == "http://env-dynamodb:1")
        #expect(everything.endpoint(for: .s3).url.absoluteString == "http://env-all:2")
        let noServiceVariable = try resolver(environment: ["AWS_ENDPOINT_URL": "http://env-all:2"], yaml: "http://yaml:3", shared: true)
        #expect(noServiceVariable.endpoint(for: .dynamoDB).url.absoluteString == "http://services-dynamodb:2000")
        #expect(noServiceVariable.endpoint(for: .sqs).url.absoluteString == "http://env-all:2")
        let yamlAndShared = try resolver(yaml: "http://yaml:3", shared: true)
        #expect(yamlAndShared.endpoint(for: .sqs).url.absoluteString == "http://yaml:3")
        let sharedOnly = try resolver(shared: true)
        #expect(sharedOnly.endpoint(for: .sqs).url.absoluteString == "http://profile-wide:1000")
        #expect(sharedOnly.endpoint(for: .iam).isCustom)
        #expect(sharedOnly.signingRegion(for: .iam) == "eu-west-1", "an emulator signs IAM with the configured region")
    }

    @Test func ignoringConfiguredEndpointsFallsBackToAWS() throws {
        let endpoints = try resolver(environment: ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL": "http://env-all:2"], yaml: "http://yaml:3", shared: true)
        #expect(endpoints.endpoint(for: .s3).url.absoluteString == "https://s3.eu-west-1.amazonaws.com")
    }

    @Test func malformedEnvironmentValuesAreIgnored() throws {
        let endpoints = try resolver(environment: ["AWS_ENDPOINT_URL_S3": "not a url", "AWS_ENDPOINT_URL": ""], yaml: "http://yaml:3")
        #expect(endpoints.endpoint(for: .s3).url.absoluteString == "http://yaml:3")
    }
}
