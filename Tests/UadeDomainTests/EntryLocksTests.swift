import Testing
import UadeDomain

/// Which periods take no more values, and why: the calendar's closing day, or a held hearing
/// that heard the cell (its territory and the levels its report covered, its sections, the
/// periods its run had judged).
@Suite("Entry locks")
struct EntryLocksTests {
    // A republic (1) with a region (2) and a district (3) of it, and another region (4).
    static let district: [Territory.ID] = [3, 2, 1]
    static let region: [Territory.ID] = [2, 1]
    static let otherRegion: [Territory.ID] = [4, 1]

    static func hearing(territory: Territory.ID = 2, depth: Int = 1, sections: Set<Section.ID>? = nil, asOf: String = "2026-11-15") -> HeardScope {
        HeardScope(
            hearingID: 7, title: "Итоги года", heldOn: Day(iso: "2026-11-27")!, programmeID: 1, territoryID: territory, depth: depth,
            sectionIDs: sections, asOf: Day(iso: asOf)!)
    }

    enum Expected: Equatable {
        case open
        case calendar(String)
        case heard
    }

    @Test(
        "a cell is open, closed by the calendar, or closed by a hearing",
        arguments: [
            // period, today, cell's ancestry, section, hearings, expected
            ("2026-Q3", "2026-11-14", region, 10, [HeardScope](), Expected.calendar("2026-11-14")),
            ("2026-Q3", "2026-11-13", region, 10, [], .open),
            ("2026-Q4", "2026-11-21", region, 10, [], .open),
            // Heard: the region itself and one level below it, periods ended by the run's as-of date.
            ("2026-Q4", "2026-11-28", region, 10, [hearing()], .open),
            ("2026-Q3", "2026-11-01", region, 10, [hearing()], .heard),
            ("2026-Q3", "2026-11-01", district, 10, [hearing()], .heard),
            ("2026-Q3", "2026-11-01", district, 10, [hearing(depth: 0)], .open),
            ("2026-Q3", "2026-11-01", otherRegion, 10, [hearing()], .open),
            ("2026-Q3", "2026-11-01", region, 10, [hearing(asOf: "2026-09-29")], .open),
            ("2026-Q3", "2026-11-01", region, 10, [hearing(asOf: "2026-09-30")], .heard),
            // Only the sections it heard.
            ("2026-Q3", "2026-11-01", region, 10, [hearing(sections: [11, 12])], .open),
            ("2026-Q3", "2026-11-01", region, 12, [hearing(sections: [11, 12])], .heard),
            // A republic hearing three levels deep covers the district.
            ("2026-Q3", "2026-11-01", district, 10, [hearing(territory: 1, depth: 2)], .heard),
            ("2026-Q3", "2026-11-01", district, 10, [hearing(territory: 1, depth: 1)], .open),
            // Both: the earlier reason is given.
            ("2026-Q3", "2026-12-01", region, 10, [hearing()], .calendar("2026-11-14")),
        ])
    func closure(period: String, today: String, ancestry: [Territory.ID], section: Section.ID, heard: [HeardScope], expected: Expected) throws {
        let locks = EntryLocks(calendars: [1: .standard], heard: heard)
        let found = locks.closure(
            of: try #require(Period(code: period)), section: section, programme: 1, ancestry: ancestry, today: try #require(Day(iso: today)))
        switch found {
        case nil: #expect(expected == .open)
        case .calendar(let since, let days)?:
            #expect(expected == .calendar(since.iso))
            #expect(days == 30)
        case .heard(let scope)?:
            #expect(expected == .heard)
            #expect(scope.hearingID == 7)
        }
    }

    @Test("another programme's hearing and calendar do not close this one's cells")
    func programmes() throws {
        let period = try #require(Period(code: "2026-Q3"))
        let today = try #require(Day(iso: "2026-11-20"))
        let locks = EntryLocks(calendars: [1: .standard, 2: ReportingCalendar(dueDays: 15, closesDays: 120)!], heard: [Self.hearing()])
        #expect(locks.closure(of: period, section: 10, programme: 1, ancestry: Self.region, today: today) != nil)
        #expect(locks.closure(of: period, section: 10, programme: 2, ancestry: Self.region, today: today) == nil)
        // A programme without a stored calendar has the standard one.
        #expect(locks.closure(of: period, section: 10, programme: 3, ancestry: Self.otherRegion, today: today)?.since.iso == "2026-11-14")
    }

    @Test(
        "the refusal says why and since when, in each language",
        arguments: [
            (Language.en, "2025-Q4 closed on 2026-02-14: 30 days after its deadline"),
            (.ru, "Период 2025-Q4 закрыт для ввода с 14.02.2026: через 30 дней после срока сдачи"),
            (.kk, "2025-Q4 кезеңі 14.02.2026 бастап енгізуге жабық: тапсыру мерзімінен 30 күн өткен соң"),
        ])
    func words(language: Language, expected: String) throws {
        let period = try #require(Period(code: "2025-Q4"))
        let closure = EntryClosure.calendar(since: ReportingCalendar.standard.closesOn(period), closesDays: 30)
        let problem = closure.problem(for: period)
        #expect(problem.field == "period")
        #expect(problem.reason(in: language) == expected)
        #expect(problem.reason == "2025-Q4 closed on 2026-02-14: 30 days after its deadline")
        let heard = EntryClosure.heard(Self.hearing()).problem(for: period)
        #expect(heard.reason(in: .ru) == "Период 2025-Q4 закрыт для ввода с 27.11.2026: он рассмотрен на заслушивании «Итоги года»")
        #expect(
            EntryClosure.calendar(since: Day(iso: "2026-01-01")!, closesDays: 1).problem(for: period).reason.hasSuffix(": 1 day after its deadline"))
    }
}

