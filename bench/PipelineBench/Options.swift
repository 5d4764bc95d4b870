import Foundation

/// The command line of PipelineBench.
struct Options {
    /// Objects moved in the measured run (and by the baseline).
    var objects = 1_000
    /// Uploads at once for the memory-under-load figure.
    var burst = 100
    /// AWS requests the agent makes in all before the soak ends (memory growth per request).
    var soakRequests = 10_000
    /// Uploads per soak batch (memory is sampled after each).
    var soakBatch = 250
    /// PutMetricData data points, for TransferWatch and for boto3.
    var datapoints = 20_000
    /// The agent's `copy.concurrency` (8 is the configuration's default).
    var concurrency = 8
    /// Seconds the idle memory is sampled for (more than 20: the burst agent's cancelled long poll, still open
    /// in moto, would otherwise hide the first events of the run for the visibility timeout).
    var idleSeconds = 21
    /// The transferwatch binary (default: beside this executable).
    var agentPath: String?
    /// Keep the working folder (configurations, the agents' logs) and print where it is.
    var keep = false
    /// Where the JSON goes (`nil`: nowhere).
    var jsonPath: String? = "bench/results/pipeline.json"

    /// Parses `arguments` (the first is the program); an unknown or malformed argument exits 2.
    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        func integer(_ name: String) -> Int {
            guard let value = iterator.next().flatMap(Int.init), value > 0 else { usage("\(name) needs a positive integer") }
            return value
        }
        while let argument = iterator.next() {
            switch argument {
            case "--objects": objects = integer(argument)
            case "--burst": burst = integer(argument)
            case "--soak-requests": soakRequests = integer(argument)
            case "--soak-batch": soakBatch = integer(argument)
            case "--datapoints": datapoints = integer(argument)
            case "--concurrency": concurrency = integer(argument)
            case "--idle-seconds": idleSeconds = integer(argument)
            case "--keep": keep = true
            case "--agent":
                guard let path = iterator.next() else { usage("--agent needs a path") }
                agentPath = path
            case "--json":
                guard let path = iterator.next() else { usage("--json needs a path") }
                jsonPath = path
            default: usage("unknown argument \(argument)")
            }
        }
    }
}

/// Prints a usage error and exits 2.
func usage(_ message: String) -> Never {
    FileHandle.standardError.write(
        Data(
            """
            PipelineBench: \(message)
            usage: PipelineBench [--objects 1000] [--burst 100] [--soak-requests 10000] [--soak-batch 250]
                                 [--datapoints 20000] [--concurrency 8] [--idle-seconds 21] [--agent PATH] [--json PATH] [--keep]

            """.utf8))
    exit(2)
}
