import Hummingbird
import Logging
import PostgresNIO
import UadeStorage

/// Turns every error into a problem document: known API errors as they are, Hummingbird's own
/// HTTP errors (unknown route, bad body) with their status, a lost database connection into a
/// logged 503, and anything unexpected into a logged 500 that carries the request id, never an
/// empty body.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(requestID: context.id)
        } catch let error as HTTPError {
            let kind = error.status == .notFound ? "not-found" : error.status.code < 500 ? "bad-request" : "server-error"
            let detail = error.body ?? (error.status == .notFound ? "no such resource: \(request.uri.path)" : error.status.reasonPhrase)
            return try APIError(error.status, kind: kind, detail: detail).response(requestID: context.id)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            return try APIError(error.status, kind: "bad-request", detail: error.status.reasonPhrase).response(requestID: context.id)
        } catch let error as ConnectionLost {
            return try databaseWentAway(error, request: request, context: context)
        } catch let error as PSQLError where error.meansTheDatabaseWentAway {
            return try databaseWentAway(error, request: request, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, kind: "server-error", detail: "an unexpected error occurred; quote the request id when reporting it")
                .response(requestID: context.id)
        }
    }

    /// Not the caller's mistake, and not a bug: worth trying again once the database is back.
    private func databaseWentAway(_ error: any Error, request: Request, context: Context) throws -> Response {
        context.logger.error("database connection lost", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
        return try APIError(.serviceUnavailable, kind: "database-unavailable",
                            detail: "the connection to the database was lost; a write in this request may or may not have been committed — read it back, or repeat it (an upload, or a write with the same Idempotency-Key, is safe to repeat)")
            .response(requestID: context.id)
    }
}
