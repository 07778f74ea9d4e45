import ArgumentParser
import Foundation
import Logging
import UadeDomain
import UadeServices
import UadeStorage

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import data from files.",
        subcommands: [Progress.self]
    )

    struct Progress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import progress values from a CSV file, as the given account.",
            discussion: """
                The file is checked whole: every bad row is reported with its line, column and reason, and then \
                nothing is written. A clean file is written in one transaction. Columns: indicator_code, \
                territory_kato or territory_id, period, value, and optionally comment, evidence, correction_reason \
                (the template from GET /api/v1/progress/template has them all). Rows with an empty value are \
                skipped; rows equal to the current value change nothing, so importing a file twice creates no \
                duplicates.
                """
        )
        @Argument(help: "The CSV file (UTF-8; comma or semicolon; decimal comma or point).") var file: String
        @Option(name: .customLong("as"), help: "The account the values are entered by; its role and territory decide what it may write.")
        var account: String
        @Flag(help: "Check and report, write nothing.") var dryRun = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
            guard let text = String(validating: data, as: UTF8.self) else { throw CommandFailure("\(file) is not UTF-8 text (save it as CSV UTF-8)") }
            let logger = makeLogger()
            let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
            let account = self.account
            let dryRun = self.dryRun
            let file = self.file
            let started = ContinuousClock.now
            let report = try await Database.withClient(url, logger: logger) { client in
                let accounts = AccountRepository(client: client, logger: logger)
                guard let record = try await accounts.find(username: account),
                    let caller = try await accounts.caller(accountID: record.id, on: Day.todayInKazakhstan())
                else { throw CommandFailure("no active account \(account)") }
                say("Importing \(file) as \(account)\(dryRun ? " (dry run)" : "")…")
                do {
                    return try await ProgressImportService(client: client, logger: logger, policies: StoredPolicy(client: client, logger: logger))
                        .importFile(text, by: caller, dryRun: dryRun, requestID: "cli-import-\(UUID().uuidString.prefix(8))", progress: { say($0) })
                } catch let failure as ServiceFailure {
                    throw CommandFailure("\(account): \(failure.detail)")
                }
            }
            let seconds = (ContinuousClock.now - started).inSeconds
            say(
                "rows \(report.rows): new \(report.newValues), corrections \(report.corrections), unchanged \(report.unchanged), blank \(report.blank) (\(String(format: "%.1f", seconds)) s)"
            )
            if !report.problems.isEmpty {
                for problem in report.problems.prefix(200) { say("line \(problem.line), \(problem.column): \(problem.reason)") }
                if report.problems.count > 200 { say("… and \(report.problems.count - 200) more") }
                throw CommandFailure("\(report.problems.count) problem(s); nothing was written")
            }
            say(report.written ? "Written." : "Nothing written (dry run).")
        }
    }
}
