import Hummingbird
import Logging
import Synchronization
import UadeServices

/// Every request ends within its deadline: a request still running then (waiting for a pooled
/// connection while the database restarts, say) is cancelled by ``DeadlineBackstop`` and, when
/// its work gives up, answered 503 here, inside ``ProblemMiddleware`` (a problem document, or a
/// page in the visitor's language). Waiting for a connection honours cancellation, and each
/// statement is bounded by the server's statement timeout, so the cancelled work ends too.
///
/// The work runs in the request's own task: the backstop owns the clock and the cancellation,
/// so that nothing here has to carry `next` into another task.
struct DeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The request's deadline passed.
    struct Passed: Error {
        let limit: Duration

        /// What the 503 says happened.
        var what: String { "the request did not finish within \(limit.components.seconds) s (the database may be busy or restarting)" }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let deadline = RequestDeadline.current, deadline.hasPassed { throw Passed(limit: deadline.limit) }
            throw error
        }
    }

    /// Files are uploaded to `…/import` (API) and `/upload` (pages), and a roadmap's workbook,
    /// which may hold millions of targets, is downloaded from `…/workbook`.
    static func isUpload(_ request: Request) -> Bool {
        (request.method == .post && (request.uri.path.hasSuffix("/import") || request.uri.path == "/upload"))
            || (request.method == .get && request.uri.path.hasSuffix("/workbook"))
    }
}

/// A request's deadline, which the backstop sets and the middleware reads (a task-local of the
/// request's work).
final class RequestDeadline: Sendable {
    @TaskLocal static var current: RequestDeadline?

    let limit: Duration
    private let passed = Mutex(false)

    init(limit: Duration) { self.limit = limit }

    var hasPassed: Bool { passed.withLock { $0 } }
    func pass() { passed.withLock { $0 = true } }
}

/// The clock of ``DeadlineMiddleware``, around the whole router: at a request's deadline its
/// work is cancelled. Work that has not ended `grace` after the deadline (its cancellation was
/// not honoured: an operation PostgresNIO lost with a closing connection waits for ever) is
/// answered 503 and left behind, so that neither the caller nor a graceful shutdown waits for
/// it. The connection is closed after the answer. Logged, since each such request holds a
/// pooled connection for good.
struct DeadlineBackstop<Inner: HTTPResponder>: HTTPResponder where Inner.Context: RequestContext {
    let inner: Inner
    let normal: Duration
    let upload: Duration
    let grace: Duration

    func respond(to request: Request, context: Inner.Context) async throws -> Response {
        let limit = DeadlineMiddleware<Inner.Context>.isUpload(request) ? upload : normal
        let deadline = RequestDeadline(limit: limit)
        let work = Task { try await RequestDeadline.$current.withValue(deadline) { try await inner.respond(to: request, context: context) } }
        let outcome: Result<Response, any Error>? = await withTaskCancellationHandler {
            if let outcome = await result(of: work, within: limit) { return outcome }
            // Past the deadline: the work is cancelled and, when it gives up, answered 503 by the
            // middleware; work that does not give up is left behind after `grace`.
            deadline.pass()
            work.cancel()
            return await result(of: work, within: grace)
        } onCancel: {
            work.cancel()
        }
        if let outcome { return try outcome.get() }
        context.logger.error(
            "a request's work did not end after its deadline and was left behind",
            metadata: ["limit": "\(limit + grace)", "path": "\(request.uri.path)"])
        let passed = DeadlineMiddleware<Inner.Context>.Passed(limit: limit)
        var response = try ProblemMiddleware<Inner.Context>.unavailable(
            kind: .requestTimeout, passed.what, request: request, requestID: context.id)
        response.headers[.connection] = "close"
        return response
    }
}
