import Foundation

/// How big the soak and crash runs are: reduced in `make test` (every test target, CI), full in `make soak`
/// (`TRANSFERWATCH_SOAK=full`).
struct SoakSize: Sendable, CustomStringConvertible {
    /// Employees who upload (one more employee exists and never uploads, so the window stays open).
    var uploaders: Int
    /// Uploads per uploader.
    var uploadsPerUploader: Int
    /// Kill -9 restarts in the crash run.
    var restarts: Int
    /// Share of the agent's requests the proxy faults.
    var faultRate: Double
    /// Real time an agent life lasts before its kill, at most (seeded between a tenth of it and all of it).
    var maxLife: Duration
    /// Whether this is the full size.
    var isFull: Bool

    /// Every upload.
    var uploads: Int { uploaders * uploadsPerUploader }

    /// The soak run's size.
    static var soak: SoakSize {
        isFullRequested
            ? SoakSize(uploaders: 100, uploadsPerUploader: 10, restarts: 0, faultRate: 0.1, maxLife: .seconds(0), isFull: true)
            : SoakSize(uploaders: 30, uploadsPerUploader: 5, restarts: 0, faultRate: 0.1, maxLife: .seconds(0), isFull: false)
    }

    /// The crash run's size.
    static var crash: SoakSize {
        isFullRequested
            ? SoakSize(uploaders: 100, uploadsPerUploader: 4, restarts: 20, faultRate: 0.1, maxLife: .seconds(4), isFull: true)
            : SoakSize(uploaders: 20, uploadsPerUploader: 4, restarts: 6, faultRate: 0.1, maxLife: .seconds(3), isFull: false)
    }

    /// `TRANSFERWATCH_SOAK=full`.
    static var isFullRequested: Bool { ProcessInfo.processInfo.environment["TRANSFERWATCH_SOAK"] == "full" }

    var description: String {
        "\(isFull ? "full" : "reduced") size: \(uploads) uploads from \(uploaders) employees, "
            + "\(Int(faultRate * 100))% faults\(restarts > 0 ? ", \(restarts) kill -9 restarts" : "")"
    }
}
