/// A new edition of the territory classifier as a CSV file: one row per territory, keyed by its
/// KATO code (docs/roadmaps.md, "The territory classifier"). Pure: read and checked whole
/// against the classifier as stored.
public struct ClassifierRow: Sendable, Equatable {
    public let line: Int
    public let kato: KATOCode
    public let kind: TerritoryKind
    public let parentKATO: KATOCode?
    public let name: LocalizedText
    public let validFrom: Day?
    public let validTo: Day?
    /// Where a retired territory's targets and ownership go: each successor with the share of
    /// summed targets it takes (targets of other indicators are copied whole).
    public let successors: [(kato: KATOCode, share: Double)]

    public static func == (a: ClassifierRow, b: ClassifierRow) -> Bool {
        a.line == b.line && a.kato == b.kato && a.kind == b.kind && a.parentKATO == b.parentKATO && a.name == b.name
            && a.validFrom == b.validFrom && a.validTo == b.validTo && a.successors.map(\.kato) == b.successors.map(\.kato)
            && a.successors.map(\.share) == b.successors.map(\.share)
    }
}

/// A problem of a classifier file: its line and column, and why.
public struct ClassifierProblem: Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: String?
    public let reason: String

    public init(line: Int, column: String?, _ reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String { "line \(line)\(column.map { ", \($0)" } ?? ""): \(reason)" }
}

public enum TerritoryClassifier {
    public static let columns = ["kato", "kind", "parent_kato", "name_kk", "name_ru", "name_en", "valid_from", "valid_to", "successor_kato"]
    static let required = ["kato", "kind", "name_kk", "name_ru"]

    /// The rows of a file, and every cell that cannot be read.
    public static func read(_ table: CSVTable) -> (rows: [ClassifierRow], problems: [ClassifierProblem]) {
        var problems: [ClassifierProblem] = []
        for name in required where table.column(name) == nil {
            problems.append(ClassifierProblem(line: 1, column: name, "the column is missing"))
        }
        for name in table.header where !columns.contains(name.lowercased().trimmingWhitespace()) && !name.isEmpty {
            problems.append(ClassifierProblem(line: 1, column: name, "unknown column: the columns are \(columns.joined(separator: ", "))"))
        }
        guard problems.isEmpty else { return ([], problems) }
        var rows: [ClassifierRow] = []
        for record in table.records {
            func cell(_ name: String) -> String {
                guard let index = table.column(name), index < record.fields.count else { return "" }
                return record.fields[index].trimmingWhitespace()
            }
            var ok = true
            func fail(_ column: String, _ reason: String) {
                problems.append(ClassifierProblem(line: record.line, column: column, reason))
                ok = false
            }
            let kato = KATOCode(cell("kato"))
            if kato == nil { fail("kato", "a KATO code has nine digits, not '\(cell("kato").prefix(40))'") }
            let kind = TerritoryKind(rawValue: cell("kind"))
            if kind == nil {
                fail("kind", "one of \(TerritoryKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(cell("kind").prefix(40))'")
            }
            var parent: KATOCode?
            if !cell("parent_kato").isEmpty {
                parent = KATOCode(cell("parent_kato"))
                if parent == nil { fail("parent_kato", "a KATO code has nine digits, not '\(cell("parent_kato").prefix(40))'") }
            }
            for column in ["name_kk", "name_ru"] where cell(column).isEmpty { fail(column, "required") }
            for column in ["name_kk", "name_ru", "name_en"] where cell(column).count > TextLimits.short {
                fail(column, "at most \(TextLimits.short) characters")
            }
            func day(_ column: String) -> Day? {
                guard !cell(column).isEmpty else { return nil }
                guard let value = Day(iso: cell(column)), value.year >= 1991, value.year <= 2100 else {
                    fail(column, "a date YYYY-MM-DD between 1991 and 2100, not '\(cell(column).prefix(40))'")
                    return nil
                }
                return value
            }
            let from = day("valid_from")
            let to = day("valid_to")
            if let from, let to, to <= from { fail("valid_to", "must be after valid_from") }
            var successors: [(KATOCode, Double)] = []
            for part in cell("successor_kato").split(separator: ";").map({ String($0).trimmingWhitespace() }) where !part.isEmpty {
                let pieces = part.split(separator: ":", maxSplits: 1).map { String($0).trimmingWhitespace() }
                guard let code = KATOCode(pieces[0]) else {
                    fail("successor_kato", "a KATO code, optionally with its share (100000000:0.6), not '\(part.prefix(40))'")
                    continue
                }
                var share = 1.0
                if pieces.count == 2 {
                    guard let value = Double(pieces[1].replacingOccurrences(of: ",", with: ".")), value > 0, value <= 1 else {
                        fail("successor_kato", "a share is a number above 0 and at most 1, not '\(pieces[1].prefix(40))'")
                        continue
                    }
                    share = value
                }
                successors.append((code, share))
            }
            if successors.count > 1 {
                let total = successors.reduce(0) { $0 + $1.1 }
                if successors.contains(where: { $0.1 == 1 }) || abs(total - 1) > 1e-9 {
                    fail("successor_kato", "the shares of several successors add up to 1 (e.g. 100000000:0.6;110000000:0.4)")
                }
            }
            if !successors.isEmpty && to == nil { fail("successor_kato", "only a territory with valid_to has successors") }
            if let kato, successors.contains(where: { $0.0 == kato }) { fail("successor_kato", "a territory is not its own successor") }
            guard ok, let kato, let kind else { continue }
            rows.append(
                ClassifierRow(
                    line: record.line, kato: kato, kind: kind, parentKATO: parent,
                    name: LocalizedText(kk: cell("name_kk"), ru: cell("name_ru"), en: cell("name_en").isEmpty ? nil : cell("name_en")),
                    validFrom: from, validTo: to, successors: successors.map { (kato: $0.0, share: $0.1) }))
        }
        return (rows, problems)
    }

