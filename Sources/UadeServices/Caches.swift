import Foundation
import NIOConcurrencyHelpers
import UadeDomain
import UadeStorage

/// Keeps what every request needs but rarely changes for a few seconds: who a caller is (roles
/// and ownership) and the territory tree. A revoked role or a new territory takes effect within
/// `lifetime`; everything written is still checked against the database by the write itself.
///
/// A lock, not an actor: a hit is the common case on every request, and should not cost a hop
/// to another executor.
public final class ShortLivedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var entries: [Key: (value: Value, expires: ContinuousClock.Instant)] = [:]
        /// Loads under way: callers asking meanwhile share one instead of all loading.
        var loading: [Key: Task<Value, any Error>] = [:]
        /// Moves on with every `removeAll`, so that a load begun before it does not store what
        /// it read after all.
        var generation = 0
    }

    private enum Answer {
        case cached(Value)
        case wait(Task<Value, any Error>)
    }

    private let state = NIOLockedValueBox(State())
    public let lifetime: Duration
    public let capacity: Int
    /// Whether an expired value is still answered, for at most one more `lifetime`, while a single
    /// load replaces it. Only for what decides no access: everyone asking would otherwise wait for
    /// that load each time the value expires.
    public let servesStaleWhileLoading: Bool
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(
        lifetime: Duration, capacity: Int = 10_000, servesStaleWhileLoading: Bool = false,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.servesStaleWhileLoading = servesStaleWhileLoading
        self.now = now
    }

    /// The cached value, or `load`'s, kept for `lifetime` when `keep` says so.
    public func value(
        for key: Key, keep: @escaping @Sendable (Value) -> Bool = { _ in true },
        load: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let now = now()
        let answer: Answer = state.withLockedValue { state in
            let entry = state.entries[key]
            if let entry, entry.expires > now { return .cached(entry.value) }
            let stale = servesStaleWhileLoading ? entry.flatMap { now < $0.expires + lifetime ? $0.value : nil } : nil
            if let pending = state.loading[key] { return stale.map { .cached($0) } ?? .wait(pending) }
            let generation = state.generation
            let task = Task { try await self.load(key, generation: generation, keep: keep, load: load) }
            state.loading[key] = task
            return stale.map { .cached($0) } ?? .wait(task)
        }
        switch answer {
        case .cached(let value): return value
        case .wait(let task): return try await Self.wait(for: task)
        }
    }

    /// The shared load's value, or CancellationError as soon as this caller is cancelled (its
    /// request's deadline passed): the load goes on for the others, but no caller waits for it
    /// longer than its own deadline — while the database restarts a load can wait for minutes.
    private static func wait(for task: Task<Value, any Error>) async throws -> Value {
        let slot = NIOLockedValueBox(WaitSlot())
        @Sendable func finish(_ result: Result<Value, any Error>) {
            let waiting = slot.withLockedValue { (slot: inout WaitSlot) -> CheckedContinuation<Value, any Error>? in
                guard slot.result == nil else { return nil }
                slot.result = result
                defer { slot.continuation = nil }
                return slot.continuation
            }
            waiting?.resume(with: result)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let ready = slot.withLockedValue { (slot: inout WaitSlot) -> Result<Value, any Error>? in
                    if slot.result == nil { slot.continuation = continuation }
                    return slot.result
                }
                if let ready { continuation.resume(with: ready) }
                Task {
                    do { finish(.success(try await task.value)) } catch { finish(.failure(error)) }
                }
            }
        } onCancel: {
            finish(.failure(CancellationError()))
        }
    }

    private struct WaitSlot {
        var continuation: CheckedContinuation<Value, any Error>?
        var result: Result<Value, any Error>?
    }

    /// A shared load gives up after this long: while the database restarts it would otherwise
    /// wait for a connection for minutes, and every later caller of its key with it. As long as
    /// the default request deadline: a burst of requests queued for the pool must not time out
    /// the load they all wait for (each caller stops waiting at its own deadline anyway).
    public static var loadTimeout: Duration { .seconds(30) }

    private func load(_ key: Key, generation: Int, keep: @Sendable (Value) -> Bool, load: @escaping @Sendable () async throws -> Value) async throws
        -> Value
    {
        let result: Result<Value, any Error>
        do {
            guard let value = try await withTimeLimit(Self.loadTimeout, load) else { throw DatabaseWaitTimedOut() }
            result = .success(value)
        } catch {
            result = .failure(error)
        }
        state.withLockedValue { state in
            // After a removal, the key's load (if any) is a newer one: not this one's to clear.
            guard state.generation == generation else { return }
            state.loading[key] = nil
            guard case .success(let value) = result, keep(value) else { return }
            if state.entries.count >= capacity { state.entries.removeAll() }
            state.entries[key] = (value, now() + lifetime)
        }
        return try result.get()
    }

    public func removeAll() {
        state.withLockedValue { state in
            state.entries.removeAll()
            state.loading.removeAll()
            state.generation += 1
        }
    }
}

