/// A file or folder path from the configuration, as written and as resolved.
///
/// A relative path is resolved against the folder holding the configuration file, so
/// `rules: rules/` in `/etc/transferwatch/transferwatch.yaml` is `/etc/transferwatch/rules/`.
/// An absolute path is used as written. `~` is not expanded. When the configuration file itself
/// is named by a relative path, the resolved path stays relative to the current directory.
///
/// ```swift
/// let rules = ConfiguredPath("rules/", relativeTo: "/etc/transferwatch")
/// rules.raw       // "rules/"
/// rules.resolved  // "/etc/transferwatch/rules/"
/// ```
package struct ConfiguredPath: Sendable, Hashable, CustomStringConvertible {
    /// The path as written in the configuration (or the default).
    package let raw: String
    /// The path to open: `raw` if absolute, else `raw` inside the configuration file's folder.
    package let resolved: String

    /// Resolves `raw` against `directory`.
    ///
    /// - Parameters:
    ///   - raw: The path as written.
    ///   - directory: The configuration file's folder; empty or `.` leaves relative paths as written.
    package init(_ raw: String, relativeTo directory: String = "") {
        self.raw = raw
        if raw.hasPrefix("/") || directory.isEmpty || directory == "." {
            self.resolved = raw
        } else {
            var base = directory
            while base.count > 1, base.hasSuffix("/") { base.removeLast() }
            var relative = Substring(raw)
            while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
            if relative.isEmpty || relative == "." {
                self.resolved = base
            } else {
                self.resolved = (base == "/" ? "" : base) + "/" + relative
            }
        }
    }

    /// The resolved path.
    package var description: String { resolved }
}

/// The folder part of a file path: `conf` for `conf/transferwatch.yaml`, empty for `transferwatch.yaml`.
func directoryPart(of file: String) -> String {
    guard let slash = file.lastIndex(of: "/") else { return "" }
    if slash == file.startIndex { return "/" }
    return String(file[..<slash])
}
