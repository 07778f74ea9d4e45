import Hummingbird
import UadeDomain

/// A name in the asked language plus all three, so clients can show either.
struct NamesDTO: Codable, Sendable {
    let kk: String?
    let ru: String?
    let en: String?
    init(_ text: LocalizedText) {
        kk = text.kk
        ru = text.ru
        en = text.en
    }
}

struct TerritoryDTO: ResponseCodable, Sendable {
    let id: Int64
    let kato: String?
    let kind: String
    let parentId: Int64?
    let parentKato: String?
    let name: String
    let names: NamesDTO
    let validFrom: String
    let validTo: String?
    var children: [TerritoryDTO]?

    init(_ territory: Territory, tree: TerritoryTree, language: Language, children: [TerritoryDTO]? = nil) {
        id = territory.id
        kato = territory.kato?.value
        kind = territory.kind.rawValue
        parentId = territory.parentID
        parentKato = territory.parentID.flatMap { tree.byID[$0]?.kato?.value }
        name = territory.name.resolved(language)
        names = NamesDTO(territory.name)
        validFrom = territory.validFrom.iso
        validTo = territory.validTo?.iso
        self.children = children
    }
}

struct ListDTO<Item: Codable & Sendable>: ResponseCodable, Sendable {
    let items: [Item]
    let total: Int
    let limit: Int?
    let offset: Int?
}

struct ProgrammeDTO: ResponseCodable, Sendable {
    let id: Int64
    let code: String
    let level: String
    let territoryId: Int64
    let territoryKato: String?
    let name: String
    let names: NamesDTO
    let termStart: String
    let termEnd: String
}

struct SectionDTO: ResponseCodable, Sendable {
    let id: Int64
    let code: String
    let parentCode: String?
    let name: String
    let names: NamesDTO
    let sociallySensitive: Bool
    let position: Int
}

struct IndicatorDTO: ResponseCodable, Sendable {
    let id: Int64
    let code: String
    let sectionCode: String
    let name: String
    let names: NamesDTO
    let unit: String
    let unitName: String
    let direction: String
    let aggregation: String
    let accumulation: String
    let periodicity: String
}

struct TargetDTO: ResponseCodable, Sendable {
    let indicatorCode: String
    let territoryId: Int64
    let territoryKato: String?
    let territoryName: String
    let period: String
    let periodStart: String
    let periodEnd: String
    let target: Double
}

struct HealthDTO: ResponseCodable, Sendable {
    let status: String
    let database: String
}
