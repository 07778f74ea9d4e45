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

/// Logging in and out, changing one's password.
struct SessionController: Sendable {
    let accounts: AccountRepository
    let hasher: PasswordHasher
    let secureCookies: Bool
    let sessionLifetime: Duration = .seconds(12 * 3600)
    let today: @Sendable () -> Day

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("session", use: login)
        group.get("session", use: current)
        group.delete("session", use: logout)
        group.post("session/password", use: changePassword)
    }

    func cookie(_ value: String, maxAge: Int) -> String {
        var parts = ["\(AuthenticationMiddleware.cookieName)=\(value)", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=\(maxAge)"]
        if secureCookies { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// Checks a username and password; the same answer, after the same work and delay, whether
    /// the username exists, the password is wrong or the name is locked. The attempt is counted
    /// before the password is checked, so parallel guesses cannot outrun the lock.
    func authenticate(username: String, password: String, logger: Logger) async throws -> AccountRecord? {
        let attempt = try await accounts.claimLoginAttempt(name: username)
        let record = try await accounts.find(username: username)
        // One hash check on every path: a real one only while the name is not locked.
        let hash = attempt.allowed ? record?.passwordHash ?? PasswordHasher.decoy : PasswordHasher.decoy
        let matches = try await hasher.verify(password, against: hash)
        if attempt.allowed, let record, matches, !record.disabled {
            try await accounts.recordSuccessfulLogin(name: username, accountID: record.id)
            return record
        }
        logger.notice("failed login", metadata: ["attempts": "\(attempt.attempts)", "locked": "\(!attempt.allowed)"])
        // Each attempt in a row under the same name costs more time, up to two seconds, known
        // name or not.
        try await Task.sleep(for: .milliseconds(200 * min(max(attempt.attempts, 1), 10)))
        return nil
    }

    static let loginFailed = APIError(.unauthorized, kind: "login-failed",
                                      detail: "wrong username or password, or too many failed attempts: wait 15 minutes and try again")

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["username", "password"], problems: &problems)
        let username = body.string("username", required: true, problems: &problems)
        let password = body.string("password", required: true, problems: &problems)
        try throwIfProblems(problems)
        guard let record = try await authenticate(username: username!, password: password!, logger: context.logger) else {
            throw Self.loginFailed
        }
        // A new session every time, and the old one (if the browser sent one) ends: no fixation.
        if case .session(let old, _) = context.authentication { try await accounts.deleteSession(token: old) }
        let session = try await accounts.createSession(accountID: record.id, lifetime: sessionLifetime)
        let caller = try await accounts.caller(accountID: record.id, on: today())
        let dto = SessionDTO(username: record.username, roles: caller?.grants ?? [], csrfToken: session.csrfToken,
                             expiresAt: session.expiresAt, preferredLang: record.preferredLanguage.rawValue)
        var response = try dto.response(from: request, context: context)
        response.headers[.setCookie] = cookie(session.token, maxAge: Int(sessionLifetime.components.seconds))
        return response
    }

    @Sendable func current(_ request: Request, context: AppRequestContext) async throws -> SessionDTO {
        let caller = try context.requireCaller()
        let account = try await accounts.find(id: caller.accountID)
        var csrf: String?
        if case .session(_, let token) = context.authentication { csrf = token }
        return SessionDTO(username: caller.username, roles: caller.grants, csrfToken: csrf, expiresAt: nil,
                          preferredLang: account?.preferredLanguage.rawValue ?? "ru")
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if case .session(let token, _) = context.authentication { try await accounts.deleteSession(token: token) }
        var response = Response(status: .noContent)
        response.headers[.setCookie] = cookie("", maxAge: 0)
        return response
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["current_password", "new_password"], problems: &problems)
        let current = body.string("current_password", required: true, problems: &problems)
        let new = body.string("new_password", required: true, problems: &problems)
        if let new, let problem = PasswordHasher.problem(with: new, username: caller.username) {
            problems.append(FieldProblem(field: "body.new_password", reason: problem))
        }
        try throwIfProblems(problems)
        guard try await authenticate(username: caller.username, password: current!, logger: context.logger) != nil else {
            throw APIError(.forbidden, kind: "wrong-password", detail: "the current password is wrong",
                           fields: [.init(field: "body.current_password", reason: "does not match")])
        }
        try await accounts.setPassword(accountID: caller.accountID, passwordHash: try await hasher.hash(new!), by: caller.accountID, requestID: context.id)
        var response = Response(status: .noContent)
        if case .session = context.authentication {
            // Every session ended with the change; this browser gets a fresh one.
            let session = try await accounts.createSession(accountID: caller.accountID, lifetime: sessionLifetime)
            response.headers[.setCookie] = cookie(session.token, maxAge: Int(sessionLifetime.components.seconds))
        }
        return response
    }
}
