import Foundation
import TransferWatchConfig

/// Finds the rule files named by paths: files as given, and each folder's `*.yaml`/`*.yml` files, recursively,
/// skipping `tests/` folders (where rule unit tests live).
package enum RuleFileDiscovery {
    /// The rule files under `paths`, each folder's sorted, and the paths that do not exist.
    package static func files(in paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            var found: [String] = []
            let base = path.hasSuffix("/") ? path : path + "/"
            if let enumerator = manager.enumerator(atPath: path) {
                while let relative = enumerator.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    if name == "tests", (enumerator.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory {
                        enumerator.skipDescendants()
                        continue
                    }
                    if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { found.append(base + relative) }
                }
            }
            files += found.sorted()
        }
        return (files, missing)
    }
}

extension RuleSet {
    /// Loads the rule files of files and folders (a folder's `*.yaml`/`*.yml`, recursively, skipping `tests/`):
    /// what the agent loads from the configured `rules` folder.
    ///
    /// - Throws: ``RuleSetError`` with every problem; a path that does not exist is one at its `1:1`.
    package static func load(
        paths: [String], environment: ExpressionEnvironment = ExpressionEnvironment()
    ) throws(RuleSetError) -> RuleSet {
        let (files, missing) = RuleFileDiscovery.files(in: paths)
        let loaded = RuleFileLoader(environment: environment).load(files: files)
        let absent = missing.map {
            RuleDiagnostic("no such file or folder", at: SourceLocation(file: $0, line: 1, column: 1))
        }
        guard loaded.diagnostics.isEmpty, absent.isEmpty else {
            throw RuleSetError(diagnostics: (loaded.diagnostics + absent).sorted())
        }
        return RuleSet(groups: loaded.groups, fileCount: loaded.fileCount)
    }
}
