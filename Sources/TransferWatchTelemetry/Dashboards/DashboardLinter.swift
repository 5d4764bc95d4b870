import TransferWatchConfig

/// Checks a dashboard file before it is published: valid JSON, a CloudWatch dashboard body, known
/// placeholders, and only metrics TransferWatch publishes, with their dimensions.
///
/// ```swift
/// let diagnostics = DashboardLinter().lint(text, file: "dashboards/transferwatch.json")
/// for diagnostic in diagnostics { print(diagnostic) }   // dashboards/transferwatch.json:14:22: error: …
/// ```
///
/// Every problem is reported, each at the line and column of the element at fault. A metric row is
/// `["${namespace}", "<MetricName>", "Environment", "${environment}", …, {options}]`; `"."` repeats the
/// element of the row above. Metric math rows (`[{"expression": …}]`) are accepted; the metrics inside an
/// expression are not checked.
package struct DashboardLinter: Sendable {
    /// The placeholders `dashboards publish` substitutes.
    package static let placeholders = ["environment", "namespace", "region"]
    /// The widget types CloudWatch dashboards know.
    package static let widgetTypes = ["alarm", "explorer", "log", "metric", "text"]

    /// A linter.
    package init() {}

    /// Every problem in one dashboard file, sorted.
    ///
    /// - Parameters:
    ///   - text: the file's contents, with placeholders not yet substituted.
    ///   - file: the name diagnostics give.
    package func lint(_ text: String, file: String) -> [DashboardDiagnostic] {
        var run = Run(file: file)
        let document: PositionedJSON
        do {
            document = try JSONScanner.parse(text)
        } catch {
            return [DashboardDiagnostic("invalid JSON: \(error.message)", at: run.location(error.position))]
        }
        run.checkPlaceholders(in: document)
        run.checkBody(document)
        return run.diagnostics.sorted()
    }
}

/// One lint run's state: the file and what has been found.
private struct Run {
    let file: String
    var diagnostics: [DashboardDiagnostic] = []

    init(file: String) { self.file = file }

    func location(_ position: TextPosition) -> SourceLocation {
        SourceLocation(file: file, line: position.line, column: position.column)
    }

    mutating func report(_ message: String, at position: TextPosition) {
        diagnostics.append(DashboardDiagnostic(message, at: location(position)))
    }

    // MARK: Placeholders

    mutating func checkPlaceholders(in node: PositionedJSON) {
        switch node.value {
        case .object(let members):
            for member in members {
                checkPlaceholders(in: member.key, startingAt: member.keyPosition)
                checkPlaceholders(in: member.value)
            }
        case .array(let elements):
            for element in elements { checkPlaceholders(in: element) }
        case .string(_, let raw):
            checkPlaceholders(in: raw, startingAt: node.position)
        case .number, .bool, .null:
            break
        }
    }

    /// Reports `${name}` with an unknown name, or an unterminated `${`, in a string whose opening quote is at
    /// `start` (columns are exact: JSON strings cannot span lines).
    mutating func checkPlaceholders(in raw: String, startingAt start: TextPosition) {
        let scalars = Array(raw.unicodeScalars)
        var index = 0
        while index + 1 < scalars.count {
            guard scalars[index] == "$", scalars[index + 1] == "{" else {
                index += 1
                continue
            }
            let position = TextPosition(line: start.line, column: start.column + 1 + index)
            guard let close = scalars[(index + 2)...].firstIndex(of: "}") else {
                report("unterminated placeholder '${' (write ${namespace}, ${region} or ${environment})", at: position)
                return
            }
            var name = String.UnicodeScalarView()
            name.append(contentsOf: scalars[(index + 2)..<close])
            let text = String(name)
            if !DashboardLinter.placeholders.contains(text) {
                report(
                    "unknown placeholder '${\(text)}' (known: "
                        + DashboardLinter.placeholders.map { "${\($0)}" }.joined(separator: ", ") + ")",
                    at: position)
            }
            index = close + 1
        }
    }

    // MARK: Body

    mutating func checkBody(_ document: PositionedJSON) {
        guard document.members != nil else {
            report(
                "a dashboard body must be a JSON object with a 'widgets' array, not \(document.typeName)",
                at: document.position)
            return
        }
        guard let widgets = document["widgets"] else {
            report("missing 'widgets' array", at: document.position)
            return
        }
        guard let elements = widgets.array else {
            report("'widgets' must be an array, not \(widgets.typeName)", at: widgets.position)
            return
        }
        for (number, widget) in elements.enumerated() { checkWidget(widget, number: number) }
    }

    mutating func checkWidget(_ widget: PositionedJSON, number: Int) {
        let name = "widgets[\(number)]"
        guard widget.members != nil else {
            report("\(name) must be an object, not \(widget.typeName)", at: widget.position)
            return
        }
        for key in ["x", "y", "width", "height"] {
            guard let value = widget[key] else { continue }
            if case .number = value.value { continue }
            report("\(name).\(key) must be a number, not \(value.typeName)", at: value.position)
        }
        guard let typeNode = widget["type"] else {
            report(
                "\(name) has no 'type' (one of \(DashboardLinter.widgetTypes.joined(separator: ", ")))",
                at: widget.position)
            return
        }
        guard let type = typeNode.string, DashboardLinter.widgetTypes.contains(type) else {
            report(
                "\(name) has unknown widget type \(typeNode.string.map { "'\($0)'" } ?? typeNode.typeName) (one of "
                    + DashboardLinter.widgetTypes.joined(separator: ", ") + ")",
                at: typeNode.position)
            return
        }
        guard let properties = widget["properties"] else {
            report("\(name) (\(type)) has no 'properties' object", at: widget.position)
            return
        }
        guard properties.members != nil else {
            report("\(name).properties must be an object, not \(properties.typeName)", at: properties.position)
            return
        }
        switch type {
        case "metric": checkMetricWidget(properties, name: name)
        case "text": requireString("markdown", in: properties, name: name)
        case "log": requireString("query", in: properties, name: name)
        case "alarm":
            guard let alarms = properties["alarms"] else {
                report("\(name) (alarm) has no properties.alarms array", at: properties.position)
                return
            }
            guard let list = alarms.array else {
                report("\(name).properties.alarms must be an array, not \(alarms.typeName)", at: alarms.position)
                return
            }
            for alarm in list where alarm.string == nil {
                report(
                    "\(name).properties.alarms must hold alarm ARNs (strings), not \(alarm.typeName)",
                    at: alarm.position)
            }
        default:
            break
        }
    }

