import Testing
import UadeDomain

@Suite("Territory classifier")
struct TerritoryClassifierTests {
    // 000000000 republic ─ 430000000 region ─ (a district without a code)
    let stored = TerritoryTree([
        Territory(
            id: 1, kato: KATOCode("000000000"), kind: .republic, parentID: nil, name: .init(kk: "Р", ru: "Р", en: nil),
            validFrom: Day(iso: "1991-12-16")!, validTo: nil),
        Territory(
            id: 2, kato: KATOCode("430000000"), kind: .region, parentID: 1, name: .init(kk: "Қ", ru: "К", en: nil),
            validFrom: Day(iso: "1991-12-16")!, validTo: nil),
    ])

    static let header = "kato,kind,parent_kato,name_kk,name_ru,name_en,valid_from,valid_to,successor_kato\n"

    func check(_ body: String) throws -> [String] {
        let table = try CSVTable.parse(Self.header + body)
        let (rows, problems) = TerritoryClassifier.read(table)
        return (problems + TerritoryClassifier.problems(rows, stored: stored)).map { "\($0.line):\($0.column ?? "")" }
    }

    @Test func aCleanEditionHasNoProblem() throws {
        let problems = try check(
            """
            434000000,district,430000000,Жаңа аудан,Новый район,New District,2022-06-08,,
            435000000,district,430000000,Ескі аудан,Старый район,,1991-12-16,2026-07-01,434000000
            436000000,district,430000000,Бөлінген,Разделённый,,1991-12-16,2026-07-01,434000000:0.6;435000000:0.4
            """)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test(
        "each bad cell is named by line and column",
        arguments: [
            ("43000000,district,430000000,А,А,,,,", "2:kato"),  // eight digits
            ("434000000,village,430000000,А,А,,,,", "2:kind"),
            ("434000000,district,,А,А,,,,", "2:parent_kato"),  // a district needs a parent
            ("434000000,district,999999999,А,А,,,,", "2:parent_kato"),  // unknown parent
            ("434000000,region,430000000,А,А,,,,", "2:parent_kato"),  // a region holds no region
            ("434000000,district,430000000,,А,,,,", "2:name_kk"),
            ("434000000,district,430000000,А,А,,2026-07-01,2026-01-01,", "2:valid_to"),
            ("434000000,district,430000000,А,А,,,2026-13-01,", "2:valid_to"),
            ("434000000,district,430000000,А,А,,,,430000000", "2:successor_kato"),  // successors only with valid_to
            ("434000000,district,430000000,А,А,,,2026-07-01,999999999", "2:successor_kato"),  // unknown successor
            ("434000000,district,430000000,А,А,,,2026-07-01,434000000", "2:successor_kato"),  // itself
            ("434000000,district,430000000,А,А,,,2026-07-01,430000000:0.5;000000000:0.4", "2:successor_kato"),  // shares not adding to 1
            ("434000000,district,430000000,А,А,,,2026-07-01,430000000:2", "2:successor_kato"),
        ])
    func badCells(row: String, expected: String) throws {
        let problems = try check(row)
        #expect(problems.contains(expected), "\(problems)")
    }

    @Test func duplicatesAndCyclesAreRefused() throws {
        #expect(try check("434000000,district,430000000,А,А,,,,\n434000000,district,430000000,Б,Б,,,,").contains("3:kato"))
        let cycle = try check("441000000,city,442000000,А,А,,,,\n442000000,city,441000000,Б,Б,,,,")
        #expect(cycle.contains("2:parent_kato") && cycle.contains("3:parent_kato"), "\(cycle)")
        #expect(try check("000000000,republic,430000000,Р,Р,,,,").contains("2:parent_kato"), "the republic has no parent")
    }

    @Test func unknownAndMissingColumnsAreNamed() throws {
        let table = try CSVTable.parse("kato,kind,name_ru,colour\n434000000,district,А,red\n")
        let problems = TerritoryClassifier.read(table).problems.map { "\($0.line):\($0.column ?? "")" }
        #expect(problems.contains("1:name_kk") && problems.contains("1:colour"), "\(problems)")
    }
}
