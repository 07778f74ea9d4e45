import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

/// Finds the caller from a bearer token or the session cookie, and refuses cookie-authenticated
/// API writes that do not echo the session's CSRF token in `X-CSRF-Token`.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "uade_session"

    let accounts: AccountRepository
    let tokens: TokenDirectory
    let callers: CallerDirectory
    let today: @Sendable () -> Day

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError(.unauthorized, kind: .invalidToken, detail: "Authorization must be 'Bearer <token>'")
            }
            guard let accountID = try await tokens.account(forToken: String(parts[1]).trimmedOfWhitespace),
                let caller = try await callers.caller(accountID: accountID, on: today())
            else {
                throw APIError(.unauthorized, kind: .invalidToken, detail: "the API token is unknown, revoked, or its account is disabled")
            }
            context.caller = caller
            context.authentication = .apiToken
        } else if let cookie = request.cookies[Self.cookieName]?.value, !cookie.isEmpty,
            let session = try await accounts.session(token: cookie),
            let caller = try await callers.caller(accountID: session.accountID, on: today())
        {
            context.caller = caller
            context.authentication = .session(token: cookie, csrfToken: session.csrfToken)
        }

        if case .session(_, let csrf) = context.authentication, Self.isUnsafe(request.method),
            request.uri.path.hasPrefix("/api/"), !Self.isLogin(request)
        {
            guard let sent = request.headers[.csrfToken], constantTimeEquals(sent, csrf) else {
                throw APIError(
                    .forbidden, kind: .csrf, detail: "a write with a session cookie must send the session's CSRF token in the X-CSRF-Token header")
            }
        }
        return try await next(request, context)
    }

    static func isUnsafe(_ method: HTTPRequest.Method) -> Bool {
        ![.get, .head, .options].contains(method)
    }

    static func isLogin(_ request: Request) -> Bool {
        request.method == .post && request.uri.path == "/api/v1/session"
    }
}

func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<x.count { difference |= x[i] ^ y[i] }
    return difference == 0
}
