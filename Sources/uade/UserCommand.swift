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
            guard let language = Language(tag: lang) else { throw CommandFailure("--lang must be kk, ru or en") }
            let account = NewAccount(username: username, password: try readPassword(), personID: person, language: language)
            try await withAccounts { accounts in
                let id = try await accounts.create(account, by: .commandLine, requestID: "cli")
                say("Created account \(account.username ?? "") (id \(id)).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts with their roles.")
        func run() async throws {
            try await withAccounts { accounts in
                for account in try await accounts.list(by: .commandLine) {
                    let roles = account.roles.map {
                        "\($0.role.rawValue)\($0.territoryKato.map { "@\($0)" } ?? $0.territoryID.map { "@\($0)" } ?? "") #\($0.id)"
                    }
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
            try await withAccounts { accounts in
                try await accounts.disable(username: username, by: .commandLine, requestID: "cli")
                say("Disabled \(username).")
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        @Argument var username: String
        @Argument var role: String
        @Option(help: "The territory scope: KATO code or id (required except for administrator and bureau_member).") var territory: String?
        func run() async throws {
            let username = self.username
            let role = self.role
            let territory = self.territory
            try await withAccounts { accounts in
                let id = try await accounts.grant(username: username, role: role, territory: territory, by: .commandLine, requestID: "cli")
                say("Granted \(role) to \(username) (grant #\(id)).")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a role grant by its number (see `uade user list`).")
        @Argument var grant: Int64
        func run() async throws {
            let grant = self.grant
            try await withAccounts { accounts in
                try await accounts.revoke(grantID: grant, by: .commandLine, requestID: "cli")
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
            let username = self.username
            let name = self.name
            let revoke = self.revoke
            try await withAccounts { accounts in
                if let revoke {
                    try await accounts.revokeToken(id: revoke, by: .commandLine, requestID: "cli")
                    say("Revoked token #\(revoke).")
                } else {
                    let (id, secret) = try await accounts.createToken(username: username, name: name, by: .commandLine, requestID: "cli")
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

/// Runs `body` with the account service on the configured database; its refusals become the
/// command's message, each field named with its `--option` or argument.
func withAccounts(_ body: @Sendable (AccountService) async throws -> Void) async throws {
    let logger = makeLogger()
    let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
    try await Database.withClient(url, logger: logger) { client in
        do {
            try await body(AccountService(client: client, logger: logger, policies: StoredPolicy(client: client, logger: logger)))
        } catch let failure as ServiceFailure {
            throw CommandFailure(failure)
        }
    }
}
