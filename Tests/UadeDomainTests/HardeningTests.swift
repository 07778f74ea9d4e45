import Testing
import UadeDomain

/// Inputs a careless or hostile user can send, and stored values from before the limits: none
/// may trap, be read as something else, or be lost without a word.
@Suite("Hostile input")
struct HardeningTests {
    @Test(
        "no stored or computed number traps when shown",
        arguments: [
            9.3e18, -9.3e18, 1.7e308, -1.7e308, 9_223_372_036_854_775_807, 1e15, 999_999_999_999_999.9, .infinity, -.infinity, .nan, .ulpOfOne,
        ])
    func numbersAreAlwaysShown(_ value: Double) {
        for language in Language.allCases {
            #expect(!NumberFormat.format(value, language).isEmpty)
        }
        #expect(!ProgressRules.display(value).isEmpty)
        let facts = Explanation.Facts(
            status: .missed, period: Period(code: "2025-Q4")!, target: value, actual: value, projected: value, gap: value,
            gapPercent: value, unit: "people", graceDays: 30)
        for language in Language.allCases { #expect(!(Explanation.sentence(facts, in: language) ?? "x").isEmpty) }
    }

    @Test func hugeFiguresAreWrittenWithoutGrouping() {
        #expect(NumberFormat.format(9.3e18, .en) == "9.3e+18")
        #expect(NumberFormat.format(-9.3e18, .ru) == "−9.3e+18")
        #expect(NumberFormat.format(.nan, .kk) == "—")
        #expect(NumberFormat.format(1_234_567.25, .en) == "1,234,567.3")
    }

    @Test func computedFiguresAreFiniteOrUnknown() {
        let judgement = Judgement(
            period: Period(code: "2025")!, status: .missed, target: 1, actual: .infinity, projected: .nan, gap: -.infinity, gapPercent: .nan)
        #expect(judgement.actual == nil && judgement.projected == nil && judgement.gap == nil && judgement.gapPercent == nil)
        let points = (1...4).map { SeriesPoint(period: Period(year: 2025, quarter: $0)!, target: 10, value: 1.7e308) }
        for j in EvaluationRules.judge(
            points, traits: IndicatorTraits(direction: .higherIsBetter, accumulation: .cumulative, aggregation: .sum),
            policy: EvaluationPolicy(asOf: Day(iso: "2025-08-01")!, graceDays: 30))
        {
            for figure in [j.actual, j.projected, j.gap, j.gapPercent] { #expect(figure?.isFinite ?? true) }
        }
    }

    @Test("every unit has a bound, and no value passes 10^12", arguments: [1e13, -1e13, 9.3e18, 1.7e308])
    func valuesAreBounded(_ value: Double) {
        let open = MeasurementUnit(code: "tenge_mln", name: .init(kk: nil, ru: nil, en: "million tenge"), minimum: nil, maximum: nil)
        #expect(ProgressRules.check(value: value, unit: open) != nil)
        #expect(ProgressRules.check(value: 1e11, unit: open) == nil)
    }

    @Test(
        "periods are read strictly",
        arguments: ["2026-Q-1", "-2026-Q1", "2026--Q1", "2026-Q1-", "20-26Q1", "+2026", "2026-Q01", "２０２６", "2026 Q1", "2026-Q5", "2026-H1"])
    func malformedPeriods(_ text: String) {
        #expect(Period(code: text) == nil)
    }

    @Test func wellFormedPeriods() {
        #expect(Period(code: "2026-q3") == Period(year: 2026, quarter: 3))
        #expect(Period(code: " 2026Q3 ") == Period(year: 2026, quarter: 3))
        #expect(Period(code: "2026") == Period(year: 2026))
        #expect(Day(iso: "2024-+1-01") == nil)
        #expect(Day(iso: "+202-01-01") == nil)
    }

    @Test func lineEndsAreCountedOnceAndKeptInsideQuotes() throws {
        let lonelyCR = try CSVTable.parse("a,b\r1,2\r3,4\r")
        #expect(lonelyCR.records.map(\.line) == [2, 3])
        let crlf = try CSVTable.parse("a,b\r\n1,\"x\r\ny\"\r\n2,\"p\rq\"\r\n3,4")
        #expect(crlf.records.map(\.line) == [2, 4, 6])
        #expect(crlf.records[0].fields[1].unicodeScalars.map(\.value) == [0x78, 0x0D, 0x0A, 0x79])
        #expect(crlf.records[1].fields[1] == "p\rq")
        let mixed = try CSVTable.parse("a;b\n1;2\r\n3;4\r5;6\n")
        #expect(mixed.records.map(\.line) == [2, 3, 4])
    }

    @Test func whatCannotBeReadAsWrittenIsMarked() throws {
        let table = try CSVTable.parse("code;value;comment\nA;\"12\"5;x\nB;\"7\";\"ok\"\n")
        #expect(table.records[0].strayQuoteField == 1)
        #expect(table.records[1].strayQuoteField == nil)
        #expect(table.records[1].fields == ["B", "7", "ok"])
        let duplicate = try CSVTable.parse("value;code;value\n1;A;2\n")
        #expect(duplicate.duplicateColumns.map(\.name) == ["value"])
        #expect(duplicate.duplicateColumns.first?.columns == [1, 3])
    }

    @Test(
        "formulas are neutralised in every text cell",
        arguments: ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1"])
    func formulas(_ text: String) throws {
        let line = CSVTable.line([text, "plain"], separator: ",")
        let read = try CSVTable.parse("h1,h2\r\n" + line)
        #expect(read.records[0].fields[0] == "'" + text)
        #expect(CSVTable.line([.number("-5"), .text("-5")], separator: ",") == "-5,'-5\r\n")
    }

    @Test func textsHaveLimits() {
        #expect(TextLimits.check(String(repeating: "я", count: TextLimits.prose), field: "body.comment", name: "comment") == nil)
        #expect(TextLimits.check(String(repeating: "я", count: TextLimits.prose + 1), field: "body.comment", name: "comment") != nil)
        #expect(TextLimits.check(String(repeating: "x", count: TextLimits.title + 1), field: "body.title", name: "title") != nil)
        #expect(TextLimits.check(String(repeating: "x", count: TextLimits.note + 1), field: "evidence") != nil)
        #expect(TextLimits.maximum(for: "anything else") == TextLimits.short)
        // Characters as people count them: a flag emoji is one.
        #expect(TextLimits.check(String(repeating: "🇰🇿", count: TextLimits.title), field: "title") == nil)
    }

    /// A small in-process fuzz pass (the HTTP one is Tests/Fuzz/fuzz_http.py): random texts of
    /// the characters that matter never trap the reader, lines only grow, and whatever the
    /// writer writes reads back as written.
    @Test func randomTextsNeverTrapTheReaderAndWrittenLinesReadBack() {
        var random = SeededGenerator(seed: 14)
        let pieces: [String] = ["\"", ";", ",", "\r", "\n", "\r\n", "a", "7", " ", "\u{FEFF}", "=", "ж", "🇰🇿", "\u{0B}", "\"\""]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...40, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            if let table = try? CSVTable.parse(text) {
                let lines = table.records.map(\.line)
                #expect(lines == lines.sorted() && Set(lines).count == lines.count, "\(text.debugDescription)")
            }
            let fields = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            }
            let written = "h1;h2;h3;h4;h5\r\n" + CSVTable.line(fields.map { .number($0) })
            let read = try? CSVTable.parse(written)
            #expect(read?.records.first?.fields == fields || fields.allSatisfy { $0.allSatisfy(\.isWhitespace) }, "\(fields.debugDescription)")
        }
    }
}
