import Foundation
import Testing
import TransferWatchConfig
import TransferWatchWorkflows

/// ``TeardownTrigger`` across the 28th → 1st → 28th cycle: counter, lifespan and schedule, which came first,
/// February with and without a 29th, and schedules read in other time zones.
@Suite struct TeardownTriggerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var timeZone = "UTC"
        var maxLifespan: Duration = .seconds(2 * 86_400)
        /// When the window opened; `nil`: never opened.
        var openedAt: String?
        var isOpen = true
        var expected = 5
        var delivered = 0
        var lastDeliveryAt: String?
        /// The live server's recorded creation time; `nil`: no live server.
        var createdAt: String?
        var now: String
        var reason: TeardownReason?
        var dueSince: String?

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // The window opened at midnight on the 28th; nothing has happened yet.
        Case(
            name: "fresh window, nothing due", openedAt: "2026-11-28T00:00:10Z", createdAt: "2026-11-28T00:00:05Z",
            now: "2026-11-28T12:00:00Z"),
        // Everyone delivered on the 29th: the counter ends the window at the last delivery.
        Case(
            name: "counter at the last delivery", openedAt: "2026-11-28T00:00:10Z", expected: 5, delivered: 5,
            lastDeliveryAt: "2026-11-29T09:00:00Z", createdAt: "2026-11-28T00:00:05Z", now: "2026-11-29T10:00:00Z",
            reason: .counter, dueSince: "2026-11-29T09:00:00Z"),
        // No employee is expected at all: nothing to wait for.
        Case(
            name: "counter with nobody expected", openedAt: "2026-11-28T00:00:10Z", expected: 0,
            createdAt: "2026-11-28T00:00:05Z", now: "2026-11-28T00:01:00Z", reason: .counter,
            dueSince: "2026-11-28T00:00:10Z"),
        // Exactly two days old is not older than two days.
        Case(
            name: "lifespan is strict", openedAt: "2026-11-28T00:00:10Z", createdAt: "2026-11-28T00:00:05Z",
            now: "2026-11-30T00:00:05Z"),
        Case(
            name: "lifespan one second later", openedAt: "2026-11-28T00:00:10Z", createdAt: "2026-11-28T00:00:05Z",
            now: "2026-11-30T00:00:06Z", reason: .lifespan, dueSince: "2026-11-30T00:00:05Z"),
        // November 28 → December 1 is three days: with the default 2d, the lifespan ends it before the 1st,
        // and an agent that was down until the 1st still reports lifespan, which came first.
        Case(
            name: "lifespan came before the schedule", openedAt: "2026-11-28T00:00:10Z",
            createdAt: "2026-11-28T00:00:05Z", now: "2026-12-01T00:00:00Z", reason: .lifespan,
            dueSince: "2026-11-30T00:00:05Z"),
        // With a week's lifespan the schedule ends it on the 1st, not a second before.
        Case(
            name: "schedule not yet", maxLifespan: .seconds(7 * 86_400), openedAt: "2026-11-28T00:00:10Z",
            createdAt: "2026-11-28T00:00:05Z", now: "2026-11-30T23:59:59Z"),
        Case(
            name: "schedule on the 1st", maxLifespan: .seconds(7 * 86_400), openedAt: "2026-11-28T00:00:10Z",
            createdAt: "2026-11-28T00:00:05Z", now: "2026-12-01T00:00:00Z", reason: .scheduled,
            dueSince: "2026-12-01T00:00:00Z"),
        // The window completed on the 29th but nobody tore it down: the counter came first.
        Case(
            name: "counter before schedule", maxLifespan: .seconds(7 * 86_400), openedAt: "2026-11-28T00:00:10Z",
            expected: 2, delivered: 2, lastDeliveryAt: "2026-11-29T08:00:00Z", createdAt: "2026-11-28T00:00:05Z",
            now: "2026-12-01T06:00:00Z", reason: .counter, dueSince: "2026-11-29T08:00:00Z"),
        // February 2027 has 28 days: the 28th → 1st is one day, so the schedule ends it.
        Case(
            name: "February, one day", openedAt: "2027-02-28T00:00:10Z", createdAt: "2027-02-28T00:00:05Z",
            now: "2027-03-01T00:00:00Z", reason: .scheduled, dueSince: "2027-03-01T00:00:00Z"),
        // February 2028 has a 29th: 28th → 1st is exactly two days, which is not older than two days.
        Case(
            name: "leap February, exactly two days", openedAt: "2028-02-28T00:00:00Z",
            createdAt: "2028-02-28T00:00:00Z", now: "2028-03-01T00:00:00Z", reason: .scheduled,
            dueSince: "2028-03-01T00:00:00Z"),
        // One second later both hold since the same instant: the schedule wins the tie.
        Case(
            name: "leap February, tie goes to the schedule", openedAt: "2028-02-28T00:00:00Z",
            createdAt: "2028-02-28T00:00:00Z", now: "2028-03-01T00:00:01Z", reason: .scheduled,
            dueSince: "2028-03-01T00:00:00Z"),
        Case(
            name: "leap February, the 29th is quiet", openedAt: "2028-02-28T00:00:10Z",
            createdAt: "2028-02-28T00:00:05Z", now: "2028-02-29T23:59:59Z"),
        // The next cycle: December's window opened on the 28th, after the 1st's fire; nothing is due.
        Case(
            name: "next window, earlier fire does not count", openedAt: "2026-12-28T00:00:10Z",
            createdAt: "2026-12-28T00:00:05Z", now: "2026-12-28T12:00:00Z"),
        // Torn down: no open window, no live server.
        Case(
            name: "closed window and deleted server", openedAt: "2026-11-28T00:00:10Z", isOpen: false,
            now: "2026-12-05T00:00:00Z"),
        // A server without an open window (provisioning stopped before opening it) is still torn down.
        Case(
            name: "server without a window, schedule", maxLifespan: .seconds(7 * 86_400),
            createdAt: "2026-11-28T00:00:05Z", now: "2026-12-01T00:00:00Z", reason: .scheduled,
            dueSince: "2026-12-01T00:00:00Z"),
        Case(
            name: "closed window but a live server, lifespan", openedAt: "2026-11-28T00:00:10Z", isOpen: false,
            createdAt: "2026-11-28T00:00:05Z", now: "2026-11-30T01:00:00Z", reason: .lifespan,
            dueSince: "2026-11-30T00:00:05Z"),
        // Berlin: the 1st at 00:00 local is 23:00 UTC on the 30th (CET, UTC+1).
        Case(
            name: "Berlin, an hour before UTC's 1st", timeZone: "Europe/Berlin", maxLifespan: .seconds(7 * 86_400),
            openedAt: "2026-11-27T23:00:10Z", createdAt: "2026-11-27T23:00:05Z", now: "2026-11-30T22:59:59Z"),
        Case(
            name: "Berlin, the 1st local", timeZone: "Europe/Berlin", maxLifespan: .seconds(7 * 86_400),
            openedAt: "2026-11-27T23:00:10Z", createdAt: "2026-11-27T23:00:05Z", now: "2026-11-30T23:00:00Z",
            reason: .scheduled, dueSince: "2026-11-30T23:00:00Z"),
        // New York in winter (EST, UTC-5): the 1st at 00:00 local is 05:00 UTC.
        Case(
            name: "New York, the 1st local", timeZone: "America/New_York", maxLifespan: .seconds(7 * 86_400),
            openedAt: "2026-11-28T05:00:10Z", createdAt: "2026-11-28T05:00:05Z", now: "2026-12-01T05:00:00Z",
            reason: .scheduled, dueSince: "2026-12-01T05:00:00Z"),
    ]

    @Test(arguments: cases)
    func decidesTheReasonThatCameFirst(_ testCase: Case) throws {
        let trigger = TeardownTrigger(
            teardown: try ScheduleExpression(parsing: "cron(0 0 1 * ? *)"),
            timeZone: try #require(TimeZone(identifier: testCase.timeZone)), maxLifespan: testCase.maxLifespan)
        let window = testCase.openedAt.map {
            DeliveryLedger.WindowState(
                id: "w", isOpen: testCase.isOpen, expected: testCase.expected, delivered: testCase.delivered,
                openedAt: date($0), lastDeliveryAt: testCase.lastDeliveryAt.map(date))
        }
        let decision = trigger.decide(
            window: window, serverCreatedAt: testCase.createdAt.map(date), now: date(testCase.now))
        #expect(decision?.reason == testCase.reason)
        #expect(decision?.dueSince == testCase.dueSince.map(date))
    }
}
