/// `text` between single quotes, with control characters escaped so a diagnostic stays on one line.
///
/// Values longer than 80 characters are cut and end in `…`.
func quoted(_ text: String) -> String {
    var escaped = ""
    for scalar in text.unicodeScalars.prefix(80) {
        switch scalar {
        case "\n": escaped += "\\n"
        case "\r": escaped += "\\r"
        case "\t": escaped += "\\t"
        case _ where scalar.properties.generalCategory == .control:
            escaped += "\\u{\(String(scalar.value, radix: 16))}"
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    if text.unicodeScalars.count > 80 { escaped += "…" }
    return "'\(escaped)'"
}
