import Hummingbird
import Logging
import UadeServices

/// Every request ends within its deadline: a request still running then (waiting for a pooled
/// connection while the database restarts, say) is cancelled and answered 503. Waiting for a
/// connection honours cancellation, and each statement is bounded by the server's statement
/// timeout, so the cancelled work ends too.
struct DeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    let normal: Duration
    let upload: Duration

    /// The request's deadline passed.
    struct Passed: Error {
        let limit: Duration
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = Self.isUpload(request) ? upload : normal
        return try await withoutActuallyEscaping(next) { next in
            let box = UnsafeTransfer((next, context))
            guard let response = try await withTimeLimit(limit, { try await box.value.0(request, box.value.1) }) else { throw Passed(limit: limit) }
            return response
        }
    }

    /// Files are uploaded to `…/import` (API) and `/upload` (pages), and a roadmap's workbook,
    /// which may hold millions of targets, is downloaded from `…/workbook`.
    static func isUpload(_ request: Request) -> Bool {
        (request.method == .post && (request.uri.path.hasSuffix("/import") || request.uri.path == "/upload"))
            || (request.method == .get && request.uri.path.hasSuffix("/workbook"))
    }
}

/// Carries a value into a child task of a group that is awaited before the value's scope ends.
private struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The backstop behind ``DeadlineMiddleware``, around the whole router: a request whose work
/// has not ended `grace` after its deadline (its cancellation was not honoured: an operation
/// PostgresNIO lost with a closing connection waits for ever) is answered 503 and its work left
/// behind, so that neither the caller nor a graceful shutdown waits for it. The connection is
/// closed after the answer. Logged, since each such request holds a pooled connection for good.
struct DeadlineBackstop<Inner: HTTPResponder>: HTTPResponder where Inner.Context: RequestContext {
    let inner: Inner
    let normal: Duration
    let upload: Duration
    let grace: Duration

    func respond(to request: Request, context: Inner.Context) async throws -> Response {
        let limit = (DeadlineMiddleware<Inner.Context>.isUpload(request) ? upload : normal) + grace
        let work = Task { try await inner.respond(to: request, context: context) }
        let outcome = await withTaskCancellationHandler {
            await result(of: work, within: limit)
        } onCancel: {
            work.cancel()
        }
        if let outcome { return try outcome.get() }
        work.cancel()
        context.logger.error(
            "a request's work did not end after its deadline and was left behind", metadata: ["limit": "\(limit)", "path": "\(request.uri.path)"])
        var response = try APIError(
            .serviceUnavailable, kind: .requestTimeout,
            detail: "the request did not finish within \(limit.components.seconds) s (the database may be busy or restarting); try again in a moment"
        )
        .response(requestID: context.id)
        response.headers[.retryAfter] = "5"
        response.headers[.connection] = "close"
        return response
    }
}
