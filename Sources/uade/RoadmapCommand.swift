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
        subcommands: [Import.self, Export.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a roadmap workbook (XLSX, or a ZIP of CSV files), as the given account.",
            discussion: """
                The workbook is checked whole: every bad cell is reported by sheet, row, column and reason, and then \
                nothing is written. Otherwise the changes are listed per sheet (new, changed, unchanged, absent) and \
                written in one transaction; importing the same workbook again changes nothing. Absent rows are kept \
                unless --retire-absent is given (docs/roadmaps.md).
                """
        )
        @Argument(help: "The workbook.") var file: String
        @Option(name: .customLong("as"), help: "The account importing: an administrator, or the programme office of the programme's territory.")
        var account: String
        @Flag(help: "Check and list the changes, write nothing.") var dryRun = false
        @Flag(help: "Remove absent targets (those without reported values) and ownerships.") var retireAbsent = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
            let logger = makeLogger()
            let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
            let (account, dryRun, retire) = (self.account, self.dryRun, self.retireAbsent)
            let result = try await Database.withClient(url, logger: logger) { client in
                let caller = try await RoadmapCommand.caller(account, client: client, logger: logger)
                do {
                    return try await RoadmapService(client: client, logger: logger, policies: StoredPolicy(client: client, logger: logger))
                        .importWorkbook(
                            data, by: .caller(caller), dryRun: dryRun, retireAbsent: retire, requestID: "cli-roadmap-\(UUID().uuidString.prefix(8))")
                } catch let failure as ServiceFailure {
                    throw CommandFailure(failure)
                }
            }
            if !result.problems.isEmpty {
                for problem in result.problems.prefix(200) { say(problem.description) }
                if result.problems.count > 200 { say("… and \(result.problems.count - 200) more") }
                throw CommandFailure("\(result.problems.count) problem(s); nothing was written")
            }
            for sheet in RoadmapSheet.allCases {
                guard let c = result.changes.counts[sheet] else { continue }
                say("\(sheet.rawValue): new \(c.new), changed \(c.changed), unchanged \(c.unchanged), absent \(c.absent)")
            }
            for change in result.changes.changes.prefix(50) { say("  \(change)") }
            if result.changes.changes.count > 50 { say("  … and \(result.changes.changes.count - 50) more") }
            say(result.written ? "Written." : result.changes.isEmpty ? "Nothing to change." : "Nothing written (dry run).")
        }
    }

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
