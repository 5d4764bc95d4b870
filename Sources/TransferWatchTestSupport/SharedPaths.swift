import Foundation

/// Where the files that sit beside the repository live: `../shared` (the SigV4 suites, reference docs).
package enum SharedPaths {
    /// The repository root: the directory holding Package.swift, found from this file's path.
    package static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `$TRANSFERWATCH_SHARED`, else `<repository>/../shared`.
    package static let shared: URL = {
        if let override = ProcessInfo.processInfo.environment["TRANSFERWATCH_SHARED"] { return URL(fileURLWithPath: override) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// AWS's SigV4 test vectors.
    package static var sigV4TestSuite: URL { shared.appendingPathComponent("aws-sigv4-testsuite") }
}
