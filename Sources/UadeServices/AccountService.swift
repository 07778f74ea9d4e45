import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// A new account as an administrator asks for it.
public struct NewAccount: Sendable {
    public var username: String?
    public var password: String?
    public var personID: Int64?
    public var language: Language
    /// What the presentation could not read (a number that is not one, an unknown field).
    public var unreadable: [FieldProblem]

    public init(username: String?, password: String?, personID: Int64? = nil, language: Language = .ru, unreadable: [FieldProblem] = []) {
        self.username = username?.lowercased()
        self.password = password
        self.personID = personID
        self.language = language
        self.unreadable = unreadable
    }

    /// Every field that is wrong, each named.
    public func validate() -> [FieldProblem] {
        var problems = unreadable
        if let username {
            if username.range(of: "^[a-z0-9][a-z0-9._-]{1,62}$", options: .regularExpression) == nil {
                problems.append(
                    FieldProblem(
                        field: "username", reason: "2–63 characters: lowercase letters, digits, '.', '_' or '-'",
                        words: LocalizedText(
                            kk: "2–63 таңба: кіші латын әріптері, цифрлар, «.», «_» немесе «-»",
                            ru: "2–63 символа: строчные латинские буквы, цифры, «.», «_» или «-»",
                            en: "2–63 characters: lowercase letters, digits, '.', '_' or '-'")))
            }
        } else if !problems.contains(where: { $0.field == "username" }) {
            problems.append(.required("username"))
        }
        if let password {
            if let username, let problem = PasswordHasher.fieldProblem("password", password: password, username: username) {
                problems.append(problem)
            }
        } else if !problems.contains(where: { $0.field == "password" }) {
            problems.append(.required("password"))
        }
        if let personID, personID < 1 { problems.append(FieldProblem(field: "person_id", reason: "must be a person's id")) }
        return problems
    }
}

/// Accounts, their roles and API tokens: for administrators on the pages and the API, and for
/// the operator with `uade user`. Every change is audited under who made it.
public struct AccountService: Sendable {
    let accounts: AccountRepository
    let policies: any PolicySource
    let hasher: PasswordHasher
    /// Called after a change to roles, tokens or accounts, so that what this process keeps of
    /// them (callers, tokens) is read afresh at once.
    let accessChanged: @Sendable () -> Void
    let today: @Sendable () -> Day

    public init(
        client: PostgresClient, logger: Logger, policies: any PolicySource, hasher: PasswordHasher = PasswordHasher(),
        accessChanged: @escaping @Sendable () -> Void = {}, today: @escaping @Sendable () -> Day = { Day.todayInKazakhstan() }
    ) {
        self.today = today
        self.accounts = AccountRepository(client: client, logger: logger)
        self.policies = policies
        self.hasher = hasher
        self.accessChanged = accessChanged
    }

    func requireManager(_ requester: Requester) async throws {
        guard case .caller(let caller) = requester else { return }
        if case .deny(let reason) = try await policies.policy().decide(caller, .manageAccounts) { throw ServiceFailure.forbidden(reason) }
    }

    public func list(by requester: Requester) async throws -> [AccountSummary] {
        try await requireManager(requester)
        return try await accounts.list()
    }

    /// - Returns: the new account's id.
    /// - Throws: ``ServiceFailure``: `.invalid` naming the fields, `.conflict` (`username-taken`).
    public func create(_ account: NewAccount, by requester: Requester, requestID: String?) async throws -> Int64 {
        try await requireManager(requester)
        try ServiceFailure.throwIfAny(account.validate())
        guard let username = account.username, let password = account.password else { throw ServiceFailure.invalid("username", "is required") }
        do {
            return try await accounts.create(
                username: username, passwordHash: try await hasher.hash(password), personID: account.personID,
                language: account.language, by: requester.accountID, requestID: requestID)
        } catch let error as AccountError {
            throw Self.failure(error)
        }
    }

