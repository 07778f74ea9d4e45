import Hummingbird
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
