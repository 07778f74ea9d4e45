import Testing
import UadeDomain

/// Deadlines and closing days of the reporting calendar (the issue's own example first).
@Suite("Reporting calendar")
struct ReportingCalendarTests {
    @Test(
        "a period's deadline and closing day",
        arguments: [
            // period, due days, closes days, deadline, closes on
            ("2025-Q4", 15, 30, "2026-01-15", "2026-02-14"),
            ("2024-Q1", 15, 30, "2024-04-15", "2024-05-15"),
            ("2024-Q4", 0, 1, "2024-12-31", "2025-01-01"),
            ("2025", 15, 30, "2026-01-15", "2026-02-14"),
            ("2024-Q1", 60, 366, "2024-05-30", "2025-05-31"),
        ])
    func deadlines(period: String, due: Int, closes: Int, deadline: String, closesOn: String) throws {
        let calendar = try #require(ReportingCalendar(dueDays: due, closesDays: closes))
        let period = try #require(Period(code: period))
        #expect(calendar.deadline(of: period).iso == deadline)
        #expect(calendar.closesOn(period).iso == closesOn)
    }

    @Test(
        "where a period stands on a day",
        arguments: [
            ("2025-12-31", ReportingCalendar.Standing.running(due: Day(iso: "2026-01-15")!)),
            ("2026-01-01", .due(on: Day(iso: "2026-01-15")!, inDays: 14)),
            ("2026-01-15", .due(on: Day(iso: "2026-01-15")!, inDays: 0)),
            ("2026-01-16", .overdue(days: 1, closes: Day(iso: "2026-02-14")!)),
            ("2026-02-13", .overdue(days: 29, closes: Day(iso: "2026-02-14")!)),
            ("2026-02-14", .closed(since: Day(iso: "2026-02-14")!)),
            ("2027-06-01", .closed(since: Day(iso: "2026-02-14")!)),
        ])
    func standing(today: String, expected: ReportingCalendar.Standing) throws {
        let period = try #require(Period(code: "2025-Q4"))
        let today = try #require(Day(iso: today))
        #expect(ReportingCalendar.standard.standing(of: period, on: today) == expected)
        let closed = if case .closed = expected { true } else { false }
        #expect(ReportingCalendar.standard.isOpen(period, on: today) == !closed)
    }

    @Test("late means after the deadline, not on it", arguments: [("2026-01-15", false), ("2026-01-16", true), ("2025-11-01", false)])
    func late(entered: String, late: Bool) throws {
        let period = try #require(Period(code: "2025-Q4"))
        #expect(ReportingCalendar.standard.isLate(enteredOn: try #require(Day(iso: entered)), for: period) == late)
    }

    @Test("due days outside 0…366 and closing days outside 1…366 are refused", arguments: [(-1, 30), (15, 0), (15, -1), (367, 30), (15, 1000)])
    func refused(due: Int, closes: Int) {
        #expect(ReportingCalendar(dueDays: due, closesDays: closes) == nil)
    }

    @Test func theDefaultsAreFifteenAndThirty() {
        #expect(ReportingCalendar.standard == ReportingCalendar(dueDays: 15, closesDays: 30))
    }
}
