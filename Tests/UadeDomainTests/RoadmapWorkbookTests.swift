import Testing
import UadeDomain

/// The roadmap workbook read from its sheets and checked whole: a clean workbook has no problem;
/// each broken one names its sheet, row, column and why.
@Suite("Roadmap workbook")
struct RoadmapWorkbookTests {
    // 1 republic ─ 2 Kyzylorda Region ─ 3 Aral District
    //            └ 4 Mangystau Region
    static let tree = TerritoryTree([
        territory(1, nil, .republic, nil), territory(2, 1, .region, "430000000"), territory(3, 2, .district, "431010000"),
        territory(4, 1, .region, "470000000"),
    ])

    static func territory(_ id: Int64, _ parent: Int64?, _ kind: TerritoryKind, _ kato: String?) -> Territory {
        Territory(
            id: id, kato: kato.flatMap(KATOCode.init), kind: kind, parentID: parent, name: LocalizedText(kk: "t\(id)", ru: "t\(id)", en: "T\(id)"),
            validFrom: Day(iso: "2000-01-01")!, validTo: nil)
    }

    static let context = RoadmapContext(
        tree: tree, units: ["count", "percent"], knownPeople: ["P-OLD"], unitRanges: ["percent": (0, 100), "count": (0, nil)])

    static func sheet(_ header: [String], _ rows: [[SheetCell]]) -> SheetTable {
        SheetTable(header: header, rows: rows.enumerated().map { (number: $0.offset + 2, cells: $0.element) })
    }

    static func t(_ text: String) -> SheetCell { .text(text) }

    /// A clean workbook: Kyzylorda Region's programme, two sections, two indicators, their
    /// targets, a measure, two people and their ownership.
    static func clean() -> [String: SheetTable] {
        [
            "programme": sheet(
                RoadmapSheet.programme.columns.map(\.code),
                [
                    [
                        t("KZO-2022"), t("region"), .number(430_000_000), t("Бағдарлама"), t("Программа"), .empty, .date(day("2022-01-01")),
                        t("2026-12-31"),
                    ]
                ]),
            "sections": sheet(
                RoadmapSheet.sections.columns.map(\.code),
                [
                    [t("HOUSING"), .empty, t("Тұрғын үй"), t("Жильё"), t("Housing"), t("yes"), .number(1)],
                    [t("HOUSING.RENT"), t("HOUSING"), t("Жалға"), t("Аренда"), .empty, .bool(false), .empty],
                ]),
            "indicators": sheet(
                RoadmapSheet.indicators.columns.map(\.code),
                [
                    [
                        t("HOU-01"), t("HOUSING"), t("Үй"), t("Дома"), .empty, t("count"), t("higher_is_better"), t("sum"), t("cumulative"),
                        t("quarterly"),
                    ],
                    [
                        t("HOU-02"), t("HOUSING.RENT"), t("Үлес"), t("Доля"), .empty, t("percent"), t("lower_is_better"), t("average"), t("level"),
                        t("yearly"),
                    ],
                ]),
            "targets": sheet(
                ["indicator_code", "territory_kato", "2025-Q4", "2026-Q1", "2025", "2026"],
                [
                    [t("HOU-01"), t("430000000"), .number(120), t("130,5"), .empty, .empty],
                    [t("HOU-01"), t("431010000"), .number(12), .empty, .empty, .empty],
                    [t("HOU-02"), t("430000000"), .empty, .empty, .number(40), .number(35)],
                ]),
            "measures": sheet(
                RoadmapSheet.measures.columns.map(\.code),
                [[t("M-1"), t("HOUSING"), t("431010000"), t("Салу"), t("Построить"), .empty, .date(day("2025-06-30")), t("Акимат")]]),
            "people": sheet(
                RoadmapSheet.people.columns.map(\.code),
                [
                    [t("P-1"), t("Ерлан"), t("Ерлан"), .empty, .empty, .empty, .empty, t("erlan@example.kz"), .empty],
                    [t("P-2"), t("Гүлнар"), t("Гульнар"), .empty, .empty, t("депутат"), .empty, .empty, t("430000000")],
                ]),
            "owners": sheet(
                RoadmapSheet.owners.columns.map(\.code),
                [
                    [t("HOUSING"), .empty, .empty, t("P-1"), t("2022-01-01"), t("2024-01-01")],
                    [t("HOUSING"), .empty, .empty, t("P-OLD"), t("2024-01-01"), .empty],
                    [.empty, t("HOU-01"), t("431010000"), t("P-2"), t("2022-01-01"), .empty],
                ]),
            "instructions": sheet(["column", "what"], [[t("code"), t("anything")]]),
        ]
    }

    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    static func problems(_ sheets: [String: SheetTable]) -> [SheetProblem] {
        let (workbook, reading) = RoadmapWorkbook.read(sheets)
        return reading + RoadmapRules.problems(workbook, context)
    }

