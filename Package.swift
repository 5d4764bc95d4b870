// swift-tools-version:6.0
import PackageDescription

/// Strictness for every target, as swift-log does: explicit `any`, and imports that say what they use.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let systemLibraries: [LinkerSetting] = [
    .linkedLibrary("curl"),
    .linkedLibrary("crypto"),
    .linkedLibrary("z"),
]

var package = Package(
    name: "TransferWatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "transferwatch", targets: ["transferwatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // C shims: typed wrappers over libcurl's variadic setopt, zlib's init macros, and
        // thread-local OpenSSL digest/MAC contexts.
        .target(
            name: "CTransferWatch",
            linkerSettings: systemLibraries
        ),
        // The one lock every module shares state under: a pthread mutex, which ThreadSanitizer can see.
        .target(name: "TransferWatchLocking"),
        // The AWS client: SigV4, transport over libcurl, protocols, retries, credentials, services.
        .target(
            name: "TransferWatchAWS",
            dependencies: [
                "CTransferWatch",
                "TransferWatchLocking",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The YAML configuration of CONTRACT.md, validated into typed values.
        .target(
            name: "TransferWatchConfig",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The workflows: copy (move each upload once, count each delivery once), provisioning, teardown.
        .target(
            name: "TransferWatchWorkflows",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchAWS",
                "TransferWatchConfig",
                "TransferWatchRules",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Telemetry: metrics derived from step records and state, published to CloudWatch through a durable
        // spool (or as Embedded Metric Format); alarms as code; dashboards.
        .target(
            name: "TransferWatchTelemetry",
            dependencies: [
                "TransferWatchAWS",
                "TransferWatchConfig",
                "TransferWatchWorkflows",
                "TransferWatchRules",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Alerting: what Alertmanager does (dedup, grouping, inhibition, silences, receivers, history), with its
        // state in the state table.
        .target(
            name: "TransferWatchAlerting",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchAWS",
                "TransferWatchConfig",
                "TransferWatchWorkflows",
                "TransferWatchRules",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The sidecar agent: services under swift-service-lifecycle (queue consumer, schedules, reconciliation,
        // leader lease, rule evaluation, metrics, alerts) and its HTTP endpoints.
        .target(
            name: "TransferWatchAgent",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchAWS",
                "TransferWatchConfig",
                "TransferWatchWorkflows",
                "TransferWatchRules",
                "TransferWatchTelemetry",
                "TransferWatchAlerting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The command line (one file per command); `transferwatch` only calls into it.
        .target(
            name: "TransferWatchCommands",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchAWS",
                "TransferWatchWorkflows",
                "TransferWatchConfig",
                "TransferWatchRules",
                "TransferWatchTelemetry",
                "TransferWatchAlerting",
                "TransferWatchAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The rule language: typed expressions and annotation templates over a schema of facts. Nothing from AWS.
        .target(
            name: "TransferWatchRules",
            dependencies: [
                "TransferWatchConfig",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "transferwatch",
            dependencies: ["TransferWatchCommands"]
        ),
        // Test support: the moto launcher harness, a scriptable local HTTP server, fakes.
        .target(
            name: "TransferWatchTestSupport",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchAWS",
                "CTransferWatch",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "TransferWatchAWSTests",
            dependencies: ["TransferWatchLocking", "TransferWatchAWS", "TransferWatchTestSupport"]
        ),
        .testTarget(
            name: "TransferWatchConfigTests",
            dependencies: ["TransferWatchConfig", "TransferWatchTestSupport"]
        ),
        .testTarget(
            name: "TransferWatchIntegrationTests",
            dependencies: ["TransferWatchLocking", "TransferWatchAWS", "TransferWatchTestSupport"]
        ),
        .testTarget(
            name: "TransferWatchWorkflowsTests",
            dependencies: ["TransferWatchLocking", "TransferWatchWorkflows", "TransferWatchTestSupport"]
        ),
        .testTarget(
            name: "TransferWatchRulesTests",
            dependencies: ["TransferWatchRules"],
            resources: [.copy("Fixtures")]
        ),
        // The agent: lease, consumer, schedules, reconciliation and bootstrap against moto; `transferwatch agent`
        // as a process (SIGTERM, replicas, dead-letter queue).
        .testTarget(
            name: "TransferWatchAlertingTests",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchAlerting", "TransferWatchAWS", "TransferWatchConfig", "TransferWatchRules",
                "TransferWatchWorkflows", "TransferWatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TransferWatchCommandsTests",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchCommands", "TransferWatchWorkflows", "TransferWatchTestSupport",
                // PolicyDriftTests runs the agent's services, alerting and telemetry against the policy.
                "TransferWatchAgent", "TransferWatchAlerting", "TransferWatchTelemetry", "TransferWatchRules",
                "TransferWatchConfig", "TransferWatchAWS", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TransferWatchTelemetryTests",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchTelemetry", "TransferWatchWorkflows", "TransferWatchRules", "TransferWatchAWS",
                "TransferWatchConfig", "TransferWatchTestSupport", "SpoolProbe",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Appends to and drains a metric spool until killed: the crash test's subject (kill -9 at random points).
        .executableTarget(
            name: "SpoolProbe",
            dependencies: [
                "TransferWatchTelemetry",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fuzzing (`make fuzz`): the targets, the libFuzzer driver, and the replay of every corpus and
        // regression input in the test suite.
        .target(
            name: "TransferWatchFuzzTargets",
            dependencies: ["TransferWatchAWS", "TransferWatchConfig", "TransferWatchRules", "TransferWatchWorkflows"],
            path: "fuzz/FuzzTargets"
        ),
        .executableTarget(
            name: "TransferWatchFuzz",
            dependencies: ["TransferWatchFuzzTargets"],
            path: "fuzz/TransferWatchFuzz"
        ),
        .testTarget(
            name: "TransferWatchFuzzTests",
            dependencies: ["TransferWatchFuzzTargets", "TransferWatchTestSupport"]
        ),
        .testTarget(
            name: "TransferWatchReliabilityTests",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchAWS",
                "TransferWatchTelemetry",
                "TransferWatchWorkflows",
                "TransferWatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TransferWatchDemoTests",
            dependencies: ["TransferWatchTestSupport"]
        ),
        .testTarget(
            name: "TransferWatchAgentTests",
            dependencies: [
                "TransferWatchLocking",
                "TransferWatchAgent",
                "TransferWatchAlerting",
                "TransferWatchRules",
                "TransferWatchAWS",
                "TransferWatchConfig",
                "TransferWatchTelemetry",
                "TransferWatchWorkflows",
                "TransferWatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks live in bench/ and are run by `make bench`, never by `make test`.
        .executableTarget(
            name: "SigV4Bench",
            dependencies: ["TransferWatchAWS"],
            path: "bench/SigV4Bench"
        ),
        .executableTarget(
            name: "RulesBench",
            dependencies: ["TransferWatchRules"],
            path: "bench/RulesBench"
        ),
        // Provisioning and teardown of 2,000 employees against moto (started through the test support harness).
        .executableTarget(
            name: "ProvisionBench",
            dependencies: [
                "TransferWatchWorkflows",
                "TransferWatchAWS",
                "TransferWatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/ProvisionBench"
        ),
        // The pipeline against the boto3 baseline: `transferwatch agent` as a child process (CPU, requests by
        // operation, objects/s, RssAnon idle, under a burst and across 10,000 requests) and metric publishing.
        .executableTarget(
            name: "PipelineBench",
            dependencies: [
                "TransferWatchAWS",
                "TransferWatchTelemetry",
                "TransferWatchWorkflows",
                "TransferWatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/PipelineBench"
        ),
        // The metrics part of PipelineBench on its own (raw and agent paths against boto3), to iterate and profile.
        .executableTarget(
            name: "MetricsBench",
            dependencies: [
                "TransferWatchAWS",
                "TransferWatchTelemetry",
                "TransferWatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/MetricsBench"
        ),
    ]
)

for target in package.targets where target.type != .system {
    guard target.name != "CTransferWatch" else { continue }
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
