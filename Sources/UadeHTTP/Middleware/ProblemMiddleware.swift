import Hummingbird
import Logging

/// Turns every error into a problem document: known API errors as they are, Hummingbird's own
/// HTTP errors (unknown route, bad body) with their status, and anything unexpected into a
/// logged 500 that carries the request id, never an empty body.
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
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, kind: "server-error", detail: "an unexpected error occurred; quote the request id when reporting it")
                .response(requestID: context.id)
        }
    }
}
