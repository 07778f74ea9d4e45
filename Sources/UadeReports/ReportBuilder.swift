import Crypto
import Foundation
import UadeDomain

/// Arranges a run's facts into a hearing report in one language. Pure: the same facts give the
/// same report, byte for byte once rendered.
public enum ReportBuilder {
    /// Questions per official: the worst missed items of their territory, the rest counted.
    public static let questionsPerOfficial = 10

    public static func build(_ facts: ReportFacts, language: Language) -> HearingReport {
        let parts = ReportArrangement(facts, language: language)
        return HearingReport(
            language: language.rawValue, cover: parts.cover(), summary: parts.summary(), sections: parts.sections(), slipping: parts.slipping(),
            scorecards: parts.scorecards(), scorecardFormula: Label.scorecardFormula.text(language),
            overdueMeasures: facts.overdueMeasures.map(parts.measureRow), openResolutions: facts.openResolutions.map(parts.measureRow),
            dataQuality: parts.dataQuality(), questions: parts.questions())
    }

    static func headlineCounts(_ standings: [Standing]) -> [EvaluationStatus: Int] {
        var counts: [EvaluationStatus: Int] = [:]
        for standing in standings { counts[standing.headline, default: 0] += 1 }
        return counts
    }

    static func statusDictionary(_ counts: [EvaluationStatus: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
    }

    /// Targets over the whole term, actuals as known on the as-of date.
    static func trend(_ series: [ReportFacts.Point], asOf: Day) -> [HearingReport.TrendPoint] {
        series.sorted { $0.period < $1.period }.map { HearingReport.TrendPoint(period: $0.period.code, target: $0.target, actual: $0.actual) }
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// SHA-256 over the report's data in a fixed text form: the hearing, the run, the scope and
    /// every item's standing, measure and comparison figure. Languages and formats do not enter it.
    public static func fingerprint(of facts: ReportFacts, standings: [Standing]? = nil) -> String {
        let standings = standings ?? facts.items.map { Standing(series: $0.series) }
        var text = ""
        let h = facts.hearing
        text +=
            "hearing|\(h.id)|\(h.title)|\(h.faction.rawValue)|\(h.heldOn.iso)|\(h.status.rawValue)|\(h.territoryID)|\(h.depth)|\(h.sectionsChoice.rawValue)\n"
        for o in h.officials { text += "official|\(o.name)|\(o.office)|\(o.territoryID)\n" }
        text += "run|\(facts.run.id)|\(facts.run.fingerprint)|\(facts.run.asOf.iso)|\(facts.run.graceDays)\n"
        text += "territories|\(facts.territories.map { String($0.id) }.joined(separator: ","))\n"
        text += "sections|\(facts.sections.map { String($0.id) }.joined(separator: ","))\n"
        if let part = facts.partForSections { text += "part|\(part.map(String.init).joined(separator: ","))\n" }
        func d(_ value: Double?) -> String { value.map { String($0) } ?? "-" }
        for (item, standing) in zip(facts.items, standings) {
            let p = standing.headlinePoint
            text += "item|\(item.indicatorCode)|\(item.territoryID)|\(standing.headline.rawValue)|\(p?.period.code ?? "-")|\(d(p?.target))|"
            text += "\(d(p?.actual))|\(d(p?.gap))|\(item.councilMemberID.map(String.init) ?? "-")|\(item.bureauMemberID.map(String.init) ?? "-")|"
            text += "\(p.flatMap { item.explanations[$0.period] } ?? "")\n"
        }
        for m in facts.overdueMeasures { text += "overdue|\(m.code)|\(m.verdict?.rawValue ?? "-")\n" }
        for m in facts.openResolutions { text += "resolution|\(m.code)|\(m.verdict?.rawValue ?? "-")\n" }
        for r in facts.revisions { text += "revision|\(r.revision.id)|\(r.status.rawValue)|\(d(r.revision.newValue))\n" }
        if let comparison = facts.comparison {
            text += "compared|\(comparison.basis)|"
            text +=
                headlineCounts(comparison.standings).sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ",") + "\n"
        }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
