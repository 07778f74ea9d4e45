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

struct AccountDTO: ResponseCodable, Sendable {
    struct Grant: Codable, Sendable {
        let id: Int64
        let role: String
        let territoryId: Int64?
        let territoryKato: String?
    }
    let id: Int64
    let username: String
    let personId: Int64?
    let personName: String?
    let disabled: Bool
    let preferredLang: String
    let roles: [Grant]

    init(_ account: AccountSummary) {
        id = account.id
        username = account.username
        personId = account.personID
        personName = account.personName
        disabled = account.disabled
        preferredLang = account.preferredLanguage.rawValue
        roles = account.roles.map { Grant(id: $0.id, role: $0.role.rawValue, territoryId: $0.territoryID, territoryKato: $0.territoryKato) }
    }
}

struct TokenDTO: ResponseCodable, Sendable {
    let id: Int64
    let name: String
    let createdAt: Date
    let lastUsedAt: Date?
    let revoked: Bool

    init(_ token: AccountRepository.TokenSummary) {
        id = token.id
        name = token.name
        createdAt = token.createdAt
        lastUsedAt = token.lastUsedAt
        revoked = token.revoked
    }
}

struct AuditEntryDTO: ResponseCodable, Sendable {
    let id: Int64
    let occurredAt: Date
    let username: String?
    let action: String
    let entity: String
    let entityId: String?
    let oldValue: String?
    let newValue: String?
    let requestId: String?

    init(_ entry: AuditEntry) {
        id = entry.id
        occurredAt = entry.occurredAt
        username = entry.username
        action = entry.action
        entity = entry.entity
        entityId = entry.entityId
        oldValue = entry.oldValue
        newValue = entry.newValue
        requestId = entry.requestId
    }
}

struct IDDTO: ResponseCodable, Sendable {
    let id: Int64
}

/// Accounts, roles and API tokens, for administrators: `AccountService` behind the API's words.
struct AccountsController: Sendable {
    let service: AccountService
    let audit: AuditRepository
    let authorizer: Authorizer

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

    /// The signed-in caller as the account service knows them.
    func requester(_ context: AppRequestContext) throws -> Requester {
        .caller(try context.requireCaller())
    }

    /// A service's answer, its refusals as problem documents.

    func pathID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be a number") }
        return id
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListDTO<AccountDTO> {
        let requester = try requester(context)
        let items = try await APIError.answering { try await service.list(by: requester) }
        return ListDTO(items: items.map(AccountDTO.init), total: items.count, limit: nil, offset: nil)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let requester = try requester(context)
        // Who may manage accounts is decided before the body is read.
        try await authorizer.require(context, .manageAccounts)
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["username", "password", "person_id", "lang"], problems: &problems)
        let username = body.string("username", problems: &problems)
        let password = body.string("password", problems: &problems)
        let person = body.number("person_id", problems: &problems)
        var language = Language.ru
        if let lang = body.string("lang", problems: &problems) {
            if let chosen = Language(tag: lang) {
                language = chosen
            } else {
                problems.append(FieldProblem(field: "body.lang", reason: "must be kk, ru or en"))
            }
        }
        var personID: Int64?
        if let person {
            if person == person.rounded(), person >= 1, person < 1e15 {
                personID = Int64(person)
            } else {
                problems.append(FieldProblem(field: "body.person_id", reason: "must be a person's id"))
            }
        }
        let account = NewAccount(username: username, password: password, personID: personID, language: language, unreadable: JSONBody.plain(problems))
        let id = try await APIError.answering { try await service.create(account, by: requester, requestID: context.id) }
        return try IDDTO(id: id).response(from: request, context: context).with(status: .created)
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        let requester = try requester(context)
        let username = context.parameters.get("username") ?? ""
        try await APIError.answering { try await service.disable(username: username, by: requester, requestID: context.id) }
        return Response(status: .noContent)
    }

    @Sendable func grant(_ request: Request, context: AppRequestContext) async throws -> Response {
        let requester = try requester(context)
        try await authorizer.require(context, .manageAccounts)
        let username = context.parameters.get("username") ?? ""
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["role", "territory"], problems: &problems)
        let role = body.string("role", problems: &problems)
        let territory = body.string("territory", problems: &problems)
        let id = try await APIError.answering {
            try await service.grant(
                username: username, role: role, territory: territory, by: requester, requestID: context.id,
                unreadable: JSONBody.plain(problems))
        }
        return try IDDTO(id: id).response(from: request, context: context).with(status: .created)
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let requester = try requester(context)
        try await authorizer.require(context, .manageAccounts)
        let id = try pathID(context)
        try await APIError.answering { try await service.revoke(grantID: id, by: requester, requestID: context.id) }
        return Response(status: .noContent)
    }

    @Sendable func tokens(_ request: Request, context: AppRequestContext) async throws -> ListDTO<TokenDTO> {
        let requester = try requester(context)
        let username = context.parameters.get("username") ?? ""
        let items = try await APIError.answering { try await service.tokens(username: username, by: requester) }
        return ListDTO(items: items.map(TokenDTO.init), total: items.count, limit: nil, offset: nil)
    }

    @Sendable func createToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let requester = try requester(context)
        try await authorizer.require(context, .manageAccounts)
        let username = context.parameters.get("username") ?? ""
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["name"], problems: &problems)
        let name = body.string("name", problems: &problems)
        let (id, secret) = try await APIError.answering {
            try await service.createToken(username: username, name: name, by: requester, requestID: context.id, unreadable: JSONBody.plain(problems))
        }
        return try CreatedTokenDTO(id: id, name: name ?? "", token: secret).response(from: request, context: context).with(status: .created)
    }

    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let requester = try requester(context)
        try await authorizer.require(context, .manageAccounts)
        let id = try pathID(context)
        try await APIError.answering { try await service.revokeToken(id: id, by: requester, requestID: context.id) }
        return Response(status: .noContent)
    }

    @Sendable func auditLog(_ request: Request, context: AppRequestContext) async throws -> ListDTO<AuditEntryDTO> {
        try await authorizer.require(context, .readAudit)
        let query = QueryParameters(request: request)
        let page = try query.page()
        let (items, total) = try await audit.list(
            entity: query.string("entity"), entityID: query.string("entity_id"), limit: page.limit, offset: page.offset)
        return ListDTO(items: items.map(AuditEntryDTO.init), total: total, limit: page.limit, offset: page.offset)
    }
}

extension Response {
    func with(status: HTTPResponse.Status) -> Response {
        var copy = self
        copy.status = status
        return copy
    }
}
