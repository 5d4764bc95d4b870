/// A number as people write it: `3`, `-12`, `0.3`, `1e+21`, `NaN`, `+Inf`.
///
/// Whole numbers below 10^15 print without a fraction; others use Swift's shortest round-tripping form.
func formatNumber(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}

/// A string as a double-quoted literal of the language, with `\\`, `\"`, `\n`, `\t`, `\r` and other
/// control characters escaped, so it reads back as the same string.
func stringLiteral(_ text: String) -> String {
    var literal = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": literal += "\\\\"
        case "\"": literal += "\\\""
        case "\n": literal += "\\n"
        case "\t": literal += "\\t"
        case "\r": literal += "\\r"
        case _ where scalar.properties.generalCategory == .control:
            literal += "\\u{\(String(scalar.value, radix: 16))}"
        default: literal.unicodeScalars.append(scalar)
        }
    }
    return literal + "\""
}
