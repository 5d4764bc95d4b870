import Foundation
import TransferWatchAWS
import TransferWatchRules

/// The audit trail of alert transitions, notifications and silence changes, one item per event in a
/// partition per environment and UTC day (`history#<environment>#<yyyy-mm-dd>` /
/// `<ISO time>#<written µs>#<random>`).
package struct AlertHistory: Sendable {
    /// The DynamoDB client.
    package var dynamo: DynamoDBClient
    /// The state table's name.
    package var table: String
    /// The environment.
    package var environment: String

    /// Creates a history.
    package init(dynamo: DynamoDBClient, table: String, environment: String) {
        self.dynamo = dynamo
        self.table = table
        self.environment = environment
    }

    /// The partition of a day.
    package func partition(for date: Date) -> String {
        "history#\(environment)#" + Self.day(date)
    }

    /// Appends an event.
    package func append(_ event: AlertHistoryEvent) async throws(AlertingError) {
        // Events of the same instant (a fixed `--now`, one evaluation) keep the order they were written in:
        // the real clock's microseconds break the tie, a random suffix keeps keys unique.
        let written = String(UInt64(Date().timeIntervalSince1970 * 1_000_000))
        let sort = Self.sortTime(event.at) + "#" + written + "#" + UUID().uuidString.prefix(8).lowercased()
        do {
            try await dynamo.putItem(
                table: table, item: StateItemCoding.item(pk: partition(for: event.at), sk: sort, event),
                conditionExpression: "attribute_not_exists(pk)")
        } catch {
            throw .storage(error)
        }
    }

    /// The events from `since` to `until`, oldest first, optionally of one alert name.
    ///
    /// - Returns: the events and the items that could not be read (skipped).
    package func events(
        since: Date, until: Date, alert: String? = nil
    ) async throws(AlertingError)
        -> (events: [AlertHistoryEvent], problems: [AlertingError])
    {
        var events: [AlertHistoryEvent] = []
        var problems: [AlertingError] = []
        var day = Self.startOfDay(since)
        while day <= until {
            let items: [DynamoDBItem]
            do {
                items = try await dynamo.queryAll(
                    table: table, keyCondition: "pk = :pk AND sk BETWEEN :from AND :to",
                    values: [
                        ":pk": .s(partition(for: day)), ":from": .s(Self.sortTime(since)),
                        ":to": .s(Self.sortTime(until) + "#~"),
                    ], consistentRead: true)
            } catch {
                throw .storage(error)
            }
            for item in items {
                do throws(AlertingError) {
                    let event = try StateItemCoding.decode(AlertHistoryEvent.self, from: item)
                    if alert == nil || event.alert == alert { events.append(event) }
                } catch {
                    problems.append(error)
                }
            }
            day = day.addingTimeInterval(86_400)
        }
        return (events, problems)
    }

    static func day(_ date: Date) -> String {
        String(Self.sortTime(date).prefix(10))
    }

    static func startOfDay(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.startOfDay(for: date)
    }

    /// `2026-11-29T10:00:00.123Z`: sorts as time does.
    static func sortTime(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
