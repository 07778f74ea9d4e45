import Foundation
import UadeDomain
import UadeStorage

/// The demo's fixed content, read from the tab-separated files in `Resources/demo`.
struct DemoCatalogue: Sendable {
    struct TerritoryRow: Sendable {
        let kato: String?
        let parentKATO: String?
        let kind: TerritoryKind
        let name: LocalizedText
    }

    struct SectionRow: Sendable {
        let code: String
        let position: Int
        let sociallySensitive: Bool
        let name: LocalizedText
    }

    struct IndicatorRow: Sendable {
        let code: String
        let section: String
        let unit: String
        let direction: Direction
        let aggregation: Aggregation
        let accumulation: Accumulation
        let periodicity: Periodicity
        /// Level indicators: the value at the start of the term for a typical region.
        let base: Double
        /// Level indicators: the value to reach by the end; cumulative ones: the term's total.
        let goal: Double
        let name: LocalizedText
    }

    let territories: [TerritoryRow]
    let sections: [SectionRow]
    let indicators: [IndicatorRow]

    enum Failure: Error, CustomStringConvertible {
        case resourceMissing(String)
        case badRow(file: String, line: Int)
        var description: String {
            switch self {
            case .resourceMissing(let name): "demo resource \(name) is missing from the build"
            case .badRow(let file, let line): "demo resource \(file) has a bad row at line \(line)"
            }
        }
    }

    static func load() throws -> DemoCatalogue {
        func rows(_ name: String, _ ext: String, separator: Character) throws -> [[String]] {
            guard
                let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources/demo")
                    ?? Bundle.module.url(forResource: name, withExtension: ext)
            else { throw Failure.resourceMissing("\(name).\(ext)") }
            let text = try String(contentsOf: url, encoding: .utf8)
            return text.split(separator: "\n").dropFirst().map { line in
                line.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            }
        }
        let territories = try rows("kz-territories", "csv", separator: ",").enumerated().map { index, f in
            guard f.count == 6, let kind = TerritoryKind(rawValue: f[2]) else { throw Failure.badRow(file: "kz-territories.csv", line: index + 2) }
            return TerritoryRow(
                kato: f[0].isEmpty ? nil : f[0], parentKATO: f[1].isEmpty ? nil : f[1], kind: kind,
                name: LocalizedText(kk: f[3], ru: f[4], en: f[5]))
        }
        let sections = try rows("sections", "tsv", separator: "\t").enumerated().map { index, f in
            guard f.count == 6, let position = Int(f[1]) else { throw Failure.badRow(file: "sections.tsv", line: index + 2) }
            return SectionRow(code: f[0], position: position, sociallySensitive: f[2] == "true", name: LocalizedText(kk: f[3], ru: f[4], en: f[5]))
        }
        let indicators = try rows("indicators", "tsv", separator: "\t").enumerated().map { index, f in
            guard f.count == 12, let direction = Direction(rawValue: f[3]), let aggregation = Aggregation(rawValue: f[4]),
                let accumulation = Accumulation(rawValue: f[5]), let periodicity = Periodicity(rawValue: f[6]),
                let base = Double(f[7]), let goal = Double(f[8])
            else { throw Failure.badRow(file: "indicators.tsv", line: index + 2) }
            return IndicatorRow(
                code: f[0], section: f[1], unit: f[2], direction: direction, aggregation: aggregation,
                accumulation: accumulation, periodicity: periodicity, base: base, goal: goal,
                name: LocalizedText(kk: f[9], ru: f[10], en: f[11]))
        }
        return DemoCatalogue(territories: territories, sections: sections, indicators: indicators)
    }
}

/// Kazakh names for the demo's people, in Kazakh, Russian and English spelling.
enum DemoNames {
    static let maleFirst: [(String, String, String)] = [
        ("Ерлан", "Ерлан", "Yerlan"), ("Асқар", "Аскар", "Askar"), ("Нұрлан", "Нурлан", "Nurlan"),
        ("Дәурен", "Даурен", "Dauren"), ("Бауыржан", "Бауыржан", "Bauyrzhan"), ("Серік", "Серик", "Serik"),
        ("Қайрат", "Кайрат", "Kairat"), ("Марат", "Марат", "Marat"), ("Ғалым", "Галым", "Galym"),
        ("Жандос", "Жандос", "Zhandos"), ("Тимур", "Тимур", "Timur"), ("Ержан", "Ержан", "Yerzhan"),
        ("Мұхтар", "Мухтар", "Mukhtar"), ("Бекзат", "Бекзат", "Bekzat"), ("Арман", "Арман", "Arman"),
    ]
    static let femaleFirst: [(String, String, String)] = [
        ("Әйгерім", "Айгерим", "Aigerim"), ("Гүлнар", "Гульнар", "Gulnar"), ("Мәдина", "Мадина", "Madina"),
        ("Жанар", "Жанар", "Zhanar"), ("Сәуле", "Сауле", "Saule"), ("Дана", "Дана", "Dana"),
        ("Ақмарал", "Акмарал", "Akmaral"), ("Динара", "Динара", "Dinara"), ("Гүлмира", "Гульмира", "Gulmira"),
        ("Айнұр", "Айнур", "Ainur"), ("Ләззат", "Ляззат", "Lyazzat"), ("Салтанат", "Салтанат", "Saltanat"),
    ]
    /// Surnames in their masculine form; the feminine adds "а".
    static let surnames: [(String, String, String)] = [
        ("Әбдірахманов", "Абдрахманов", "Abdrakhmanov"), ("Жұмабаев", "Жумабаев", "Zhumabayev"),
        ("Сейітқали", "Сейткали", "Seitkali"), ("Омаров", "Омаров", "Omarov"), ("Нұрғалиев", "Нургалиев", "Nurgaliyev"),
        ("Тоқаев", "Токаев", "Tokayev"), ("Бекмұхамбетов", "Бекмухамбетов", "Bekmukhambetov"),
        ("Құдайбергенов", "Кудайбергенов", "Kudaibergenov"), ("Сәрсенбаев", "Сарсенбаев", "Sarsenbayev"),
        ("Есенов", "Есенов", "Yessenov"), ("Қасымов", "Касымов", "Kassymov"), ("Мұратов", "Муратов", "Muratov"),
        ("Ахметов", "Ахметов", "Akhmetov"), ("Ибраев", "Ибраев", "Ibrayev"), ("Төлеуов", "Толеуов", "Toleuov"),
        ("Шәкенов", "Шакенов", "Shakenov"), ("Байжанов", "Байжанов", "Baizhanov"),
    ]

    /// The n-th name of a deterministic sequence.
    static func name(_ n: Int) -> LocalizedText {
        let female = n % 2 == 1
        let firsts = female ? femaleFirst : maleFirst
        let first = firsts[(n / 2) % firsts.count]
        let last = surnames[(n * 7 + n / 3) % surnames.count]
        let suffix = female ? "а" : ""
        let suffixEn = female ? "a" : ""
        return LocalizedText(
            kk: "\(first.0) \(last.0)\(last.0.hasSuffix("ов") || last.0.hasSuffix("ев") ? suffix : "")",
            ru: "\(first.1) \(last.1)\(last.1.hasSuffix("ов") || last.1.hasSuffix("ев") ? suffix : "")",
            en: "\(first.2) \(last.2)\(last.2.hasSuffix("ov") || last.2.hasSuffix("ev") ? suffixEn : "")"
        )
    }
}
