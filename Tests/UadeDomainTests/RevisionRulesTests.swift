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
