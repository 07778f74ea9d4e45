import Foundation
import UadeDomain
import UadeStorage

/// Keeps what every request needs but rarely changes for a few seconds: who a caller is (roles
/// and ownership) and the territory tree. A revoked role or a new territory takes effect within
/// `lifetime`; everything written is still checked against the database by the write itself.
actor ShortLivedCache<Key: Hashable & Sendable, Value: Sendable> {
    private var entries: [Key: (value: Value, expires: ContinuousClock.Instant)] = [:]
    /// Loads under way: callers asking meanwhile wait for the same one instead of all loading.
    private var loading: [Key: Task<Value, any Error>] = [:]
    let lifetime: Duration
    let capacity: Int

    init(lifetime: Duration, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached value, or `load`'s, kept for `lifetime` when `keep` says so.
    func value(for key: Key, keep: @Sendable (Value) -> Bool = { _ in true }, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let entry = entries[key], entry.expires > ContinuousClock.now { return entry.value }
        if let pending = loading[key] { return try await pending.value }
        let task = Task { try await load() }
        loading[key] = task
        defer { loading[key] = nil }
        let value = try await task.value
        guard keep(value) else { return value }
        if entries.count >= capacity { entries.removeAll() }
        entries[key] = (value, ContinuousClock.now + lifetime)
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

/// The cells a Political Council member owns in a period, in order, with their targets and
/// names: a few thousand rows that take tens of milliseconds to gather and change only with the
/// catalogue or ownership. Kept briefly per caller, so that paging through them reads only the
/// page's latest values (always read live).
struct OwnedCells: Sendable {
    struct Key: Hashable, Sendable {
        let accountID: Int64
        let day: Day
        let sectionCode: String?
        let indicatorCode: String?
        let periods: [String]
        let language: Language
    }

    let cache: ShortLivedCache<Key, [DueItem]>

    init(lifetime: Duration) {
        // A frame is a few hundred kilobytes: keep a few hundred owners' at most.
        self.cache = ShortLivedCache(lifetime: lifetime, capacity: 300)
    }
}
