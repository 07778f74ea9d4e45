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

    /// The cached value, or `load`'s, kept for `lifetime` when `keep` says so.
    func value(for key: Key, keep: @Sendable (Value) -> Bool = { _ in true }, load: @Sendable () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        if let entry = entries[key], entry.expires > now { return entry.value }
        let value = try await load()
        guard keep(value) else { return value }
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

/// The account behind an API token, cached briefly: an integration's every request would
/// otherwise start with a lookup. Unknown tokens are not cached. A token revoked or an account
/// disabled through this instance stops working at once (`forgetAll`); through another instance
/// or the command line, within `lifetime`.
struct TokenDirectory: Sendable {
    let accounts: AccountRepository
    let cache: ShortLivedCache<String, Int64?>

    init(accounts: AccountRepository, lifetime: Duration) {
        self.accounts = accounts
        self.cache = ShortLivedCache(lifetime: lifetime)
    }

    func account(forToken token: String) async throws -> Int64? {
        let accounts = self.accounts
        // Keyed by the token's hash, as it is stored: the cache holds no usable secret.
        return try await cache.value(for: Secrets.sha256Hex(token), keep: { $0 != nil }) {
            try await accounts.account(forToken: token)
        }
    }

    func forgetAll() async {
        await cache.removeAll()
    }
}

/// What account changes must clear at once on this instance.
struct AccessCaches: Sendable {
    let tokens: TokenDirectory
    let callers: CallerDirectory

    func forgetAll() async {
        await tokens.forgetAll()
        await callers.cache.removeAll()
    }
}

/// Indicators by code with what validating a value for them needs, cached briefly: the catalogue
/// changes between terms, values every minute, and each reported value would otherwise start
/// with this lookup.
struct IndicatorDirectory: Sendable {
    let progress: ProgressRepository
    let cache: ShortLivedCache<String, IndicatorContext?>

    init(progress: ProgressRepository, lifetime: Duration) {
        self.progress = progress
        self.cache = ShortLivedCache(lifetime: lifetime)
    }

    func context(code: String) async throws -> IndicatorContext? {
        let progress = self.progress
        return try await cache.value(for: code, keep: { $0 != nil }) { try await progress.indicatorContext(code: code) }
    }
}
