/// One sentence, with its numbers, saying why a target stands where it does — in Kazakh,
/// Russian or English. Rendered from the stored result, so every language says the same thing.
public enum Explanation {
    public struct Facts: Sendable {
        public let status: EvaluationStatus
        public let period: Period
        public let target: Double
        public let actual: Double?
        public let projected: Double?
        public let gap: Double?
        public let gapPercent: Double?
        public let unit: String
        public let graceDays: Int

        public init(
            status: EvaluationStatus, period: Period, target: Double, actual: Double?, projected: Double?, gap: Double?,
            gapPercent: Double?, unit: String, graceDays: Int
        ) {
            self.status = status
            self.period = period
            self.target = target
            self.actual = actual
            self.projected = projected
            self.gap = gap
            self.gapPercent = gapPercent
            self.unit = unit
            self.graceDays = graceDays
        }
    }

    /// nil for achieved targets: they need no explanation.
    public static func sentence(_ facts: Facts, in language: Language) -> String? {
        let n = { (value: Double) in NumberFormat.format(value, language) }
        let unit = facts.unit
        let p = facts.period.code
        let share = facts.projected.flatMap { projected in facts.target == 0 ? nil : n(projected / facts.target * 100) }
        // A number with its unit in the form the number needs: «341 семья», «3 единицы».
        let q = { (value: Double) in UnitWords.quantity(value, unit, language) }
        let gapText = facts.gap.map(q) ?? ""
        let percentText = facts.gapPercent.map { " (\(n($0))%)" } ?? ""
        switch (facts.status, language) {
        case (.achieved, _):
            return nil
        case (.missed, .en):
            return "Missed: \(n(facts.actual ?? 0)) against a target of \(q(facts.target)) for \(p), short by \(gapText)\(percentText)."
        case (.missed, .ru):
            return "Не достигнуто: \(n(facts.actual ?? 0)) при цели \(q(facts.target)) за \(p), отставание \(gapText)\(percentText)."
        case (.missed, .kk):
            return
                "Қол жеткізілмеді: \(p) бойынша \(q(facts.target)) мақсатқа қарсы \(n(facts.actual ?? 0)), артта қалу \(gapText)\(percentText)."
        case (.notReported, .en):
            return "No value was reported for \(p): due \(facts.period.end.iso), \(facts.graceDays) days' grace have passed."
        case (.notReported, .ru):
            return "Значение за \(p) не представлено: срок \(facts.period.end.iso), \(facts.graceDays) дней отсрочки истекли."
        case (.notReported, .kk):
            return "\(p) бойынша мән ұсынылмады: мерзімі \(facts.period.end.iso), \(facts.graceDays) күн кейінге қалдыру өтті."
        case (.atRisk, .en):
            if let share {
                return "At the current pace \(share)% of the \(p) target will be reached (\(n(facts.projected!)) of \(q(facts.target)))."
            }
            return "At risk: the last checkpoint before \(p) was missed and there is too little data to project."
        case (.atRisk, .ru):
            if let share {
                return
                    "При текущем темпе цель за \(p) будет достигнута на \(share)% (\(n(facts.projected!)) из \(n(facts.target)) \(UnitWords.genitive(facts.target, unit, language)))."
            }
            return "В зоне риска: предыдущая контрольная точка перед \(p) не достигнута, данных для прогноза мало."
        case (.atRisk, .kk):
            if let share {
                return "Қазіргі қарқынмен \(p) мақсатының \(share)%-ы орындалады (\(q(facts.target)) ішінен \(n(facts.projected!)))."
            }
            return "Тәуекел аймағында: \(p) алдындағы бақылау нүктесі орындалмады, болжам үшін деректер аз."
        case (.onTrack, .en):
            return "On track: projected \(n(facts.projected ?? 0)) against a target of \(q(facts.target)) for \(p)."
        case (.onTrack, .ru):
            return "В графике: прогноз \(n(facts.projected ?? 0)) при цели \(q(facts.target)) за \(p)."
        case (.onTrack, .kk):
            return "Кестеге сай: \(p) бойынша \(q(facts.target)) мақсатқа болжам \(n(facts.projected ?? 0))."
        case (.notDue, .en):
            return "Not yet due (\(p) ends \(facts.period.end.iso)) and no values to project from."
        case (.notDue, .ru):
            return "Срок ещё не наступил (\(p) заканчивается \(facts.period.end.iso)), данных для прогноза нет."
        case (.notDue, .kk):
            return "Мерзімі әлі келген жоқ (\(p) \(facts.period.end.iso) аяқталады), болжамға деректер жоқ."
        }
    }
}

/// Numbers as each language writes them: a decimal comma and a narrow space between thousands
/// in Kazakh and Russian, a point and a comma in English; at most one decimal place.
public enum NumberFormat {
    public static func format(_ value: Double, _ language: Language) -> String {
        guard value.isFinite else { return "—" }
        let rounded = (value * 10).rounded() / 10
        // Past 15 digits a Double has no exact whole part to group; such a figure is out of every
        // unit's range, and the page still has to show it rather than trap.
        guard rounded.magnitude < 1e15 else { return (value < 0 ? "−" : "") + String(value.magnitude) }
        let negative = rounded < 0
        let magnitude = abs(rounded)
        let whole = Int64(magnitude)
        let tenth = Int64(((magnitude - Double(whole)) * 10).rounded())
        let digits = String(whole)
        var grouped = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped += language == .en ? "," : "\u{202F}" }
            grouped.append(c)
        }
        let decimal = tenth == 0 ? "" : (language == .en ? "." : ",") + String(tenth)
        return (negative ? "−" : "") + grouped + decimal
    }

    /// Reads a number as people type it in any of the languages: a decimal comma or point,
    /// spaces (also narrow and non-breaking) or apostrophes between thousands, a Unicode minus.
    /// Nil for anything else, so that "12,5,3" or "1e400" is refused rather than guessed.
    public static func parse(_ text: String) -> Double? {
        var cleaned = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", "\t", "\n", "\r", "\u{00A0}", "\u{202F}", "\u{2009}", "'": continue
            case ",": cleaned.append(".")
            case "−", "–": cleaned.append("-")
            default: cleaned.unicodeScalars.append(scalar)
            }
        }
        guard !cleaned.isEmpty, cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
            cleaned.filter({ $0 == "." }).count <= 1, cleaned.lastIndex(of: "-").map({ $0 == cleaned.startIndex }) ?? true,
            let value = Double(cleaned), value.isFinite
        else { return nil }
        return value
    }
}
