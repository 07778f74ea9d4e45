import ArgumentParser
import Foundation
import UadeDomain
import UadeServices
import UadeStorage

struct TerritoriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "territories",
        abstract: "The territory classifier (KATO).",
        subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a new edition of the classifier from CSV (docs/roadmaps.md).",
            discussion: """
                Columns: kato, kind, parent_kato, name_kk, name_ru, name_en, valid_from, valid_to, successor_kato. \
                Checked whole, then written in one transaction. A territory given a valid_to hands its targets from \
                that day on, and its ownerships, to its successors (successor_kato: one code, or several with shares, \
                100000000:0.6;110000000:0.4, that divide summed targets); values reported before stay where they were.
                """
        )
        @Argument(help: "The CSV file.") var file: String
        @Option(name: .customLong("as"), help: "An administrator (default: the operator at the command line).") var account: String?
        @Flag(help: "Check and count the changes, write nothing.") var dryRun = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
            let logger = makeLogger()
            let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
            let (account, dryRun) = (self.account, self.dryRun)
            let result = try await Database.withClient(url, logger: logger) { client in
                let requester: Requester
                if let account {
                    requester = .caller(try await RoadmapCommand.caller(account, client: client, logger: logger))
                } else {
                    requester = .commandLine
                }
                do {
                    return try await ClassifierService(client: client, logger: logger)
                        .importClassifier(data, by: requester, dryRun: dryRun, requestID: "cli-territories-\(UUID().uuidString.prefix(8))")
                } catch let failure as ServiceFailure {
                    throw CommandFailure(failure)
                }
            }
            guard let outcome = result.outcome, result.problems.isEmpty else {
                for problem in result.problems.prefix(200) { say(problem.description) }
                throw CommandFailure("\(result.problems.count) problem(s); nothing was written")
            }
            say(
                "territories: new \(outcome.new), changed \(outcome.changed), unchanged \(outcome.unchanged), retired \(outcome.retired); "
                    + "targets given to successors \(outcome.targetsMoved), removed \(outcome.targetsRemoved); ownerships given \(outcome.ownershipsMoved)"
            )
            say(dryRun ? "Nothing written (dry run)." : "Written.")
        }
    }
}
