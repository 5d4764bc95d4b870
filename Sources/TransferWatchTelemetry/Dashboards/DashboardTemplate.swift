import Foundation

/// A dashboard file ready to publish: its CloudWatch name and its body with placeholders substituted.
///
/// ```swift
/// let template = DashboardTemplate(file: "dashboards/transferwatch.json", text: text)
/// let body = template.body(namespace: "TransferWatch", region: "us-east-1", environment: "prod")
/// template.dashboardName(environment: "prod")   // "transferwatch-prod"
/// ```
package struct DashboardTemplate: Sendable, Hashable {
    /// The file it came from.
    package var file: String
    /// The file's text, placeholders not substituted.
    package var text: String

    /// A template read from `file`.
    package init(file: String, text: String) {
        self.file = file
        self.text = text
    }

    /// `<file name without .json>-<environment>`, with characters CloudWatch does not allow in dashboard names
    /// (anything but letters, digits, `-` and `_`) replaced by `-`.
    package func dashboardName(environment: String) -> String {
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".unicodeScalars)
        var name = String.UnicodeScalarView()
        for scalar in "\(base)-\(environment)".unicodeScalars { name.append(allowed.contains(scalar) ? scalar : "-") }
        return String(String(name).prefix(255))
    }

    /// The body with `${namespace}`, `${region}` and `${environment}` replaced, each value escaped for a JSON
    /// string (placeholders only ever stand inside strings).
    package func body(namespace: String, region: String, environment: String) -> String {
        var body = text
        for (name, value) in [("namespace", namespace), ("region", region), ("environment", environment)] {
            body = body.replacingOccurrences(of: "${\(name)}", with: Self.escaped(value))
        }
        return body
    }

    /// `value` escaped for the inside of a JSON string.
    static func escaped(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += String(format: "\\u%04X", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
