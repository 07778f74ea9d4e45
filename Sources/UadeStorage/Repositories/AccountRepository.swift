import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// An account as the login check needs it.
public struct AccountRecord: Sendable {
    public let id: Int64
    public let username: String
    public let personID: Int64?
    public let passwordHash: String
    public let disabled: Bool
    public let failedLogins: Int
    public let lockedUntil: Date?
    public let preferredLanguage: Language
}

/// An account as administrators list it: its person and its current roles.
public struct AccountSummary: Sendable {
    public struct Grant: Sendable {
        public let id: Int64
        public let role: Role
        public let territoryID: Territory.ID?
        public let territoryKato: String?
    }
    public let id: Int64
    public let username: String
    public let personID: Int64?
    public let personName: String?
    public let disabled: Bool
    public let preferredLanguage: Language
    public let roles: [Grant]
}

public enum AccountError: Error, Equatable, Sendable {
    case usernameTaken(String)
    case unknownAccount(String)
    case unknownGrant(Int64)
    case unknownToken(Int64)
    case unknownPerson(Int64)
    case grantExists
}

/// Accounts, roles, sessions and API tokens.
public struct AccountRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    // MARK: Accounts

    public func find(username: String) async throws -> AccountRecord? {
        try await record(
            client.query(
                """
                SELECT id, username, person_id, password_hash, disabled_at IS NOT NULL, failed_logins, locked_until, preferred_lang
                  FROM accounts WHERE username = \(username.lowercased())
                """, logger: logger))
    }

    public func find(id: Int64) async throws -> AccountRecord? {
        try await record(
            client.query(
                """
                SELECT id, username, person_id, password_hash, disabled_at IS NOT NULL, failed_logins, locked_until, preferred_lang
                  FROM accounts WHERE id = \(id)
                """, logger: logger))
    }

    private func record(_ rows: PostgresRowSequence) async throws -> AccountRecord? {
        for try await r in rows.decode((Int64, String, Int64?, String, Bool, Int32, Date?, String).self) {
            return AccountRecord(
                id: r.0, username: r.1, personID: r.2, passwordHash: r.3, disabled: r.4,
                failedLogins: Int(r.5), lockedUntil: r.6, preferredLanguage: Language(rawValue: r.7) ?? .ru)
        }
        return nil
    }

    @discardableResult
    public func create(
        username: String, passwordHash: String, personID: Int64?, language: Language = .ru,
        by actor: Int64?, requestID: String?
    ) async throws -> Int64 {
        let name = username.lowercased()
        return try await client.transaction(logger: logger) { connection in
            for try await _ in try await connection.query("SELECT 1 FROM accounts WHERE username = \(name)", logger: logger) {
                throw AccountError.usernameTaken(name)
            }
            if let personID {
                var found = false
                for try await _ in try await connection.query("SELECT 1 FROM people WHERE id = \(personID)", logger: logger) { found = true }
                if !found { throw AccountError.unknownPerson(personID) }
            }
            var id: Int64 = 0
            for try await value in try await connection.query(
                """
                INSERT INTO accounts (username, password_hash, person_id, preferred_lang) VALUES (\(name), \(passwordHash), \(personID), \(language.rawValue))
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { id = value }
            struct New: Encodable, Sendable {
                let username: String
                let personId: Int64?
            }
            try await AuditEvent(
                accountID: actor, action: "create", entity: "account", entityID: name,
                new: New(username: name, personId: personID), requestID: requestID
            ).write(on: connection, logger: logger)
            return id
        }
    }

    public func list() async throws -> [AccountSummary] {
        let rows = try await client.query(
            """
            SELECT a.id, a.username, a.person_id, p.name_ru, a.disabled_at IS NOT NULL, a.preferred_lang,
                   coalesce(json_agg(json_build_object('id', r.id, 'role', r.role, 'territory_id', r.territory_id, 'territory_kato', t.kato)
                            ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL), '[]')::text
              FROM accounts a
              LEFT JOIN people p ON p.id = a.person_id
              LEFT JOIN account_roles r ON r.account_id = a.id AND r.revoked_at IS NULL
              LEFT JOIN territories t ON t.id = r.territory_id
             GROUP BY a.id, p.name_ru ORDER BY a.username
            """, logger: logger)
        struct GrantRow: Decodable {
            let id: Int64
            let role: String
            let territoryId: Int64?
            let territoryKato: String?
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var result: [AccountSummary] = []
        for try await r in rows.decode((Int64, String, Int64?, String?, Bool, String, String).self) {
            let grants = ((try? decoder.decode([GrantRow].self, from: Data(r.6.utf8))) ?? []).compactMap { row in
                Role(rawValue: row.role).map {
                    AccountSummary.Grant(id: row.id, role: $0, territoryID: row.territoryId, territoryKato: row.territoryKato)
                }
            }
            result.append(
                AccountSummary(
                    id: r.0, username: r.1, personID: r.2, personName: r.3, disabled: r.4, preferredLanguage: Language(rawValue: r.5) ?? .kk,
                    roles: grants))
        }
        return result
    }

    public func setPassword(accountID: Int64, passwordHash: String, by actor: Int64?, requestID: String?) async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                """
                UPDATE accounts SET password_hash = \(passwordHash), password_changed_at = now(), failed_logins = 0, locked_until = NULL
                 WHERE id = \(accountID)
                """, logger: logger)
            // Other sessions of this account end: a changed password must lock out whoever had the old one.
            try await connection.query("DELETE FROM sessions WHERE account_id = \(accountID)", logger: logger)
            try await connection.query(
                "DELETE FROM login_attempts WHERE name = (SELECT username FROM accounts WHERE id = \(accountID))", logger: logger)
            try await AuditEvent(accountID: actor, action: "change_password", entity: "account", entityID: String(accountID), requestID: requestID)
                .write(on: connection, logger: logger)
        }
    }

    public func setLanguage(accountID: Int64, language: Language) async throws {
        try await client.query("UPDATE accounts SET preferred_lang = \(language.rawValue) WHERE id = \(accountID)", logger: logger)
    }

    public func disable(username: String, by actor: Int64?, requestID: String?) async throws {
        let name = username.lowercased()
        try await client.transaction(logger: logger) { connection in
            var id: Int64?
            for try await value in try await connection.query(
                "UPDATE accounts SET disabled_at = coalesce(disabled_at, now()) WHERE username = \(name) RETURNING id", logger: logger
            ).decode(Int64.self) { id = value }
            guard let id else { throw AccountError.unknownAccount(name) }
            try await connection.query("DELETE FROM sessions WHERE account_id = \(id)", logger: logger)
            try await connection.query("UPDATE api_tokens SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL", logger: logger)
            try await AuditEvent(accountID: actor, action: "disable", entity: "account", entityID: name, requestID: requestID)
                .write(on: connection, logger: logger)
        }
    }

    /// Attempts a name may make in a row without a success; the next one locks it for
    /// ``lockMinutes`` minutes.
    public static let attemptsBeforeLock = 5
    public static let lockMinutes = 15

    /// Whether a login under `name` may check its password, and how many attempts in a row
    /// (this one included) the name has made.
    public struct LoginAttempt: Sendable {
        public let allowed: Bool
        public let attempts: Int
    }

    /// Counts an attempt under `name` (known or not) before its password is checked, in one
    /// statement: concurrent guesses each get their own number, and only the first
    /// ``attemptsBeforeLock`` of a run are checked at all. The account of that name, if any,
    /// shows the lock too. Failures older than the lock's length are forgotten.
    public func claimLoginAttempt(name: String) async throws -> LoginAttempt {
        let name = name.lowercased()
        let limit = Int32(Self.attemptsBeforeLock)
        let minutes = Int32(Self.lockMinutes)
        let rows = try await client.query(
            """
            WITH claim AS (
                INSERT INTO login_attempts AS a (name, attempts, last_at) VALUES (\(name), 1, now())
                ON CONFLICT (name) DO UPDATE SET
                    attempts = CASE WHEN a.locked_until <= now() OR (a.locked_until IS NULL AND a.last_at < now() - make_interval(mins => \(minutes)))
                                    THEN 1 ELSE a.attempts + 1 END,
                    locked_until = CASE WHEN a.locked_until <= now() OR (a.locked_until IS NULL AND a.last_at < now() - make_interval(mins => \(minutes))) THEN NULL
                                        WHEN a.locked_until IS NULL AND a.attempts + 1 > \(limit) THEN now() + make_interval(mins => \(minutes))
                                        ELSE a.locked_until END,
                    last_at = now()
                RETURNING attempts, locked_until
            ), mark AS (
                UPDATE accounts SET failed_logins = LEAST(claim.attempts - 1, 1000000), locked_until = claim.locked_until
                  FROM claim WHERE accounts.username = \(name)
            )
            SELECT attempts, locked_until IS NOT NULL FROM claim
            """, logger: logger)
        for try await (attempts, locked) in rows.decode((Int32, Bool).self) {
            return LoginAttempt(allowed: !locked && attempts <= limit, attempts: Int(attempts))
        }
        return LoginAttempt(allowed: false, attempts: 0)
    }

    /// A successful login clears its name's run of attempts; long-idle names of nobody are
    /// forgotten on the way.
    public func recordSuccessfulLogin(name: String, accountID: Int64) async throws {
        try await client.query(
            """
            WITH forget AS (DELETE FROM login_attempts WHERE name = \(name.lowercased()) OR (last_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())))
            UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = \(accountID)
            """, logger: logger)
    }

    // MARK: Roles

    @discardableResult
    public func grant(username: String, role: Role, territoryID: Territory.ID?, by actor: Int64?, requestID: String?) async throws -> Int64 {
        let name = username.lowercased()
        return try await client.transaction(logger: logger) { connection in
            guard let account = try await id(of: name, on: connection) else { throw AccountError.unknownAccount(name) }
            for try await _ in try await connection.query(
                """
                SELECT 1 FROM account_roles WHERE account_id = \(account) AND role = \(role.rawValue)
                   AND coalesce(territory_id, 0) = coalesce(\(territoryID)::bigint, 0) AND revoked_at IS NULL
                """, logger: logger)
            { throw AccountError.grantExists }
            var grantID: Int64 = 0
            for try await value in try await connection.query(
                """
                INSERT INTO account_roles (account_id, role, territory_id, granted_by) VALUES (\(account), \(role.rawValue), \(territoryID), \(actor))
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { grantID = value }
            try await AuditEvent(
                accountID: actor, action: "grant", entity: "account_role", entityID: String(grantID),
                new: RoleGrant(role: role, territoryID: territoryID), requestID: requestID
            ).write(on: connection, logger: logger)
            return grantID
        }
    }

    public func revoke(grantID: Int64, by actor: Int64?, requestID: String?) async throws {
        try await client.transaction(logger: logger) { connection in
            var found = false
            for try await _ in try await connection.query(
                "UPDATE account_roles SET revoked_at = now() WHERE id = \(grantID) AND revoked_at IS NULL RETURNING id", logger: logger
            ) { found = true }
            guard found else { throw AccountError.unknownGrant(grantID) }
            try await AuditEvent(accountID: actor, action: "revoke", entity: "account_role", entityID: String(grantID), requestID: requestID)
                .write(on: connection, logger: logger)
        }
    }

    private func id(of username: String, on connection: PostgresConnection) async throws -> Int64? {
        for try await value in try await connection.query("SELECT id FROM accounts WHERE username = \(username)", logger: logger).decode(Int64.self) {
            return value
        }
        return nil
    }

    /// The caller behind an account: its roles and what its person owns on `day`.
    public func caller(accountID: Int64, on day: Day) async throws -> Caller? {
        guard let account = try await find(id: accountID), !account.disabled else { return nil }
        var grants: [RoleGrant] = []
        for try await (role, territory) in try await client.query(
            "SELECT role, territory_id FROM account_roles WHERE account_id = \(accountID) AND revoked_at IS NULL", logger: logger
        ).decode((String, Int64?).self) {
            if let role = Role(rawValue: role) { grants.append(RoleGrant(role: role, territoryID: territory)) }
        }
        var sections: Set<Section.ID> = []
        var indicators: Set<IndicatorInTerritory> = []
        if let person = account.personID {
            for try await id in try await client.query(
                """
                SELECT section_id FROM section_owners WHERE person_id = \(person)
                   AND valid_from <= \(day) AND (valid_to IS NULL OR valid_to > \(day))
                """, logger: logger
            ).decode(Int64.self) { sections.insert(id) }
            for try await (indicator, territory) in try await client.query(
                """
                SELECT indicator_id, territory_id FROM indicator_owners WHERE person_id = \(person)
                   AND valid_from <= \(day) AND (valid_to IS NULL OR valid_to > \(day))
                """, logger: logger
            ).decode((Int64, Int64).self) {
                indicators.insert(IndicatorInTerritory(indicatorID: indicator, territoryID: territory))
            }
        }
        return Caller(
            accountID: account.id, username: account.username, personID: account.personID, grants: grants,
            ownedSections: sections, ownedIndicators: indicators)
    }

    // MARK: Sessions

    public struct Session: Sendable {
        public let token: String
        public let accountID: Int64
        public let csrfToken: String
        public let expiresAt: Date
    }

    /// A new session with a new secret: a login never reuses an identifier it was given.
    public func createSession(accountID: Int64, lifetime: Duration) async throws -> Session {
        let token = Secrets.token()
        let csrf = Secrets.token()
        let seconds = Double(lifetime.components.seconds)
        var expires = Date()
        for try await value in try await client.query(
            """
            INSERT INTO sessions (token_hash, account_id, csrf_token, expires_at)
            VALUES (\(Secrets.sha256Hex(token)), \(accountID), \(csrf), now() + make_interval(secs => \(seconds)))
            RETURNING expires_at
            """, logger: logger
        ).decode(Date.self) { expires = value }
        // Expired sessions are swept as new ones are made.
        try await client.query("DELETE FROM sessions WHERE expires_at < now() - interval '1 day'", logger: logger)
        return Session(token: token, accountID: accountID, csrfToken: csrf, expiresAt: expires)
    }

    /// The live session behind a cookie, if any. `last_seen_at` is written at most once a
    /// minute, so that reads do not turn into a write per request.
    public func session(token: String) async throws -> Session? {
        let hash = Secrets.sha256Hex(token)
        let rows = try await client.query(
            """
            SELECT s.account_id, s.csrf_token, s.expires_at, s.last_seen_at < now() - interval '1 minute'
              FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.token_hash = \(hash) AND s.expires_at > now() AND a.disabled_at IS NULL
            """, logger: logger)
        for try await (account, csrf, expires, stale) in rows.decode((Int64, String, Date, Bool).self) {
            if stale { try await client.query("UPDATE sessions SET last_seen_at = now() WHERE token_hash = \(hash)", logger: logger) }
            return Session(token: token, accountID: account, csrfToken: csrf, expiresAt: expires)
        }
        return nil
    }

    public func deleteSession(token: String) async throws {
        try await client.query("DELETE FROM sessions WHERE token_hash = \(Secrets.sha256Hex(token))", logger: logger)
    }

    // MARK: API tokens

    public struct TokenSummary: Sendable {
        public let id: Int64
        public let name: String
        public let createdAt: Date
        public let lastUsedAt: Date?
        public let revoked: Bool
    }

    /// Creates a token and returns its secret, which is shown once and stored only as a hash.
    public func createToken(username: String, name: String, by actor: Int64?, requestID: String?) async throws -> (id: Int64, secret: String) {
        let account = username.lowercased()
        let secret = "uade_" + Secrets.token()
        return try await client.transaction(logger: logger) { connection in
            guard let accountID = try await id(of: account, on: connection) else { throw AccountError.unknownAccount(account) }
            var tokenID: Int64 = 0
            for try await value in try await connection.query(
                """
                INSERT INTO api_tokens (account_id, token_hash, name, created_by) VALUES (\(accountID), \(Secrets.sha256Hex(secret)), \(name), \(actor))
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { tokenID = value }
            try await AuditEvent(
                accountID: actor, action: "create_token", entity: "api_token", entityID: String(tokenID),
                new: ["account": account, "name": name], requestID: requestID
            ).write(on: connection, logger: logger)
            return (tokenID, secret)
        }
    }

    /// The account behind an API token; `last_used_at` is written at most once a minute.
    public func account(forToken secret: String) async throws -> Int64? {
        let hash = Secrets.sha256Hex(secret)
        let rows = try await client.query(
            """
            SELECT t.account_id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'
              FROM api_tokens t JOIN accounts a ON a.id = t.account_id
             WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL AND a.disabled_at IS NULL
            """, logger: logger)
        for try await (id, stale) in rows.decode((Int64, Bool).self) {
            if stale { try await client.query("UPDATE api_tokens SET last_used_at = now() WHERE token_hash = \(hash)", logger: logger) }
            return id
        }
        return nil
    }

    public func revokeToken(id tokenID: Int64, by actor: Int64?, requestID: String?) async throws {
        try await client.transaction(logger: logger) { connection in
            var found = false
            for try await _ in try await connection.query(
                "UPDATE api_tokens SET revoked_at = now() WHERE id = \(tokenID) AND revoked_at IS NULL RETURNING id", logger: logger
            ) { found = true }
            guard found else { throw AccountError.unknownToken(tokenID) }
            try await AuditEvent(accountID: actor, action: "revoke_token", entity: "api_token", entityID: String(tokenID), requestID: requestID)
                .write(on: connection, logger: logger)
        }
    }

    public func tokens(username: String) async throws -> [TokenSummary] {
        let rows = try await client.query(
            """
            SELECT t.id, t.name, t.created_at, t.last_used_at, t.revoked_at IS NOT NULL
              FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.username = \(username.lowercased()) ORDER BY t.id
            """, logger: logger)
        var result: [TokenSummary] = []
        for try await r in rows.decode((Int64, String, Date, Date?, Bool).self) {
            result.append(TokenSummary(id: r.0, name: r.1, createdAt: r.2, lastUsedAt: r.3, revoked: r.4))
        }
        return result
    }
}
