import Foundation
import Logging
import NIOCore
import PostgresNIO
import UadeDomain

/// A problem with one cell of an uploaded file.
public struct ImportProblem: Sendable, Equatable {
    public let line: Int
    public let column: String
    /// In English: the API's and the command line's words.
    public let reason: String
    /// The same in the three languages, for the pages.
    public let words: LocalizedText?

    public init(line: Int, column: String, reason: String, words: LocalizedText? = nil) {
        self.line = line
        self.column = column
        self.reason = reason
        self.words = words
    }

    public init(line: Int, column: String, _ problem: FieldProblem) {
        self.init(line: line, column: column, reason: problem.reason, words: problem.words)
    }

    public func reason(in language: Language) -> String {
        words.map { $0.resolved(language) } ?? reason
    }
}

/// A problem's words in Kazakh and Russian beside its English.
private func say(_ en: String, kk: String, ru: String) -> LocalizedText { LocalizedText(kk: kk, ru: ru, en: en) }

/// What an import did, or would do in a dry run.
public struct ImportReport: Sendable, Equatable {
    public var rows = 0
    /// Rows with an empty value column: nothing to report.
    public var blank = 0
    /// Rows whose value equals the current one: re-uploading a file changes nothing.
    public var unchanged = 0
    public var newValues = 0
    public var corrections = 0
    public var problems: [ImportProblem] = []
    public var dryRun = false
    public var written = false

    public init() {}
}

/// Imports progress from a CSV file: validated whole, then written in one transaction, or not at
/// all. Rows are staged with COPY and checked set-based, so a million rows stay fast.
/// Another write recorded a first value for one of the file's empty cells while the file was
/// being written: the import rolled back, and uploading it again finds the new value.
public struct ImportRaced: Error, Sendable, CustomStringConvertible {
    public var description: String {
        "a value was recorded for one of these cells while the file was being written; nothing was written — import the file again"
    }
}

public struct ProgressImporter: Sendable {
    public static let columns = ["indicator_code", "territory_kato", "territory_id", "period", "value", "comment", "evidence", "correction_reason"]

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    struct Row {
        let line: Int
        let indicatorID: Int64
        let territoryID: Int64
        let period: Period
        let value: Double
        let comment: String?
        let evidence: String?
        let reason: String?
        /// The exception that reopened its closed period.
        let exceptionID: Int64?
    }

    struct IndicatorFacts {
        let id: Int64
        let context: IndicatorContext
    }