    @Test("a clean workbook reads whole and has no problem")
    func clean() throws {
        let (workbook, problems) = RoadmapWorkbook.read(Self.clean())
        #expect(problems.isEmpty, "\(problems)")
        #expect(RoadmapRules.problems(workbook, Self.context).isEmpty, "\(RoadmapRules.problems(workbook, Self.context))")
        #expect(workbook.programme?.territory == "430000000", "a KATO code typed as a number is the code")
        #expect(workbook.sections.map(\.sociallySensitive) == [true, false])
        #expect(workbook.targets[0].values.map(\.value) == [120, 130.5], "a decimal comma is read")
        #expect(workbook.targets[2].values.map(\.period.code) == ["2025", "2026"])
        #expect(workbook.people[1].position == LocalizedText(kk: nil, ru: "депутат", en: nil))
        #expect(workbook.present == Set(RoadmapSheet.allCases))
    }

    /// One change to the clean workbook and the problem it must raise.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let change: @Sendable (inout [String: SheetTable]) -> Void
        let sheet: RoadmapSheet
        let row: Int
        let column: String?
        let reason: String
        var testDescription: String { name }
    }

    static func edit(_ sheet: String, row: Int, column: Int, _ value: SheetCell) -> @Sendable (inout [String: SheetTable]) -> Void {
        { sheets in
            let table = sheets[sheet]!
            var rows = table.rows
            var cells = rows[row - 2].cells
            while cells.count <= column { cells.append(.empty) }
            cells[column] = value
            rows[row - 2] = (rows[row - 2].number, cells)
            sheets[sheet] = SheetTable(header: table.header, rows: rows)
        }
    }

    static func add(_ sheet: String, _ cells: [SheetCell]) -> @Sendable (inout [String: SheetTable]) -> Void {
        { sheets in
            let table = sheets[sheet]!
            sheets[sheet] = SheetTable(header: table.header, rows: table.rows + [(table.rows.count + 2, cells)])
        }
    }

    static let cases: [Case] = [
        Case(name: "a sheet is missing", change: { $0["targets"] = nil }, sheet: .targets, row: 1, column: nil, reason: "no sheet 'targets'"),
        Case(
            name: "an unknown column",
            change: { s in s["sections"] = SheetTable(header: s["sections"]!.header + ["colour"], rows: s["sections"]!.rows) },
            sheet: .sections, row: 1, column: "H", reason: "'colour' is not a column of this sheet"),
        Case(
            name: "a required column is missing",
            change: { s in
                s["indicators"] = SheetTable(header: s["indicators"]!.header.map { $0 == "unit" ? "units" : $0 }, rows: s["indicators"]!.rows)
            },
            sheet: .indicators, row: 1, column: nil, reason: "the column unit is missing"),
        Case(
            name: "an unknown unit", change: edit("indicators", row: 2, column: 5, t("litre")), sheet: .indicators, row: 2, column: "unit",
            reason: "unknown unit litre"),
        Case(
            name: "an unknown direction", change: edit("indicators", row: 3, column: 6, t("up")), sheet: .indicators, row: 3, column: "G (direction)",
            reason: "must be one of higher_is_better, lower_is_better"),
        Case(
            name: "a number in a text column", change: edit("sections", row: 2, column: 3, .number(7)), sheet: .sections, row: 2,
            column: "D (name_ru)", reason: "is a text column"),
        Case(
            name: "a required cell is blank", change: edit("measures", row: 2, column: 7, t("  ")), sheet: .measures, row: 2, column: "H (executor)",
            reason: "is required"),
        Case(
            name: "an unknown territory", change: edit("targets", row: 3, column: 1, t("439999999")), sheet: .targets, row: 3,
            column: "territory_kato", reason: "no territory 439999999"),
        Case(
            name: "a territory outside the programme's", change: edit("targets", row: 3, column: 1, t("470000000")), sheet: .targets, row: 3,
            column: "territory_kato", reason: "lies outside the programme's territory"),
        Case(
            name: "a period outside the term",
            change: { s in s["targets"] = SheetTable(header: s["targets"]!.header.map { $0 == "2026-Q1" ? "2027-Q1" : $0 }, rows: s["targets"]!.rows)
            },
            sheet: .targets, row: 2, column: "D (2027-Q1)", reason: "lies outside the term"),
        Case(
            name: "a period not of the indicator's periodicity", change: edit("targets", row: 4, column: 2, .number(5)), sheet: .targets, row: 4,
            column: "C (2025-Q4)", reason: "HOU-02 is yearly"),
        Case(
            name: "a target that is not a number", change: edit("targets", row: 2, column: 2, t("много")), sheet: .targets, row: 2,
            column: "C (2025-Q4)", reason: "must be a number"),
        Case(
            name: "an indicator × territory twice", change: add("targets", [t("HOU-01"), t("431010000"), .empty, .number(1)]), sheet: .targets,
            row: 5,
            column: "territory_kato", reason: "appears again (first on row 3)"),
        Case(
            name: "a duplicate code",
            change: add(
                "indicators",
                [t("HOU-01"), t("HOUSING"), t("a"), t("b"), .empty, t("count"), t("higher_is_better"), t("sum"), t("level"), t("yearly")]),
            sheet: .indicators, row: 4, column: "code", reason: "HOU-01 appears again (first on row 2)"),
        Case(
            name: "a section its own ancestor", change: edit("sections", row: 2, column: 1, t("HOUSING.RENT")), sheet: .sections, row: 2,
            column: "parent_code", reason: "would be its own ancestor"),
        Case(
            name: "an indicator of an unknown section", change: edit("indicators", row: 2, column: 1, t("ROADS")), sheet: .indicators, row: 2,
            column: "section_code", reason: "no section ROADS"),
        Case(
            name: "overlapping ownership", change: edit("owners", row: 3, column: 4, t("2023-06-01")), sheet: .owners, row: 3, column: "valid_from",
            reason: "overlaps the ownership on row 2"),
        Case(
            name: "a person missing", change: edit("owners", row: 4, column: 3, t("P-9")), sheet: .owners, row: 4, column: "person_code",
            reason: "no person P-9"),
        Case(
            name: "an owner of both a section and an indicator", change: edit("owners", row: 4, column: 0, t("HOUSING")), sheet: .owners, row: 4,
            column: nil, reason: "either a section_code or an indicator_code"),
        Case(
            name: "a bad date", change: edit("owners", row: 2, column: 4, t("01.01.2022")), sheet: .owners, row: 2, column: "E (valid_from)",
            reason: "must be a date as YYYY-MM-DD"),
        Case(
            name: "a bad flag", change: edit("sections", row: 2, column: 5, t("maybe")), sheet: .sections, row: 2, column: "F (socially_sensitive)",
            reason: "must be yes or no"),
        Case(
            name: "a code with a space", change: edit("measures", row: 2, column: 0, t("M 1")), sheet: .measures, row: 2, column: "A (code)",
            reason: "must be a code"),
        Case(
            name: "a deadline before the term", change: edit("measures", row: 2, column: 6, .date(day("2021-06-30"))), sheet: .measures, row: 2,
            column: "deadline", reason: "comes before the term starts"),
        Case(
            name: "a date of another century", change: edit("programme", row: 2, column: 7, t("9999-12-31")), sheet: .programme, row: 2,
            column: "H (term_end)", reason: "lies outside 1991 – 2100"),
        Case(
            name: "a control character", change: edit("sections", row: 2, column: 2, t("Тұрғын\u{0}үй")), sheet: .sections, row: 2,
            column: "C (name_kk)", reason: "holds a control character"),
        Case(
            name: "the same period twice",
            change: { s in s["targets"] = SheetTable(header: s["targets"]!.header.map { $0 == "2026-Q1" ? "2025Q4" : $0 }, rows: s["targets"]!.rows)
            },
            sheet: .targets, row: 1, column: "D", reason: "appears twice"),
        Case(
            name: "a target outside its unit's range", change: edit("targets", row: 4, column: 4, .number(140)), sheet: .targets, row: 4,
            column: "E (2025)", reason: "lies outside what percent allows"),
        Case(
            name: "a bad e-mail", change: edit("people", row: 2, column: 7, t("erlan at mail")), sheet: .people, row: 2, column: "email",
            reason: "is not an e-mail address"),
        Case(
            name: "a district programme for a region", change: edit("programme", row: 2, column: 1, t("district")), sheet: .programme, row: 2,
            column: "level",
            reason: "a district programme cannot be for a region"),
        Case(name: "two programme rows", change: add("programme", [t("X")]), sheet: .programme, row: 3, column: nil, reason: "one programme"),
    ]

    @Test("each broken workbook names its cell and why", arguments: cases)
    func broken(_ broken: Case) {
        var sheets = Self.clean()
        broken.change(&sheets)
        let problems = Self.problems(sheets)
        let found = problems.contains { p in
            p.sheet == broken.sheet && p.row == broken.row && (broken.column == nil ? p.column == nil : p.column?.contains(broken.column!) == true)
                && p.reason.contains(broken.reason)
        }
        #expect(found, "expected \(broken.sheet.rawValue) row \(broken.row) \(broken.column ?? "-"): \(broken.reason); got \(problems)")
    }

    @Test("validity periods are half-open: a handover on a day is not an overlap")
    func handovers() {
        let d = Self.day
        #expect(!RoadmapRules.overlaps(d("2022-01-01"), d("2024-01-01"), d("2024-01-01"), nil))
        #expect(RoadmapRules.overlaps(d("2022-01-01"), nil, d("2030-01-01"), nil))
        #expect(RoadmapRules.overlaps(d("2022-01-01"), d("2024-01-02"), d("2024-01-01"), d("2025-01-01")))
    }
}
