import Testing
import UadeDomain

@Suite("Access policy")
struct AccessPolicyTests {
    // 1 republic ─ 2 region ─ 3 district
    //            └ 4 region ─ 5 district
    let tree = TerritoryTree(
        ([1, 2, 3, 4, 5] as [Int64]).map { id -> Territory in
            let parent: Int64? =
                switch id {
                case 1: nil
                case 2, 4: 1
                case 3: 2
                default: 4
                }
            let kind: TerritoryKind = id == 1 ? .republic : (id == 2 || id == 4 ? .region : .district)
            return Territory(
                id: id, kato: nil, kind: kind, parentID: parent, name: .init(kk: "t", ru: "t", en: nil),
                validFrom: Day(iso: "2000-01-01")!, validTo: nil)
        })

    func caller(_ grants: [RoleGrant], sections: Set<Int64> = [], pairs: Set<IndicatorInTerritory> = []) -> Caller {
        Caller(accountID: 1, username: "u", personID: 1, grants: grants, ownedSections: sections, ownedIndicators: pairs)
    }

    @Test(
        "decisions",
        arguments: [
            // (role, scope, action, territory, section, indicator, allowed)
            (Role.coordinator, Int64(2), Action.writeProgress, Int64(3), Int64?.none, Int64?.none, true),  // below own territory
            (.coordinator, 2, .writeProgress, 2, nil, nil, true),
            (.coordinator, 2, .writeProgress, 5, nil, nil, false),  // another region's district
            (.coordinator, 3, .writeProgress, 2, nil, nil, false),  // the region above a district coordinator
            (.coordinator, 2, .readProgress, 3, nil, nil, true),
            (.coordinator, 2, .manageAccounts, nil, nil, nil, false),
            (.factionStaff, 1, .readProgress, 5, nil, nil, true),
            (.factionStaff, 2, .prepareHearing, 3, nil, nil, true),
            (.factionStaff, 2, .prepareHearing, 4, nil, nil, false),
            (.factionStaff, 1, .writeProgress, 3, nil, nil, false),
            (.observer, 4, .readProgress, 5, nil, nil, true),
            (.observer, 4, .readProgress, 3, nil, nil, false),
            (.observer, 4, .writeProgress, 5, nil, nil, false),
            (.programmeOffice, 2, .manageRoadmap, 2, nil, nil, true),
            (.programmeOffice, 2, .manageRoadmap, 3, nil, nil, true),  // a district of its region
            (.programmeOffice, 2, .manageRoadmap, 1, nil, nil, false),  // the republic's roadmap
            (.programmeOffice, 2, .manageRoadmap, 5, nil, nil, false),  // another region's district
            (.programmeOffice, 1, .writeProgress, 3, nil, nil, false),
            (.programmeOffice, 1, .readProgress, 3, nil, nil, false),
            (.coordinator, 1, .manageRoadmap, 3, nil, nil, false),
            (.factionStaff, 1, .manageRoadmap, 3, nil, nil, false),
            (.administrator, nil, .manageRoadmap, 1, nil, nil, true),
            (.administrator, nil, .manageAccounts, nil, nil, nil, true),
            (.administrator, nil, .writeProgress, 5, nil, nil, true),
        ] as [(Role, Int64?, Action, Int64?, Int64?, Int64?, Bool)])
    func decisions(_ role: Role, _ scope: Int64?, _ action: Action, _ territory: Int64?, _ section: Int64?, _ indicator: Int64?, _ allowed: Bool) {
        let policy = AccessPolicy(tree: tree)
        let decision = policy.decide(
            caller([RoleGrant(role: role, territoryID: scope)]), action,
            Resource(territoryID: territory, sectionID: section, indicatorID: indicator))
        #expect(decision.isAllowed == allowed)
    }

    @Test func ownersReadWhatTheyOwn() {
        let policy = AccessPolicy(tree: tree)
        let bureau = caller([RoleGrant(role: .bureauMember, territoryID: nil)], sections: [10])
        #expect(policy.decide(bureau, .readProgress, Resource(territoryID: 5, sectionID: 10, indicatorID: 100)).isAllowed)
        #expect(!policy.decide(bureau, .readProgress, Resource(territoryID: 5, sectionID: 11, indicatorID: 101)).isAllowed)
        #expect(!policy.decide(bureau, .readProgress, Resource(territoryID: 5)).isAllowed, "a territory as such is not a section")
        #expect(!policy.decide(bureau, .writeProgress, Resource(territoryID: 5, sectionID: 10)).isAllowed)
        #expect(policy.readableSections(bureau) == [10])
        #expect(policy.decide(bureau, .decideRevision, Resource(territoryID: 5, sectionID: 10)).isAllowed)
        #expect(!policy.decide(bureau, .decideRevision, Resource(territoryID: 5, sectionID: 11)).isAllowed, "another member's section")
        let office = caller([RoleGrant(role: .programmeOffice, territoryID: 1)], sections: [10])
        #expect(!policy.decide(office, .decideRevision, Resource(territoryID: 5, sectionID: 10)).isAllowed, "a revision's proposer side")

        let council = caller([RoleGrant(role: .councilMember, territoryID: 2)], pairs: [IndicatorInTerritory(indicatorID: 100, territoryID: 2)])
        #expect(policy.decide(council, .readProgress, Resource(territoryID: 2, sectionID: 10, indicatorID: 100)).isAllowed)
        #expect(!policy.decide(council, .readProgress, Resource(territoryID: 3, sectionID: 10, indicatorID: 100)).isAllowed)
        #expect(!policy.decide(council, .readProgress, Resource(territoryID: 2, sectionID: 10, indicatorID: 101)).isAllowed)
        #expect(!policy.decide(council, .readProgress, Resource(territoryID: 2, sectionID: 10)).isAllowed)
    }

    @Test func noRoleNoAccessAndVisibleTerritories() {
        let policy = AccessPolicy(tree: tree)
        #expect(!policy.decide(caller([]), .readCatalogue).isAllowed)
        #expect(policy.decide(caller([RoleGrant(role: .observer, territoryID: 4)]), .readCatalogue).isAllowed)
        #expect(
            policy.visibleTerritories(caller([RoleGrant(role: .coordinator, territoryID: 2), RoleGrant(role: .observer, territoryID: 5)])) == [
                2, 3, 5,
            ])
        #expect(policy.visibleTerritories(caller([RoleGrant(role: .administrator, territoryID: nil)])) == nil)
        #expect(policy.visibleTerritories(caller([RoleGrant(role: .coordinator, territoryID: 2)]), roles: [.factionStaff]) == [])
    }
}
