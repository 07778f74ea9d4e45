import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import Testing

@testable import UadeHTTP
@testable import UadeServices

/// A request whose work ignores its cancellation (as a query PostgresNIO lost with its closing
/// connection does) is still answered: the backstop gives up on it after its deadline.
@Suite(.timeLimit(.minutes(1))) struct DeadlineBackstopTests {
    /// Work that waits until the test ends it, whether cancelled or not.
    final class Stuck: Sendable {
        private let waiting = NIOLockedValueBox<[CheckedContinuation<Void, Never>]>([])
        func wait() async { await withCheckedContinuation { continuation in waiting.withLockedValue { $0.append(continuation) } } }
        func release() {
            for continuation in waiting.withLockedValue({ list in
                defer { list = [] }
                return list
            }) { continuation.resume() }
        }
    }

    /// `router` on loopback behind the backstop, with a 300 ms deadline.
    func backstopped(_ router: Router<AppRequestContext>, grace: Duration) -> some ApplicationProtocol {
        Application(
            responder: DeadlineBackstop(inner: router.buildResponder(), normal: .milliseconds(300), upload: .seconds(60), grace: grace),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func workThatIgnoresItsCancellationIsAnswered503InBoundedTime() async throws {
        let stuck = Stuck()
        let router = Router(context: AppRequestContext.self)
        router.get("/stuck") { _, _ -> String in
            await stuck.wait()
            return "late"
        }
        let app = backstopped(router, grace: .milliseconds(200))
        try await app.test(.live) { client in
            let started = ContinuousClock.now
            try await client.execute(uri: "/stuck", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "5")
                #expect(String(buffer: response.body).contains("request-timeout"))
            }
            #expect(ContinuousClock.now - started < .seconds(3))
        }
        // The server stopped (app.test returned) with the work still stuck: a shutdown does not wait for it.
        stuck.release()
    }

    /// Work that honours its cancellation is cancelled at the deadline and answered 503 by the
    /// middleware inside the router, at once, not after the grace.
    @Test func workThatHonoursItsCancellationEndsAtTheDeadline() async throws {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: DeadlineMiddleware())
        router.get("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(30))
            return "late"
        }
        router.get("/quick") { _, _ -> String in "quick" }
        let app = backstopped(router, grace: .seconds(20))
        try await app.test(.live) { client in
            let started = ContinuousClock.now
            try await client.execute(uri: "/slow", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("request-timeout"))
                #expect(response.headers[.connection] != "close", "the middleware answered, not the backstop")
            }
            #expect(ContinuousClock.now - started < .seconds(3))
            try await client.execute(uri: "/quick", method: .get) { response in
                #expect(String(buffer: response.body) == "quick")
            }
        }
    }

    /// The race under both: a task's result, or nothing once the limit passes, however long the
    /// task goes on.
    @Test func aTasksResultOrNothingWithinTheLimit() async throws {
        let quick = Task<Int, Never> { 7 }
        #expect(await result(of: quick, within: .seconds(5)) == .success(7))
        let stuck = Stuck()
        let never = Task<Int, Never> {
            await stuck.wait()
            return 1
        }
        let started = ContinuousClock.now
        #expect(await result(of: never, within: .milliseconds(200)) == nil)
        #expect(ContinuousClock.now - started < .seconds(2))
        stuck.release()
        #expect(await never.value == 1)
    }
}