    /// Whole-file rules against the stored classifier: one row per code, parents and successors
    /// that exist (in the file or stored), a parent of a kind that may hold the row's, no cycle.
    public static func problems(_ rows: [ClassifierRow], stored: TerritoryTree) -> [ClassifierProblem] {
        var problems: [ClassifierProblem] = []
        var byCode: [KATOCode: ClassifierRow] = [:]
        for row in rows {
            if let first = byCode[row.kato] {
                problems.append(ClassifierProblem(line: row.line, column: "kato", "\(row.kato) appears again (first on line \(first.line))"))
            } else {
                byCode[row.kato] = row
            }
        }
        var storedByCode: [KATOCode: Territory] = [:]
        for territory in stored.byID.values { if let kato = territory.kato { storedByCode[kato] = territory } }
        func kind(of code: KATOCode) -> TerritoryKind? { byCode[code]?.kind ?? storedByCode[code]?.kind }
        func parent(of code: KATOCode) -> KATOCode? {
            if let row = byCode[code] { return row.parentKATO }
            return storedByCode[code]?.parentID.flatMap { stored.byID[$0]?.kato }
        }
        for row in byCode.values.sorted(by: { $0.line < $1.line }) {
            if row.kind == .republic {
                if row.parentKATO != nil { problems.append(ClassifierProblem(line: row.line, column: "parent_kato", "the republic has no parent")) }
            } else if let parentCode = row.parentKATO {
                if parentCode == row.kato {
                    problems.append(ClassifierProblem(line: row.line, column: "parent_kato", "a territory is not its own parent"))
                } else if let parentKind = kind(of: parentCode) {
                    if !parentKind.allowedChildren.contains(row.kind) {
                        problems.append(
                            ClassifierProblem(line: row.line, column: "parent_kato", "a \(parentKind.rawValue) holds no \(row.kind.rawValue)"))
                    }
                } else {
                    problems.append(ClassifierProblem(line: row.line, column: "parent_kato", "no territory \(parentCode) in the file or stored"))
                }
            } else {
                problems.append(ClassifierProblem(line: row.line, column: "parent_kato", "required for a \(row.kind.rawValue)"))
            }
            // A parent chain that comes back to the row.
            var seen: Set<KATOCode> = [row.kato]
            var current = row.parentKATO
            while let code = current {
                guard seen.insert(code).inserted else {
                    problems.append(ClassifierProblem(line: row.line, column: "parent_kato", "its parents lead back to it"))
                    break
                }
                current = parent(of: code)
            }
            for successor in row.successors where kind(of: successor.kato) == nil {
                problems.append(ClassifierProblem(line: row.line, column: "successor_kato", "no territory \(successor.kato) in the file or stored"))
            }
        }
        return problems
    }
}
