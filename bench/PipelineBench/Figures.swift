import Foundation

/// One row of the printed table: a figure for TransferWatch, the boto3 baseline's where one exists, and the
/// target it is held to.
struct Figure: Sendable {
    /// How a figure is judged.
    enum Target: Sendable {
        /// TransferWatch at most `fraction` of the baseline (CPU per object).
        case atMostFractionOfBaseline(Double)
        /// TransferWatch at least `multiple` times the baseline (metrics per CPU second).
        case atLeastMultipleOfBaseline(Double)
        /// TransferWatch's value at most `limit` (requests per object, memory).
        case atMost(Double)
        /// Printed for information only.
        case none
    }

    var name: String
    var unit: String
    var transferWatch: Double?
    var baseline: Double?
    var target: Target
    /// Printed beside the value (e.g. VmRSS beside RssAnon).
    var note: String?

    /// TransferWatch over the baseline.
    var ratio: Double? {
        guard let transferWatch, let baseline, baseline != 0 else { return nil }
        return transferWatch / baseline
    }

    /// Whether the target is met (`nil`: no target, or no value to judge).
    var met: Bool? {
        switch target {
        case .none: return nil
        case .atMost(let limit): return transferWatch.map { $0 <= limit }
        case .atMostFractionOfBaseline(let fraction): return ratio.map { $0 <= fraction }
        case .atLeastMultipleOfBaseline(let multiple): return ratio.map { $0 >= multiple }
        }
    }

    /// The target as printed.
    var targetText: String {
        switch target {
        case .none: return "-"
        case .atMost(let limit): return "<= \(Self.format(limit))"
        case .atMostFractionOfBaseline(let fraction): return "ratio <= \(Self.format(fraction))"
        case .atLeastMultipleOfBaseline(let multiple): return "ratio >= \(Self.format(multiple))"
        }
    }

    /// By how much a missed target is missed.
    var missText: String? {
        guard met == false else { return nil }
        switch target {
        case .none: return nil
        case .atMost(let limit): return transferWatch.map { "over by \(Self.format($0 - limit)) \(unit)" }
        case .atMostFractionOfBaseline(let fraction):
            return ratio.map { "ratio \(Self.format($0)), \(Self.format($0 / fraction))x the allowed" }
        case .atLeastMultipleOfBaseline(let multiple):
            return ratio.map { "ratio \(Self.format($0)), \(Self.format(multiple / $0))x short" }
        }
    }

    /// Three significant digits, or fixed for large numbers.
    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1000 { return String(format: "%.0f", value) }
        if magnitude >= 100 { return String(format: "%.1f", value) }
        if magnitude >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3g", value)
    }

    /// The JSON form.
    var json: [String: Any] {
        var object: [String: Any] = ["name": name, "unit": unit, "target": targetText]
        if let transferWatch { object["transferwatch"] = transferWatch }
        if let baseline { object["boto3"] = baseline }
        if let ratio { object["ratio"] = ratio }
        if let met { object["met"] = met }
        if let note { object["note"] = note }
        if let missText { object["miss"] = missText }
        return object
    }
}

/// Prints figures as an aligned table.
func printTable(_ figures: [Figure]) {
    let header = ["figure", "TransferWatch", "boto3", "ratio", "target", "met?"]
    let rows = figures.map { figure -> [String] in
        [
            "\(figure.name) (\(figure.unit))",
            (figure.transferWatch.map(Figure.format) ?? "n/a") + (figure.note.map { " [\($0)]" } ?? ""),
            figure.baseline.map(Figure.format) ?? "-",
            figure.ratio.map { Figure.format($0) + "x" } ?? "-",
            figure.targetText,
            figure.met.map { $0 ? "yes" : "NO: \(figure.missText ?? "")" } ?? "-",
        ]
    }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    print(line(header))
    print(line(widths.map { String(repeating: "-", count: $0) }))
    for row in rows { print(line(row)) }
}
