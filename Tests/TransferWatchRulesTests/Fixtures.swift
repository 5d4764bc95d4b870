import Foundation
import TransferWatchRules

/// The facts of the pipeline as the tests see them: a realistic stand-in for the engine's schema.
let pipelineSchema: FactSchema = [
    "now": .timestamp,
    "window": .object([
        "id": .string,
        "openedAt": .timestamp,
        "closesAt": .timestamp,
        "complete": .bool,
    ]),
    "counter": .object([
        "delivered": .number,
        "expected": .number,
        "missing": .list(.string),
        "lastDeliveryAt": .optional(.timestamp),
    ]),
    "server": .optional(
        .object([
            "id": .string,
            "state": .string,
            "age": .duration,
            "createdAt": .timestamp,
            "online": .bool,
        ])),
    "copy": .object([
        "result": .string,
        "errorCode": .optional(.string),
        "attempts": .number,
        "source": .object([
            "key": .string,
            "size": .number,
            "etag": .string,
        ]),
        "destination": .object([
            "size": .number,
            "etag": .optional(.string),
        ]),
        "uploader": .string,
        "counted": .bool,
    ]),
    "servers": .object([
        "managed": .list(.string)
    ]),
]

/// An instant given in UTC.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
    let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + Int64(hour * 3600 + minute * 60 + second)))
}

/// 2026-11-28 09:00 UTC: the window for November is open, closing at the start of December.
let defaultNow = utc(2026, 11, 28, 9)

/// The fact tree of an ordinary moment: a server online for 3 days, two employees missing, a copy just moved.
func defaultFactTree() -> [String: FactValue] {
    [
        "now": .timestamp(defaultNow),
        "window": [
            "id": "2026-11",
            "openedAt": .timestamp(utc(2026, 11, 28)),
            "closesAt": .timestamp(utc(2026, 12, 1)),
            "complete": false,
        ],
        "counter": [
            "delivered": 8,
            "expected": 10,
            "missing": ["alice", "bob"],
            "lastDeliveryAt": .timestamp(utc(2026, 11, 28, 1, 30)),
        ],
        "server": [
            "id": "s-0123456789abcdef0",
            "state": "ONLINE",
            "age": .duration(.seconds(3 * 86_400 + 2 * 3600)),
            "createdAt": .timestamp(utc(2026, 11, 25, 7)),
            "online": true,
        ],
        "copy": [
            "result": "moved",
            "errorCode": nil,
            "attempts": 1,
            "source": [
                "key": "alice/invoice-2026-11.pdf", "size": 1_572_864, "etag": "\"9b2cf535f27731c974343645a3985328\"",
            ],
            "destination": ["size": 1_572_864, "etag": "\"9b2cf535f27731c974343645a3985328\""],
            "uploader": "alice",
            "counted": true,
        ],
        "servers": ["managed": ["s-0123456789abcdef0"]],
    ]
}

/// The default facts with some values replaced, by dotted path: `["server": nil, "copy.attempts": 3]`.
func makeFacts(_ overrides: [String: FactValue] = [:], schema: FactSchema = pipelineSchema) throws -> FactValues {
    var tree = FactValue.object(defaultFactTree())
    for (path, value) in overrides.sorted(by: { $0.key < $1.key }) {
        tree = replacing(tree, at: path.split(separator: ".").map(String.init), with: value)
    }
    guard case .object(let fields) = tree else { return try FactValues(schema: schema, values: [:]) }
    return try FactValues(schema: schema, values: fields)
}

private func replacing(_ tree: FactValue, at path: [String], with value: FactValue) -> FactValue {
    guard let first = path.first else { return value }
    var fields: [String: FactValue] = [:]
    if case .object(let existing) = tree { fields = existing }
    fields[first] = replacing(fields[first] ?? .object([:]), at: Array(path.dropFirst()), with: value)
    return .object(fields)
}

/// An environment in a named zone.
func environment(_ zone: String) -> ExpressionEnvironment {
    ExpressionEnvironment(timeZone: TimeZone(identifier: zone) ?? .gmt)
}
