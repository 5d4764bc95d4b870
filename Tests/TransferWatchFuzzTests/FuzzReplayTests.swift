import Foundation
import Testing
import TransferWatchFuzzTargets
import TransferWatchTestSupport

/// Replays every seed input and every input the fuzzer once crashed on (`fuzz/regressions/<target>/`), so a
/// crash found by `make fuzz` stays fixed. A regression traps the test process, as it trapped the fuzzer.
@Suite struct FuzzReplayTests {
    static func inputs(_ folder: String, _ target: FuzzTarget) -> [URL] {
        guard let root = RepositoryPaths.root() else { return [] }
        let directory = root.appendingPathComponent("fuzz/\(folder)/\(target.rawValue)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedCorpusIsPresentAndPasses(_ target: FuzzTarget) throws {
        let seeds = Self.inputs("corpus", target)
        #expect(seeds.count >= 2, "fuzz/corpus/\(target.rawValue) needs seed inputs")
        for url in seeds { target.run(try Data(contentsOf: url)) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func regressionsStayFixed(_ target: FuzzTarget) throws {
        for url in Self.inputs("regressions", target) { target.run(try Data(contentsOf: url)) }
    }
}
