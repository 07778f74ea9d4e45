import Foundation
import Hummingbird

/// Refuses URLs that carry a NUL character or text that is not UTF-8 once decoded: PostgreSQL
/// cannot store either, and a parameter must fail as the caller's mistake (400), not as ours.
struct InputSanityMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let uri = request.uri.description
        guard let decoded = uri.removingPercentEncoding, !decoded.contains("\u{0}") else {
            throw APIError(.badRequest, kind: "invalid-parameter", detail: "the URL contains a NUL character or bytes that are not UTF-8",
                           fields: [.init(field: "url", reason: "NUL or not UTF-8")])
        }
        return try await next(request, context)
    }
}