/// A granted exception reopens closed cells of its territories (and those below them) and
/// periods through its last day, then lapses by itself.
@Suite("Entry exceptions")
struct EntryExceptionTests {
    static let q3 = Period(code: "2026-Q3")!

    @Test(
        "a closed cell is reopened by an exception in force that covers it",
        arguments: [
            // exception territories, periods, until, cell ancestry, today, reopened by
            ([Territory.ID(2)], ["2026-Q3"], "2026-12-31", EntryLocksTests.district, "2026-12-01", Int64?.some(5)),
            ([2], ["2026-Q3"], "2026-12-31", EntryLocksTests.district, "2026-12-31", 5),
            ([2], ["2026-Q3"], "2026-12-31", EntryLocksTests.district, "2027-01-01", nil),  // lapsed
            ([3], ["2026-Q3"], "2026-12-31", EntryLocksTests.region, "2026-12-01", nil),  // a district's does not open its region
            ([2], ["2026-Q2"], "2026-12-31", EntryLocksTests.region, "2026-12-01", nil),  // another period
            ([4, 2], ["2026-Q2", "2026-Q3"], "2026-12-31", EntryLocksTests.region, "2026-12-01", 5),
        ])
    func reopened(territories: [Territory.ID], periods: [String], until: String, ancestry: [Territory.ID], today: String, expected: Int64?) throws {
        let exception = EntryException(
            id: 5, territoryIDs: territories, periods: Set(periods.compactMap(Period.init(code:))), until: try #require(Day(iso: until)))
        let locks = EntryLocks(calendars: [1: .standard], heard: [], exceptions: [exception])
        let decision = locks.decision(of: Self.q3, section: 10, programme: 1, ancestry: ancestry, today: try #require(Day(iso: today)))
        switch decision {
        case .open: Issue.record("2026-Q3 is closed from 2026-11-14")
        case .reopened(let id, let closure):
            #expect(id == expected)
            #expect(closure.since.iso == "2026-11-14")
        case .closed: #expect(expected == nil)
        }
    }

    @Test("an open cell needs no exception, and of two the one lasting longer is named")
    func openAndLongest() throws {
        let a = EntryException(id: 1, territoryIDs: [2], periods: [Self.q3], until: Day(iso: "2026-12-10")!)
        let b = EntryException(id: 2, territoryIDs: [1], periods: [Self.q3], until: Day(iso: "2026-12-20")!)
        let locks = EntryLocks(calendars: [:], heard: [], exceptions: [a, b])
        #expect(locks.decision(of: Self.q3, section: 1, programme: 1, ancestry: EntryLocksTests.region, today: Day(iso: "2026-11-01")!) == .open)
        guard
            case .reopened(let id, _) = locks.decision(
                of: Self.q3, section: 1, programme: 1, ancestry: EntryLocksTests.region, today: Day(iso: "2026-12-01")!)
        else {
            Issue.record("reopened")
            return
        }
        #expect(id == 2)
    }
}
