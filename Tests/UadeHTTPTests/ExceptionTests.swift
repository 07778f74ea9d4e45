import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import UadeDomain
import UadeEvaluator
import UadeServices
import UadeTestSupport

/// A coordinator asks for a closed period to be reopened, an administrator grants it until a day
/// or refuses it; values written inside it are taken from the API and the file, name it, and are
/// flagged by the next evaluation run; it lapses by itself.
@Suite struct ExceptionTests {
    static func post(_ app: DemoApp, _ uri: String, _ body: [String: Any], as username: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await RevisionTests.post(app, uri, body, as: username)
    }

    @Test("asked for, granted, used from the API and the file, flagged by the next run, lapsed; refused with a reason")
    func anExceptionFromRequestToLapse() async throws {
        try await withDemoApp { app in
            #expect(try await EntryLockTests.put(app, #"{"entry_closes_days": 1}"#, as: "admin").0 == .ok)
            let cell = try await EntryLockTests.missingCell(app)
            #expect(try await EntryLockTests.report(app, cell, as: "coord-kyzylorda").0 == .conflict)

            // Asked for by the region's coordinator, for the region and the districts below it.
            let ask: [String: Any] = [
                "territories": ["430000000"], "periods": ["2026-Q3"], "reason": "the district's figures came late from the akimat",
            ]
            #expect(try await Self.post(app, "/api/v1/exceptions", ask, as: "coord-akzhar").0 == .forbidden)
            let (badStatus, bad) = try await Self.post(
                app, "/api/v1/exceptions", ["territories": ["430000000"], "periods": ["2026-Q5"], "reason": "x"], as: "coord-kyzylorda")
            #expect(badStatus == .unprocessableContent && RevisionTests.fields(bad).contains("body.periods"), "\(bad)")
            let (asked, requested) = try await Self.post(app, "/api/v1/exceptions", ask, as: "coord-kyzylorda")
            #expect(asked == .created && requested["status"] as? String == "requested", "\(requested)")
            let id = try #require(requested["id"] as? Int)

            // Decided by an administrator only, once.
            #expect(try await Self.post(app, "/api/v1/exceptions/\(id)/grant", ["until": "2026-11-30"], as: "coord-kyzylorda").0 == .forbidden)
            let (early, _) = try await Self.post(app, "/api/v1/exceptions/\(id)/grant", ["until": "2026-11-01"], as: "admin")
            #expect(early == .unprocessableContent)
            let (granted, grant) = try await Self.post(app, "/api/v1/exceptions/\(id)/grant", ["until": "2026-11-30"], as: "admin")
            #expect(granted == .ok && grant["status"] as? String == "granted" && grant["in_force"] as? Bool == true, "\(grant)")
            let (again, decided) = try await Self.post(app, "/api/v1/exceptions/\(id)/refuse", ["reason": "no"], as: "admin")
            #expect(again == .conflict && (decided["type"] as? String)?.hasSuffix("/exception-decided") == true)
            #expect(try await app.count("SELECT count(*) FROM audit_log WHERE action IN ('exception.request', 'exception.grant')") == 2)

            // Inside it the API and the file take values, and each names it.
            let (reported, entry) = try await EntryLockTests.report(app, cell, as: "coord-kyzylorda")
            #expect(reported == .created, "\(entry)")
            let other = try await RevisionTests.get(app, "/api/v1/due?status=missing&period=2026-Q3&territory=430000000&limit=1", as: "admin").1
            let line = try #require((other["items"] as? [[String: Any]])?.first)
            let csv = "indicator_code;territory_id;period;value\n\(line["indicator_code"]!);\(line["territory_id"]!);2026-Q3;3\n"
            let (imported, file) = try await app.client.execute(
                uri: "/api/v1/progress/import", method: .post, headers: app.bearer("coord-kyzylorda").merging([.contentType: "text/csv"]),
                body: ByteBuffer(string: csv)
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(imported == .ok, "\(file)")
            #expect(try await app.count("SELECT count(*) FROM progress_entries WHERE exception_id = \(id)") == 2)

            // The next run flags both cells (as of the day they were entered: this machine's today).
            _ = try await EvaluationRunner(client: app.database, logger: TestDatabase.logger).run(EvaluationRequest(asOf: Day.todayInKazakhstan()))
            #expect(
                try await app.count(
                    """
                    SELECT count(*) FROM flags f JOIN progress_entries e
                        ON e.indicator_id = f.indicator_id AND e.territory_id = f.territory_id AND e.period_start = f.period_start
                     WHERE f.kind = 'entered_under_exception' AND e.exception_id = \(id)
                    """) == 2)

            // Lapsed, it reopens nothing.
            try await app.database.query("UPDATE entry_exceptions SET until = '2026-11-20' WHERE id = \(id)", logger: TestDatabase.logger)
            let entryID = try #require(entry.firstMatch(of: /"id":(\d+)/)).output.1
            let (lapsed, refusal) = try await Self.post(
                app, "/api/v1/progress/\(entryID)/corrections", ["value": 2, "reason": "typo"], as: "coord-kyzylorda")
            #expect(lapsed == .conflict && (refusal["type"] as? String)?.hasSuffix("/period-closed") == true, "\(refusal)")

            // Refused with a reason; listed for whom they concern.
            let (_, second) = try await Self.post(app, "/api/v1/exceptions", ask, as: "coord-kyzylorda")
            let secondID = try #require(second["id"] as? Int)
            #expect(try await Self.post(app, "/api/v1/exceptions/\(secondID)/refuse", [:], as: "admin").0 == .unprocessableContent)
            let (refused, no) = try await Self.post(app, "/api/v1/exceptions/\(secondID)/refuse", ["reason": "the hearing was held"], as: "admin")
            #expect(refused == .ok && no["status"] as? String == "refused" && no["refusal"] as? String == "the hearing was held")
            #expect((try await RevisionTests.get(app, "/api/v1/exceptions", as: "admin").1["items"] as? [Any])?.count == 2)
            #expect((try await RevisionTests.get(app, "/api/v1/exceptions", as: "coord-kyzylorda").1["items"] as? [Any])?.count == 2)
            #expect((try await RevisionTests.get(app, "/api/v1/exceptions", as: "coord-akzhar").1["items"] as? [Any])?.count == 0)
            #expect(try await RevisionTests.get(app, "/api/v1/exceptions", as: "faction-mazhilis").0 == .forbidden)
        }
    }

