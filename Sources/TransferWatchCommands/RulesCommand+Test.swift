import ArgumentParser
import Foundation
import TransferWatchRules

extension RulesCommand {
    /// `transferwatch rules test PATH...`: runs rule unit tests (in the manner of `promtool test rules`).
    ///
    /// Prints `PASS file: N tests` per passing file and, per failing test, its name and a diff of the expected and
    /// firing alerts; then a summary line. Exit 0 when every test passes, 1 when one fails, 2 when a test file (or
    /// a rule file it names) is malformed, with each problem as `file:line:col: error: message` on stderr.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run rule unit tests; exit 1 on a failure (with a diff), 2 on a malformed test file.",
            discussion: """
                PATHs are test files or folders (their *.yaml and *.yml files). A test file names the rule files \
                it tests, relative to itself, and replays a timeline of state snapshots and workflow steps from a \
                calendar start, checking which alerts fire when. Needs no configuration and no AWS credentials.
                """
        )

        @Argument(help: ArgumentHelp("Rule test files or folders.", valueName: "path"))
        var paths: [String]

        func run() async throws {
            let files = try RuleTestDiscovery.files(in: paths)
            guard !files.isEmpty else {
                throw CommandFailure.usage("error: no rule test files in \(paths.joined(separator: " "))")
            }
            var malformed = false
            var passed = 0
            var failed = 0
            for file in files {
                let result: RuleTestFileResult
                do throws(RuleSetError) {
                    result = try RuleTestRunner().run(try RuleTestFileReader().read(path: file))
                } catch {
                    malformed = true
                    for diagnostic in error.diagnostics {
                        FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
                    }
                    continue
                }
                if !result.failed {
                    passed += result.tests.count
                    print("PASS \(file): \(result.tests.count) test\(result.tests.count == 1 ? "" : "s")")
                    continue
                }
                for test in result.tests {
                    if test.passed {
                        passed += 1
                        continue
                    }
                    failed += 1
                    print("FAIL \(test.location): \(test.name)")
                    for failure in test.failures {
                        for line in failure.report(timeZone: test.timeZone) { print(line) }
                    }
                }
            }
            let tests = "\(passed + failed) test\(passed + failed == 1 ? "" : "s")"
            let inFiles = "\(files.count) file\(files.count == 1 ? "" : "s")"
            print("\(tests) in \(inFiles): \(passed) passed, \(failed) failed\(malformed ? ", malformed files" : "")")
            if malformed { throw CommandFailure(status: 2, message: "") }
            if failed > 0 { throw CommandFailure.failed() }
        }
    }
}

/// Finds the rule test files named by command-line paths.
enum RuleTestDiscovery {
    /// Files as given, and each folder's `*.yaml`/`*.yml` files (not recursively), sorted.
    ///
    /// - Throws: ``CommandFailure`` (exit 2) for a path that does not exist.
    static func files(in paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandFailure.usage("error: \(path): no such file or folder")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? path : path + "/"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files += names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { base + $0 }
        }
        return files
    }
}
