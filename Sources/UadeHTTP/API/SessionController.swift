import Foundation
import HTTPTypes
import Hummingbird
import Logging
import UadeDomain
import UadeServices
import UadeStorage

struct SessionDTO: ResponseCodable, Sendable {
    let username: String
    let roles: [RoleGrant]
    let csrfToken: String?
    let expiresAt: Date?
    let preferredLang: String
}

/// Logging in and out, changing one's password: `SessionService` behind the API's words.
struct SessionController: Sendable {
    let sessions: SessionService
    let cookies: SessionCookies

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("session", use: login)
        group.get("session", use: current)
        group.delete("session", use: logout)
        group.post("session/password", use: changePassword)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["username", "password"], problems: &problems)
        let username = body.string("username", problems: &problems)
        let password = body.string("password", problems: &problems)
        let signedIn: SignedIn
        do {
            signedIn = try await sessions.login(
                username: username, password: password, replacing: context.sessionToken,
                unreadable: JSONBody.plain(problems))
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
        let dto = SessionDTO(
            username: signedIn.account.username, roles: signedIn.grants, csrfToken: signedIn.session.csrfToken,
            expiresAt: signedIn.session.expiresAt, preferredLang: signedIn.account.preferredLanguage.rawValue)
        var response = try dto.response(from: request, context: context)
        response.headers[.setCookie] = cookies.cookie(for: signedIn.session)
        return response
    }

    @Sendable func current(_ request: Request, context: AppRequestContext) async throws -> SessionDTO {
        let caller = try context.requireCaller()
        var csrf: String?
        if case .session(_, let token) = context.authentication { csrf = token }
        return SessionDTO(
            username: caller.username, roles: caller.grants, csrfToken: csrf, expiresAt: nil,
            preferredLang: try await sessions.preferredLanguage(of: caller).rawValue)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let token = context.sessionToken { try await sessions.logout(token: token) }
        var response = Response(status: .noContent)
        response.headers[.setCookie] = cookies.ended
        return response
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["current_password", "new_password"], problems: &problems)
        let current = body.string("current_password", problems: &problems)
        let new = body.string("new_password", problems: &problems)
        let session: AccountRepository.Session?
        do {
            // A browser gets a fresh session: the change ends every other one.
            session = try await sessions.changePassword(
                of: caller, current: current, new: new, newSession: context.sessionToken != nil,
                requestID: context.id, unreadable: JSONBody.plain(problems))
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
        var response = Response(status: .noContent)
        if let session { response.headers[.setCookie] = cookies.cookie(for: session) }
        return response
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure behind TLS.
struct SessionCookies: Sendable {
    let secure: Bool
    let lifetime: Duration

    func cookie(_ value: String, maxAge: Int) -> String {
        var parts = ["\(AuthenticationMiddleware.cookieName)=\(value)", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=\(maxAge)"]
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    func cookie(for session: AccountRepository.Session) -> String {
        cookie(session.token, maxAge: Int(lifetime.components.seconds))
    }

    var ended: String { cookie("", maxAge: 0) }
}

extension AppRequestContext {
    /// The browser's session token, when the caller came with a session cookie.
    var sessionToken: String? {
        if case .session(let token, _) = authentication { token } else { nil }
    }
}