    /// - Parameters:
    ///   - allowedTerritories: where the caller may write; nil for anywhere (administrators).
    ///   - locks: what closes periods for entry; a row for a closed period is a problem of the file.
    ///   - progress: called now and then with a line for the operator.
    public func run(
        csv text: String, accountID: Int64, allowedTerritories: Set<Territory.ID>?, tree: TerritoryTree, locks: EntryLocks,
        today: Day, dryRun: Bool, requestID: String?, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> ImportReport {
        var report = ImportReport()
        report.dryRun = dryRun
        if text.contains("\u{0}") {
            report.problems.append(
                ImportProblem(
                    line: 1, column: "", reason: "the file contains NUL characters: save it as CSV UTF-8 text",
                    words: say(
                        "the file contains NUL characters: save it as CSV UTF-8 text", kk: "файлда NUL таңбалары бар: оны CSV UTF-8 ретінде сақтаңыз",
                        ru: "в файле есть символы NUL: сохраните его как CSV UTF-8")))
            return report
        }
        let table: CSVTable
        do {
            table = try CSVTable.parse(text)
        } catch .empty {
            report.problems.append(
                ImportProblem(line: 1, column: "", reason: "the file is empty", words: say("the file is empty", kk: "файл бос", ru: "файл пуст")))
            return report
        } catch .unterminatedQuote(let line) {
            report.problems.append(
                ImportProblem(
                    line: line, column: "", reason: "a quoted field is not closed",
                    words: say("a quoted field is not closed", kk: "тырнақшадағы өріс жабылмаған", ru: "поле в кавычках не закрыто")))
            return report
        }
        report.rows = table.records.count
        report.problems.append(contentsOf: Self.headerProblems(table))
        guard report.problems.isEmpty, let codeColumn = table.column("indicator_code"), let periodColumn = table.column("period"),
            let valueColumn = table.column("value")
        else { return report }
        let katoColumn = table.column("territory_kato")
        let idColumn = table.column("territory_id")
        let commentColumn = table.column("comment")
        let evidenceColumn = table.column("evidence")
        let reasonColumn = table.column("correction_reason")

        let indicators = try await indicatorFacts()
        var katoIndex: [String: Int64] = [:]
        for territory in tree.byID.values { if let kato = territory.kato { katoIndex[kato.value] = territory.id } }

        var rows: [Row] = []
        rows.reserveCapacity(table.records.count)
        var seen: [String: Int] = [:]
        for (number, record) in table.records.enumerated() {
            if number > 0 && number % 200_000 == 0 { progress("checked \(number) of \(table.records.count) rows") }
            let line = record.line
            // A line that cannot be read as the header says is a problem, never a blank: its
            // values would otherwise be lost without a word.
            if let problem = Self.shapeProblem(record, header: table.header, separator: table.separator) {
                report.problems.append(problem)
                continue
            }
            func field(_ index: Int?) -> String? {
                guard let index, index < record.fields.count else { return nil }
                let value = record.fields[index].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            guard let valueText = field(valueColumn) else {
                // A comment, evidence or reason without a value would be dropped: say so.
                if let column = [("comment", commentColumn), ("evidence", evidenceColumn), ("correction_reason", reasonColumn)]
                    .first(where: { field($0.1) != nil })?.0
                {
                    report.problems.append(
                        ImportProblem(
                            line: line, column: column, reason: "has text but the value is empty: give the value, or leave the \(column) out",
                            words: say(
                                "has text but the value is empty: give the value, or leave the \(column) out",
                                kk: "мәтін бар, бірақ мәні бос: мәнін жазыңыз немесе \(column) алып тастаңыз",
                                ru: "есть текст, но значение пустое: укажите значение или уберите \(column)")))
                } else {
                    report.blank += 1
                }
                continue
            }
            var rowProblems: [ImportProblem] = []
            let code = field(codeColumn) ?? ""
            let facts = indicators[code]
            if facts == nil {
                rowProblems.append(
                    ImportProblem(
                        line: line, column: "indicator_code", reason: code.isEmpty ? "is empty" : "no indicator '\(code)'",
                        words: code.isEmpty
                            ? say("is empty", kk: "бос", ru: "пусто")
                            : say("no indicator '\(code)'", kk: "«\(code)» көрсеткіші жоқ", ru: "показателя «\(code)» нет")))
            }

            var territoryID: Int64?
            if let idText = field(idColumn) {
                territoryID = Int64(idText).flatMap { tree.byID[$0] != nil ? $0 : nil }
                if territoryID == nil {
                    rowProblems.append(
                        ImportProblem(
                            line: line, column: "territory_id", reason: "no territory \(idText)",
                            words: say("no territory \(idText)", kk: "\(idText) аумағы жоқ", ru: "территории \(idText) нет")))
                }
                // Both given: they must name the same territory, or the row is ambiguous.
                if let id = territoryID, let kato = field(katoColumn), katoIndex[kato] != id {
                    let found = katoIndex[kato].flatMap { tree.byID[$0] }
                    func name(_ language: Language, none: String) -> String {
                        found.map { "\($0.name.resolved(language)) (id \($0.id))" } ?? none
                    }
                    let named = name(.en, none: "no territory")
                    rowProblems.append(
                        ImportProblem(
                            line: line, column: "territory_kato",
                            reason: "KATO code \(kato) names \(named), but territory_id is \(id): give one, or make them agree",
                            words: say(
                                "KATO code \(kato) names \(named), but territory_id is \(id): give one, or make them agree",
                                kk:
                                    "\(kato) ҚАТО коды \(name(.kk, none: "жоқ аумақты")) көрсетеді, ал territory_id — \(id): біреуін қалдырыңыз немесе сәйкестендіріңіз",
                                ru:
                                    "код КАТО \(kato) указывает на \(name(.ru, none: "несуществующую территорию")), а territory_id — \(id): оставьте одно или согласуйте их"
                            )))
                    territoryID = nil
                }
            } else if let kato = field(katoColumn) {
                territoryID = katoIndex[kato]
                if territoryID == nil {
                    rowProblems.append(
                        ImportProblem(
                            line: line, column: "territory_kato", reason: "no territory with KATO code \(kato)",
                            words: say(
                                "no territory with KATO code \(kato)", kk: "\(kato) ҚАТО коды бар аумақ жоқ",
                                ru: "территории с кодом КАТО \(kato) нет")))
                }
            } else {
                rowProblems.append(
                    ImportProblem(
                        line: line, column: "territory_kato", reason: "name the territory by territory_kato or territory_id",
                        words: say(
                            "name the territory by territory_kato or territory_id",
                            kk: "аумақты territory_kato немесе territory_id бағанында көрсетіңіз",
                            ru: "укажите территорию в territory_kato или territory_id")))
            }
            if let territoryID, let allowed = allowedTerritories, !allowed.contains(territoryID) {
                rowProblems.append(
                    ImportProblem(
                        line: line, column: idColumn != nil && field(idColumn) != nil ? "territory_id" : "territory_kato",
                        reason: "outside the territories this account reports for",
                        words: say(
                            "outside the territories this account reports for", kk: "бұл есептік жазба есеп беретін аумақтардан тыс",
                            ru: "вне территорий, за которые отчитывается эта учётная запись")))
            }
            let periodText = field(periodColumn) ?? ""
            let period = Period(code: periodText)
            if period == nil {
                rowProblems.append(
                    ImportProblem(
                        line: line, column: "period", reason: "must be a year (2024) or a quarter (2024-Q3), not '\(periodText)'",
                        words: say(
                            "must be a year (2024) or a quarter (2024-Q3), not '\(periodText)'",
                            kk: "жыл (2024) немесе тоқсан (2024-Q3) болуы керек, «\(periodText)» емес",
                            ru: "нужен год (2024) или квартал (2024-Q3), а не «\(periodText)»")))
            }
            if let period, let facts,
                let problem = ProgressRules.check(period: period, indicator: facts.context.indicator, programme: facts.context.programme)
            {
                rowProblems.append(ImportProblem(line: line, column: "period", problem))
            }
            var exceptionID: Int64?
            if let period, let facts, let territoryID {
                switch locks.decision(
                    of: period, section: facts.context.sectionID, programme: facts.context.programme.id, ancestry: tree.ancestry(of: territoryID),
                    today: today)
                {
                case .open: break
                case .reopened(let id, _): exceptionID = id
                case .closed(let closure): rowProblems.append(ImportProblem(line: line, column: "period", closure.problem(for: period)))
                }
            }
            let value = ProgressRules.parseNumber(valueText)
            if value == nil {
                rowProblems.append(
                    ImportProblem(
                        line: line, column: "value", reason: "must be a number, not '\(valueText)'",
                        words: say(
                            "must be a number, not '\(valueText)'", kk: "сан болуы керек, «\(valueText)» емес", ru: "нужно число, а не «\(valueText)»"
                        )))
            }
            if let value, let facts, let problem = ProgressRules.check(value: value, unit: facts.context.unit) {
                rowProblems.append(ImportProblem(line: line, column: "value", problem))
            }
            if let facts, let territoryID, let period {
                let key = "\(facts.id):\(territoryID):\(period.code)"
                if let earlier = seen[key] {
                    rowProblems.append(
                        ImportProblem(
                            line: line, column: "indicator_code", reason: "the same indicator, territory and period as line \(earlier)",
                            words: say(
                                "the same indicator, territory and period as line \(earlier)",
                                kk: "\(earlier)-жолдағыдай көрсеткіш, аумақ және кезең",
                                ru: "тот же показатель, территория и период, что в строке \(earlier)")))
                } else {
                    seen[key] = line
                }
            }
            for (column, index) in [("comment", commentColumn), ("evidence", evidenceColumn), ("correction_reason", reasonColumn)] {
                if let text = field(index), let problem = TextLimits.check(text, field: column) {
                    rowProblems.append(ImportProblem(line: line, column: column, problem))
                }
            }
            if rowProblems.isEmpty, let facts, let territoryID, let period, let value {
                rows.append(
                    Row(
                        line: line, indicatorID: facts.id, territoryID: territoryID, period: period, value: value,
                        comment: field(commentColumn), evidence: field(evidenceColumn), reason: field(reasonColumn), exceptionID: exceptionID))
            } else {
                report.problems.append(contentsOf: rowProblems)
            }
        }
        // Rows with problems are left out, but the database checks still run on the rest, so that
        // one upload reports everything that is wrong with the file.
        progress("checked \(table.records.count) rows; staging \(rows.count) values")

        let outcome: (ImportReport, Bool)
        do {
            outcome = try await write(rows, report: report, accountID: accountID, dryRun: dryRun, requestID: requestID)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw ImportRaced()
        }
        return outcome.0
    }

    /// Columns the import reads, and those the progress template adds for people (read as
    /// written, never imported). Anything else is probably a misspelt column whose values would
    /// be lost, so it is refused.
    public static let templateOnlyColumns = ["indicator_name", "unit", "territory_name", "deadline", "target", "current_value"]

    /// What is wrong with the header: duplicate, missing and unknown columns, each named.
    static func headerProblems(_ table: CSVTable) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        for (name, columns) in table.duplicateColumns {
            problems.append(
                ImportProblem(
                    line: 1, column: name,
                    reason: "column '\(name)' appears \(columns.count) times (columns \(columns.map(String.init).joined(separator: ", "))): keep one",
                    words: say(
                        "column '\(name)' appears \(columns.count) times (columns \(columns.map(String.init).joined(separator: ", "))): keep one",
                        kk: "«\(name)» бағаны қайталанады (\(columns.map(String.init).joined(separator: ", ")) бағандар): біреуін қалдырыңыз",
                        ru: "столбец «\(name)» повторяется (столбцы \(columns.map(String.init).joined(separator: ", "))): оставьте один"))
            )
        }
        var missing = ["indicator_code", "period", "value"].filter { table.column($0) == nil }
        if table.column("territory_kato") == nil && table.column("territory_id") == nil { missing.insert("territory_kato or territory_id", at: 1) }
        if !missing.isEmpty {
            problems.append(
                ImportProblem(
                    line: 1, column: missing[0],
                    reason: "the header lacks \(missing.map { "'\($0)'" }.joined(separator: ", ")) (separator '\(table.separator)')",
                    words: say(
                        "the header lacks \(missing.map { "'\($0)'" }.joined(separator: ", ")) (separator '\(table.separator)')",
                        kk: "тақырып жолында \(missing.map { "«\($0)»" }.joined(separator: ", ")) жоқ (бөлгіш «\(table.separator)»)",
                        ru: "в заголовке нет \(missing.map { "«\($0)»" }.joined(separator: ", ")) (разделитель «\(table.separator)»)")))
        }
        let known = Set(columns + templateOnlyColumns)
        for (index, name) in table.header.enumerated() where !name.isEmpty && !known.contains(name) {
            problems.append(
                ImportProblem(
                    line: 1, column: name,
                    reason: "unknown column '\(name)' (column \(index + 1)); the columns are \(columns.joined(separator: ", "))",
                    words: say(
                        "unknown column '\(name)' (column \(index + 1)); the columns are \(columns.joined(separator: ", "))",
                        kk: "белгісіз «\(name)» бағаны (\(index + 1)-баған); бағандар: \(columns.joined(separator: ", "))",
                        ru: "неизвестный столбец «\(name)» (столбец \(index + 1)); допустимые столбцы: \(columns.joined(separator: ", "))")))
        }
        for empty in table.header.indices where table.header[empty].isEmpty {
            if table.records.contains(where: { $0.fields.count > empty && !$0.fields[empty].trimmingCharacters(in: .whitespaces).isEmpty }) {
                problems.append(
                    ImportProblem(
                        line: 1, column: "column \(empty + 1)", reason: "column \(empty + 1) has no name in the header but holds values",
                        words: say(
                            "column \(empty + 1) has no name in the header but holds values",
                            kk: "\(empty + 1)-бағанның тақырыпта атауы жоқ, бірақ онда мәндер бар",
                            ru: "у столбца \(empty + 1) нет имени в заголовке, но в нём есть значения")))
            }
        }
        if let field = table.headerStrayQuoteField {
            problems.append(
                ImportProblem(
                    line: 1, column: "column \(field + 1)", reason: "text follows the closing quote of this column's name",
                    words: say(
                        "text follows the closing quote of this column's name", kk: "баған атауының жабылатын тырнақшасынан кейін мәтін бар",
                        ru: "после закрывающей кавычки в имени столбца есть текст")))
        }
        return problems
    }

    /// A record with fewer fields than the header, more non-empty ones, or text after a
    /// closing quote.
    static func shapeProblem(_ record: CSVTable.Record, header: [String], separator: Character) -> ImportProblem? {
        if let field = record.strayQuoteField {
            let name = field < header.count ? header[field] : "field \(field + 1)"
            return ImportProblem(
                line: record.line, column: name, reason: "text follows the closing quote of this field",
                words: say(
                    "text follows the closing quote of this field", kk: "өрістің жабылатын тырнақшасынан кейін мәтін бар",
                    ru: "после закрывающей кавычки поля есть текст"))
        }
        if record.fields.count < header.count {
            let name = header[record.fields.count]
            let other = separator == ";" ? "," : ";"
            return ImportProblem(
                line: record.line, column: name,
                reason:
                    "the line has \(record.fields.count) field(s) where the header has \(header.count): '\(name)' and the columns after it are missing (does the line use '\(other)' where the header uses '\(separator)'?)",
                words: say(
                    "the line has \(record.fields.count) field(s) where the header has \(header.count): '\(name)' and the columns after it are missing (does the line use '\(other)' where the header uses '\(separator)'?)",
                    kk:
                        "жолдағы өріс саны \(record.fields.count), тақырыпта \(header.count): «\(name)» және одан кейінгі бағандар жоқ (жолда «\(separator)» орнына «\(other)» қолданылмады ма?)",
                    ru:
                        "полей в строке: \(record.fields.count), в заголовке: \(header.count) — нет «\(name)» и следующих столбцов (не стоит ли в строке «\(other)» вместо «\(separator)»?)"
                )
            )
        }
        if record.fields.count > header.count,
            let extra = record.fields.indices.dropFirst(header.count).first(where: { !record.fields[$0].trimmingCharacters(in: .whitespaces).isEmpty }
            )
        {
            return ImportProblem(
                line: record.line, column: "field \(extra + 1)",
                reason: "the line has \(record.fields.count) fields where the header has \(header.count): a separator inside a value needs quotes",
                words: say(
                    "the line has \(record.fields.count) fields where the header has \(header.count): a separator inside a value needs quotes",
                    kk: "жолдағы өріс саны \(record.fields.count), тақырыпта \(header.count): мән ішіндегі бөлгішті тырнақшаға алу керек",
                    ru: "полей в строке: \(record.fields.count), в заголовке: \(header.count) — разделитель внутри значения нужно взять в кавычки"))
        }
        return nil
    }

    /// Stages the checked rows, looks for missing targets and existing values, and writes them
    /// when nothing is wrong: one transaction, which fails at once if its connection is lost.
    func write(_ rows: [Row], report: ImportReport, accountID: Int64, dryRun: Bool, requestID: String?) async throws -> (ImportReport, Bool) {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await connection.guardedTransaction("the progress import", logger: logger) { connection in
                var report = report
                try await stage(rows, on: connection)
                let checks = try await connection.query(
                    """
                    SELECT s.line,
                           g.indicator_id IS NULL, i.retired_on,
                           e.id, e.value, s.value, s.reason
                      FROM import_rows s
                      LEFT JOIN targets g ON g.indicator_id = s.indicator_id AND g.territory_id = s.territory_id AND g.period_start = s.period_start
                      LEFT JOIN indicators i ON i.id = s.indicator_id
                      LEFT JOIN LATERAL (SELECT p.id, p.value FROM progress_entries p
                            WHERE p.indicator_id = s.indicator_id AND p.territory_id = s.territory_id AND p.period_start = s.period_start
                            ORDER BY p.entered_at DESC, p.id DESC LIMIT 1) e ON true
                     WHERE g.indicator_id IS NULL OR i.retired_on IS NOT NULL OR e.id IS NOT NULL
                     ORDER BY s.line
                    """, logger: logger)
                var unchangedLines: [Int32] = []
                var correctionLines: [Int32] = []
                var correctionTargets: [Int64] = []
                for try await (line, noTarget, retired, current, currentValue, value, reason) in checks.decode(
                    (Int32, Bool, Day?, Int64?, Double?, Double, String?).self)
                {
                    if noTarget {
                        report.problems.append(
                            ImportProblem(
                                line: Int(line), column: "period", reason: "this indicator has no target in this territory for this period",
                                words: say(
                                    "this indicator has no target in this territory for this period",
                                    kk: "бұл көрсеткіштің осы аумақта осы кезеңге нысанасы жоқ",
                                    ru: "у этого показателя нет цели на этой территории за этот период"))
                        )
                    } else if let retired {
                        report.problems.append(
                            ImportProblem(
                                line: Int(line), column: "indicator_code", reason: "retired on \(retired.iso): it takes no more values",
                                words: say(
                                    "retired on \(retired.iso): it takes no more values",
                                    kk: "\(retired.iso) бастап бағдарламадан шығарылды: мәндер енді қабылданбайды",
                                    ru: "выведен из программы \(retired.iso): значения больше не принимаются")))
                    } else if let current, let currentValue {
                        if currentValue == value {
                            unchangedLines.append(line)
                        } else if reason == nil {
                            report.problems.append(
                                ImportProblem(
                                    line: Int(line), column: "correction_reason",
                                    reason:
                                        "a value (\(ProgressRules.display(currentValue))) is already recorded: give a correction_reason to correct it",
                                    words: say(
                                        "a value (\(ProgressRules.display(currentValue))) is already recorded: give a correction_reason to correct it",
                                        kk: "мән (\(ProgressRules.display(currentValue))) бұрын жазылған: түзету үшін correction_reason көрсетіңіз",
                                        ru:
                                            "значение (\(ProgressRules.display(currentValue))) уже записано: чтобы исправить, укажите correction_reason"
                                    )
                                ))
                        } else {
                            correctionLines.append(line)
                            correctionTargets.append(current)
                        }
                    }
                }
                report.unchanged = unchangedLines.count
                report.corrections = correctionLines.count
                report.newValues = rows.count - report.unchanged - report.corrections
                report.problems.sort { ($0.line, $0.column) < ($1.line, $1.column) }
                guard report.problems.isEmpty, !dryRun else { return (report, false) }

                try await connection.query(
                    """
                    UPDATE import_rows s SET supersedes_id = c.id FROM unnest(\(correctionLines)::int[], \(correctionTargets)::bigint[]) AS c(line, id)
                     WHERE s.line = c.line
                    """, logger: logger)
                try await connection.query("DELETE FROM import_rows WHERE line = ANY(\(unchangedLines)::int[])", logger: logger)
                // Rows of closed periods reopened by an exception name it (a few, if any).
                let reopened = rows.filter { $0.exceptionID != nil }
                if !reopened.isEmpty {
                    try await connection.query(
                        """
                        UPDATE import_rows s SET exception_id = x.id
                          FROM unnest(\(reopened.map { Int32($0.line) })::int[], \(reopened.compactMap(\.exceptionID))::bigint[]) AS x(line, id)
                         WHERE s.line = x.line
                        """, logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, comment, evidence, entered_by, entered_at,
                                                  supersedes_id, correction_reason, request_id, exception_id)
                    SELECT indicator_id, territory_id, period_start, value, comment, evidence, \(accountID), now(),
                           supersedes_id, CASE WHEN supersedes_id IS NULL THEN NULL ELSE reason END, \(requestID), exception_id
                      FROM import_rows ORDER BY line
                    """, logger: logger)
                try await AuditEvent(
                    accountID: accountID, action: "import", entity: "progress_import", entityID: requestID,
                    new: [
                        "rows": report.rows, "new_values": report.newValues, "corrections": report.corrections,
                        "unchanged": report.unchanged, "blank": report.blank,
                    ],
                    requestID: requestID
                ).write(on: connection, logger: logger)
                report.written = true
                return (report, true)
            }
        }
    }

    func indicatorFacts() async throws -> [String: IndicatorFacts] {
        let repository = ProgressRepository(client: client, logger: logger)
        var codes: [String] = []
        for try await code in try await client.query("SELECT code FROM indicators", logger: logger).decode(String.self) { codes.append(code) }
        var result: [String: IndicatorFacts] = [:]
        // One query per indicator is fine for thousands; they are cached for the whole file.
        for code in codes {
            if let context = try await repository.indicatorContext(code: code) {
                result[code] = IndicatorFacts(id: context.indicator.id, context: context)
            }
        }
        return result
    }

    /// Streams the rows into a temporary table with COPY.
    func stage(_ rows: [Row], on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            CREATE TEMPORARY TABLE import_rows (
                line integer PRIMARY KEY, indicator_id bigint, territory_id bigint, period_start date, value double precision,
                comment text, evidence text, reason text, supersedes_id bigint, exception_id bigint) ON COMMIT DROP
            """, logger: logger)
        var offset = 0
        while offset < rows.count {
            let end = min(rows.count, offset + 50_000)
            var out = CopyText(capacity: (end - offset) * 64)
            for row in rows[offset..<end] {
                out.integer(Int64(row.line))
                out.tab()
                out.integer(row.indicatorID)
                out.tab()
                out.integer(row.territoryID)
                out.tab()
                out.text(row.period.start.iso)
                out.tab()
                out.number(row.value, missing: "\\N")
                out.tab()
                out.text(Self.copyText(row.comment))
                out.tab()
                out.text(Self.copyText(row.evidence))
                out.tab()
                out.text(Self.copyText(row.reason))
                out.newline()
            }
            let chunk = out.buffer
            try await connection.guardedCopy(
                table: "import_rows", columns: ["line", "indicator_id", "territory_id", "period_start", "value", "comment", "evidence", "reason"],
                data: chunk, logger: logger)
            offset = end
        }
        try await connection.query("ANALYZE import_rows", logger: logger)
    }

    /// COPY's text format: `\N` for NULL; backslash, tab and line ends escaped.
    static func copyText(_ value: String?) -> String {
        guard let value else { return "\\N" }
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            // CR and CRLF stay as written: a file's line ends inside a quoted comment are its text.
            case "\r": out += "\\r"
            case "\r\n": out += "\\r\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
