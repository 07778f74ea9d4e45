import ArgumentParser
import Foundation
import Logging
import UadeDomain
import UadeEvaluator
import UadeStorage

struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Judge every target and measure as of a date and store the result as a frozen snapshot.",
        discussion: """
            One evaluation of a programme runs at a time across all server instances; a second one is refused \
            with the running run's id. The rules are in docs/evaluation.md. Exits non-zero when the run fails; \
            a failed or interrupted run leaves no results behind.
            """
    )

    @Option(
        name: .customLong("as-of"), help: "The date to judge as of (YYYY-MM-DD); entries made after it are ignored. Default: today in Kazakhstan.")
    var asOf: String?

    @Option(help: "The programme's code (default: the first programme).")
    var programme: String?

    @Option(help: "Limit the run to a territory and everything below it (KATO code or id).")
    var territory: String?

    @Option(help: "Days after a period's end before a missing or short value counts as missed.")
    var graceDays: Int = 30

    func run() async throws {
        let day: Day
        if let asOf {
            guard let parsed = Day(iso: asOf) else { throw ValidationError("--as-of must be a date as YYYY-MM-DD, not '\(asOf)'") }
            day = parsed
        } else {
            day = Day.inKazakhstan(secondsSince1970: Date().timeIntervalSince1970)
        }
        guard graceDays >= 0 else { throw ValidationError("--grace-days must not be negative") }
        let logger = makeLogger()
        let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
        let request = EvaluationRequest(programmeCode: programme, asOf: day, territory: territory, graceDays: graceDays)
        let summary: EvaluationSummary
        do {
            summary = try await Database.withClient(url, logger: logger) { client in
                try await EvaluationRunner(client: client, logger: logger).run(request, progress: { say($0) })
            }
        } catch let failure as EvaluationFailure {
            switch failure {
            case .alreadyRunning(let id): throw CommandFailure("an evaluation of this programme is already running\(id.map { " (run \($0))" } ?? "")")
            case .unknownProgramme(let code): throw CommandFailure("no programme \(code)")
            case .noProgramme: throw CommandFailure("there is no programme to evaluate")
            case .unknownTerritory(let ref): throw CommandFailure("no territory \(ref)")
            case .asOfOutsideTerm(let reason): throw CommandFailure("--as-of \(reason)")
            case .draft(let code): throw CommandFailure("programme \(code) is a draft: approve it first (uade roadmap approve \(code))")
            }
        }
        say(
            "Run \(summary.runID): \(summary.programmeCode) as of \(summary.asOf), \(summary.results) results in \(String(format: "%.1f", summary.seconds)) s"
        )
        for status in EvaluationStatus.allCases {
            say("  \(status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(summary.counts[status] ?? 0)")
        }
        if !summary.measureCounts.isEmpty {
            say(
                "  measures: "
                    + summary.measureCounts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(
                        separator: ", "))
        }
        say("  fingerprint \(summary.fingerprint)")
    }
}
