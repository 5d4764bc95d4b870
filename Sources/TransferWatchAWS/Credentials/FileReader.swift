import Foundation

/// Reads whole files: the seam that keeps the credential chain's tests away from the real home directory.
///
/// ``LocalFileReader`` is the real one; tests pass an in-memory dictionary of paths.
package protocol FileReader: Sendable {
    /// The bytes of the file at `path`, or `nil` when there is no such file (or it is not a regular file).
    /// - Throws: ``FileReadError`` when the file exists but cannot be read.
    func contents(atPath path: String) throws(FileReadError) -> Data?
}

/// A file that exists but could not be read (permissions, I/O).
package struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    package var path: String
    /// What the system said.
    package var reason: String

    /// A failure to read `path`.
    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `cannot read <path>: <reason>`.
    package var description: String { "cannot read \(path): \(reason)" }
}

/// Reads files from the local file system.
package struct LocalFileReader: FileReader {
    /// The local file system.
    package init() {}

    /// The file's bytes, `nil` when it does not exist or is a directory.
    package func contents(atPath path: String) throws(FileReadError) -> Data? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            return nil
        } catch {
            throw FileReadError(path: path, reason: Self.reason(error))
        }
    }

    /// A short reason without Foundation's boilerplate ("The file … couldn’t be opened because …").
    private static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoPermission: return "permission denied"
            case .fileReadCorruptFile: return "corrupt file"
            case .fileReadTooLarge: return "file too large"
            default: break
            }
            if let posix = cocoa.underlying as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        }
        return error.localizedDescription
    }
}
