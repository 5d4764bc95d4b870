import Foundation
import Testing
import TransferWatchWorkflows

/// Which window an upload belongs to: the month of the latest provisioning at or before it, read in the
/// configured time zone. The default provisioning (00:00 on the 28th) puts the first days of a month in the
/// previous month's window.
@Suite struct DeliveryWindowCalendarTests {
    struct WindowCase: Sendable, CustomTestStringConvertible {
        var name: String
        var zone: String
        var instant: String
        var window: String?
        var testDescription: String { name }
    }

    static let windows: [WindowCase] = [
        // The 28th → 1st boundary, in UTC.
        WindowCase(
            name: "a second before provisioning", zone: "UTC", instant: "2026-11-27T23:59:59Z", window: "2026-10"),
        WindowCase(name: "the provisioning instant", zone: "UTC", instant: "2026-11-28T00:00:00Z", window: "2026-11"),
        WindowCase(name: "the last day of the month", zone: "UTC", instant: "2026-11-30T23:59:59Z", window: "2026-11"),
        WindowCase(
            name: "the 1st belongs to the previous month's window", zone: "UTC", instant: "2026-12-01T00:00:00Z",
            window: "2026-11"),
        WindowCase(name: "the 27th still does", zone: "UTC", instant: "2026-12-27T23:59:59Z", window: "2026-11"),
        WindowCase(name: "across the new year", zone: "UTC", instant: "2027-01-01T08:00:00Z", window: "2026-12"),
        WindowCase(name: "February's 28th", zone: "UTC", instant: "2027-02-28T00:00:00Z", window: "2027-02"),
        WindowCase(
            name: "early March is February's window", zone: "UTC", instant: "2027-03-01T12:00:00Z", window: "2027-02"),
        // The same instants on other wall clocks.
        WindowCase(
            name: "Paris is past midnight on the 28th at 23:30Z", zone: "Europe/Paris", instant: "2026-11-27T23:30:00Z",
            window: "2026-11"),
        WindowCase(
            name: "Paris a minute before its midnight", zone: "Europe/Paris", instant: "2026-11-27T22:59:00Z",
            window: "2026-10"),
        WindowCase(
            name: "Los Angeles is still on the 27th at 07:59Z", zone: "America/Los_Angeles",
            instant: "2026-11-28T07:59:00Z", window: "2026-10"),
        WindowCase(
            name: "Los Angeles opens at 08:00Z", zone: "America/Los_Angeles", instant: "2026-11-28T08:00:00Z",
            window: "2026-11"),
        WindowCase(
            name: "Auckland opens the day before in UTC", zone: "Pacific/Auckland", instant: "2026-11-27T11:00:00Z",
            window: "2026-11"),
        WindowCase(
            name: "Auckland's new year is December 31 in UTC", zone: "Pacific/Auckland",
            instant: "2026-12-31T12:00:00Z", window: "2026-12"),
        // Summer time: Paris is UTC+2 on 28 March 2027 only after 01:00Z, but midnight is still UTC+1.
        WindowCase(
            name: "Paris on the night clocks go forward", zone: "Europe/Paris", instant: "2027-03-27T23:00:00Z",
            window: "2027-03"),
        WindowCase(
            name: "Paris just before that midnight", zone: "Europe/Paris", instant: "2027-03-27T22:59:59Z",
            window: "2027-02"),
    ]

    @Test(arguments: windows)
    func namesTheWindowOfAnInstant(_ testCase: WindowCase) throws {
        let zone = try #require(TimeZone(identifier: testCase.zone))
        let calendar = DeliveryWindowCalendar(provision: schedule("cron(0 0 28 * ? *)"), timeZone: zone)
        #expect(calendar.windowID(at: date(testCase.instant)) == testCase.window)
    }

    /// The opening time is the provisioning time on the configured wall clock, not in UTC.
    @Test func opensAtTheProvisioningTimeOnTheConfiguredWallClock() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        let calendar = DeliveryWindowCalendar(provision: schedule("cron(0 0 28 * ? *)"), timeZone: paris)
        #expect(calendar.openingTime(at: date("2026-12-05T12:00:00Z")) == date("2026-11-27T23:00:00Z"))
        #expect(calendar.openingTime(at: date("2026-07-05T12:00:00Z")) == date("2026-06-27T22:00:00Z"))
        #expect(WorkflowFixture.calendar.openingTime(at: date("2026-12-05T12:00:00Z")) == date("2026-11-28T00:00:00Z"))
    }

    /// Before the first provisioning there is no window; a one-off schedule keeps its window for good; a
    /// schedule on the 1st names each month's own window.
    @Test func otherSchedules() throws {
        let once = DeliveryWindowCalendar(provision: schedule("at(2026-11-28T09:00:00)"), timeZone: .gmt)
        #expect(once.windowID(at: date("2026-11-28T08:59:59Z")) == nil)
        #expect(once.openingTime(at: date("2026-11-28T08:59:59Z")) == nil)
        #expect(once.windowID(at: date("2026-11-28T09:00:00Z")) == "2026-11")
        #expect(once.windowID(at: date("2027-06-01T00:00:00Z")) == "2026-11")

        let monthly = DeliveryWindowCalendar(provision: schedule("cron(0 0 1 * ? *)"), timeZone: .gmt)
        #expect(monthly.windowID(at: date("2026-11-01T00:00:00Z")) == "2026-11")
        #expect(monthly.windowID(at: date("2026-10-31T23:59:59Z")) == "2026-10")
        #expect(monthly.windowID(at: date("2027-01-15T00:00:00Z")) == "2027-01")
    }

    /// `monthID` and `yearAndMonth` (which the `{yyyy}/{mm}` of destination keys use) read the instant on the
    /// given wall clock.
    @Test(arguments: [
        ("UTC", "2026-12-31T23:30:00Z", "2026-12"),
        ("Europe/Paris", "2026-12-31T23:30:00Z", "2027-01"),
        ("America/Los_Angeles", "2027-01-01T07:59:00Z", "2026-12"),
        ("America/Los_Angeles", "2027-01-01T08:00:00Z", "2027-01"),
        ("Asia/Kolkata", "2026-02-28T18:30:00Z", "2026-03"),
    ])
    func monthOfAnInstantInATimeZone(zone: String, instant: String, month: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        #expect(DeliveryWindowCalendar.monthID(of: date(instant), in: timeZone) == month)
        let (year, number) = DeliveryWindowCalendar.yearAndMonth(of: date(instant), in: timeZone)
        #expect(String(format: "%04d-%02d", year, number) == month)
    }
}
