import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// A successful login: the new session and who it belongs to.
public struct SignedIn: Sendable {
    public let account: AccountRecord
    public let session: AccountRepository.Session
    public let grants: [RoleGrant]
}

/// Logging in and out and changing one's password, for the API and the login page alike.
public struct SessionService: Sendable {
    let accounts: AccountRepository
    let hasher: PasswordHasher
    let today: @Sendable () -> Day
    let logger: Logger
    public let lifetime: Duration

    public init(
        client: PostgresClient, logger: Logger, hasher: PasswordHasher = PasswordHasher(), lifetime: Duration = .seconds(12 * 3600),
        today: @escaping @Sendable () -> Day
    ) {
        self.accounts = AccountRepository(client: client, logger: logger)
        self.hasher = hasher
        self.today = today
        self.logger = logger
        self.lifetime = lifetime
    }

    public static let loginFailed = ServiceFailure(
        .unauthenticated, code: .loginFailed, detail: "wrong username or password, or too many failed attempts: wait 15 minutes and try again")

    /// Checks a username and password; the same answer, after the same work and delay, whether
    /// the username exists, the password is wrong or the name is locked. The attempt is counted
    /// before the password is checked, so parallel guesses cannot outrun the lock.
    func authenticate(username: String, password: String) async throws -> AccountRecord? {
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

    /// A new session every time; the browser's old one (`replacing`) ends, so that no session
    /// identifier given before the login survives it.
    /// - Throws: ``ServiceFailure``: `.invalid` for a missing field, `.unauthenticated` (`login-failed`).
    public func login(username: String?, password: String?, replacing oldToken: String?, unreadable: [FieldProblem] = []) async throws -> SignedIn {
        var problems = unreadable
        for (field, value) in [("username", username), ("password", password)] where value == nil && !problems.contains(where: { $0.field == field })
        {
            problems.append(FieldProblem(field: field, reason: "is required"))
        }
        try ServiceFailure.throwIfAny(problems)
        guard let username, let password, let record = try await authenticate(username: username, password: password) else { throw Self.loginFailed }
        if let oldToken { try await accounts.deleteSession(token: oldToken) }
        let session = try await accounts.createSession(accountID: record.id, lifetime: lifetime)
        let caller = try await accounts.caller(accountID: record.id, on: today())
        return SignedIn(account: record, session: session, grants: caller?.grants ?? [])
    }

    public func logout(token: String) async throws {
        try await accounts.deleteSession(token: token)
    }

    /// Every session of the account ends with the change; `newSession` asks for a fresh one for
    /// the browser that made it.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `new_password`, `.forbidden` (`wrong-password`)
    ///   naming `current_password`.
    public func changePassword(
        of caller: Caller, current: String?, new: String?, newSession: Bool, requestID: String?,
        unreadable: [FieldProblem] = []
    ) async throws -> AccountRepository.Session? {
        var problems = unreadable
        for (field, value) in [("current_password", current), ("new_password", new)]
        where value == nil && !problems.contains(where: { $0.field == field }) {
            problems.append(.required(field))
        }
        if let new, let problem = PasswordHasher.fieldProblem("new_password", password: new, username: caller.username) {
            problems.append(problem)
        }
        try ServiceFailure.throwIfAny(problems)
        guard let current, let new, try await authenticate(username: caller.username, password: current) != nil else {
            throw ServiceFailure(
                .forbidden, code: .wrongPassword, detail: "the current password is wrong",
                problems: [FieldProblem(field: "current_password", reason: "does not match")])
        }
        try await accounts.setPassword(
            accountID: caller.accountID, passwordHash: try await hasher.hash(new), by: caller.accountID, requestID: requestID)
        return newSession ? try await accounts.createSession(accountID: caller.accountID, lifetime: lifetime) : nil
    }

    /// The account's preferred language, for `GET /session`.
    public func preferredLanguage(of caller: Caller) async throws -> Language {
        try await accounts.find(id: caller.accountID)?.preferredLanguage ?? .ru
    }
}
