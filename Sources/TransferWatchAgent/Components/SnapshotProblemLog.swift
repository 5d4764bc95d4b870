/// Which of a snapshot's problems are worth a log line: those that appeared since the last round, at most
/// `listed` of them one by one, and the moment the last one is gone. The same problem every minute (an employee
/// with an unusable key) would otherwise flood the log: 6,600 such employees made 13,200 lines a minute in a
/// benchmark.
package struct SnapshotProblemLog: Sendable {
    /// What one round should log.
    package struct Changes: Sendable, Equatable {
        /// New problems to log one by one, in the snapshot's order.
        package var listed: [String]
        /// New problems beyond those (logged as a count).
        package var unlisted: Int
        /// Problems in the snapshot, new or not.
        package var total: Int
        /// How many problems went away when none is left (`nil` otherwise).
        package var resolved: Int?

        /// Changes as given.
        package init(listed: [String], unlisted: Int, total: Int, resolved: Int?) {
            self.listed = listed
            self.unlisted = unlisted
            self.total = total
            self.resolved = resolved
        }
    }

    /// New problems logged one by one per round.
    package let listedPerRound: Int
    private var known: Set<String> = []

    /// A log listing at most `listedPerRound` new problems a round.
    package init(listedPerRound: Int = 10) {
        self.listedPerRound = max(0, listedPerRound)
    }

    /// Takes this round's problems and says what to log.
    package mutating func update(_ problems: [String]) -> Changes {
        let current = Set(problems)
        var seen: Set<String> = []
        let new = problems.filter { !known.contains($0) && seen.insert($0).inserted }
        let resolved = current.isEmpty && !known.isEmpty ? known.count : nil
        known = current
        return Changes(
            listed: Array(new.prefix(listedPerRound)), unlisted: max(0, new.count - listedPerRound),
            total: current.count, resolved: resolved)
    }
}
