import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// Importing a CSV file of progress values: validated whole, written in one transaction or not
/// at all. The API, the upload page and `uade import progress` all come through here, so who may
/// import where is decided in one place.
public struct ProgressImportService: Sendable {
    let importer: ProgressImporter
    let hearings: HearingRepository
    let policies: any PolicySource
    let today: @Sendable () -> Day

    public init(client: PostgresClient, logger: Logger, policies: any PolicySource, today: @escaping @Sendable () -> Day = Day.todayInKazakhstan) {
        self.importer = ProgressImporter(client: client, logger: logger)
        self.hearings = HearingRepository(client: client, logger: logger)
        self.policies = policies
        self.today = today
    }

    /// What the import did or, in a dry run, would do; its problems when the file is refused.
    /// - Throws: ``ServiceFailure`` `.forbidden` when the caller reports for no territory,
    ///   `.conflict` (`value-exists`) when another write took one of the file's cells meanwhile.
    public func importFile(
        _ text: String, by caller: Caller, dryRun: Bool, requestID: String?,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> ImportReport {
        let policy = try await policies.policy()
        if case .deny(let reason) = policy.decide(caller, .writeProgress) { throw ServiceFailure.forbidden(reason) }
        do {
            return try await importer.run(
                csv: text, accountID: caller.accountID, allowedTerritories: policy.visibleTerritories(caller, roles: [.coordinator]),
                tree: policy.tree, locks: try await hearings.entryLocks(territories: nil, on: today()), today: today(), dryRun: dryRun,
                requestID: requestID, progress: progress)
        } catch is ImportRaced {
            throw ServiceFailure(
                .conflict, code: .valueExists,
                detail: "a value was recorded for one of these cells while the file was being written; nothing was written — upload the file again")
        }
    }
}

/// The policy read afresh each time: for the command line, which asks once.
public struct StoredPolicy: PolicySource {
    let territories: TerritoryRepository

    public init(client: PostgresClient, logger: Logger) {
        territories = TerritoryRepository(client: client, logger: logger)
    }

    public func policy() async throws -> AccessPolicy {
        AccessPolicy(tree: try await territories.tree())
    }
}
