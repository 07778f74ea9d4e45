import Hummingbird
import Logging
import PostgresNIO
import UadeServices
import UadeStorage

/// Turns every error into a problem document: known API errors as they are, Hummingbird's own
/// HTTP errors (unknown route, bad body) with their status, a lost database connection into a
/// logged 503, and anything unexpected into a logged 500 that carries the request id, never an
/// empty body.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The page a person gets instead of a problem document when the database is away during a
    /// page request (nil for the API).
    var unavailablePage: (@Sendable (Request, Context) -> Response?)? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(requestID: context.id)
        } catch let error as HTTPError {
            let kind: ProblemCode = error.status == .notFound ? .notFound : error.status.code < 500 ? .badRequest : .serverError
            let detail = error.body ?? (error.status == .notFound ? "no such resource: \(request.uri.path)" : error.status.reasonPhrase)
            return try APIError(error.status, kind: kind, detail: detail).response(requestID: context.id)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            return try APIError(error.status, kind: .badRequest, detail: error.status.reasonPhrase).response(requestID: context.id)
        } catch let error as DeadlineMiddleware<Context>.Passed {
            context.logger.error("request deadline passed", metadata: ["limit": "\(error.limit)", "path": "\(request.uri.path)"])
            return try unavailable(kind: .requestTimeout, error.what, request: request, context: context)
        } catch {
            if let trouble = DatabaseTrouble(error) {
                context.logger.error("database unavailable", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
                switch trouble {
                case .connectionLost:
                    return try unavailable(
                        kind: .databaseUnavailable, "the connection to the database was lost", request: request, context: context)
                case .timedOut:
                    return try unavailable(kind: .databaseTimeout, "the database did not answer in time", request: request, context: context)
                }
            }
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return try APIError(
                .internalServerError, kind: .serverError, detail: "an unexpected error occurred; quote the request id when reporting it"
            )
            .response(requestID: context.id)
        }
    }

    /// Not the caller's mistake, and not a bug: worth trying again once the database is back.
    /// A write may have been committed before the connection went: the answer says so, and
    /// that repeating it with the same Idempotency-Key (or re-uploading a file) is safe.
    private func unavailable(kind: ProblemCode, _ what: String, request: Request, context: Context) throws -> Response {
        if let page = unavailablePage?(request, context) { return page }
        return try Self.unavailable(kind: kind, what, request: request, requestID: context.id)
    }

    /// The 503 problem document itself, also answered by ``DeadlineBackstop``.
    static func unavailable(kind: ProblemCode, _ what: String, request: Request, requestID: String) throws -> Response {
        let writes = request.method != .get && request.method != .head
        var error = APIError(
            .serviceUnavailable, kind: kind,
            detail: what
                + (writes
                    ? "; the write may or may not have been committed — read it back, or repeat it with the same Idempotency-Key (an upload is safe to repeat)"
                    : "; try again in a moment"))
        if writes { error.commitOutcome = .unknown }
        var response = try error.response(requestID: requestID)
        response.headers[.retryAfter] = "5"
        return response
    }
}
