import Foundation

extension Evaluator {
    /// Builds a call of a built-in function; every function but `coalesce` is absent when an argument is.
    func compileCall(_ builtin: TypedExpression.Builtin, _ arguments: [Thunk]) -> Thunk {
        let first = arguments[0]
        switch builtin {
        case .lengthOfString:
            return unary(first) { value in
                guard case .string(let text) = value else { return .null }
                return .number(Double(text.count))
            }
        case .lengthOfList:
            return unary(first) { value in
                guard case .list(let elements) = value else { return .null }
                return .number(Double(elements.count))
            }
        case .listContains:
            return binary(first, arguments[1]) { list, needle in
                guard case .list(let elements) = list else { return .null }
                return .bool(elements.contains(needle))
            }
        case .stringContains, .startsWith, .endsWith:
            let test: @Sendable (String, String) -> Bool
            switch builtin {
            case .startsWith: test = { $0.hasPrefix($1) }
            case .endsWith: test = { $0.hasSuffix($1) }
            default: test = { $1.isEmpty || $0.contains($1) }
            }
            return binary(first, arguments[1]) { a, b in
                guard case .string(let text) = a, case .string(let part) = b else { return .null }
                return .bool(test(text, part))
            }
        case .matches(let regex):
            return unary(first) { value in
                guard case .string(let text) = value else { return .null }
                let range = NSRange(location: 0, length: text.utf16.count)
                return .bool(regex.firstMatch(in: text, options: [], range: range) != nil)
            }
        case .lower, .upper, .trim:
            let transform: @Sendable (String) -> String
            switch builtin {
            case .lower: transform = { $0.lowercased() }
            case .upper: transform = { $0.uppercased() }
            default: transform = { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            }
            return unary(first) { value in
                guard case .string(let text) = value else { return .null }
                return .string(transform(text))
            }
        case .join:
            let zone = timeZone
            var separator: Thunk = { _ in FactValue.string(", ") }
            if arguments.count > 1 { separator = arguments[1] }
            return binary(first, separator) { list, separator in
                guard case .list(let elements) = list, case .string(let separator) = separator else { return .null }
                return .string(elements.map { ValueFormatting.text($0, timeZone: zone) }.joined(separator: separator))
            }
        case .durationIn(let unit):
            return unary(first) { value in
                guard case .duration(let duration) = value else { return .null }
                return .number(DurationArithmetic.seconds(duration) / unit)
            }
        case .calendar(let field, let zone):
            return unary(first) { value in
                guard case .timestamp(let date) = value, let civil = CivilTime(date, in: zone) else { return .null }
                switch field {
                case .dayOfMonth: return .number(Double(civil.day))
                case .hourOfDay: return .number(Double(civil.hour))
                case .minute: return .number(Double(civil.minute))
                case .dayOfWeek: return .number(Double(civil.weekday))
                case .month: return .number(Double(civil.month))
                case .year: return .number(Double(civil.year))
                case .daysInMonth: return .number(Double(daysInMonth(year: civil.year, month: civil.month)))
                }
            }
        case .startOfDay(let zone), .startOfMonth(let zone):
            let isMonth: Bool
            if case .startOfMonth = builtin { isMonth = true } else { isMonth = false }
            return unary(first) { value in
                guard case .timestamp(let date) = value, let civil = CivilTime(date, in: zone) else { return .null }
                return .timestamp(
                    startOfLocalDay(year: civil.year, month: civil.month, day: isMonth ? 1 : civil.day, in: zone))
            }
        case .absNumber:
            return unary(first) { value in
                guard case .number(let number) = value else { return .null }
                return .number(abs(number))
            }
        case .absDuration:
            return unary(first) { value in
                guard case .duration(let duration) = value else { return .null }
                return .duration(DurationArithmetic.magnitude(duration))
            }
        case .minimum:
            return binary(first, arguments[1]) { a, b in compareOrdered(b, a) == -1 ? b : a }
        case .maximum:
            return binary(first, arguments[1]) { a, b in compareOrdered(b, a) == 1 ? b : a }
        case .round, .floor, .ceil:
            let rule: FloatingPointRoundingRule
            switch builtin {
            case .round: rule = .toNearestOrAwayFromZero
            case .floor: rule = .down
            default: rule = .up
            }
            return unary(first) { value in
                guard case .number(let number) = value else { return .null }
                return .number(number.rounded(rule))
            }
        case .coalesce:
            let fallback = arguments[1]
            return { frame in
                let value = first(frame)
                return value.isNull ? fallback(frame) : value
            }
        }
    }
}
