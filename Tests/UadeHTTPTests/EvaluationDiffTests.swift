import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import UadeDomain
import UadeTestSupport

@Suite struct EvaluationDiffTests {
    @Test("the diff's SQL classifies every pair of statuses as the domain rule does")
    func sqlAgreesWithTheRule() async throws {
        try await withDemoApp { app in
            let statuses: [EvaluationStatus?] = [nil] + EvaluationStatus.allCases.map { $0 }
            for before in statuses {
                for after in statuses where before != after {
                    func literal(_ s: EvaluationStatus?) -> String { s.map { "'\($0.rawValue)'::text" } ?? "NULL::text" }
                    let sql = DiffChange.classifySQL(before: literal(before), after: literal(after))
                    let found = try await app.string("SELECT \(unescaped: sql)")
                    #expect(
                        found == DiffChange.classify(before: before, after: after)?.rawValue,
                        "\(String(describing: before)) → \(String(describing: after))")
                }
            }
        }
    }

    @Test("without runs named, the latest run is compared with the one before; every row names its territory and indicator")
    func defaultsAndNames() async throws {
        try await withDemoApp(.hearings) { app in
            let runs = try await app.count("SELECT count(*)::int FROM evaluation_runs WHERE status = 'completed'")
            try #require(runs >= 2, "the demo has two completed runs")
            let latest = try await app.count("SELECT max(id)::int FROM evaluation_runs WHERE status = 'completed'")
            let previous = try await app.count("SELECT max(id)::int FROM evaluation_runs WHERE status = 'completed' AND id < \(latest)")
            let admin = try #require(try await login(app, "admin"))
            let (status, page) = try await app.client.execute(uri: "/admin/evaluations/diff?lang=ru", method: .get, headers: [.cookie: admin.cookie])
            {
                ($0.status, String(buffer: $0.body))
            }
            #expect(status == .ok)
            #expect(page.contains("#\(previous) → #\(latest)"))
            let rows = page.matches(of: /<tr><td>[^<]*<\/td><td>([^<]*) <span class="muted small">[^<]*<\/span><\/td><td>([^<]*)<\/td>/)
            for row in rows {
                #expect(!row.output.1.isEmpty && !row.output.2.isEmpty && row.output.2.first?.isLetter == true, "\(row.output.0)")
            }
            let total = try await app.count(
                """
                SELECT count(*)::int FROM (SELECT * FROM evaluation_results WHERE run_id = \(previous)) a
                  FULL JOIN (SELECT * FROM evaluation_results WHERE run_id = \(latest)) b USING (indicator_id, territory_id, period_start)
                 WHERE a.status IS DISTINCT FROM b.status
                """)
            #expect(rows.count == min(total, 200))
            if total > 200 { #expect(page.contains("id=\"diff-cut\"") && page.contains("1–200 из \(total)")) }
            let (_, form) = try await app.client.execute(uri: "/admin/evaluations?lang=ru", method: .get, headers: [.cookie: admin.cookie]) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(form.contains("<option value=\"\(latest)\" selected>") && form.contains("<option value=\"\(previous)\" selected>"))
        }
    }
}
