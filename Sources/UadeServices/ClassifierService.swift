import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// What importing a classifier edition did, or the problems that stopped it.
public struct ClassifierImport: Sendable {
    public let rows: Int
    public let problems: [ClassifierProblem]
    public let outcome: ClassifierOutcome?
    public let dryRun: Bool
}

/// New editions of the territory classifier (docs/roadmaps.md): administrators, or the
/// operator at the command line — every programme shares the classifier.
public struct ClassifierService: Sendable {
    let classifier: ClassifierRepository
    let territories: TerritoryRepository

    public init(client: PostgresClient, logger: Logger) {
        self.classifier = ClassifierRepository(client: client, logger: logger)
        self.territories = TerritoryRepository(client: client, logger: logger)
    }

    /// Asked before the file is read.
    /// - Throws: ``ServiceFailure`` `.forbidden` for anyone but administrators.
    public func requireImporting(by requester: Requester) throws {
        if case .caller(let caller) = requester, !caller.isAdministrator {
            throw ServiceFailure.forbidden("the territory classifier is loaded by administrators")
        }
    }

    /// Reads and checks a CSV edition whole; writes it in one transaction unless `dryRun` or a
    /// problem (a dry run writes and rolls back, so that its counts are exact).
    /// - Throws: ``ServiceFailure``: `.forbidden`, `.conflict` `roadmap-conflict` when PostgreSQL
    ///   refuses it (a successor outside a programme's territory, an overlapping ownership).
    public func importClassifier(_ data: Data, by requester: Requester, dryRun: Bool, requestID: String?) async throws -> ClassifierImport {
        try requireImporting(by: requester)
        func refused(_ reason: String) -> ClassifierImport {
            ClassifierImport(rows: 0, problems: [ClassifierProblem(line: 1, column: nil, reason)], outcome: nil, dryRun: dryRun)
        }
        guard let text = String(validating: data, as: UTF8.self) else { return refused("the file is not UTF-8 text: save it as CSV UTF-8") }
        if text.contains("\u{0}") { return refused("the file contains NUL characters: save it as CSV UTF-8 text") }
        let table: CSVTable
        do {
            table = try CSVTable.parse(text)
        } catch .empty {
            return refused("the file is empty")
        } catch .unterminatedQuote(let line) {
            return ClassifierImport(
                rows: 0, problems: [ClassifierProblem(line: line, column: nil, "a quoted field is not closed")], outcome: nil, dryRun: dryRun)
        }
        let (rows, reading) = TerritoryClassifier.read(table)
        var problems = reading + TerritoryClassifier.problems(rows, stored: try await territories.tree())
        // A territory retired with targets from its end on must say who takes them.
        for row in rows where row.successors.isEmpty {
            guard let until = row.validTo else { continue }
            let count = try await classifier.targets(of: row, from: until)
            if count > 0 {
                problems.append(
                    ClassifierProblem(
                        line: row.line, column: "successor_kato", "\(count) target(s) from \(until.iso) on: name the successor(s) that take them"))
            }
        }
        guard problems.isEmpty else {
            return ClassifierImport(
                rows: table.records.count, problems: problems.sorted { ($0.line, $0.column ?? "") < ($1.line, $1.column ?? "") }, outcome: nil,
                dryRun: dryRun)
        }
        do {
            let outcome = try await classifier.write(rows, dryRun: dryRun, by: requester.accountID, requestID: requestID)
            return ClassifierImport(rows: rows.count, problems: [], outcome: outcome, dryRun: dryRun)
        } catch ClassifierWriteError.conflict(let message) {
            throw ServiceFailure(
                .conflict, code: .roadmapConflict, detail: "the edition conflicts with what is stored, nothing was written: \(message)")
        }
    }
}
