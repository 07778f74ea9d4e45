/// Which faction holds a hearing: the Mazhilis faction hears the Government for the republic,
/// a maslikhat faction hears the akim of its region, city or district.
public enum Faction: String, Sendable, Codable, CaseIterable {
    case mazhilis
    case maslikhat
}

/// Which sections a hearing (and its report) covers.
public enum SectionsChoice: String, Sendable, Codable, CaseIterable {
    case all
    case sociallySensitive = "socially_sensitive"
    case chosen
}

public enum HearingStatus: String, Sendable, Codable, CaseIterable {
    case planned
    case held
}

/// An official to be heard, answering for a territory.
public struct Official: Sendable, Hashable, Codable {
    public let name: String
    public let office: String
    public let territoryID: Territory.ID

    public init(name: String, office: String, territoryID: Territory.ID) {
        self.name = name
        self.office = office
        self.territoryID = territoryID
    }
}

public struct Hearing: Sendable, Hashable, Identifiable {
    public typealias ID = Int64
    public let id: ID
    public let programmeID: Programme.ID
    public let faction: Faction
    public let factionTerritoryID: Territory.ID
    public let heldOn: Day
    public let title: String
    public let territoryID: Territory.ID
    public let depth: Int
    public let sectionsChoice: SectionsChoice
    /// The sections chosen when ``sectionsChoice`` is `chosen`; empty otherwise.
    public let sectionIDs: [Section.ID]
    public let runID: Int64
    public let status: HearingStatus
    public let officials: [Official]

    public init(
        id: ID, programmeID: Programme.ID, faction: Faction, factionTerritoryID: Territory.ID, heldOn: Day, title: String,
        territoryID: Territory.ID, depth: Int, sectionsChoice: SectionsChoice, sectionIDs: [Section.ID], runID: Int64,
        status: HearingStatus, officials: [Official]
    ) {
        self.id = id
        self.programmeID = programmeID
        self.faction = faction
        self.factionTerritoryID = factionTerritoryID
        self.heldOn = heldOn
        self.title = title
        self.territoryID = territoryID
        self.depth = depth
        self.sectionsChoice = sectionsChoice
        self.sectionIDs = sectionIDs
        self.runID = runID
        self.status = status
        self.officials = officials
    }
}

/// The rules a hearing must satisfy whoever creates it (API, command line, demo).
public enum HearingRules {
    public static let maximumDepth = 3

    /// The reason a faction cannot sit for a territory, or nil.
    public static func factionProblem(_ faction: Faction, territory: Territory) -> String? {
        switch (faction, territory.kind) {
        case (.mazhilis, .republic), (.maslikhat, .region), (.maslikhat, .cityRepublican), (.maslikhat, .city), (.maslikhat, .district):
            return nil
        case (.mazhilis, _):
            return "the Mazhilis faction sits for the republic"
        case (.maslikhat, _):
            return "a maslikhat faction sits for a region, city or district"
        }
    }

    /// The hearing's territory must lie within the faction's territory.
    public static func scopeProblem(scope: Territory.ID, factionTerritory: Territory.ID, tree: TerritoryTree) -> String? {
        tree.ancestry(of: scope).contains(factionTerritory) ? nil : "the hearing's territory must be the faction's territory or lie below it"
    }

    /// The territories a report covers: the hearing's territory and `depth` levels below it.
    public static func territoriesInScope(_ territory: Territory.ID, depth: Int, tree: TerritoryTree) -> [Territory.ID] {
        var result: [Territory.ID] = [territory]
        var level: [Territory.ID] = [territory]
        for _ in 0..<max(0, depth) {
            level = level.flatMap { tree.children[$0] ?? [] }.sorted()
            result += level
        }
        return result
    }

    /// The sections a hearing covers, in programme order.
    public static func sections(_ choice: SectionsChoice, chosen: [Section.ID], of all: [Section]) -> [Section] {
        switch choice {
        case .all: all
        case .sociallySensitive: all.filter(\.sociallySensitive)
        case .chosen: all.filter { chosen.contains($0.id) }
        }
    }
}
