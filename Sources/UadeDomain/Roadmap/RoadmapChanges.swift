/// What importing a workbook would change in a roadmap as it stands: per sheet, how many rows
/// are new, changed, unchanged and absent, and the changes themselves, each said in words.
/// Pure: the storage gives the current roadmap in the workbook's own shape (the same shape the
/// export writes), so importing an export changes nothing.
public struct RoadmapChanges: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case new, changed, unchanged, absent
    }

    /// One row's change: its key ("HOU-01", "HOU-01 × 430000000 × 2025-Q4") and what changes.
    public struct Change: Sendable, Equatable, CustomStringConvertible {
        public let sheet: RoadmapSheet
        public let kind: Kind
        /// The row's code: a section's, an indicator's, a measure's, a person's.
        public let subject: String
        /// The territory a target or an ownership is of, as the workbook names it (KATO or id).
        public let territory: String?
        /// A target's period, an ownership's first day.
        public let qualifier: String?
        /// "name_ru: Жильё → Доступное жильё", "120 → 90"; empty for new and absent rows.
        public let details: [String]

        public init(
            sheet: RoadmapSheet, kind: Kind, subject: String, territory: String? = nil, qualifier: String? = nil, details: [String] = []
        ) {
            self.sheet = sheet
            self.kind = kind
            self.subject = subject
            self.territory = territory
            self.qualifier = qualifier
            self.details = details
        }

        public var key: String { [subject, territory, qualifier].compactMap { $0 }.joined(separator: " × ") }

        /// With codes, in English: for logs and the command line's `--codes`.
        public var description: String { said(in: .en) { _ in nil } }

        /// In words a person reads: "цель HOU-01 × Кызылординская область × 2025-Q4: 120 → 90".
        /// `name` gives a territory's name in `language` (nil: its code stays).
        public func said(in language: Language, naming name: (String) -> String?) -> String {
            let key = [subject, territory.map { name($0) ?? $0 }, qualifier].compactMap { $0 }.joined(separator: " × ")
            let head = "\(sheet.row.word(language)) \(key)"
            switch kind {
            case .new, .absent, .unchanged: return "\(head): \(kind.word(language))"
            case .changed: return "\(head): " + details.joined(separator: "; ")
            }
        }
    }

    public struct Counts: Sendable, Equatable {
        public var new = 0, changed = 0, unchanged = 0, absent = 0

        public init(new: Int = 0, changed: Int = 0, unchanged: Int = 0, absent: Int = 0) {
            self.new = new
            self.changed = changed
            self.unchanged = unchanged
            self.absent = absent
        }

        public subscript(kind: Kind) -> Int {
            get {
                switch kind {
                case .new: new
                case .changed: changed
                case .unchanged: unchanged
                case .absent: absent
                }
            }
            set {
                switch kind {
                case .new: new = newValue
                case .changed: changed = newValue
                case .unchanged: unchanged = newValue
                case .absent: absent = newValue
                }
            }
        }
    }

    public var counts: [RoadmapSheet: Counts] = [:]
    /// The new, changed and absent rows, in the order of the sheets and keys: every one, except
    /// that targets (millions in a national roadmap) list at most ``targetChangesListed``.
    public var changes: [Change] = []

    /// How many targets' changes ``changes`` lists at most; ``counts`` count them all.
    public static let targetChangesListed = 10_000

    /// New, changed and absent rows in all.
    public var changeCount: Int { counts.values.reduce(0) { $0 + $1.new + $1.changed + $1.absent } }
    public var isEmpty: Bool { changeCount == 0 }

    /// `current` is the roadmap as stored (nil: a new programme); sheets the upload left out are
    /// not compared (their rows are neither changed nor absent). Territories must be named alike
    /// on both sides (the service names each by its KATO code, or its id where it has none).
    public static func between(current: RoadmapWorkbook?, proposed: RoadmapWorkbook) -> RoadmapChanges {
        var result = RoadmapChanges()
        let old = current ?? RoadmapWorkbook()
        func compare<Row>(
            _ sheet: RoadmapSheet, _ before: [Row], _ after: [Row], parts: (Row) -> (String, String?, String?),
            fields: (Row) -> [(String, String)]
        ) {
            func change(_ kind: Kind, _ row: Row, _ details: [String]) -> Change {
                let (subject, territory, qualifier) = parts(row)
                return Change(sheet: sheet, kind: kind, subject: subject, territory: territory, qualifier: qualifier, details: details)
            }
            func key(_ row: Row) -> String { change(.new, row, []).key }
            guard proposed.present.contains(sheet) else { return }
            var counts = Counts()
            let previous = Dictionary(before.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
            var seen: Set<String> = []
            for row in after {
                let k = key(row)
                guard seen.insert(k).inserted else { continue }
                guard let was = previous[k] else {
                    counts.new += 1
                    result.changes.append(change(.new, row, []))
                    continue
                }
                let differences = zip(fields(was), fields(row)).compactMap { a, b -> String? in
                    guard a.1 != b.1 else { return nil }
                    let change = "\(a.1.isEmpty ? "—" : a.1) → \(b.1.isEmpty ? "—" : b.1)"
                    // A target has one field: its value is the change.
                    return sheet == .targets ? change : "\(a.0): \(change)"
                }
                if differences.isEmpty {
                    counts.unchanged += 1
                } else {
                    counts.changed += 1
                    result.changes.append(change(.changed, row, differences))
                }
            }
            for row in before where !seen.contains(key(row)) {
                counts.absent += 1
                result.changes.append(change(.absent, row, []))
            }
            result.counts[sheet] = counts
        }
        func names(_ prefix: String, _ text: LocalizedText?) -> [(String, String)] {
            [("\(prefix)_kk", text?.kk ?? ""), ("\(prefix)_ru", text?.ru ?? ""), ("\(prefix)_en", text?.en ?? "")]
        }
        func number(_ value: Double) -> String { ProgressRules.display(value) }

        compare(
            .programme, old.programme.map { [$0] } ?? [], proposed.programme.map { [$0] } ?? [], parts: { ($0.code, nil, nil) },
            fields: { p in
                [("level", p.level.rawValue), ("territory_kato", p.territory)] + names("name", p.name)
                    + [("term_start", p.termStart.iso), ("term_end", p.termEnd.iso)]
            })
        compare(
            .sections, old.sections, proposed.sections, parts: { ($0.code, nil, nil) },
            fields: { s in
                [("parent_code", s.parentCode ?? "")] + names("name", s.name)
                    + [("socially_sensitive", s.sociallySensitive ? "yes" : "no"), ("position", String(s.position))]
            })
        compare(
            .indicators, old.indicators, proposed.indicators, parts: { ($0.code, nil, nil) },
            fields: { i in
                [("section_code", i.sectionCode)] + names("name", i.name)
                    + [
                        ("unit", i.unit), ("direction", i.direction.rawValue), ("aggregation", i.aggregation.rawValue),
                        ("accumulation", i.accumulation.rawValue), ("periodicity", i.periodicity.rawValue),
                    ]
            })
        if proposed.present.contains(.targets) { compareTargets(old.targets, proposed.targets, into: &result) }
        compare(
            .measures, old.measures, proposed.measures, parts: { ($0.code, nil, nil) },
            fields: { m in
                [("section_code", m.sectionCode), ("territory_kato", m.territory)] + names("text", m.text)
                    + [("deadline", m.deadline.iso), ("executor", m.executor)]
            })
        compare(
            .people, old.people, proposed.people, parts: { ($0.code, nil, nil) },
            fields: { p in names("name", p.name) + names("position", p.position) + [("email", p.email ?? ""), ("territory_kato", p.territory ?? "")] }
        )
        compare(
            .owners, old.owners, proposed.owners,
            parts: { o in (o.sectionCode ?? o.indicatorCode ?? "", o.territory.flatMap { $0.isEmpty ? nil : $0 }, o.validFrom.iso) },
            fields: { o in [("person_code", o.personCode), ("valid_to", o.validTo?.iso ?? "")] })
        return result
    }

    /// Targets compare cell by cell — one target is an indicator × territory × period — row by
    /// row: 8.8 million cells of a national roadmap as strings and sets took gigabytes.
    static func compareTargets(_ before: [RoadmapWorkbook.TargetRow], _ after: [RoadmapWorkbook.TargetRow], into result: inout RoadmapChanges) {
        var counts = Counts()
        var listed = 0
        func note(_ kind: Kind, _ row: RoadmapWorkbook.TargetRow, _ period: Period, _ details: [String] = []) {
            counts[kind] += 1
            guard listed < targetChangesListed else { return }
            listed += 1
            result.changes.append(
                Change(
                    sheet: .targets, kind: kind, subject: row.indicatorCode, territory: row.territory, qualifier: period.code, details: details))
        }
        func rowKey(_ row: RoadmapWorkbook.TargetRow) -> String { row.indicatorCode + "\u{0}" + row.territory }
        var index: [String: Int] = [:]
        index.reserveCapacity(before.count)
        for (i, row) in before.enumerated() where index[rowKey(row)] == nil { index[rowKey(row)] = i }
        var matched = [Bool](repeating: false, count: before.count)
        var seenRows: Set<String> = []
        for row in after {
            guard seenRows.insert(rowKey(row)).inserted else { continue }
            var seen: Set<Period> = []
            guard let i = index[rowKey(row)] else {
                for value in row.values where seen.insert(value.period).inserted { note(.new, row, value.period) }
                continue
            }
            matched[i] = true
            var was: [Period: Double] = [:]
            for value in before[i].values where was[value.period] == nil { was[value.period] = value.value }
            for value in row.values where seen.insert(value.period).inserted {
                guard let old = was[value.period] else {
                    note(.new, row, value.period)
                    continue
                }
                if old == value.value {
                    counts.unchanged += 1
                } else {
                    note(.changed, row, value.period, ["\(ProgressRules.display(old)) → \(ProgressRules.display(value.value))"])
                }
            }
            var gone: Set<Period> = []
            for value in before[i].values where !seen.contains(value.period) && gone.insert(value.period).inserted {
                note(.absent, before[i], value.period)
            }
        }
        for (i, row) in before.enumerated() where !matched[i] && index[rowKey(row)] == i {
            var gone: Set<Period> = []
            for value in row.values where gone.insert(value.period).inserted { note(.absent, row, value.period) }
        }
        result.counts[.targets] = counts
    }
}
