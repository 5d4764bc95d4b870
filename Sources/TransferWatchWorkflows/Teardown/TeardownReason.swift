/// Why a window's server is torn down; recorded as the window's `closedReason` and the server item's
/// `deleteReason`.
package enum TeardownReason: String, Sendable, Equatable, Codable, CaseIterable, CustomStringConvertible {
    /// An operator ran `transferwatch teardown`.
    case manual
    /// The teardown schedule (`sftp.teardown`, the 1st) fired after the window opened.
    case scheduled
    /// Every expected employee delivered (`remaining` reached 0).
    case counter
    /// The server outlived `sftp.maxLifespan`.
    case lifespan

    /// The reason's name, as recorded.
    package var description: String { rawValue }
}
