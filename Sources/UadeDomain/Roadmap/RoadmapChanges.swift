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
        public let key: String
        /// "name_ru: Жильё → Доступное жильё", "120 → 90"; empty for new and absent rows.
        public let details: [String]

        public var description: String {
            let what = sheet == .targets ? "target" : String(sheet.rawValue.dropLast())
            switch kind {
            case .new: return "\(what) \(key): new"
            case .absent: return "\(what) \(key): absent from the workbook"
            case .unchanged: return "\(what) \(key): unchanged"
            case .changed: return "\(what) \(key): " + details.joined(separator: "; ")
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
    /// Every new, changed and absent row, in the order of the sheets and keys.
    public var changes: [Change] = []

    public var isEmpty: Bool { changes.isEmpty }

    /// `current` is the roadmap as stored (nil: a new programme); sheets the upload left out are
    /// not compared (their rows are neither changed nor absent). Territories must be named alike
    /// on both sides (the service names each by its KATO code, or its id where it has none).
    public static func between(current: RoadmapWorkbook?, proposed: RoadmapWorkbook) -> RoadmapChanges {
        var result = RoadmapChanges()
        let old = current ?? RoadmapWorkbook()
        func compare<Row>(_ sheet: RoadmapSheet, _ before: [Row], _ after: [Row], key: (Row) -> String, fields: (Row) -> [(String, String)]) {
            guard proposed.present.contains(sheet) else { return }
            var counts = Counts()
            let previous = Dictionary(before.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
            var seen: Set<String> = []
            for row in after {
                let k = key(row)
                guard seen.insert(k).inserted else { continue }
                guard let was = previous[k] else {
                    counts.new += 1
                    result.changes.append(Change(sheet: sheet, kind: .new, key: k, details: []))
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
                    result.changes.append(Change(sheet: sheet, kind: .changed, key: k, details: differences))
                }
            }
            for row in before where !seen.contains(key(row)) {
                counts.absent += 1
                result.changes.append(Change(sheet: sheet, kind: .absent, key: key(row), details: []))
            }
            result.counts[sheet] = counts
        }
        func names(_ prefix: String, _ text: LocalizedText?) -> [(String, String)] {
            [("\(prefix)_kk", text?.kk ?? ""), ("\(prefix)_ru", text?.ru ?? ""), ("\(prefix)_en", text?.en ?? "")]
        }
        func number(_ value: Double) -> String { ProgressRules.display(value) }

        compare(
            .programme, old.programme.map { [$0] } ?? [], proposed.programme.map { [$0] } ?? [], key: \.code,
            fields: { p in
                [("level", p.level.rawValue), ("territory_kato", p.territory)] + names("name", p.name)
                    + [("term_start", p.termStart.iso), ("term_end", p.termEnd.iso)]
            })
        compare(
            .sections, old.sections, proposed.sections, key: \.code,
            fields: { s in
                [("parent_code", s.parentCode ?? "")] + names("name", s.name)
                    + [("socially_sensitive", s.sociallySensitive ? "yes" : "no"), ("position", String(s.position))]
            })
        compare(
            .indicators, old.indicators, proposed.indicators, key: \.code,
            fields: { i in
                [("section_code", i.sectionCode)] + names("name", i.name)
                    + [
                        ("unit", i.unit), ("direction", i.direction.rawValue), ("aggregation", i.aggregation.rawValue),
                        ("accumulation", i.accumulation.rawValue), ("periodicity", i.periodicity.rawValue),
                    ]
            })
        // Targets compare cell by cell: one target is an indicator × territory × period.
        compare(
            .targets, cells(old.targets), cells(proposed.targets), key: \.key, fields: { [("target", number($0.value))] })
        compare(
            .measures, old.measures, proposed.measures, key: \.code,
            fields: { m in
                [("section_code", m.sectionCode), ("territory_kato", m.territory)] + names("text", m.text)
                    + [("deadline", m.deadline.iso), ("executor", m.executor)]
            })
        compare(
            .people, old.people, proposed.people, key: \.code,
            fields: { p in names("name", p.name) + names("position", p.position) + [("email", p.email ?? ""), ("territory_kato", p.territory ?? "")] }
        )
        compare(
            .owners, old.owners, proposed.owners,
            key: { o in [o.sectionCode ?? o.indicatorCode ?? "", o.territory ?? "", o.validFrom.iso].filter { !$0.isEmpty }.joined(separator: " × ")
            },
            fields: { o in [("person_code", o.personCode), ("valid_to", o.validTo?.iso ?? "")] })
        return result
    }

    struct TargetCell {
        let key: String
        let value: Double
    }

    static func cells(_ rows: [RoadmapWorkbook.TargetRow]) -> [TargetCell] {
        rows.flatMap { row in row.values.map { TargetCell(key: "\(row.indicatorCode) × \(row.territory) × \($0.period.code)", value: $0.value) } }
    }
}
