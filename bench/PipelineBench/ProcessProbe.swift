import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads another process's CPU time and memory from `/proc/<pid>` (Linux).
struct ProcessProbe: Sendable {
    /// Resident memory of a process, in bytes.
    struct Memory: Sendable, Codable, Equatable {
        /// `RssAnon`: private anonymous memory (heap, stacks) — what the agent itself allocates.
        var anonymous: Int
        /// `VmRSS`: all resident memory, shared libraries and file mappings included.
        var resident: Int
    }

    /// The process ID.
    let pid: Int32

    /// User plus system CPU seconds so far (`utime` + `stime` of `/proc/<pid>/stat`), or `nil` once it is gone.
    func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// `RssAnon` and `VmRSS` from `/proc/<pid>/status`, or `nil` once the process is gone.
    func memory() -> Memory? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var anonymous: Int?
        var resident: Int?
        for line in text.split(separator: "\n") {
            func kibibytes() -> Int? {
                line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
            }
            if line.hasPrefix("RssAnon:") { anonymous = kibibytes() }
            if line.hasPrefix("VmRSS:") { resident = kibibytes() }
        }
        guard let anonymous, let resident else { return nil }
        return Memory(anonymous: anonymous * 1024, resident: resident * 1024)
    }
}

/// Samples a process's memory on a background thread until stopped, keeping the peak.
final class MemorySampler: @unchecked Sendable {
    private let probe: ProcessProbe
    private let interval: Duration
    private let lock = NSLock()
    private var peakValue: ProcessProbe.Memory?
    private var samples = 0
    private var running = true
    private var thread: Thread?

    /// Starts sampling `probe` every `interval`.
    init(probe: ProcessProbe, interval: Duration = .milliseconds(20)) {
        self.probe = probe
        self.interval = interval
        let thread = Thread { [self] in loop() }
        self.thread = thread
        thread.start()
    }

    private func loop() {
        let microseconds = useconds_t(interval.components.attoseconds / 1_000_000_000_000 + interval.components.seconds * 1_000_000)
        while lock.withLock({ running }) {
            if let memory = probe.memory() {
                lock.withLock {
                    samples += 1
                    if let peak = peakValue {
                        peakValue = .init(
                            anonymous: max(peak.anonymous, memory.anonymous), resident: max(peak.resident, memory.resident))
                    } else {
                        peakValue = memory
                    }
                }
            }
            usleep(microseconds)
        }
    }

    /// Stops sampling and returns the peak of each figure (sampled independently) and the number of samples.
    func stop() -> (peak: ProcessProbe.Memory?, samples: Int) {
        lock.withLock {
            running = false
            return (peakValue, samples)
        }
    }
}
