import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeServices
import UadeStorage

struct RoadmapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roadmap",
        abstract: "A programme's roadmap as its workbook (XLSX): programme, sections, indicators, targets, measures, people, owners.",
        subcommands: [Export.self]
    )

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a programme's roadmap workbook, as the given account.",
            discussion: "The workbook opens in Excel and LibreOffice Calc; importing it again changes nothing (docs/roadmaps.md)."
        )
        @Argument(help: "The programme's code.") var programme: String
        @Option(name: .customLong("as"), help: "The account exporting: an administrator, or the programme office of its territory.")
        var account: String
        @Option(name: .shortAndLong, help: "The file to write (default: roadmap-<code>.xlsx).") var output: String?
        @Option(help: "The language of the instructions sheet: kk, ru or en.") var lang: String = "ru"

        func run() async throws {
            guard let language = Language(rawValue: lang) else { throw CommandFailure("--lang must be kk, ru or en, not '\(lang)'") }
            let logger = makeLogger()
            let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
            let (account, programme) = (self.account, self.programme)
            let file = try await Database.withClient(url, logger: logger) { client in
                let caller = try await RoadmapCommand.caller(account, client: client, logger: logger)
                do {
                    return try await RoadmapService(client: client, logger: logger, policies: StoredPolicy(client: client, logger: logger))
                        .export(programme, by: .caller(caller), language: language)
                } catch let failure as ServiceFailure {
                    throw CommandFailure(failure)
                }
            }
            let path = output ?? file.fileName
            guard FileManager.default.createFile(atPath: path, contents: file.data) else { throw CommandFailure("cannot write \(path)") }
            say("Wrote \(path) (\(file.data.count) bytes).")
        }
    }

    /// The account a command acts as, with its roles and what its person owns today.
    static func caller(_ username: String, client: PostgresClient, logger: Logger) async throws -> Caller {
        let accounts = AccountRepository(client: client, logger: logger)
        guard let record = try await accounts.find(username: username),
            let caller = try await accounts.caller(accountID: record.id, on: Day.todayInKazakhstan())
        else { throw CommandFailure("no active account \(username)") }
        return caller
    }
}
