import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Testing
import UadeDomain
import UadeEvaluator
import UadeServices
import UadeStorage
import UadeTestSupport

/// The workflows as the API, the pages and the command line share them.
@Suite("Services")
struct ServiceTests {
    static func caller(_ client: PostgresClient, _ username: String) async throws -> Caller {
        let accounts = AccountRepository(client: client, logger: TestDatabase.logger)
        let record = try #require(try await accounts.find(username: username))
        return try #require(try await accounts.caller(accountID: record.id, on: Day(year: 2026, month: 11, day: 21)!))
    }

    /// A graceful shutdown of the service group cancels the evaluation under way and waits for
    /// it: the run is recorded failed, not left running, and nothing of it is visible.
    @Test func shutdownEndsARunningEvaluationAndRecordsIt() async throws {
        try await withTestDatabase(.demo) { client, _ in
            let service = EvaluationService(
                client: client, logger: TestDatabase.logger, policies: StoredPolicy(client: client, logger: TestDatabase.logger))
            let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: TestDatabase.logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let admin = try await Self.caller(client, "admin")
                let id = try await service.start(EvaluationRequest(asOf: Day(iso: "2026-11-15")!), by: admin)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                let rows = try await client.query(
                    "SELECT status, (SELECT count(*) FROM evaluation_results WHERE run_id = \(id)) FROM evaluation_runs WHERE id = \(id)",
                    logger: TestDatabase.logger)
                var seen: (String, Int)?
                for try await row in rows.decode((String, Int).self) { seen = row }
                #expect(seen?.0 == "failed", "\(String(describing: seen))")
                #expect(seen?.0 != "running")
                if seen?.0 == "failed" { #expect(seen?.1 == 0, "a cancelled run leaves no results") }
            }
        }
    }

    @Test func refusalsAreTypedWithTheirFields() async throws {
        try await withTestDatabase(.demo) { client, _ in
            let service = EvaluationService(
                client: client, logger: TestDatabase.logger, policies: StoredPolicy(client: client, logger: TestDatabase.logger))
            let admin = try await Self.caller(client, "admin")
            await #expect {
                _ = try await service.start(EvaluationRequest(asOf: Day(iso: "1990-01-01")!), by: admin)
            } throws: { ($0 as? ServiceFailure).map { $0.code == .invalidAsOf && $0.problems.map(\.field) == ["as_of"] } ?? false }
            let coordinator = try await Self.caller(client, "coord-akzhar")
            await #expect {
                _ = try await service.start(EvaluationRequest(asOf: Day(iso: "2026-11-15")!), by: coordinator)
            } throws: { ($0 as? ServiceFailure)?.kind == .forbidden }
            let imports = ProgressImportService(
                client: client, logger: TestDatabase.logger, policies: StoredPolicy(client: client, logger: TestDatabase.logger))
            let bureau = try await Self.caller(client, "bureau-social")
            await #expect {
                _ = try await imports.importFile("indicator_code;territory_id;period;value\r\n", by: bureau, dryRun: true, requestID: nil)
            } throws: { ($0 as? ServiceFailure)?.kind == .forbidden }
        }
    }
}
