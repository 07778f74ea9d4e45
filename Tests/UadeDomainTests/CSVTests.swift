import Testing
import UadeDomain

@Suite("CSV")
struct CSVTests {
    @Test func semicolonsBOMQuotesAndCRLF() throws {
        let text = "\u{FEFF}code;name;value\r\nA;\"Иванов; Пётр\";\"12,5\"\r\nB;\"say \"\"hi\"\"\";7\r\n\r\n"
        let table = try CSVTable.parse(text)
        #expect(table.separator == ";")
        #expect(table.header == ["code", "name", "value"])
        #expect(table.records.count == 2)
        #expect(table.records[0].fields == ["A", "Иванов; Пётр", "12,5"])
        #expect(table.records[1].fields == ["B", "say \"hi\"", "7"])
        #expect(table.records.map(\.line) == [2, 3])
    }

    @Test func commasAndMultilineFieldsKeepLineNumbers() throws {
        let table = try CSVTable.parse("a,b\n1,\"two\nlines\"\n3,4\n")
        #expect(table.separator == ",")
        #expect(table.records.map(\.line) == [2, 4])
        #expect(table.records[0].fields[1] == "two\nlines")
    }

    @Test func problems() {
        #expect(throws: CSVTable.Problem.empty) { try CSVTable.parse("") }
        #expect(throws: CSVTable.Problem.unterminatedQuote(line: 2)) { try CSVTable.parse("a,b\n1,\"open\n") }
    }

    @Test func writingRoundTrips() throws {
        let line = CSVTable.line(["x;y", "a\"b", "plain"])
        #expect(line == "\"x;y\";\"a\"\"b\";plain\r\n")
        let table = try CSVTable.parse("h1;h2;h3\r\n" + line)
        #expect(table.records[0].fields == ["x;y", "a\"b", "plain"])
    }

    @Test(
        "numbers as people type them",
        arguments: [
            ("12.5", 12.5), ("12,5", 12.5), (" 1 234,5 ", 1234.5), ("-3", -3.0), ("0", 0.0), ("1\u{00A0}000", 1000.0),
        ])
    func numbers(_ text: String, _ expected: Double) {
        #expect(ProgressRules.parseNumber(text) == expected)
    }

    @Test("not numbers", arguments: ["", "abc", "1,2,3", "1.2,3", "12,5.1", "inf", "nan", "1e400"])
    func notNumbers(_ text: String) {
        #expect(ProgressRules.parseNumber(text) == nil)
    }

    @Test func progressRules() {
        let count = MeasurementUnit(code: "count", name: .init(kk: nil, ru: nil, en: "units"), minimum: 0, maximum: nil)
        #expect(ProgressRules.check(value: -1, unit: count) != nil)
        #expect(ProgressRules.check(value: 0, unit: count) == nil)
        #expect(ProgressRules.check(value: .infinity, unit: count)?.reason == "must be a finite number")
        let programme = Programme(
            id: 1, code: "P", level: .republic, territoryID: 1, name: .init(kk: nil, ru: nil, en: nil),
            termStart: Day(iso: "2022-01-01")!, termEnd: Day(iso: "2026-12-31")!)
        let quarterly = Indicator(
            id: 1, sectionID: 1, code: "Q", name: .init(kk: nil, ru: nil, en: nil), unit: "count", direction: .higherIsBetter,
            aggregation: .sum, accumulation: .level, periodicity: .quarterly)
        #expect(ProgressRules.check(period: Period(code: "2024-Q2")!, indicator: quarterly, programme: programme) == nil)
        #expect(ProgressRules.check(period: Period(code: "2024")!, indicator: quarterly, programme: programme) != nil)
        #expect(ProgressRules.check(period: Period(code: "2027-Q1")!, indicator: quarterly, programme: programme) != nil)
        #expect(MeasureRules.check(status: .cancelled, reason: "  ") != nil)
        #expect(MeasureRules.check(status: .cancelled, reason: "merged") == nil)
        #expect(MeasureRules.check(status: .done, reason: nil) == nil)
    }
}