    mutating func requireString(_ key: String, in properties: PositionedJSON, name: String) {
        guard let value = properties[key] else {
            report("\(name) has no properties.\(key)", at: properties.position)
            return
        }
        if value.string == nil {
            report("\(name).properties.\(key) must be a string, not \(value.typeName)", at: value.position)
        }
    }

    mutating func checkMetricWidget(_ properties: PositionedJSON, name: String) {
        if let region = properties["region"] {
            if region.string == nil {
                report("\(name).properties.region must be a string, not \(region.typeName)", at: region.position)
            }
        } else {
            report("\(name) (metric) has no properties.region (write \"${region}\")", at: properties.position)
        }
        guard let metrics = properties["metrics"] else {
            report("\(name) (metric) has no properties.metrics array", at: properties.position)
            return
        }
        guard let rows = metrics.array else {
            report("\(name).properties.metrics must be an array, not \(metrics.typeName)", at: metrics.position)
            return
        }
        if rows.isEmpty { report("\(name).properties.metrics is empty", at: metrics.position) }
        var previous: [PositionedJSON] = []
        for (index, row) in rows.enumerated() {
            let rowName = "\(name).properties.metrics[\(index)]"
            guard let elements = row.array else {
                report("\(rowName) must be an array, not \(row.typeName)", at: row.position)
                continue
            }
            previous = checkMetricRow(elements, at: row.position, name: rowName, previous: previous)
        }
    }

    /// Checks one metric row and returns it with `"."` resolved, for the next row.
    mutating func checkMetricRow(
        _ elements: [PositionedJSON], at position: TextPosition, name: String, previous: [PositionedJSON]
    ) -> [PositionedJSON] {
        var parts = elements
        if let last = parts.last, last.members != nil {
            parts.removeLast()
            if parts.isEmpty {
                if last["expression"]?.string == nil {
                    report(
                        "\(name) has only an options object; a metric math row needs an \"expression\" string",
                        at: last.position)
                }
                return []
            }
        }
        var resolved: [PositionedJSON] = []
        for (index, part) in parts.enumerated() {
            guard let text = part.string else {
                report(
                    "\(name)[\(index)] must be a string, not \(part.typeName) (only the last element may be an "
                        + "options object)", at: part.position)
                return []
            }
            if text == "..." {
                report(
                    "\(name)[\(index)]: the '...' shorthand is not supported here; spell the metric out",
                    at: part.position)
                return []
            }
            if text == "." {
                guard index < previous.count else {
                    report("\(name)[\(index)]: '.' has no element above it to repeat", at: part.position)
                    return []
                }
                resolved.append(previous[index])
            } else {
                resolved.append(part)
            }
        }
        guard resolved.count >= 2 else {
            report("\(name) must start with a namespace and a metric name", at: position)
            return resolved
        }
        let namespace = resolved[0]
        if namespace.string != "${namespace}" {
            report(
                "\(name): namespace '\(namespace.string ?? "")' is not ${namespace}; only TransferWatch's own "
                    + "metrics may be plotted", at: elements[0].position)
        }
        let metricNode = resolved[1]
        let metricName = metricNode.string ?? ""
        guard let metric = MetricName.named(metricName) else {
            report(
                "\(name): unknown metric '\(metricName)' (TransferWatch publishes "
                    + MetricName.all.map(\.name).joined(separator: ", ") + ")", at: elements[1].position)
            return resolved
        }
        let dimensionParts = Array(resolved.dropFirst(2))
        guard dimensionParts.count % 2 == 0 else {
            report(
                "\(name): dimension '\(dimensionParts.last?.string ?? "")' has no value",
                at: elements[min(elements.count - 1, resolved.count - 1)].position)
            return resolved
        }
        let expected = ["Environment"] + metric.extraDimensions
        var seen: Set<String> = []
        for pair in stride(from: 0, to: dimensionParts.count, by: 2) {
            let nameNode = dimensionParts[pair]
            let valueNode = dimensionParts[pair + 1]
            let elementIndex = 2 + pair
            let dimension = nameNode.string ?? ""
            guard expected.contains(dimension) else {
                report(
                    "\(name): metric \(metric.name) has no dimension '\(dimension)' (its dimensions: "
                        + expected.joined(separator: ", ") + ")", at: elements[elementIndex].position)
                continue
            }
            if !seen.insert(dimension).inserted {
                report("\(name): dimension '\(dimension)' is given twice", at: elements[elementIndex].position)
            }
            if dimension == "Environment", valueNode.string != "${environment}" {
                report(
                    "\(name): the Environment dimension must be ${environment}, not '\(valueNode.string ?? "")'",
                    at: elements[elementIndex + 1].position)
            }
        }
        for missing in expected where !seen.contains(missing) {
            report(
                "\(name): metric \(metric.name) is missing its dimension '\(missing)' (its dimensions: "
                    + expected.joined(separator: ", ") + ")", at: position)
        }
        return resolved
    }
}
