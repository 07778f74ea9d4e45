import Testing
import UadeDomain

@Suite("Days and periods")
struct CalendarTests {
    @Test(
        "days round-trip through their epoch count",
        arguments: [
            "1970-01-01", "2000-01-01", "2000-02-29", "2022-06-08", "2024-12-31", "1991-12-16", "2100-03-01",
        ])
    func dayRoundTrip(_ iso: String) throws {
        let day = try #require(Day(iso: iso))
        #expect(Day(daysSinceEpoch: day.daysSinceEpoch) == day)
        #expect(day.iso == iso)
    }

    @Test func epochAnchors() {
        #expect(Day(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
        #expect(Day(year: 2000, month: 1, day: 1)!.daysSinceEpoch == 10957)
        #expect(Day(year: 2024, month: 3, day: 1)!.adding(days: -1).iso == "2024-02-29")
    }

    @Test("impossible dates are refused", arguments: ["2023-02-29", "2024-13-01", "2024-04-31", "24-01-01", "2024-1-01", "2024/01/01", ""])
    func impossibleDates(_ text: String) {
        #expect(Day(iso: text) == nil)
    }

    @Test func periodCodes() throws {
        let q = try #require(Period(code: "2024-Q3"))
        #expect(q.year == 2024 && q.quarter == 3)
        #expect(q.start.iso == "2024-07-01")
        #expect(q.end.iso == "2024-09-30")
        #expect(Period(code: "2024q3") == q)
        #expect(Period(code: " 2024-q3 ") == q)
        let y = try #require(Period(code: "2025"))
        #expect(y.start.iso == "2025-01-01" && y.end.iso == "2025-12-31")
        #expect(y.periodicity == .yearly)
        #expect(Period(code: "2024-Q1")!.end.iso == "2024-03-31")
        #expect(Period(code: "2024-Q4")!.end.iso == "2024-12-31")
        #expect(Period(code: "2024-Q2")!.end.iso == "2024-06-30")
    }

    @Test("malformed period codes are refused", arguments: ["2024-Q5", "2024-Q0", "24-Q1", "Q3-2024", "2024-H1", "abcd", "", "2024-Q"])
    func badPeriods(_ code: String) {
        #expect(Period(code: code) == nil)
    }

    @Test func periodFromStart() {
        #expect(Period(start: Day(iso: "2024-10-01")!, periodicity: .quarterly)?.code == "2024-Q4")
        #expect(Period(start: Day(iso: "2024-10-01")!, periodicity: .yearly) == nil)
        #expect(Period(start: Day(iso: "2024-02-01")!, periodicity: .quarterly) == nil)
        #expect(Period(start: Day(iso: "2024-01-01")!, periodicity: .yearly)?.code == "2024")
    }

    @Test func periodsOfATerm() {
        let start = Day(iso: "2022-01-01")!
        let end = Day(iso: "2026-12-31")!
        let quarters = Period.all(.quarterly, from: start, through: end)
        #expect(quarters.count == 20)
        #expect(quarters.first?.code == "2022-Q1" && quarters.last?.code == "2026-Q4")
        #expect(Period.all(.yearly, from: start, through: end).map(\.code) == ["2022", "2023", "2024", "2025", "2026"])
        // A term that starts mid-quarter does not include that quarter.
        #expect(
            Period.all(.quarterly, from: Day(iso: "2022-02-15")!, through: Day(iso: "2022-12-31")!).map(\.code) == ["2022-Q2", "2022-Q3", "2022-Q4"])
    }

    @Test func kazakhstanDays() {
        // 2026-11-20 19:00 UTC is already 2026-11-21 00:00 in Kazakhstan (UTC+5).
        let evening = Double(Day(iso: "2026-11-20")!.daysSinceEpoch * 86_400 + 19 * 3_600)
        #expect(Day.inKazakhstan(secondsSince1970: evening) == Day(iso: "2026-11-21"))
        #expect(Day.inKazakhstan(secondsSince1970: evening - 1) == Day(iso: "2026-11-20"))
        #expect(Day(iso: "2026-11-20")!.endInKazakhstanSecondsSince1970 == evening)
    }

    @Test func periodOrder() {
        #expect(Period(code: "2024-Q4")! < Period(code: "2025-Q1")!)
        #expect(Period(code: "2024-Q4")!.next().code == "2025-Q1")
        #expect(Period(code: "2024")!.next().code == "2025")
    }
}
