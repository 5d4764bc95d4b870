import Foundation

/// Where the reference data beside the repository lives: `../shared` (the SigV4 suites, reference docs).
package enum SharedPaths {
    /// `$TRANSFERWATCH_SHARED`, else ``RepositoryPaths/sharedDirectory()`` (`<repository>/../shared`).
    package static let shared: URL = {
        if let override = ProcessInfo.processInfo.environment["TRANSFERWATCH_SHARED"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return RepositoryPaths.sharedDirectory() ?? URL(fileURLWithPath: "../shared")
    }()

    /// AWS's SigV4 test vectors.
    package static var sigV4TestSuite: URL { shared.appendingPathComponent("aws-sigv4-testsuite") }
}
