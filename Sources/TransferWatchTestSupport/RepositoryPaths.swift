import Foundation

/// Locations inside this repository, found from this source file's path.
///
/// Test support runs from `.build/<triple>/debug`, so it cannot use the working directory; it
/// walks up from `#filePath` instead, which SwiftPM compiles as an absolute path.
package enum RepositoryPaths {
    /// The environment variable naming the Python interpreter for the emulator tier.
    package static let pythonEnvironmentKey = "TRANSFERWATCH_PYTHON"

    /// The repository root: the nearest directory above this source file that holds `Package.swift`.
    ///
    /// - Returns: `nil` when no such directory exists (the sources were moved after building).
    package static func root() -> URL? {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// `shared/` beside the repository (`<root>/../shared`): reference data such as `aws-sigv4-testsuite/`,
    /// read where it sits rather than copied. CI lays a copy of it beside its clone the same way.
    package static func sharedDirectory() -> URL? {
        root()?.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// `<repository root>/.venv/bin/python3`, the interpreter `make venv` creates, whether or not it exists yet.
    package static func virtualEnvironmentPython() -> URL? {
        root()?.appendingPathComponent(".venv/bin/python3")
    }

    /// The Python interpreter that runs moto and botocore for tests.
    ///
    /// In order: `TRANSFERWATCH_PYTHON` when set and not empty, else `<repository root>/.venv/bin/python3`
    /// when that file is executable, else nothing. A system `python3` is deliberately not used: its
    /// moto and botocore versions are not the pinned ones.
    ///
    /// - Parameter environment: The process environment; tests pass a dictionary.
    /// - Returns: The interpreter's URL, or `nil` when there is none.
    package static func testPython(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL? {
        if let path = environment[pythonEnvironmentKey], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        if let venv = virtualEnvironmentPython(), FileManager.default.isExecutableFile(atPath: venv.path) {
            return venv
        }
        return nil
    }
}
