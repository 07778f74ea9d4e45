import ArgumentParser
import Foundation
import Logging
import UadeDomain
import UadeServices
import UadeStorage

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage accounts, roles and API tokens (administrators, on the server).",
        discussion: "Each change is written to the audit log as done from the command line.",
        subcommands: [Add.self, List.self, Disable.self, Grant.self, Revoke.self, Token.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; the password is read from UADE_PASSWORD or asked for.")
        @Argument(help: "Lowercase letters, digits, '.', '_' or '-'.") var username: String
        @Option(help: "The person (people.id) the account belongs to.") var person: Int64?
        @Option(help: "kk, ru or en.") var lang: String = "ru"

        func run() async throws {
            let password = try readPassword()
            if let problem = PasswordHasher.problem(with: password, username: username) { throw CommandFailure("password \(problem)") }
            guard let language = Language(tag: lang) else { throw CommandFailure("--lang must be kk, ru or en") }
            let hash = try await PasswordHasher().hash(password)
            let username = self.username, person = self.person
            try await withRepositories { accounts, _ in
                let id = try await accounts.create(username: username, passwordHash: hash, personID: person, language: language, by: nil, requestID: "cli")
                say("Created account \(username) (id \(id)).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts with their roles.")
        func run() async throws {
            try await withRepositories { accounts, _ in
                for account in try await accounts.list() {
                    let roles = account.roles.map { "\($0.role)\($0.territoryKato.map { "@\($0)" } ?? $0.territoryId.map { "@\($0)" } ?? "") #\($0.id)" }
                    say("\(account.username)\(account.disabled ? " (disabled)" : "")\t\(account.personName ?? "-")\t\(roles.joined(separator: ", "))")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: its sessions end and its tokens are revoked.")
        @Argument var username: String
        func run() async throws {
            let username = self.username
            try await withRepositories { accounts, _ in
                try await accounts.disable(username: username, by: nil, requestID: "cli")
                say("Disabled \(username).")
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a role: administrator, coordinator, bureau_member, council_member, faction_staff, observer.")
        @Argument var username: String
        @Argument var role: String
        @Option(help: "The territory scope: KATO code or id (required except for administrator and bureau_member).") var territory: String?
        func run() async throws {
            guard let role = Role(rawValue: role) else { throw CommandFailure("role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
            let username = self.username, territoryRef = self.territory
            try await withRepositories { accounts, territories in
                var territoryID: Int64?
                if let territoryRef {
                    guard let found = try await territories.find(territoryRef) else { throw CommandFailure("no territory \(territoryRef)") }
                    territoryID = found.id
                } else if role.needsTerritory {
                    throw CommandFailure("the role \(role.rawValue) needs --territory")
                }
                let id = try await accounts.grant(username: username, role: role, territoryID: territoryID, by: nil, requestID: "cli")
                say("Granted \(role.rawValue) to \(username) (grant #\(id)).")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a role grant by its number (see `uade user list`).")
        @Argument var grant: Int64
        func run() async throws {
            let grant = self.grant
            try await withRepositories { accounts, _ in
                try await accounts.revoke(grantID: grant, by: nil, requestID: "cli")
                say("Revoked grant #\(grant).")
            }
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token for an account (shown once), or --revoke one.")
        @Argument var username: String
        @Option(help: "What the token is for.") var name: String = "integration"
        @Option(help: "Revoke the token with this number instead.") var revoke: Int64?
        func run() async throws {
            let username = self.username, name = self.name, revoke = self.revoke
            try await withRepositories { accounts, _ in
                if let revoke {
                    try await accounts.revokeToken(id: revoke, by: nil, requestID: "cli")
                    say("Revoked token #\(revoke).")
                } else {
                    let (id, secret) = try await accounts.createToken(username: username, name: name, by: nil, requestID: "cli")
                    say("Token #\(id) for \(username) (\(name)); it is shown only now:")
                    say(secret)
                }
            }
        }
    }
}

func readPassword() throws -> String {
    if let password = ProcessInfo.processInfo.environment["UADE_PASSWORD"], !password.isEmpty { return password }
    FileHandle.standardError.write(Data("Password: ".utf8))
    guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw CommandFailure("no password given (set UADE_PASSWORD or type it)") }
    return line
}

/// Runs `body` with the account and territory repositories on the configured database.
func withRepositories(_ body: @Sendable (AccountRepository, TerritoryRepository) async throws -> Void) async throws {
    let logger = makeLogger()
    let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
    try await Database.withClient(url, logger: logger) { client in
        do {
            try await body(AccountRepository(client: client, logger: logger), TerritoryRepository(client: client, logger: logger))
        } catch let error as AccountError {
            let message = switch error {
            case .usernameTaken(let name): "an account \(name) exists already"
            case .unknownAccount(let name): "no account \(name)"
            case .unknownGrant(let id): "no active grant #\(id)"
            case .unknownToken(let id): "no active token #\(id)"
            case .unknownPerson(let id): "no person \(id)"
            case .grantExists: "the account holds this role already"
            }
            throw CommandFailure(message)
        }
    }
}
