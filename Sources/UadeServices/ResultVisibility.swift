import UadeDomain
import UadeStorage

/// Which evaluation results and flags a caller reads: the territories of a territorial role,
/// a Bureau member's sections everywhere, or a Political Council member's own indicators.
/// The API's results and flags, the heatmap and the flag pages all ask here.
public enum ResultVisibility {
    /// - Parameter subtree: a territory the caller chose, with everything below it; nil for all.
    /// - Throws: ``ServiceFailure`` `.forbidden` for a territory outside what the caller reads,
    ///   or a caller who reads no results.
    public static func filter(for caller: Caller, policy: AccessPolicy, within subtree: Set<Territory.ID>?) throws(ServiceFailure) -> ResultFilter {
        var filter = ResultFilter()
        guard let territorial = policy.visibleTerritories(caller) else {
            filter.territories = subtree.map { Array($0) }
            return filter
        }
        // A territory named outside what the caller may read is refused, as on every other
        // route, rather than answered with an empty list.
        let outside = ServiceFailure.forbidden("query.territory: outside the territories this account may read")
        if !territorial.isEmpty {
            let visible = subtree.map { $0.intersection(territorial) } ?? territorial
            if visible.isEmpty { throw outside }
            filter.territories = Array(visible)
            return filter
        }
        if !policy.readableSections(caller).isEmpty {
            filter.sections = Array(policy.readableSections(caller))
            filter.territories = subtree.map { Array($0) }
            return filter
        }
        if caller.holds(.councilMember) && !caller.ownedIndicators.isEmpty {
            filter.pairs = Array(caller.ownedIndicators.filter { subtree?.contains($0.territoryID) ?? true })
            if filter.pairs?.isEmpty == true { throw outside }
            return filter
        }
        throw ServiceFailure.forbidden("outside the territories, sections or indicators this account answers for")
    }
}
