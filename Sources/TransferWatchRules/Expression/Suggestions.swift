/// The candidate closest to a misspelled name, if one is close enough to be what was meant.
///
/// Closeness is the edit distance ignoring case (adjacent swaps count once), at most 1 for names of up
/// to 3 letters, 2 up to 6 and 3 beyond; a candidate of at least 3 letters that starts the name, or that
/// the name starts, also counts (`lenght` → `len`). Ties go to the earlier candidate.
func suggestion(for name: String, among candidates: [String]) -> String? {
    let lowered = Array(name.lowercased().unicodeScalars)
    let limit = lowered.count <= 3 ? 1 : (lowered.count <= 6 ? 2 : 3)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != name {
        let other = Array(candidate.lowercased().unicodeScalars)
        var distance = editDistance(lowered, other)
        if distance > limit, min(lowered.count, other.count) >= 3,
            lowered.starts(with: other) || other.starts(with: lowered)
        {
            distance = limit
        }
        if distance <= limit, best.map({ distance < $0.distance }) ?? true {
            best = (candidate, distance)
        }
    }
    return best?.candidate
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], previousPrevious[j - 2] + 1)
            }
        }
        (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    return previous[b.count]
}
