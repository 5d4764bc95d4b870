import Foundation

/// A `printf` format with exactly one conversion, checked when the template is compiled.
///
/// The conversion is `%[flags][width][.precision]verb` with flags from `-+ 0#`, a width and a precision
/// of at most two digits each, and one of the verbs `d i o x X` (whole numbers; the value is truncated
/// toward zero), `f F e E g G` (numbers) or `s` (any value, as its default text). Other text is copied,
/// and `%%` is a percent sign.
///
/// ```swift
/// let format = try PrintfFormat.parse("$%.2f")   // 10.5 → "$10.50"
/// ```
package struct PrintfFormat: Sendable, Equatable {
    /// The kinds of value the verb takes.
    package enum Verb: Sendable, Equatable {
        case integer, floatingPoint, text
    }

    let prefix: String
    let suffix: String
    /// The conversion without its verb: `%-8.2`.
    let specification: String
    let flags: String
    let width: Int?
    let precision: Int?
    let verbCharacter: Character
    /// What the conversion formats.
    package let verb: Verb

    /// Parses and checks a format.
    ///
    /// - Returns: The format, or the reason it is invalid (`no conversion such as %.2f`).
    package static func parse(_ format: String) -> Result<PrintfFormat, PrintfFormatError> {
        let characters = Array(format)
        var prefix = ""
        var suffix = ""
        var conversion: (specification: String, flags: String, width: Int?, precision: Int?, verb: Character)?
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "%" else {
                if conversion == nil { prefix.append(character) } else { suffix.append(character) }
                index += 1
                continue
            }
            index += 1
            guard index < characters.count else {
                return .failure(PrintfFormatError("incomplete conversion at the end"))
            }
            if characters[index] == "%" {
                if conversion == nil { prefix += "%" } else { suffix += "%" }
                index += 1
                continue
            }
            guard conversion == nil else { return .failure(PrintfFormatError("more than one conversion")) }
            var flags = ""
            while index < characters.count, "-+ 0#".contains(characters[index]) {
                flags.append(characters[index])
                index += 1
            }
            var widthText = ""
            while index < characters.count, characters[index].isASCII, characters[index].isNumber {
                widthText.append(characters[index])
                index += 1
            }
            var precisionText: String?
            if index < characters.count, characters[index] == "." {
                index += 1
                var digits = ""
                while index < characters.count, characters[index].isASCII, characters[index].isNumber {
                    digits.append(characters[index])
                    index += 1
                }
                precisionText = digits
            }
            guard index < characters.count else {
                return .failure(PrintfFormatError("incomplete conversion at the end"))
            }
            let verb = characters[index]
            index += 1
            guard "dioxXfFeEgGs".contains(verb) else {
                return .failure(PrintfFormatError("unsupported conversion '%\(verb)'"))
            }
            guard widthText.count <= 2, (precisionText?.count ?? 0) <= 2 else {
                return .failure(PrintfFormatError("width and precision take at most two digits"))
            }
            let precision = precisionText.map { Int($0) ?? 0 }
            let specification = "%" + flags + widthText + (precisionText.map { "." + $0 } ?? "")
            conversion = (specification, flags, Int(widthText), precision, verb)
        }
        guard let conversion else { return .failure(PrintfFormatError("no conversion such as %.2f")) }
        let verb: Verb
        switch conversion.verb {
        case "s": verb = .text
        case "d", "i", "o", "x", "X": verb = .integer
        default: verb = .floatingPoint
        }
        return .success(
            PrintfFormat(
                prefix: prefix, suffix: suffix, specification: conversion.specification, flags: conversion.flags,
                width: conversion.width, precision: conversion.precision, verbCharacter: conversion.verb, verb: verb))
    }

    /// Formats a number (for `integer` and `floatingPoint` verbs) or a text (for `s`).
    package func format(number: Double) -> String {
        switch verb {
        case .integer:
            let clamped = number.isNaN ? 0 : min(max(number, -9.2e18), 9.2e18)
            let whole = Int(clamped.rounded(.towardZero))
            let verb = verbCharacter == "i" ? "d" : String(verbCharacter)
            return prefix + String(format: specification + "l" + verb, whole) + suffix
        case .floatingPoint:
            return prefix + String(format: specification + String(verbCharacter), number) + suffix
        case .text:
            return format(text: formatNumber(number))
        }
    }

    /// Formats a text with the `s` verb: precision cuts it, width pads it (on the right with `-`).
    package func format(text: String) -> String {
        var body = text
        if let precision, body.count > precision { body = String(body.prefix(precision)) }
        if let width, body.count < width {
            let padding = String(repeating: " ", count: width - body.count)
            body = flags.contains("-") ? body + padding : padding + body
        }
        return prefix + body + suffix
    }
}

/// Why a `printf` format is invalid.
package struct PrintfFormatError: Error, Sendable, Equatable {
    /// The reason, e.g. `more than one conversion`.
    package var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
