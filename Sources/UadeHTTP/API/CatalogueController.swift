import Foundation
import Hummingbird
import Logging
import UadeDomain
import UadeServices
import UadeStorage

/// Read-only JSON over territories and the roadmaps: programmes, sections, indicators, targets.
struct CatalogueController<Context: RequestContext>: Sendable {
    let territories: TerritoryRepository
    let programmes: ProgrammeRepository
    let codes: KnownCodes

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("territories", use: listTerritories)
        group.get("territories/tree", use: territoryTree)
        group.get("territories/:ref", use: territory)
        group.get("programmes", use: listProgrammes)
        group.get("programmes/:code", use: programme)
        group.get("programmes/:code/sections", use: sections)
        group.get("indicators", use: listIndicators)
        group.get("indicators/:code", use: indicator)
        group.get("indicators/:code/targets", use: indicatorTargets)
        group.get("targets", use: listTargets)
    }

    // MARK: Territories

    @Sendable func listTerritories(_ request: Request, context: Context) async throws -> ListDTO<TerritoryDTO> {
        let query = QueryParameters(request: request)
        let language = try query.language()
        var kind: TerritoryKind?
        if let text = query.string("kind") {
            guard let value = TerritoryKind(rawValue: text) else {
                throw APIError.invalidParameter("query.kind", "must be one of \(TerritoryKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = value
        }
        let tree = try await territories.tree()
        var parentID: Territory.ID?
        if let parent = query.string("parent") {
            parentID = try Self.resolve(parent, in: tree, field: "query.parent").id
        }
        let items = try await territories.all()
            .filter { kind == nil || $0.kind == kind }
            .filter { parentID == nil || $0.parentID == parentID }
            .map { TerritoryDTO($0, tree: tree, language: language) }
        return ListDTO(items: items, total: items.count, limit: nil, offset: nil)
    }

    @Sendable func territoryTree(_ request: Request, context: Context) async throws -> ListDTO<TerritoryDTO> {
        let language = try QueryParameters(request: request).language()
        let tree = try await territories.tree()
        func node(_ territory: Territory) -> TerritoryDTO {
            let kids = (tree.children[territory.id] ?? []).compactMap { tree.byID[$0] }.map(node)
            return TerritoryDTO(territory, tree: tree, language: language, children: kids)
        }
        let roots = tree.roots.map(node)
        return ListDTO(items: roots, total: tree.byID.count, limit: nil, offset: nil)
    }

    @Sendable func territory(_ request: Request, context: Context) async throws -> TerritoryDTO {
        let language = try QueryParameters(request: request).language()
        let tree = try await territories.tree()
        let ref = context.parameters.get("ref") ?? ""
        let found = try Self.resolve(ref, in: tree, field: "path.ref", notFoundIsNotFound: true)
        let kids = (tree.children[found.id] ?? []).compactMap { tree.byID[$0] }.map { TerritoryDTO($0, tree: tree, language: language) }
        return TerritoryDTO(found, tree: tree, language: language, children: kids)
    }

    /// A territory named by KATO code (nine digits) or id.
    static func resolve(_ ref: String, in tree: TerritoryTree, field: String, notFoundIsNotFound: Bool = false) throws -> Territory {
        guard KATOCode(ref) != nil || Int64(ref) != nil else {
            throw APIError.invalidParameter(field, "must be a nine-digit KATO code or a territory id, not '\(ref)'")
        }
        guard let found = tree.find(ref) else {
            if notFoundIsNotFound { throw APIError.notFound("no territory \(ref)") }
            throw APIError(
                .unprocessableContent, kind: .unknownTerritory, detail: "no territory \(ref)",
                fields: [.init(field: field, reason: "no territory with this KATO code or id")])
        }
        return found
    }

    // MARK: Programmes and sections

    func programmeDTO(_ programme: Programme, tree: TerritoryTree, language: Language) -> ProgrammeDTO {
        ProgrammeDTO(
            id: programme.id, code: programme.code, level: programme.level.rawValue, territoryId: programme.territoryID,
            territoryKato: tree.byID[programme.territoryID]?.kato?.value, name: programme.name.resolved(language),
            names: NamesDTO(programme.name), termStart: programme.termStart.iso, termEnd: programme.termEnd.iso
        )
    }

    @Sendable func listProgrammes(_ request: Request, context: Context) async throws -> ListDTO<ProgrammeDTO> {
        let language = try QueryParameters(request: request).language()
        let tree = try await territories.tree()
        let items = try await programmes.programmes().map { programmeDTO($0, tree: tree, language: language) }
        return ListDTO(items: items, total: items.count, limit: nil, offset: nil)
    }

    func findProgramme(_ context: Context) async throws -> Programme {
        let code = context.parameters.get("code") ?? ""
        guard let programme = try await programmes.programme(code: code) else { throw APIError.notFound("no programme \(code)") }
        return programme
    }

    @Sendable func programme(_ request: Request, context: Context) async throws -> ProgrammeDTO {
        let language = try QueryParameters(request: request).language()
        return programmeDTO(try await findProgramme(context), tree: try await territories.tree(), language: language)
    }

    @Sendable func sections(_ request: Request, context: Context) async throws -> ListDTO<SectionDTO> {
        let language = try QueryParameters(request: request).language()
        let programme = try await findProgramme(context)
        let all = try await programmes.sections(programmeID: programme.id)
        let codes = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.code) })
        let items = all.map {
            SectionDTO(
                id: $0.id, code: $0.code, parentCode: $0.parentID.flatMap { codes[$0] }, name: $0.name.resolved(language),
                names: NamesDTO($0.name), sociallySensitive: $0.sociallySensitive, position: $0.position)
        }
        return ListDTO(items: items, total: items.count, limit: nil, offset: nil)
    }

    // MARK: Indicators and targets

    func indicatorDTO(_ indicator: Indicator, sectionCode: String, units: [String: MeasurementUnit], language: Language) -> IndicatorDTO {
        IndicatorDTO(
            id: indicator.id, code: indicator.code, sectionCode: sectionCode, name: indicator.name.resolved(language),
            names: NamesDTO(indicator.name), unit: indicator.unit, unitName: units[indicator.unit]?.name.resolved(language) ?? indicator.unit,
            direction: indicator.direction.rawValue, aggregation: indicator.aggregation.rawValue,
            accumulation: indicator.accumulation.rawValue, periodicity: indicator.periodicity.rawValue
        )
    }

    func unitsByCode() async throws -> [String: MeasurementUnit] {
        Dictionary(uniqueKeysWithValues: try await programmes.units().map { ($0.code, $0) })
    }

    @Sendable func listIndicators(_ request: Request, context: Context) async throws -> ListDTO<IndicatorDTO> {
        let query = QueryParameters(request: request)
        let language = try query.language()
        let page = try query.page()
        var filter = ProgrammeRepository.IndicatorFilter(sectionCode: try await codes.section(query))
        if let code = query.string("programme") {
            guard let programme = try await programmes.programme(code: code) else {
                throw APIError(
                    .unprocessableContent, kind: .unknownProgramme, detail: "no programme \(code)",
                    fields: [.init(field: "query.programme", reason: "no programme with this code")])
            }
            filter.programmeID = programme.id
        }
        let units = try await unitsByCode()
        let (items, total) = try await programmes.indicators(filter, page: page)
        return ListDTO(
            items: items.map { indicatorDTO($0.0, sectionCode: $0.sectionCode, units: units, language: language) },
            total: total, limit: page.limit, offset: page.offset)
    }

    @Sendable func indicator(_ request: Request, context: Context) async throws -> IndicatorDTO {
        let language = try QueryParameters(request: request).language()
        let code = context.parameters.get("code") ?? ""
        guard let found = try await programmes.indicator(code: code) else { throw APIError.notFound("no indicator \(code)") }
        return indicatorDTO(found.0, sectionCode: found.sectionCode, units: try await unitsByCode(), language: language)
    }

    @Sendable func indicatorTargets(_ request: Request, context: Context) async throws -> ListDTO<TargetDTO> {
        let code = context.parameters.get("code") ?? ""
        guard let found = try await programmes.indicator(code: code) else { throw APIError.notFound("no indicator \(code)") }
        return try await targets(request, filter: .init(indicatorID: found.0.id))
    }

    @Sendable func listTargets(_ request: Request, context: Context) async throws -> ListDTO<TargetDTO> {
        var filter = ProgrammeRepository.TargetFilter()
        let query = QueryParameters(request: request)
        if let code = query.string("indicator") {
            guard let found = try await programmes.indicator(code: code) else {
                throw APIError(
                    .unprocessableContent, kind: .unknownIndicator, detail: "no indicator \(code)",
                    fields: [.init(field: "query.indicator", reason: "no indicator with this code")])
            }
            filter.indicatorID = found.0.id
        }
        if let code = query.string("programme") {
            guard let programme = try await programmes.programme(code: code) else {
                throw APIError(
                    .unprocessableContent, kind: .unknownProgramme, detail: "no programme \(code)",
                    fields: [.init(field: "query.programme", reason: "no programme with this code")])
            }
            filter.programmeID = programme.id
        }
        return try await targets(request, filter: filter)
    }

    func targets(_ request: Request, filter base: ProgrammeRepository.TargetFilter) async throws -> ListDTO<TargetDTO> {
        let query = QueryParameters(request: request)
        let language = try query.language()
        let page = try query.page()
        let tree = try await territories.tree()
        var filter = base
        if let ref = query.string("territory") {
            filter.territoryID = try Self.resolve(ref, in: tree, field: "query.territory").id
        }
        filter.period = try query.period("period")
        let (rows, total) = try await programmes.targets(filter, page: page)
        let items = rows.map { row in
            let territory = tree.byID[row.territoryID]
            return TargetDTO(
                indicatorCode: row.indicatorCode, territoryId: row.territoryID, territoryKato: territory?.kato?.value,
                territoryName: territory?.name.resolved(language) ?? "", period: row.period.code,
                periodStart: row.period.start.iso, periodEnd: row.period.end.iso, target: row.target
            )
        }
        return ListDTO(items: items, total: total, limit: page.limit, offset: page.offset)
    }
}
