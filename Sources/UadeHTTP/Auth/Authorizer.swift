import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

/// Asks the access policy about a request and turns "no" into 401 or 403.
struct Authorizer: PolicySource {
    let territories: TerritoryRepository
    let trees: ShortLivedCache<Int, TerritoryTree>

    init(territories: TerritoryRepository, cacheLifetime: Duration = .seconds(30)) {
        self.territories = territories
        self.trees = ShortLivedCache(lifetime: cacheLifetime)
    }

    func policy() async throws -> AccessPolicy {
        let territories = self.territories
        return AccessPolicy(tree: try await trees.value(for: 0) { try await territories.tree() })
    }

    /// The caller, allowed to do `action` on `resource`; 401 without a caller, 403 when denied.
    @discardableResult
    func require(_ context: AppRequestContext, _ action: Action, _ resource: Resource = .anything, policy: AccessPolicy? = nil) async throws -> Caller
    {
        let caller = try context.requireCaller()
        let policy = if let policy { policy } else { try await self.policy() }
        if case .deny(let reason) = policy.decide(caller, action, resource) {
            throw APIError.forbidden(reason)
        }
        return caller
    }
}
