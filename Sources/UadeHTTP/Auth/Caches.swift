import Foundation
import UadeDomain
import UadeStorage

/// Keeps what every request needs but rarely changes for a few seconds: who a caller is (roles
/// and ownership) and the territory tree. A revoked role or a new territory takes effect within
/// `lifetime`; everything written is still checked against the database by the write itself.
actor ShortLivedCache<Key: Hashable & Sendable, Value: Sendable> {
    private var entries: [Key: (value: Value, expires: ContinuousClock.Instant)] = [:]
    let lifetime: Duration

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    func value(for key: Key, load: @Sendable () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        if let entry = entries[key], entry.expires > now { return entry.value }
        let value = try await load()
        if entries.count > 10_000 { entries.removeAll() }
        entries[key] = (value, now + lifetime)
        return value
    }

    func removeAll() {
        entries.removeAll()
    }
}

/// The caller behind an account, as of a day, cached briefly.
struct CallerDirectory: Sendable {
    struct Key: Hashable, Sendable {
        let accountID: Int64
        let day: Day
    }

    let accounts: AccountRepository
    let cache: ShortLivedCache<Key, Caller?>

    init(accounts: AccountRepository, lifetime: Duration) {
        self.accounts = accounts
        self.cache = ShortLivedCache(lifetime: lifetime)
    }

    func caller(accountID: Int64, on day: Day) async throws -> Caller? {
        let accounts = self.accounts
        return try await cache.value(for: Key(accountID: accountID, day: day)) {
            try await accounts.caller(accountID: accountID, on: day)
        }
    }
}
