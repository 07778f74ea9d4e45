/// A problem with one field of a submitted value, for a field-level answer.
public struct FieldProblem: Sendable, Hashable, Codable, Error {
    public let field: String
    /// In English: the API's detail, the log's line.
    public let reason: String
    /// The reason in the three languages, where the pages say it in their own.
    public let words: LocalizedText?

    public init(field: String, reason: String, words: LocalizedText? = nil) {
        self.field = field
        self.reason = reason
        self.words = words
    }

    /// The reason as a page in `language` says it.
    public func reason(in language: Language) -> String {
        words?.value(in: language) ?? reason
    }

    /// A field left empty.
    public static func required(_ field: String) -> FieldProblem {
        FieldProblem(field: field, reason: "is required", words: LocalizedText(kk: "толтыру қажет", ru: "обязательное поле", en: "is required"))
    }
}

/// What makes a reported value acceptable, independent of who sends it and how.
public enum ProgressRules {
    /// No indicator of a national programme counts a trillion of its unit: a bound on every
    /// value whatever its unit says, so that a typo or a hostile figure never reaches a report.
    public static let largestMagnitude = 1e12

    /// The indicator's unit bounds its values: percentages 0–100, counts not negative, every unit
    /// a maximum (schema/0014), and no value beyond ``largestMagnitude``.
    public static func check(value: Double, unit: MeasurementUnit, field: String = "value") -> FieldProblem? {
        guard value.isFinite else {
            return FieldProblem(
                field: field, reason: "must be a finite number",
                words: LocalizedText(kk: "ақырлы сан болуы керек", ru: "нужно конечное число", en: "must be a finite number"))
        }
        guard value.magnitude <= largestMagnitude else {
            return FieldProblem(
                field: field, reason: "must lie between −10^12 and 10^12",
                words: LocalizedText(
                    kk: "−10^12 пен 10^12 аралығында болуы керек", ru: "должно быть от −10^12 до 10^12", en: "must lie between −10^12 and 10^12"))
        }
        let percent = unit.code == "percent"
        if let minimum = unit.minimum, value < minimum {
            let what = percent ? "a percentage" : "a value in \(unit.name.resolved(.en))"
            return FieldProblem(
                field: field, reason: "\(what) cannot be below \(format(minimum))",
                words: LocalizedText(
                    kk: percent
                        ? "пайыз кемінде \(format(minimum)) болуы керек"
                        : "мән (\(unit.name.resolved(.kk))) кемінде \(format(minimum)) болуы керек",
                    ru: percent
                        ? "процент не может быть меньше \(format(minimum))"
                        : "значение (\(unit.name.resolved(.ru))) не может быть меньше \(format(minimum))",
                    en: "\(what) cannot be below \(format(minimum))"))
        }
        if let maximum = unit.maximum, value > maximum {
            let what = percent ? "a percentage" : "a value in \(unit.name.resolved(.en))"
            return FieldProblem(
                field: field, reason: "\(what) cannot be above \(format(maximum))",
                words: LocalizedText(
                    kk: percent
                        ? "пайыз ең көбі \(format(maximum)) болуы керек"
                        : "мән (\(unit.name.resolved(.kk))) ең көбі \(format(maximum)) болуы керек",
                    ru: percent
                        ? "процент не может быть больше \(format(maximum))"
                        : "значение (\(unit.name.resolved(.ru))) не может быть больше \(format(maximum))",
                    en: "\(what) cannot be above \(format(maximum))"))
        }
        return nil
    }

    /// The period must match the indicator's periodicity and lie inside the programme's term.
    public static func check(period: Period, indicator: Indicator, programme: Programme, field: String = "period") -> FieldProblem? {
        guard period.periodicity == indicator.periodicity else {
            let quarterly = indicator.periodicity == .quarterly
            let expected = quarterly ? "a quarter such as 2024-Q3" : "a year such as 2024"
            return FieldProblem(
                field: field, reason: "indicator \(indicator.code) is reported \(indicator.periodicity.rawValue): give \(expected)",
                words: LocalizedText(
                    kk: quarterly
                        ? "көрсеткіш тоқсан сайын беріледі: 2024-Q3 сияқты тоқсанды жазыңыз"
                        : "көрсеткіш жыл сайын беріледі: 2024 сияқты жылды жазыңыз",
                    ru: quarterly
                        ? "показатель представляется поквартально: укажите квартал, например 2024-Q3"
                        : "показатель представляется за год: укажите год, например 2024",
                    en: "indicator \(indicator.code) is reported \(indicator.periodicity.rawValue): give \(expected)"))
        }
        guard programme.covers(period) else {
            return FieldProblem(
                field: field, reason: "\(period.code) lies outside the programme's term \(programme.termStart.iso) – \(programme.termEnd.iso)",
                words: LocalizedText(
                    kk: "\(period.code) бағдарлама мерзімінен тыс (\(programme.termStart.iso) – \(programme.termEnd.iso))",
                    ru: "\(period.code) вне срока программы (\(programme.termStart.iso) – \(programme.termEnd.iso))",
                    en: "\(period.code) lies outside the programme's term \(programme.termStart.iso) – \(programme.termEnd.iso)"))
        }
        return nil
    }

    /// Reads a number as people type it: `12.5`, `12,5`, ` 1 234,5 ` (spaces as thousands).
    public static func parseNumber(_ text: String) -> Double? {
        var cleaned = text.trimmingWhitespace()
        cleaned = String(cleaned.filter { $0 != " " && $0 != "\u{00A0}" && $0 != "\u{202F}" })
        guard !cleaned.isEmpty else { return nil }
        if cleaned.contains(",") {
            guard !cleaned.contains("."), cleaned.filter({ $0 == "," }).count == 1 else { return nil }
            cleaned = cleaned.replacingOccurrences(of: ",", with: ".")
        }
        guard cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E") }),
            let value = Double(cleaned), value.isFinite
        else { return nil }
        return value
    }

    /// Any stored or computed value, also one out of every range, without trapping.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        return value == value.rounded() && value.magnitude < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// Why a status update of a measure is refused.
public enum MeasureRules {
    public static func check(status: MeasureStatus, reason: String?) -> FieldProblem? {
        if status == .cancelled, (reason ?? "").trimmingWhitespace().isEmpty {
            return FieldProblem(field: "reason", reason: "a cancelled measure needs a reason")
        }
        return nil
    }
}

extension ProgressRules {
    /// A value as an operator reads it back in a message.
    public static func display(_ value: Double) -> String { format(value) }
}

/// Which due items a list shows: those still without a value, those with one, or both (nil).
public enum DueStatus: String, Sendable, CaseIterable {
    case missing
    case reported
}

extension ProgressRules {
    /// The periods a due list shows by default: the last quarter that ended and the last year.
    /// Every period that has ended in the last `years` years (a programme's term is five): the
    /// older gaps a coordinator still owes, quarters and years alike.
    public static func termDuePeriods(today: Day, years: Int = 5) -> [Period] {
        let start = Day(year: today.year - years, month: 1, day: 1)!
        let quarters = Period.all(.quarterly, from: start, through: today.adding(days: -1)).filter { $0.end < today }
        let whole = ((today.year - years)..<today.year).compactMap { Period(year: $0) }
        return quarters + whole
    }

    public static func defaultDuePeriods(today: Day) -> [Period] {
        let lastQuarter = Period.all(.quarterly, from: Day(year: today.year - 1, month: 1, day: 1)!, through: today.adding(days: -1)).last
        return [lastQuarter, Period(year: today.year - 1)].compactMap { $0 }
    }
}
