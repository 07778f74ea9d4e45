import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import UadeHTTP
@testable import UadeServices

/// The short-lived cache in front of tokens, callers, indicators and owners' cells, on a clock
/// the test moves.
@Suite(.timeLimit(.minutes(1))) struct CacheTests {
    /// A clock that stands still until told to move.
    final class Clock: Sendable {
        private let instant = NIOLockedValueBox(ContinuousClock.now)
        func now() -> ContinuousClock.Instant { instant.withLockedValue { $0 } }
        func advance(_ duration: Duration) { instant.withLockedValue { $0 += duration } }
    }

    /// A load that waits until the test lets it finish, and counts how often it ran.
    final class Loads: Sendable {
        private let state = NIOLockedValueBox((calls: 0, waiting: [CheckedContinuation<Void, Never>](), open: true))
        var calls: Int { state.withLockedValue { $0.calls } }

        func hold() { state.withLockedValue { $0.open = false } }
        func release() {
            let waiting = state.withLockedValue { state in
                state.open = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }

        func load<Value: Sendable>(_ value: Value) async -> Value {
            await withCheckedContinuation { continuation in
                let proceed = state.withLockedValue { state in
                    state.calls += 1
                    if !state.open { state.waiting.append(continuation) }
                    return state.open
                }
                if proceed { continuation.resume() }
            }
            return value
        }
    }

    @Test func callersAskingMeanwhileShareOneLoad() async throws {
        let clock = Clock()
        let loads = Loads()
        let cache = ShortLivedCache<String, Int>(lifetime: .seconds(5)) { clock.now() }
        loads.hold()
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.value(for: "a") { await loads.load(7) } } }
            while loads.calls == 0 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(50))
            loads.release()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: 7, count: 20))
        #expect(loads.calls == 1)
        #expect(try await cache.value(for: "a") { await loads.load(8) } == 7, "kept for its lifetime")
        #expect(try await cache.value(for: "b") { await loads.load(9) } == 9, "other keys load on their own")
    }

    @Test func anExpiredValueIsLoadedAgainAndWaitedFor() async throws {
        let clock = Clock()
        let loads = Loads()
        let cache = ShortLivedCache<String, Int>(lifetime: .seconds(5)) { clock.now() }
        #expect(try await cache.value(for: "a") { await loads.load(1) } == 1)
        clock.advance(.seconds(6))
        #expect(try await cache.value(for: "a") { await loads.load(2) } == 2, "without stale answers, an expired value is never answered")
        #expect(loads.calls == 2)
    }

    @Test func aStaleValueIsAnsweredWhileOneLoadReplacesItButNotForLong() async throws {
        let clock = Clock()
        let loads = Loads()
        let cache = ShortLivedCache<String, Int>(lifetime: .seconds(5), servesStaleWhileLoading: true) { clock.now() }
        #expect(try await cache.value(for: "a") { await loads.load(1) } == 1)
        clock.advance(.seconds(6))
        loads.hold()
        #expect(try await cache.value(for: "a") { await loads.load(2) } == 1, "the stale value, while the new one loads")
        #expect(try await cache.value(for: "a") { await loads.load(3) } == 1, "still the stale value; no second load")
        for _ in 0..<500 where loads.calls < 2 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(20))
        #expect(loads.calls == 2)
        loads.release()
        var answer = 1
        for _ in 0..<500 where answer == 1 {
            answer = try await cache.value(for: "a") { await loads.load(4) }
            if answer == 1 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(answer == 2, "the load that was under way")
        clock.advance(.seconds(11))
        #expect(try await cache.value(for: "a") { await loads.load(5) } == 5, "more than a lifetime past expiry is too stale to answer")
    }

    @Test func forgettingEverythingAlsoDropsWhatALoadUnderWayWouldStore() async throws {
        let clock = Clock()
        let loads = Loads()
        let cache = ShortLivedCache<String, Int>(lifetime: .seconds(5)) { clock.now() }
        loads.hold()
        async let before = cache.value(for: "a") { await loads.load(1) }
        while loads.calls == 0 { try await Task.sleep(for: .milliseconds(5)) }
        cache.removeAll()
        loads.release()
        #expect(try await before == 1, "the caller that asked still gets its answer")
        #expect(try await cache.value(for: "a") { await loads.load(2) } == 2, "but it was not kept past the removal")
    }

    @Test func failedAndUnwantedLoadsAreNotKept() async throws {
        struct Refused: Error {}
        let cache = ShortLivedCache<String, Int?>(lifetime: .seconds(5))
        await #expect(throws: Refused.self) { try await cache.value(for: "a") { throw Refused() } }
        #expect(try await cache.value(for: "a") { 1 } == 1, "a failure is not remembered")
        #expect(try await cache.value(for: "b", keep: { $0 != nil }) { nil } == nil)
        #expect(try await cache.value(for: "b", keep: { $0 != nil }) { 2 } == 2, "an unknown key is asked again")
    }
}