    @Test("the exceptions page: a coordinator asks by territory name, an administrator grants, refusals in the page's language")
    func thePage() async throws {
        try await withDemoApp { app in
            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let (refused, _, problem) = try await postForm(
                app, coordinator, "/exceptions?lang=ru", ["territories": "Нетакогорайона", "periods": "2026-Q3", "reason": "поздно"])
            #expect(refused == .unprocessableContent && problem.contains("Нетакогорайона") && problem.contains("value=\"2026-Q3\""), "\(refused)")
            let (_, _, badPeriod) = try await postForm(
                app, coordinator, "/exceptions?lang=ru", ["territories": "Аральский район", "periods": "2026-Q9", "reason": "поздно"])
            #expect(badPeriod.contains("нужен год (2024) или квартал (2024-Q3), а не «2026-Q9»"))
            let (asked, location, askedPage) = try await postForm(
                app, coordinator, "/exceptions?lang=ru",
                ["territories": "Аральский район, Казалинский район", "periods": "2026-Q3, 2025", "reason": "поздно"])
            #expect(
                asked == .seeOther && location.contains("notice=saved"),
                "\(asked) \(askedPage.components(separatedBy: "field-error").dropFirst().first?.prefix(300) ?? "")")
            let id = try await app.count("SELECT max(id) FROM entry_exceptions")
            #expect(try await app.count("SELECT cardinality(territory_ids) FROM entry_exceptions WHERE id = \(id)") == 2)

            let admin = try #require(try await login(app, "admin"))
            let (_, list) = try await app.client.execute(uri: "/exceptions?lang=ru", method: .get, headers: [.cookie: admin.cookie]) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(list.contains("Аральский район") && list.contains("action=\"/exceptions/\(id)/decide\""), "\(list.prefix(3000))")
            let (early, _, earlyPage) = try await postForm(
                app, admin, "/exceptions/\(id)/decide?lang=ru", ["decision": "grant", "until": "2026-01-01"])
            #expect(early == .unprocessableContent && earlyPage.contains("2026-11-21"))
            let (granted, _, _) = try await postForm(app, admin, "/exceptions/\(id)/decide?lang=ru", ["decision": "grant", "until": "2026-12-15"])
            #expect(granted == .seeOther)
            #expect(try await app.string("SELECT status FROM entry_exceptions WHERE id = \(id)") == "granted")
            // A coordinator sees it granted, and cannot decide.
            let (_, mine) = try await app.client.execute(uri: "/exceptions?lang=ru", method: .get, headers: [.cookie: coordinator.cookie]) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(mine.contains("разрешено — до 15.12.2026") && !mine.contains("/decide"))
            #expect(try await postForm(app, coordinator, "/exceptions/\(id)/decide", ["decision": "refuse", "reason": "x"]).status == .forbidden)
        }
    }
}