    /// Grants `role` over the territory named by KATO code or id (ignored for roles without one).
    /// - Throws: ``ServiceFailure``: `.invalid` naming `role` or `territory`, `.notFound` for an
    ///   unknown account, `.conflict` (`grant-exists`).
    public func grant(
        username: String, role roleCode: String?, territory reference: String?, by requester: Requester, requestID: String?,
        unreadable: [FieldProblem] = []
    ) async throws -> Int64 {
        try await requireManager(requester)
        var problems = unreadable
        let role = roleCode.flatMap(Role.init(rawValue:))
        if let roleCode, role == nil {
            problems.append(
                FieldProblem(field: "role", reason: "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")), not '\(roleCode)'"))
        } else if roleCode == nil, !problems.contains(where: { $0.field == "role" }) {
            problems.append(.required("role"))
        }
        var territoryID: Territory.ID?
        if let reference {
            // By name in any language, KATO code or id, as the ownership form reads it.
            switch try await policies.policy().tree.named(reference, on: today()) {
            case .found(let territory): territoryID = territory.id
            case .missing(let words): problems.append(FieldProblem(field: "territory", reason: words.resolved(.en), words: words))
            }
        } else if let role, role.needsTerritory {
            problems.append(
                FieldProblem(
                    field: "territory", reason: "the role \(role.rawValue) needs a territory",
                    words: LocalizedText(
                        kk: "«\(role.heading(.kk))» рөліне аумақ керек", ru: "для роли «\(role.heading(.ru))» нужна территория",
                        en: "the role \(role.rawValue) needs a territory")))
        }
        try ServiceFailure.throwIfAny(problems)
        guard let role else { throw ServiceFailure.invalid("role", "is required") }
        do {
            let id = try await accounts.grant(
                username: username, role: role, territoryID: role.needsTerritory ? territoryID : nil,
                by: requester.accountID, requestID: requestID)
            accessChanged()
            return id
        } catch AccountError.grantExists {
            throw ServiceFailure(.conflict, code: .grantExists, detail: "\(username) holds this role already")
        } catch let error as AccountError {
            throw Self.failure(error)
        }
    }

    public func revoke(grantID: Int64, by requester: Requester, requestID: String?) async throws {
        try await requireManager(requester)
        do {
            try await accounts.revoke(grantID: grantID, by: requester.accountID, requestID: requestID)
            accessChanged()
        } catch let error as AccountError {
            throw Self.failure(error)
        }
    }

    /// Its sessions end and its tokens are revoked.
    public func disable(username: String, by requester: Requester, requestID: String?) async throws {
        try await requireManager(requester)
        do {
            try await accounts.disable(username: username, by: requester.accountID, requestID: requestID)
            accessChanged()
        } catch let error as AccountError {
            throw Self.failure(error)
        }
    }

    public func tokens(username: String, by requester: Requester) async throws -> [AccountRepository.TokenSummary] {
        try await requireManager(requester)
        guard try await accounts.find(username: username) != nil else { throw Self.failure(.unknownAccount(username)) }
        return try await accounts.tokens(username: username)
    }

    /// A new API token; its secret is returned once and stored only as a hash.
    public func createToken(
        username: String, name: String?, by requester: Requester, requestID: String?,
        unreadable: [FieldProblem] = []
    ) async throws -> (id: Int64, secret: String) {
        try await requireManager(requester)
        var problems = unreadable
        if name == nil, !problems.contains(where: { $0.field == "name" }) { problems.append(FieldProblem(field: "name", reason: "is required")) }
        try ServiceFailure.throwIfAny(problems)
        do {
            return try await accounts.createToken(username: username, name: name ?? "", by: requester.accountID, requestID: requestID)
        } catch let error as AccountError {
            throw Self.failure(error)
        }
    }

    public func revokeToken(id: Int64, by requester: Requester, requestID: String?) async throws {
        try await requireManager(requester)
        do {
            try await accounts.revokeToken(id: id, by: requester.accountID, requestID: requestID)
            accessChanged()
        } catch let error as AccountError {
            throw Self.failure(error)
        }
    }

    static func failure(_ error: AccountError) -> ServiceFailure {
        switch error {
        case .usernameTaken(let name):
            ServiceFailure(
                .conflict, code: .usernameTaken, detail: "an account '\(name)' exists",
                problems: [
                    FieldProblem(
                        field: "username", reason: "taken",
                        words: LocalizedText(kk: "бұл атау бос емес", ru: "это имя уже занято", en: "taken"))
                ])
        case .unknownPerson(let id):
            ServiceFailure(
                .invalid, code: .unknownPerson, detail: "no person \(id)",
                problems: [
                    FieldProblem(
                        field: "person_id", reason: "no such person",
                        words: LocalizedText(kk: "мұндай адам жоқ", ru: "такого человека нет", en: "no such person"))
                ])
        case .unknownAccount(let name): .notFound("no account \(name)")
        case .unknownGrant(let id): .notFound("no active role grant \(id)")
        case .unknownToken(let id): .notFound("no active token \(id)")
        case .grantExists: ServiceFailure(.conflict, code: .grantExists, detail: "the account holds this role already")
        }
    }
}
