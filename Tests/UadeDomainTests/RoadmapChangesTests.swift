import Testing
import UadeDomain

/// The preview of an import: what is new, changed, unchanged and absent, in words.
@Suite("Roadmap changes")
struct RoadmapChangesTests {
    static func workbook(_ edit: (inout [String: SheetTable]) -> Void = { _ in }) -> RoadmapWorkbook {
        var sheets = RoadmapWorkbookTests.clean()
        edit(&sheets)
        let (workbook, problems) = RoadmapWorkbook.read(sheets)
        precondition(problems.isEmpty, "\(problems)")
        return workbook
    }

    @Test("importing the roadmap as it stands changes nothing")
    func sameAgain() {
        let changes = RoadmapChanges.between(current: Self.workbook(), proposed: Self.workbook())
        #expect(changes.isEmpty)
        #expect(changes.counts[.targets] == RoadmapChanges.Counts(new: 0, changed: 0, unchanged: 5, absent: 0))
        #expect(changes.counts[.sections]?.unchanged == 2)
    }

    @Test(
        "each change is counted on its sheet and said in words",
        arguments: [
            (
                RoadmapWorkbookTests.edit("targets", row: 2, column: 2, .number(90)), RoadmapSheet.targets, RoadmapChanges.Kind.changed,
                "target HOU-01 × 430000000 × 2025-Q4: 120 → 90"
            ),
            (
                RoadmapWorkbookTests.edit("targets", row: 2, column: 2, .empty), .targets, .absent,
                "target HOU-01 × 430000000 × 2025-Q4: absent from the workbook"
            ),
            (RoadmapWorkbookTests.edit("targets", row: 3, column: 3, .number(14)), .targets, .new, "target HOU-01 × 431010000 × 2026-Q1: new"),
            (
                RoadmapWorkbookTests.edit("sections", row: 2, column: 3, .text("Доступное жильё")), .sections, .changed,
                "section HOUSING: name_ru: Жильё → Доступное жильё"
            ),
            (
                RoadmapWorkbookTests.edit("measures", row: 2, column: 6, .text("2025-09-30")), .measures, .changed,
                "measure M-1: deadline: 2025-06-30 → 2025-09-30"
            ),
            (
                RoadmapWorkbookTests.edit("owners", row: 3, column: 5, .text("2026-01-01")), .owners, .changed,
                "owner HOUSING × 2024-01-01: valid_to: — → 2026-01-01"
            ),
            (RoadmapWorkbookTests.edit("indicators", row: 3, column: 0, .text("HOU-03")), .indicators, .new, "indicator HOU-03: new"),
        ] as [(@Sendable (inout [String: SheetTable]) -> Void, RoadmapSheet, RoadmapChanges.Kind, String)])
    func changes(_ edit: @Sendable (inout [String: SheetTable]) -> Void, _ sheet: RoadmapSheet, _ kind: RoadmapChanges.Kind, _ words: String) {
        var proposed = Self.workbook(edit)
        // A renamed indicator leaves its targets pointing at the old code: here only the rows count.
        if kind == .new && sheet == .indicators { proposed.present.remove(.targets) }
        let changes = RoadmapChanges.between(current: Self.workbook(), proposed: proposed)
        #expect(changes.counts[sheet]?[kind] == 1, "\(changes.counts[sheet].map { "\($0)" } ?? "none")")
        #expect(changes.changes.map(\.description).contains(words), "\(changes.changes.map(\.description))")
    }

    @Test(
        "a change is said in the reader's language, territories by name where one is known",
        arguments: [
            (Language.ru, "цель HOU-01 × Кызылординская область × 2025-Q4: 120 → 90", "цель HOU-01 × 431010000 × 2026-Q1: новая строка"),
            (Language.kk, "нысана HOU-01 × Қызылорда облысы × 2025-Q4: 120 → 90", "нысана HOU-01 × 431010000 × 2026-Q1: жаңа"),
            (Language.en, "target HOU-01 × Kyzylorda Region × 2025-Q4: 120 → 90", "target HOU-01 × 431010000 × 2026-Q1: new"),
        ])
    func saidInWords(_ language: Language, _ changed: String, _ new: String) {
        let proposed = Self.workbook {
            RoadmapWorkbookTests.edit("targets", row: 2, column: 2, .number(90))(&$0)
            RoadmapWorkbookTests.edit("targets", row: 3, column: 3, .number(14))(&$0)
        }
        let names = ["430000000": LocalizedText(kk: "Қызылорда облысы", ru: "Кызылординская область", en: "Kyzylorda Region")]
        let lines = RoadmapChanges.between(current: Self.workbook(), proposed: proposed).changes.map {
            $0.said(in: language) { names[$0]?.resolved(language) }
        }
        #expect(lines.contains(changed) && lines.contains(new), "\(lines)")
    }

    @Test("a sheet left out is not compared; a new programme is all new")
    func leftOutAndNew() {
        var proposed = Self.workbook {
            $0["measures"] = nil
            $0["owners"] = nil
        }
        let changes = RoadmapChanges.between(current: Self.workbook(), proposed: proposed)
        #expect(changes.isEmpty && changes.counts[.measures] == nil && changes.counts[.owners] == nil)
        proposed = Self.workbook()
        let fresh = RoadmapChanges.between(current: nil, proposed: proposed)
        #expect(fresh.counts[.targets]?.new == 5 && fresh.counts[.programme]?.new == 1)
        #expect(!fresh.changes.contains { $0.kind != .new })
    }
}
