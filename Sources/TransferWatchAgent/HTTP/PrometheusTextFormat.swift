import Foundation

/// Writes metric families in Prometheus's text exposition format, version 0.0.4.
///
/// One `# HELP` and one `# TYPE` line per family, families sorted by name and merged when a name repeats
/// (the first family's help and type win; series of a conflicting type are dropped, since one name can
/// have one type), counters with `_total`, histograms with cumulative `_bucket{le=…}` (ending at `+Inf`),
/// `_sum` and `_count`, summaries with `{quantile=…}`, label values and help escaped, `+Inf`, `-Inf` and
/// `NaN` spelled as Prometheus expects. Names that are not valid Prometheus names are sanitised
/// (invalid characters become `_`).
package enum PrometheusTextFormat {
    /// The `Content-Type` of the format.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition text of `families`.
    package static func render(_ families: [MetricFamily]) -> String {
        var merged: [String: MetricFamily] = [:]
        for family in families {
            let name = sanitizedName(
                family.name.hasSuffix("_total") && family.kind == .counter
                    ? String(family.name.dropLast(6)) : family.name)
            if var existing = merged[name] {
                existing.metrics += family.metrics.filter { matches($0.value, existing.kind) }
                merged[name] = existing
            } else {
                var family = family
                family.name = name
                family.metrics = family.metrics.filter { matches($0.value, family.kind) }
                merged[name] = family
            }
        }
        var output = ""
        for name in merged.keys.sorted() {
            let family = merged[name]!
            let exposed = family.kind == .counter ? name + "_total" : name
            output += "# HELP \(exposed) \(escapeHelp(family.help))\n"
            output += "# TYPE \(exposed) \(family.kind.rawValue)\n"
            var seen = Set<[String: String]>()
            for metric in family.metrics {
                let labels = sanitizedLabels(metric.labels)
                guard seen.insert(labels).inserted else { continue }  // one sample per label set
                write(metric.value, name: name, kind: family.kind, labels: labels, to: &output)
            }
        }
        return output
    }

    private static func matches(_ value: MetricFamily.Value, _ kind: MetricFamily.Kind) -> Bool {
        switch (value, kind) {
        case (.single, .counter), (.single, .gauge), (.histogram, .histogram), (.summary, .summary): true
        default: false
        }
    }

    private static func write(
        _ value: MetricFamily.Value, name: String, kind: MetricFamily.Kind, labels: [String: String],
        to output: inout String
    ) {
        switch value {
        case .single(let number):
            let sample = kind == .counter ? name + "_total" : name
            output += "\(sample)\(labelText(labels)) \(format(number))\n"
        case .histogram(let buckets, let count, let sum):
            var sorted = buckets.filter { !$0.upperBound.isNaN }.sorted { $0.upperBound < $1.upperBound }
            if sorted.last?.upperBound != .infinity {
                sorted.append(MetricFamily.Bucket(upperBound: .infinity, count: count))
            }
            for bucket in sorted {
                var bucketLabels = labels
                bucketLabels["le"] = format(bucket.upperBound)
                output += "\(name)_bucket\(labelText(bucketLabels)) \(bucket.count)\n"
            }
            output += "\(name)_sum\(labelText(labels)) \(format(sum))\n"
            output += "\(name)_count\(labelText(labels)) \(count)\n"
        case .summary(let quantiles, let count, let sum):
            for quantile in quantiles.sorted(by: { $0.quantile < $1.quantile }) {
                var quantileLabels = labels
                quantileLabels["quantile"] = format(quantile.quantile)
                output += "\(name)\(labelText(quantileLabels)) \(format(quantile.value))\n"
            }
            output += "\(name)_sum\(labelText(labels)) \(format(sum))\n"
            output += "\(name)_count\(labelText(labels)) \(count)\n"
        }
    }

    /// A sample value: `+Inf`, `-Inf`, `NaN`, integers without a fraction, others in shortest form.
    package static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `{a="1",b="2"}` sorted by name, or nothing for no labels.
    private static func labelText(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "" }
        let pairs = labels.keys.sorted().map { "\($0)=\"\(escapeLabelValue(labels[$0]!))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    /// Escapes a label value: backslash, double quote and line feed.
    package static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Escapes help text: backslash and line feed.
    package static func escapeHelp(_ help: String) -> String {
        help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, invalid characters replaced by `_`.
    package static func sanitizedName(_ name: String) -> String {
        sanitize(name, allowColon: true)
    }

    private static func sanitizedLabels(_ labels: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in labels {
            let clean = sanitize(name, allowColon: false)
            // `le` and `quantile` belong to the format; `__` names are reserved.
            guard clean != "le", clean != "quantile", !clean.hasPrefix("__") else { continue }
            result[clean] = value
        }
        return result
    }

    private static func sanitize(_ name: String, allowColon: Bool) -> String {
        var result = ""
        for (index, scalar) in name.unicodeScalars.enumerated() {
            let isLetter =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
                || (allowColon && scalar == ":")
            let isDigit = ("0"..."9").contains(scalar)
            result.unicodeScalars.append(isLetter || (isDigit && index > 0) ? scalar : "_")
        }
        return result.isEmpty ? "_" : result
    }
}
