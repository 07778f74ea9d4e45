/// What a workbook is checked against besides itself.
public struct RoadmapContext: Sendable {
    public let tree: TerritoryTree
    public let units: Set<String>
    /// People already known by code (owners may name them without a `people` row).
    public let knownPeople: Set<String>
    /// Indicator and measure codes used by other programmes: codes are unique across programmes.
    public let foreignIndicatorCodes: [String: String]
    public let foreignMeasureCodes: [String: String]
    /// The range a unit's values keep (schema/0014), by unit code.
    public let unitRanges: [String: (min: Double?, max: Double?)]

    public init(
        tree: TerritoryTree, units: Set<String>, knownPeople: Set<String> = [], foreignIndicatorCodes: [String: String] = [:],
        foreignMeasureCodes: [String: String] = [:], unitRanges: [String: (min: Double?, max: Double?)] = [:]
    ) {
        self.unitRanges = unitRanges
        self.tree = tree
        self.units = units
        self.knownPeople = knownPeople
        self.foreignIndicatorCodes = foreignIndicatorCodes
        self.foreignMeasureCodes = foreignMeasureCodes
    }
}

/// The rules a roadmap workbook must keep as a whole, beyond each cell being readable. Pure:
/// the same workbook and context give the same problems, in the order of the sheets and rows.
public enum RoadmapRules {
    public static func problems(_ workbook: RoadmapWorkbook, _ context: RoadmapContext) -> [SheetProblem] {
        var problems: [SheetProblem] = []
        var territories: [String: Territory] = [:]
        for territory in context.tree.byID.values {
            territories[String(territory.id)] = territory
            if let kato = territory.kato { territories[kato.value] = territory }
        }
        guard let programme = workbook.programme else {
            if workbook.present.contains(.programme) {
                problems.append(SheetProblem(.programme, row: 2, column: nil, "the programme row is missing or cannot be read"))
            }
            return problems
        }
        // The programme.
        let home = territories[programme.territory]
        if home == nil {
            problems.append(SheetProblem(.programme, row: programme.row, column: "territory_kato", "no territory \(programme.territory)"))
        } else if let home, !levelFits(programme.level, home.kind) {
            problems.append(
                SheetProblem(
                    .programme, row: programme.row, column: "level", "a \(programme.level.rawValue) programme cannot be for a \(home.kind.rawValue)"))
        }
        if programme.termEnd <= programme.termStart {
            problems.append(SheetProblem(.programme, row: programme.row, column: "term_end", "must be after term_start"))
        } else if programme.termStart.days(until: programme.termEnd) > 20 * 366 {
            problems.append(SheetProblem(.programme, row: programme.row, column: "term_end", "a term is at most 20 years long"))
        }
        let scope = home.map { context.tree.subtree(of: $0.id) } ?? []
        func place(_ reference: String, _ sheet: RoadmapSheet, _ row: Int, _ column: String) -> Territory? {
            guard let territory = territories[reference] else {
                problems.append(SheetProblem(sheet, row: row, column: column, "no territory \(reference)"))
                return nil
            }
            if home != nil && !scope.contains(territory.id) {
                problems.append(
                    SheetProblem(
                        sheet, row: row, column: column,
                        "\(territory.name.resolved(.en)) lies outside the programme's territory \(home?.name.resolved(.en) ?? programme.territory)"))
                return nil
            }
            return territory
        }
        func duplicates<Row>(_ rows: [Row], _ sheet: RoadmapSheet, key: (Row) -> String, row: (Row) -> Int, column: String) -> [String: Row] {
            var first: [String: Row] = [:]
            for r in rows {
                if let earlier = first[key(r)] {
                    problems.append(SheetProblem(sheet, row: row(r), column: column, "\(key(r)) appears again (first on row \(row(earlier)))"))
                } else {
                    first[key(r)] = r
                }
            }
            return first
        }

        // Sections: unique codes, known parents, no section its own ancestor.
        let sections = duplicates(workbook.sections, .sections, key: \.code, row: \.row, column: "code")
        for section in workbook.sections {
            guard let parent = section.parentCode else { continue }
            guard sections[parent] != nil else {
                problems.append(SheetProblem(.sections, row: section.row, column: "parent_code", "no section \(parent) in this workbook"))
                continue
            }
            var seen: Set<String> = [section.code]
            var next: String? = parent
            while let code = next {
                if !seen.insert(code).inserted {
                    problems.append(
                        SheetProblem(.sections, row: section.row, column: "parent_code", "section \(section.code) would be its own ancestor"))
                    break
                }
                next = sections[code]?.parentCode
            }
        }

        // Indicators.
        let indicators = duplicates(workbook.indicators, .indicators, key: \.code, row: \.row, column: "code")
        for indicator in workbook.indicators {
            if sections[indicator.sectionCode] == nil {
                problems.append(
                    SheetProblem(.indicators, row: indicator.row, column: "section_code", "no section \(indicator.sectionCode) in this workbook"))
            }
            if !context.units.contains(indicator.unit) {
                problems.append(
                    SheetProblem(
                        .indicators, row: indicator.row, column: "unit",
                        "unknown unit \(indicator.unit) (they are \(context.units.sorted().joined(separator: ", ")))"))
            }
            if let other = context.foreignIndicatorCodes[indicator.code], other != programme.code {
                problems.append(
                    SheetProblem(.indicators, row: indicator.row, column: "code", "\(indicator.code) is an indicator of programme \(other)"))
            }
        }

        // Targets: a known indicator in a territory of the programme, periods of the term and of
        // the indicator's periodicity, one row per indicator and territory.
        var targetRows: [String: Int] = [:]
        for target in workbook.targets {
            let indicator = indicators[target.indicatorCode]
            if indicator == nil {
                problems.append(
                    SheetProblem(.targets, row: target.row, column: "indicator_code", "no indicator \(target.indicatorCode) in this workbook"))
            }
            let territory = place(target.territory, .targets, target.row, "territory_kato")
            if let territory {
                let key = "\(target.indicatorCode)|\(territory.id)"
                if let first = targetRows[key] {
                    problems.append(
                        SheetProblem(
                            .targets, row: target.row, column: "territory_kato",
                            "\(target.indicatorCode) in \(target.territory) appears again (first on row \(first))"))
                } else {
                    targetRows[key] = target.row
                }
            }
            for value in target.values {
                let column = "\(workbook.targetColumns[value.period] ?? "") (\(value.period.code))"
                if value.period.start < programme.termStart || value.period.end > programme.termEnd {
                    problems.append(
                        SheetProblem(
                            .targets, row: target.row, column: column,
                            "\(value.period.code) lies outside the term \(programme.termStart.iso) – \(programme.termEnd.iso)"))
                } else if let indicator, let range = context.unitRanges[indicator.unit],
                    range.min.map({ value.value < $0 }) ?? false || range.max.map({ value.value > $0 }) ?? false
                {
                    problems.append(
                        SheetProblem(
                            .targets, row: target.row, column: column,
                            "\(ProgressRules.display(value.value)) lies outside what \(indicator.unit) allows (\(range.min.map(ProgressRules.display) ?? "…") – \(range.max.map(ProgressRules.display) ?? "…"))"
                        ))
                } else if let indicator, value.period.periodicity != indicator.periodicity {
                    problems.append(
                        SheetProblem(
                            .targets, row: target.row, column: column,
                            "\(indicator.code) is \(indicator.periodicity.rawValue): \(value.period.code) is not one of its periods"))
                }
            }
        }

        // Measures.
        _ = duplicates(workbook.measures, .measures, key: \.code, row: \.row, column: "code")
        for measure in workbook.measures {
            if sections[measure.sectionCode] == nil {
                problems.append(
                    SheetProblem(.measures, row: measure.row, column: "section_code", "no section \(measure.sectionCode) in this workbook"))
            }
            _ = place(measure.territory, .measures, measure.row, "territory_kato")
            // A deadline may lie past the term (a hearing's resolution can); not before it.
            if measure.deadline < programme.termStart {
                problems.append(
                    SheetProblem(
                        .measures, row: measure.row, column: "deadline",
                        "\(measure.deadline.iso) comes before the term starts (\(programme.termStart.iso))"))
            }
            if let other = context.foreignMeasureCodes[measure.code], other != programme.code {
                problems.append(SheetProblem(.measures, row: measure.row, column: "code", "\(measure.code) is a measure of programme \(other)"))
            }
        }

        // People.
        let people = duplicates(workbook.people, .people, key: \.code, row: \.row, column: "code")
        for person in workbook.people {
            if let territory = person.territory, territories[territory] == nil {
                problems.append(SheetProblem(.people, row: person.row, column: "territory_kato", "no territory \(territory)"))
            }
            if let email = person.email, !isEmail(email) {
                problems.append(SheetProblem(.people, row: person.row, column: "email", "'\(email.prefix(80))' is not an e-mail address"))
            }
        }

        // Owners: a section, or an indicator in a territory; a known person; no two owners of
        // the same thing at once.
        var periods: [String: [(from: Day, to: Day?, row: Int)]] = [:]
        for owner in workbook.owners {
            let key: String
            switch (owner.sectionCode, owner.indicatorCode) {
            case (let section?, nil):
                if sections[section] == nil {
                    problems.append(SheetProblem(.owners, row: owner.row, column: "section_code", "no section \(section) in this workbook"))
                }
                if owner.territory != nil {
                    problems.append(
                        SheetProblem(
                            .owners, row: owner.row, column: "territory_kato", "a section's Bureau member is for every territory: leave it blank"))
                }
                key = "section|\(section)"
            case (nil, let indicator?):
                if indicators[indicator] == nil {
                    problems.append(SheetProblem(.owners, row: owner.row, column: "indicator_code", "no indicator \(indicator) in this workbook"))
                }
                guard let reference = owner.territory else {
                    problems.append(
                        SheetProblem(.owners, row: owner.row, column: "territory_kato", "an indicator's owner is for one territory: name it"))
                    continue
                }
                guard let territory = place(reference, .owners, owner.row, "territory_kato") else { continue }
                key = "indicator|\(indicator)|\(territory.id)"
            default:
                problems.append(
                    SheetProblem(.owners, row: owner.row, column: nil, "name either a section_code or an indicator_code, not both or neither"))
                continue
            }
            if people[owner.personCode] == nil && !context.knownPeople.contains(owner.personCode) {
                problems.append(
                    SheetProblem(.owners, row: owner.row, column: "person_code", "no person \(owner.personCode) on the people sheet or already known")
                )
            }
            if let to = owner.validTo, to <= owner.validFrom {
                problems.append(SheetProblem(.owners, row: owner.row, column: "valid_to", "must be after valid_from"))
                continue
            }
            for earlier in periods[key] ?? [] where overlaps(earlier.from, earlier.to, owner.validFrom, owner.validTo) {
                problems.append(
                    SheetProblem(
                        .owners, row: owner.row, column: "valid_from",
                        "overlaps the ownership on row \(earlier.row): one owner at a time (end the first with valid_to)"))
            }
            periods[key, default: []].append((owner.validFrom, owner.validTo, owner.row))
        }
        return problems
    }

    /// Half-open validity periods `[from, to)`; nil `to` is open-ended.
    public static func overlaps(_ aFrom: Day, _ aTo: Day?, _ bFrom: Day, _ bTo: Day?) -> Bool {
        (bTo.map { aFrom < $0 } ?? true) && (aTo.map { bFrom < $0 } ?? true)
    }

    static func levelFits(_ level: ProgrammeLevel, _ kind: TerritoryKind) -> Bool {
        switch level {
        case .republic: kind == .republic
        case .region: kind == .region || kind == .cityRepublican
        case .city: kind == .city || kind == .cityRepublican
        case .district: kind == .district || kind == .cityDistrict
        }
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !text.contains(where: \.isWhitespace)
    }
}
