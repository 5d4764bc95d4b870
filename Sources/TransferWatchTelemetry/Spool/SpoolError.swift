import Foundation

/// A failure of the on-disk metric spool, naming the file at fault.
package enum SpoolError: Error, Equatable, CustomStringConvertible {
    /// A system call failed on `path`.
    case io(path: String, operation: String, errno: Int32)
    /// Another process holds the spool's lock.
    case locked(path: String)
    /// A record is larger than a segment or the spool may ever hold.
    case recordTooLarge(bytes: Int, limit: Int)

    /// One line naming the file and what failed.
    package var description: String {
        switch self {
        case .io(let path, let operation, let code):
            return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        case .locked(let path):
            return "\(path): the metric spool is in use by another process"
        case .recordTooLarge(let bytes, let limit):
            return "spool record of \(bytes) bytes exceeds the limit of \(limit) bytes"
        }
    }
}
