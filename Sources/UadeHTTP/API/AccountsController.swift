import Foundation
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

struct CreatedTokenDTO: ResponseCodable, Sendable {
    let id: Int64
    let name: String
    /// Shown once: only its hash is kept.
    let token: String
}

struct IDDTO: ResponseCodable, Sendable {
    let id: Int64
}

/// Accounts, roles and API tokens, for administrators.
struct AccountsController: Sendable {
    let accounts: AccountRepository
    let audit: AuditRepository
    let authorizer: Authorizer
    let hasher: PasswordHasher
    let caches: AccessCaches

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("accounts", use: list)
        group.post("accounts", use: create)
        group.post("accounts/:username/disable", use: disable)
        group.post("accounts/:username/roles", use: grant)
        group.delete("roles/:id", use: revoke)
        group.get("accounts/:username/tokens", use: tokens)
        group.post("accounts/:username/tokens", use: createToken)
        group.delete("tokens/:id", use: revokeToken)
        group.get("audit", use: auditLog)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListDTO<AccountSummary> {
        try await authorizer.require(context, .manageAccounts)
        let items = try await accounts.list()
        return ListDTO(items: items, total: items.count, limit: nil, offset: nil)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await authorizer.require(context, .manageAccounts)
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["username", "password", "person_id", "lang"], problems: &problems)
        let username = body.string("username", required: true, problems: &problems)?.lowercased()
        let password = body.string("password", required: true, problems: &problems)
        let person = body.number("person_id", problems: &problems)
        let lang = body.string("lang", problems: &problems)
        if let username, username.range(of: "^[a-z0-9][a-z0-9._-]{1,62}$", options: .regularExpression) == nil {
            problems.append(FieldProblem(field: "body.username", reason: "2–63 characters: lowercase letters, digits, '.', '_' or '-'"))
        }
        if let password, let username, let problem = PasswordHasher.problem(with: password, username: username) {
            problems.append(FieldProblem(field: "body.password", reason: problem))
        }
        var language = Language.ru
        if let lang {
            if let l = Language(tag: lang) { language = l } else { problems.append(FieldProblem(field: "body.lang", reason: "must be kk, ru or en")) }
        }
        if let person, person != person.rounded() || person < 1 || person >= 1e15 {
            problems.append(FieldProblem(field: "body.person_id", reason: "must be a person's id"))
        }
        try throwIfProblems(problems)
        do {
            let id = try await accounts.create(username: username!, passwordHash: try await hasher.hash(password!), personID: person.map { Int64($0) },
                                               language: language, by: caller.accountID, requestID: context.id)
            return try IDDTO(id: id).response(from: request, context: context).with(status: .created)
        } catch AccountError.usernameTaken(let name) {
            throw APIError(.conflict, kind: "username-taken", detail: "an account '\(name)' exists", fields: [.init(field: "body.username", reason: "taken")])
        } catch AccountError.unknownPerson(let id) {
            throw APIError(.unprocessableContent, kind: "unknown-person", detail: "no person \(id)", fields: [.init(field: "body.person_id", reason: "no such person")])
        }
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await authorizer.require(context, .manageAccounts)
        let username = context.parameters.get("username") ?? ""
        do {
            try await accounts.disable(username: username, by: caller.accountID, requestID: context.id)
            caches.forgetAll()
        } catch AccountError.unknownAccount {
            throw APIError.notFound("no account \(username)")
        }
        return Response(status: .noContent)
    }

    @Sendable func grant(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await authorizer.require(context, .manageAccounts)
        let username = context.parameters.get("username") ?? ""
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["role", "territory"], problems: &problems)
        let roleText = body.string("role", required: true, problems: &problems)
        let territoryRef = body.string("territory", problems: &problems)
        let role = roleText.flatMap(Role.init(rawValue:))
        if roleText != nil && role == nil {
            problems.append(FieldProblem(field: "body.role", reason: "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        var territoryID: Int64?
        if let territoryRef {
            territoryID = try await authorizer.policy().tree.find(territoryRef)?.id
            if territoryID == nil { problems.append(FieldProblem(field: "body.territory", reason: "no territory \(territoryRef)")) }
        }
        if let role, role.needsTerritory, territoryRef == nil {
            problems.append(FieldProblem(field: "body.territory", reason: "the role \(role.rawValue) needs a territory"))
        }
        try throwIfProblems(problems)
        do {
            let id = try await accounts.grant(username: username, role: role!, territoryID: role!.needsTerritory ? territoryID : nil,
                                              by: caller.accountID, requestID: context.id)
            caches.forgetAll()
            return try IDDTO(id: id).response(from: request, context: context).with(status: .created)
        } catch AccountError.unknownAccount {
            throw APIError.notFound("no account \(username)")
        } catch AccountError.grantExists {
            throw APIError(.conflict, kind: "grant-exists", detail: "\(username) holds this role already")
        }
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await authorizer.require(context, .manageAccounts)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be a number") }
        do {
            try await accounts.revoke(grantID: id, by: caller.accountID, requestID: context.id)
            caches.forgetAll()
        } catch AccountError.unknownGrant {
            throw APIError.notFound("no active role grant \(id)")
        }
        return Response(status: .noContent)
    }

    @Sendable func tokens(_ request: Request, context: AppRequestContext) async throws -> ListDTO<AccountRepository.TokenSummary> {
        try await authorizer.require(context, .manageAccounts)
        let username = context.parameters.get("username") ?? ""
        guard try await accounts.find(username: username) != nil else { throw APIError.notFound("no account \(username)") }
        let items = try await accounts.tokens(username: username)
        return ListDTO(items: items, total: items.count, limit: nil, offset: nil)
    }

    @Sendable func createToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await authorizer.require(context, .manageAccounts)
        let username = context.parameters.get("username") ?? ""
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["name"], problems: &problems)
        let name = body.string("name", required: true, problems: &problems)
        try throwIfProblems(problems)
        do {
            let (id, secret) = try await accounts.createToken(username: username, name: name!, by: caller.accountID, requestID: context.id)
            return try CreatedTokenDTO(id: id, name: name!, token: secret).response(from: request, context: context).with(status: .created)
        } catch AccountError.unknownAccount {
            throw APIError.notFound("no account \(username)")
        }
    }

    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await authorizer.require(context, .manageAccounts)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be a number") }
        do {
            try await accounts.revokeToken(id: id, by: caller.accountID, requestID: context.id)
            caches.forgetAll()
        } catch AccountError.unknownToken {
            throw APIError.notFound("no active token \(id)")
        }
        return Response(status: .noContent)
    }

    @Sendable func auditLog(_ request: Request, context: AppRequestContext) async throws -> ListDTO<AuditEntry> {
        try await authorizer.require(context, .readAudit)
        let query = QueryParameters(request: request)
        let page = try query.page()
        let (items, total) = try await audit.list(entity: query.string("entity"), entityID: query.string("entity_id"), limit: page.limit, offset: page.offset)
        return ListDTO(items: items, total: total, limit: page.limit, offset: page.offset)
    }
}

extension Response {
    func with(status: HTTPResponse.Status) -> Response {
        var copy = self
        copy.status = status
        return copy
    }
}
