/// What someone wants to do.
public enum Action: String, Sendable, Hashable, CaseIterable {
    /// Territories, programmes, sections, indicators, targets: the plan itself.
    case readCatalogue
    /// Progress values, their history, measures and their statuses.
    case readProgress
    /// Enter or correct a value, update a measure's status.
    case writeProgress
    /// Accounts, roles, API tokens.
    case manageAccounts
    case readAudit
    case runEvaluation
    case readEvaluation
    /// Create and edit hearings, download their reports.
    case prepareHearing
    /// Write a coordinator's explanation on a flag.
    case explainFlag
    /// Load, revise and export the roadmap of a programme whose territory is the resource's, and
    /// the people and ownership in it.
    case manageRoadmap
    /// Approve or refuse a revision that eases a target of the resource's section: the Bureau
    /// member owning the section (and administrators).
    case decideRevision
}

/// The thing an action is about; nil parts mean "not specific".
public struct Resource: Sendable, Hashable {
    public var territoryID: Territory.ID?
    public var sectionID: Section.ID?
    public var indicatorID: Indicator.ID?

    public init(territoryID: Territory.ID? = nil, sectionID: Section.ID? = nil, indicatorID: Indicator.ID? = nil) {
        self.territoryID = territoryID
        self.sectionID = sectionID
        self.indicatorID = indicatorID
    }

    public static let anything = Resource()
}

public enum Decision: Sendable, Equatable {
    case allow
    /// Denied, with the reason shown to the caller.
    case deny(String)

    public var isAllowed: Bool { self == .allow }
}

/// Decides a request from (caller, action, resource). The services and routes ask it; some
/// routes still choose what to list by the caller's roles themselves (`holds`,
/// `isAdministrator`), which is being moved into the services.
public struct AccessPolicy: Sendable {
    public let tree: TerritoryTree

    public init(tree: TerritoryTree) {
        self.tree = tree
    }

    public func decide(_ caller: Caller, _ action: Action, _ resource: Resource = .anything) -> Decision {
        if caller.isAdministrator { return .allow }
        if caller.grants.isEmpty { return .deny("this account holds no role") }
        switch action {
        case .readCatalogue:
            return .allow
        case .manageAccounts, .readAudit, .runEvaluation:
            return .deny("only administrators may do this")
        case .readEvaluation:
            // Runs and their counts are aggregates; their results are narrowed to the caller's scope.
            return .allow
        case .readProgress:
            return readDecision(caller, resource)
        case .writeProgress, .explainFlag:
            return covers(caller, roles: [.coordinator], resource.territoryID)
                ? .allow : .deny("writes are for coordinators of this territory or a territory above it")
        case .prepareHearing:
            return covers(caller, roles: [.factionStaff], resource.territoryID)
                ? .allow : .deny("hearings are prepared by faction staff of this territory or a territory above it")
        case .manageRoadmap:
            return covers(caller, roles: [.programmeOffice], resource.territoryID)
                ? .allow : .deny("roadmaps are loaded by the programme office of this territory or a territory above it")
        case .decideRevision:
            if caller.holds(.bureauMember), let section = resource.sectionID, caller.ownedSections.contains(section) { return .allow }
            return .deny("an eased target is approved by an administrator or the Bureau member owning its section")
        }
    }

    /// Whether one of `roles` is held for `territory` or a territory above it. A nil territory
    /// asks "anywhere at all" (for listings that are then filtered by ``visibleTerritories``).
    func covers(_ caller: Caller, roles: Set<Role>, _ territory: Territory.ID?) -> Bool {
        let scopes = caller.grants.filter { roles.contains($0.role) }.compactMap(\.territoryID)
        guard let territory else { return !scopes.isEmpty }
        let ancestry = tree.ancestry(of: territory)
        return scopes.contains { ancestry.contains($0) }
    }

    private func readDecision(_ caller: Caller, _ resource: Resource) -> Decision {
        if covers(caller, roles: [.coordinator, .factionStaff, .observer], resource.territoryID) { return .allow }
        // A Bureau member reads the sections owned, in every territory.
        if caller.holds(.bureauMember), let section = resource.sectionID, caller.ownedSections.contains(section) { return .allow }
        // A Political Council member reads the indicators owned, in their territory.
        if caller.holds(.councilMember), let indicator = resource.indicatorID, let territory = resource.territoryID,
            caller.ownedIndicators.contains(IndicatorInTerritory(indicatorID: indicator, territoryID: territory))
        {
            return .allow
        }
        return .deny("outside the territories, sections or indicators this account answers for")
    }

    /// How much of a hearing's report a caller may read: faction staff of the faction's territory
    /// (or above) and administrators all of it; a Bureau member the part on the sections owned.
    public enum ReportAccess: Sendable, Equatable {
        case whole
        case sections(Set<Section.ID>)
        case none
    }

    public func reportAccess(_ caller: Caller, factionTerritory: Territory.ID) -> ReportAccess {
        if decide(caller, .prepareHearing, Resource(territoryID: factionTerritory)).isAllowed { return .whole }
        if caller.holds(.bureauMember), !caller.ownedSections.isEmpty { return .sections(caller.ownedSections) }
        return .none
    }

    /// For listings: the sections a caller may read everywhere through Bureau ownership.
    public func readableSections(_ caller: Caller) -> Set<Section.ID> {
        caller.holds(.bureauMember) ? caller.ownedSections : []
    }

    /// The territories whose data the caller may read through a territorial role, as a set;
    /// nil means all of them (administrators).
    public func visibleTerritories(_ caller: Caller, roles: Set<Role> = [.coordinator, .factionStaff, .observer]) -> Set<Territory.ID>? {
        if caller.isAdministrator { return nil }
        var result: Set<Territory.ID> = []
        for grant in caller.grants where roles.contains(grant.role) {
            if let territory = grant.territoryID { result.formUnion(tree.subtree(of: territory)) }
        }
        return result
    }
}
