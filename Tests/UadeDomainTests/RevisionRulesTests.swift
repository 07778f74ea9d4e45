import Testing
import UadeDomain

@Suite("Revision rules")
struct RevisionRulesTests {
    static let q3 = Period(year: 2025, quarter: 3)!

    @Test(
        "what eases a target, and what waits for a second person",
        arguments: [
            // (direction, old, new, proposed on, eases, status)
            (Direction.higherIsBetter, 120.0, 90.0, "2025-07-01", true, RevisionStatus.pending),  // lowered on the period's first day
            (.higherIsBetter, 120, 90, "2025-06-30", true, .inForce),  // lowered before the period began
            (.higherIsBetter, 120, 150, "2025-08-15", false, .inForce),  // raised: harder, in force at once
            (.lowerIsBetter, 30, 45, "2025-09-01", true, .pending),  // more days allowed, once begun
            (.lowerIsBetter, 30, 20, "2025-09-01", false, .inForce),
            (.lowerIsBetter, 30, 45, "2025-01-10", true, .inForce),
        ] as [(Direction, Double, Double, String, Bool, RevisionStatus)])
    func status(direction: Direction, old: Double, new: Double, day: String, eases: Bool, status: RevisionStatus) {
        #expect(RevisionRules.eases(direction, from: old, to: new) == eases)
        #expect(RevisionRules.status(direction: direction, from: old, to: new, period: Self.q3, proposedOn: Day(iso: day)!) == status)
    }

    @Test func theSecondPersonIsAnotherOne() {
        #expect(RevisionRules.problem(decidedBy: 7, proposedBy: 7) != nil)
        #expect(RevisionRules.problem(decidedBy: 7, proposedBy: 8) == nil)
        #expect(RevisionRules.problem(decidedBy: 7, proposedBy: nil) == nil, "proposed from the command line")
    }

    @Test(arguments: [("", false), ("   \n", false), ("the budget was cut", true), (String(repeating: "x", count: 2_001), false)])
    func reasons(reason: String, acceptable: Bool) {
        #expect((RevisionRules.problem(reason: reason) == nil) == acceptable)
    }
}

@Suite("Rules for names and deadlines")
struct ItemRevisionRulesTests {
    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    @Test(
        "a later deadline eases the promise and waits; an earlier one and a renaming are in force at once",
        arguments: [
            ("2025-06-30", "2025-09-30", true, RevisionStatus.pending),
            ("2025-06-30", "2025-07-01", true, .pending),  // a day later is later
            ("2025-06-30", "2025-03-31", false, .inForce),
        ] as [(String, String, Bool, RevisionStatus)])
    func deadlines(old: String, new: String, eases: Bool, status: RevisionStatus) {
        let change = ItemChange.deadline(old: Self.day(old), new: Self.day(new))
        #expect(ItemRevisionRules.eases(change) == eases)
        #expect(ItemRevisionRules.status(change) == status)
    }

    @Test func renamingNeverWaits() {
        let change = ItemChange.names(old: LocalizedText(kk: "А", ru: "А", en: nil), new: LocalizedText(kk: "Б", ru: "Б", en: "B"))
        #expect(!ItemRevisionRules.eases(change) && ItemRevisionRules.status(change) == .inForce)
    }

    @Test(
        "names: Kazakh and Russian required, one line, at most 300 characters",
        arguments: [
            (LocalizedText(kk: "Тұрғын үй", ru: "Жильё", en: nil), [String]()),
            (LocalizedText(kk: " ", ru: "Жильё", en: "Housing"), ["name_kk"]),
            (LocalizedText(kk: "Тұрғын үй", ru: nil, en: nil), ["name_ru"]),
            (LocalizedText(kk: "a\nb", ru: "Жильё", en: String(repeating: "x", count: 301)), ["name_kk", "name_en"]),
        ] as [(LocalizedText, [String])])
    func names(_ names: LocalizedText, _ fields: [String]) {
        #expect(ItemRevisionRules.problems(names: names).map(\.field) == fields)
    }

    @Test(
        "a deadline lies within the term",
        arguments: [("2021-12-31", false), ("2022-01-01", true), ("2026-12-31", true), ("2027-01-01", false)])
    func term(_ deadline: String, _ acceptable: Bool) {
        let problem = ItemRevisionRules.problem(deadline: Self.day(deadline), termStart: Self.day("2022-01-01"), termEnd: Self.day("2026-12-31"))
        #expect((problem == nil) == acceptable)
    }
}
