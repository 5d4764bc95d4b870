import Foundation
import Testing
import TransferWatchConfig
import TransferWatchWorkflows

/// ``ProvisionTrigger``: the 28th's provisioning, its catch-up after downtime, a resumed incomplete run, and
/// nothing once the 1st's teardown has fired; February, leap years and time zones.
@Suite struct ProvisionTriggerTests {
    enum WindowFixture: Sendable {
        /// No window item.
        case none
        /// Open; `provisioned` says whether a run finished provisioning it.
        case open(provisioned: Bool)
        /// Torn down (server item deleted, window closed).
        case tornDown
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var timeZone = "UTC"
        var now: String
        var window: WindowFixture = .none
        var windowID: String?
        var reason: ProvisionTrigger.Reason?
        var lateBy: Duration = .zero

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // October's window was torn down on November 1st; the 28th has not come yet.
        Case(name: "the day before", now: "2026-11-27T23:59:59Z"),
        Case(name: "on time", now: "2026-11-28T00:00:00Z", windowID: "2026-11", reason: .windowMissing),
        Case(name: "already provisioned", now: "2026-11-28T00:05:00Z", window: .open(provisioned: true)),
        // A crash or a failed user left the window open without a finished run: resume it.
        Case(
            name: "incomplete run resumed", now: "2026-11-28T00:05:00Z", window: .open(provisioned: false),
            windowID: "2026-11", reason: .provisioningIncomplete, lateBy: .seconds(300)),
        // The agent was down from the 27th to the 30th: catch up.
        Case(
            name: "catch-up after downtime", now: "2026-11-30T10:00:00Z", windowID: "2026-11",
            reason: .windowMissing, lateBy: .seconds(2 * 86_400 + 10 * 3_600)),
        // Down until the 1st: the window's period is over, provisioning now would only be torn down again.
        Case(name: "too late on the 1st", now: "2026-12-01T00:00:00Z"),
        Case(name: "mid-month", now: "2026-12-15T12:00:00Z"),
        Case(name: "torn down early by the counter", now: "2026-11-29T12:00:00Z", window: .tornDown),
        // The next cycle.
        Case(name: "December's 28th", now: "2026-12-28T00:00:00Z", windowID: "2026-12", reason: .windowMissing),
        // February 2027 has 28 days: the window lasts one day.
        Case(
            name: "February", now: "2027-02-28T06:00:00Z", windowID: "2027-02", reason: .windowMissing,
            lateBy: .seconds(6 * 3_600)),
        Case(name: "February is over on March 1st", now: "2027-03-01T00:00:00Z"),
        // February 2028 has a 29th: still catching up on it.
        Case(
            name: "leap February 29th", now: "2028-02-29T23:59:00Z", windowID: "2028-02", reason: .windowMissing,
            lateBy: .seconds(86_400 + 23 * 3_600 + 59 * 60)),
        Case(name: "leap February is over on March 1st", now: "2028-03-01T00:00:00Z"),
        // Berlin (UTC+1 in November): the 28th at 00:00 local is 23:00 UTC on the 27th.
        Case(name: "Berlin, a second before", timeZone: "Europe/Berlin", now: "2026-11-27T22:59:59Z"),
        Case(
            name: "Berlin, the 28th local", timeZone: "Europe/Berlin", now: "2026-11-27T23:00:00Z",
            windowID: "2026-11", reason: .windowMissing),
        // Auckland (UTC+13 in November): the window is named after the local month.
        Case(
            name: "Auckland, the 28th local", timeZone: "Pacific/Auckland", now: "2026-11-27T11:00:00Z",
            windowID: "2026-11", reason: .windowMissing),
        // New Year: December 28th in Auckland is still the 27th in UTC.
        Case(
            name: "Auckland, December", timeZone: "Pacific/Auckland", now: "2026-12-27T11:30:00Z",
            windowID: "2026-12", reason: .windowMissing, lateBy: .seconds(1_800)),
    ]

    @Test(arguments: cases)
    func decidesWhetherProvisioningIsDue(_ testCase: Case) throws {
        let zone = try #require(TimeZone(identifier: testCase.timeZone))
        let trigger = ProvisionTrigger(
            calendar: DeliveryWindowCalendar(
                provision: try ScheduleExpression(parsing: "cron(0 0 28 * ? *)"), timeZone: zone),
            teardown: try ScheduleExpression(parsing: "cron(0 0 1 * ? *)"))
        let now = date(testCase.now)
        let id = trigger.window(at: now)?.id ?? "?"
        let opened = now.addingTimeInterval(-60)
        let window: DeliveryLedger.WindowState?
        let server: ServerRegistry.ServerRecord?
        switch testCase.window {
        case .none:
            (window, server) = (nil, nil)
        case .open(let provisioned):
            window = DeliveryLedger.WindowState(id: id, isOpen: true, expected: 3, openedAt: opened)
            server = ServerRegistry.ServerRecord(
                windowID: id, state: .online, owner: "run", intentAt: opened, serverID: "s-0123456789abcdef0",
                provisionedAt: provisioned ? opened : nil)
        case .tornDown:
            window = DeliveryLedger.WindowState(id: id, isOpen: false, expected: 3, openedAt: opened)
            server = ServerRegistry.ServerRecord(
                windowID: id, state: .deleted, owner: "run", intentAt: opened, serverID: "s-0123456789abcdef0")
        }
        let decision = trigger.decide(now: now, window: window, server: server)
        #expect(decision?.windowID == testCase.windowID)
        #expect(decision?.reason == testCase.reason)
        if testCase.reason != nil { #expect(decision?.lateBy == testCase.lateBy) }
    }

    @Test func namesTheWindowOfTheLatestProvisionTime() throws {
        let trigger = ProvisionTrigger(
            calendar: DeliveryWindowCalendar(
                provision: try ScheduleExpression(parsing: "cron(0 0 28 * ? *)"), timeZone: .gmt),
            teardown: try ScheduleExpression(parsing: "cron(0 0 1 * ? *)"))
        let window = try #require(trigger.window(at: date("2027-01-05T00:00:00Z")))
        #expect(window.id == "2026-12")
        #expect(window.scheduledAt == date("2026-12-28T00:00:00Z"))
    }
}