/// The caller behind an account, as of a day, cached briefly.
public struct CallerDirectory: Sendable {
    public struct Key: Hashable, Sendable {
        public let accountID: Int64
        public let day: Day

        public init(accountID: Int64, day: Day) {
            self.accountID = accountID
            self.day = day
        }
    }

    public let accounts: AccountRepository
    public let cache: ShortLivedCache<Key, Caller?>

    public init(accounts: AccountRepository, lifetime: Duration) {
        self.accounts = accounts
        self.cache = ShortLivedCache(lifetime: lifetime)
    }

    public func caller(accountID: Int64, on day: Day) async throws -> Caller? {
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
public struct TokenDirectory: Sendable {
    public let accounts: AccountRepository
    public let cache: ShortLivedCache<String, Int64?>

    public init(accounts: AccountRepository, lifetime: Duration) {
        self.accounts = accounts
        self.cache = ShortLivedCache(lifetime: lifetime)
    }

    public func account(forToken token: String) async throws -> Int64? {
        let accounts = self.accounts
        // Keyed by the token's hash, as it is stored: the cache holds no usable secret.
        return try await cache.value(for: Secrets.sha256Hex(token), keep: { $0 != nil }) {
            try await accounts.account(forToken: token)
        }
    }

    public func forgetAll() {
        cache.removeAll()
    }
}

/// What account changes must clear at once on this instance.
public struct AccessCaches: Sendable {
    public let tokens: TokenDirectory
    public let callers: CallerDirectory
    public let ownedCells: OwnedCells

    public init(tokens: TokenDirectory, callers: CallerDirectory, ownedCells: OwnedCells) {
        self.tokens = tokens
        self.callers = callers
        self.ownedCells = ownedCells
    }

    public func forgetAll() {
        tokens.forgetAll()
        callers.cache.removeAll()
        ownedCells.cache.removeAll()
    }
}

/// Indicators by code with what validating a value for them needs, cached briefly: the catalogue
/// changes between terms, values every minute, and each reported value would otherwise start
/// with this lookup.
public struct IndicatorDirectory: Sendable {
    public let progress: ProgressRepository
    public let cache: ShortLivedCache<String, IndicatorContext?>

    public init(progress: ProgressRepository, lifetime: Duration) {
        self.progress = progress
        // The catalogue changes between terms; what a write checks is checked again by the database.
        self.cache = ShortLivedCache(lifetime: lifetime, servesStaleWhileLoading: true)
    }

    public func context(code: String) async throws -> IndicatorContext? {
        let progress = self.progress
        return try await cache.value(for: code, keep: { $0 != nil }) { try await progress.indicatorContext(code: code) }
    }
}

/// The cells a Political Council member owns in a period, in order, with their targets and
/// names: a few thousand rows that take tens of milliseconds to gather and change only with the
/// catalogue or ownership. Kept briefly per caller, so that paging through them reads only the
/// page's latest values (always read live).
public struct OwnedCells: Sendable {
    public struct Key: Hashable, Sendable {
        public let accountID: Int64
        public let day: Day
        public let sectionCode: String?
        public let indicatorCode: String?
        public let periods: [String]
        public let language: Language

        public init(accountID: Int64, day: Day, sectionCode: String?, indicatorCode: String?, periods: [String], language: Language) {
            self.accountID = accountID
            self.day = day
            self.sectionCode = sectionCode
            self.indicatorCode = indicatorCode
            self.periods = periods
            self.language = language
        }
    }

    public let cache: ShortLivedCache<Key, [DueItem]>

    public init(lifetime: Duration) {
        // A frame is a few hundred kilobytes: keep a few hundred owners' at most. Stale while
        // reloading, because every page of that owner would otherwise wait for the reload each
        // time the frame expires; role changes through the API clear it at once.
        self.cache = ShortLivedCache(lifetime: lifetime, capacity: 300, servesStaleWhileLoading: true)
    }
}
