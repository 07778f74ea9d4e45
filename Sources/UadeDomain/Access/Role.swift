/// What an account may do, each with its scope.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Loads programmes, territories, people and assignments; reads and changes everything.
    case administrator
    /// Enters progress for a territory and everything below it.
    case coordinator
    /// A member of the Bureau: reads the sections they own, in every territory.
    case bureauMember = "bureau_member"
    /// A member of a Political Council: reads the indicators they own in their territory.
    case councilMember = "council_member"
    /// Faction staff: read everything in a territory's subtree and prepare hearings there.
    case factionStaff = "faction_staff"
    /// Reads everything in a territory's subtree and changes nothing.
    case observer
    /// The programme office: loads and revises the roadmaps of a territory and the territories
    /// below it (a regional branch: its region's and its districts' roadmaps).
    case programmeOffice = "programme_office"

    /// Whether a grant of this role must name a territory.
    public var needsTerritory: Bool {
        switch self {
        case .administrator, .bureauMember: false
        case .coordinator, .councilMember, .factionStaff, .observer, .programmeOffice: true
        }
    }
}

/// One role held by an account, with its territory scope when the role has one.
public struct RoleGrant: Sendable, Hashable, Codable {
    public let role: Role
    public let territoryID: Territory.ID?

    public init(role: Role, territoryID: Territory.ID?) {
        self.role = role
        self.territoryID = territoryID
    }
}

/// An indicator in one territory: the unit of Political Council ownership.
public struct IndicatorInTerritory: Sendable, Hashable, Codable {
    public let indicatorID: Indicator.ID
    public let territoryID: Territory.ID

    public init(indicatorID: Indicator.ID, territoryID: Territory.ID) {
        self.indicatorID = indicatorID
        self.territoryID = territoryID
    }
}

/// Who is asking: the account, its roles, and what its person owns today.
public struct Caller: Sendable, Hashable {
    public let accountID: Int64
    public let username: String
    public let personID: Int64?
    public let grants: [RoleGrant]
    public let ownedSections: Set<Section.ID>
    public let ownedIndicators: Set<IndicatorInTerritory>

    public init(
        accountID: Int64, username: String, personID: Int64?, grants: [RoleGrant],
        ownedSections: Set<Section.ID> = [], ownedIndicators: Set<IndicatorInTerritory> = []
    ) {
        self.accountID = accountID
        self.username = username
        self.personID = personID
        self.grants = grants
        self.ownedSections = ownedSections
        self.ownedIndicators = ownedIndicators
    }

    public func holds(_ role: Role) -> Bool { grants.contains { $0.role == role } }

    public var isAdministrator: Bool { holds(.administrator) }

    public func territories(for role: Role) -> [Territory.ID] {
        grants.filter { $0.role == role }.compactMap(\.territoryID)
    }
}
