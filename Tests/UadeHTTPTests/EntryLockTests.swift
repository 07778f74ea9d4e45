import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import UadeDemo
import UadeTestSupport

/// Periods closed by the programme's calendar or by a held hearing refuse values through the
/// API, the CSV import and the entry page, and say why and since when.
@Suite struct EntryLockTests {
    static let calendarURI = "/api/v1/programmes/\(DemoDataLoader.programmeCode)/calendar"

    static func put(_ app: DemoApp, _ body: String, as username: String) async throws -> (HTTPResponse.Status, String) {
        try await app.client.execute(uri: calendarURI, method: .put, headers: app.bearer(username), body: ByteBuffer(string: body)) {
            ($0.status, String(buffer: $0.body))
        }
    }

    /// A cell of Kyzylorda Region's 2026-Q3 (test today 2026-11-21) with no value yet.
    static func missingCell(_ app: DemoApp, territory: String = "430000000") async throws -> (indicator: String, territory: String) {
        let (_, list) = try await RevisionTests.get(app, "/api/v1/due?status=missing&period=2026-Q3&territory=\(territory)&limit=1", as: "admin")
        let item = try #require((list["items"] as? [[String: Any]])?.first, "\(list)")
        return (try #require(item["indicator_code"] as? String), String(describing: try #require(item["territory_id"])))
    }

    static func report(_ app: DemoApp, _ cell: (indicator: String, territory: String), period: String = "2026-Q3", as username: String = "admin")
        async throws -> (HTTPResponse.Status, String)
    {
        try await app.client.execute(
            uri: "/api/v1/progress", method: .post, headers: app.bearer(username),
            body: app.json(["indicator": cell.indicator, "territory": cell.territory, "period": period, "value": 1])
        ) { ($0.status, String(buffer: $0.body)) }
    }

    @Test("the calendar is set by administrators, and a period it closed refuses the API, the file and the page")
    func theCalendarClosesPeriods() async throws {
        try await withDemoApp { app in
            let (_, shown) = try await RevisionTests.get(app, Self.calendarURI, as: "coord-kyzylorda")
            #expect(shown["values_due_days"] as? Int == 15 && shown["entry_closes_days"] as? Int == 120, "\(shown)")
            // The demo programme is the republic's: neither a coordinator nor a region's programme office sets it.
            #expect(try await Self.put(app, #"{"entry_closes_days": 1}"#, as: "coord-kyzylorda").0 == .forbidden)
            #expect(try await Self.put(app, #"{"entry_closes_days": 1}"#, as: "office-kyzylorda").0 == .forbidden)
            let (refused, problem) = try await Self.put(app, #"{"entry_closes_days": 0, "values_due_days": 15.5}"#, as: "admin")
            #expect(refused == .unprocessableContent && problem.contains("body.values_due_days"), "\(problem)")
            let (outOfBounds, bounds) = try await Self.put(app, #"{"entry_closes_days": 0}"#, as: "admin")
            #expect(
                outOfBounds == .unprocessableContent && bounds.contains("body.entry_closes_days") && bounds.contains("from 1 to 366"), "\(bounds)")

            let cell = try await Self.missingCell(app)
            let (set, answer) = try await Self.put(app, #"{"entry_closes_days": 1}"#, as: "admin")
            #expect(set == .ok && answer.contains(#""entry_closes_days":1"#) && answer.contains(#""values_due_days":15"#), "\(answer)")
            #expect(try await app.count("SELECT count(*) FROM audit_log WHERE action = 'programme.calendar'") == 1)

            // The API: 409 saying why and since when.
            let entries = "SELECT count(*) FROM progress_entries"
            let before = try await app.count("\(unescaped: entries)")
            let (closed, refusal) = try await Self.report(app, cell)
            #expect(closed == .conflict && refusal.contains("period-closed"), "\(refusal)")
            #expect(refusal.contains("2026-Q3 closed on 2026-10-16: 1 day after its deadline"), "\(refusal)")

            // The file: refused whole, the closed row named, nothing written.
            let csv = "indicator_code;territory_id;period;value\n\(cell.indicator);\(cell.territory);2026-Q3;1\n"
            let (fileStatus, file) = try await app.client.execute(
                uri: "/api/v1/progress/import", method: .post, headers: app.bearer("admin").merging([.contentType: "text/csv"]),
                body: ByteBuffer(string: csv)
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(fileStatus == .unprocessableContent && file.contains("closed on 2026-10-16"), "\(file)")

            // The page, in Russian.
            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let (_, _, page) = try await postForm(
                app, coordinator, "/entry?lang=ru",
                ["indicator": cell.indicator, "territory": cell.territory, "period": "2026-Q3", "value": "1", "idempotency_key": "closed-1"])
            #expect(page.contains("Период 2026-Q3 закрыт для ввода с 16.10.2026: через 1 день после срока сдачи"), "\(page.prefix(3000))")
            #expect(try await app.count("\(unescaped: entries)") == before)

            // Reopened by the calendar, the same value is taken.
            #expect(try await Self.put(app, #"{"entry_closes_days": 120}"#, as: "admin").0 == .ok)
            #expect(try await Self.report(app, cell).0 == .created)
        }
    }

    @Test("a value after its deadline is taken and marked late; timeliness counts each account's first values by territory")
    func lateValuesAndTimeliness() async throws {
        try await withDemoApp { app in
            // 2026-Q3 was due on 2026-10-15: a value entered now is late.
            let cell = try await Self.missingCell(app)
            let (reported, late) = try await Self.report(app, cell, as: "coord-kyzylorda")
            #expect(reported == .created && late.contains(#""late":true"#) && late.contains(#""deadline":"2026-10-15""#), "\(late)")
            // Due a year after the period ends, a 2026-Q4 value is on time.
            #expect(try await Self.put(app, #"{"values_due_days": 366}"#, as: "admin").0 == .ok)
            let (_, list) = try await RevisionTests.get(app, "/api/v1/due?status=missing&period=2026-Q4&territory=430000000&limit=1", as: "admin")
            let item = try #require((list["items"] as? [[String: Any]])?.first)
            #expect(item["deadline"] as? String == "2028-01-01" && item["standing"] as? String == "running", "\(item)")
            let next = (indicator: try #require(item["indicator_code"] as? String), territory: String(describing: try #require(item["territory_id"])))
            let (onTime, answer) = try await Self.report(app, next, period: "2026-Q4", as: "coord-kyzylorda")
            #expect(onTime == .created && answer.contains(#""late":false"#), "\(answer)")

            let (status, timeliness) = try await RevisionTests.get(
                app, "/api/v1/timeliness?territory=430000000&period=2026-Q4", as: "coord-kyzylorda")
            #expect(status == .ok)
            let rows = try #require(timeliness["items"] as? [[String: Any]])
            let mine = try #require(rows.first { $0["username"] as? String == "coord-kyzylorda" && "\($0["territory_id"]!)" == next.territory })
            #expect(mine["values"] as? Int == 1 && mine["on_time"] as? Int == 1 && mine["median_delay_days"] as? Double == 0, "\(mine)")
            // Another district's coordinator does not read the region's.
            #expect(try await RevisionTests.get(app, "/api/v1/timeliness?territory=430000000", as: "coord-akzhar").0 == .forbidden)
            #expect(try await RevisionTests.get(app, "/api/v1/timeliness?period=2026-Q5", as: "admin").0 == .badRequest)
            // The administrators' page says the same.
            let admin = try #require(try await login(app, "admin"))
            let (shown, page) = try await app.client.execute(
                uri: "/admin/timeliness?period=2026-Q4&lang=ru", method: .get, headers: [.cookie: admin.cookie]
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(
                shown == .ok && page.contains("Своевременность сдачи значений") && page.contains("<td>coord-kyzylorda</td>"), "\(page.prefix(3000))")
            #expect(page.contains("<td class=\"num\">100%</td>"))
        }
    }

    @Test("the roadmaps page sets the calendar; the due page gives each deadline and no entry button where the period is closed")
    func pages() async throws {
        try await withDemoApp { app in
            let admin = try #require(try await login(app, "admin"))
            let form = ["programme": DemoDataLoader.programmeCode, "values_due_days": "15 дней", "entry_closes_days": "30"]
            let (refused, _, problem) = try await postForm(app, admin, "/roadmaps/calendar?lang=ru", form)
            #expect(refused == .unprocessableContent && problem.contains("нужно целое число дней"), "\(refused)")
            var fixed = form
            fixed["values_due_days"] = "15"
            let (saved, _, page) = try await postForm(app, admin, "/roadmaps/calendar?lang=ru", fixed)
            #expect(saved == .ok && page.contains("Календарь отчётности сохранён: \(DemoDataLoader.programmeCode)"), "\(page.prefix(2000))")

            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            func due(_ period: String) async throws -> String {
                try await app.client.execute(
                    uri: "/due?status=missing&period=\(period)&lang=ru", method: .get, headers: [.cookie: coordinator.cookie]
                ) { String(buffer: $0.body) }
            }
            let closed = try await due("2026-Q3")
            #expect(closed.contains("закрыт для ввода с 14.11.2026") && !closed.contains("href=\"/entry?"), "\(closed.prefix(3000))")
            let open = try await due("2026-Q4")
            #expect(open.contains("15.01.2027") && open.contains("срок — 15.01.2027") && open.contains("href=\"/entry?"))
            let (_, home) = try await app.client.execute(uri: "/?lang=ru", method: .get, headers: [.cookie: coordinator.cookie]) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(home.contains("2026-Q3: закрыт для ввода с 14.11.2026"), "\(home.prefix(3000))")
        }
    }

    @Test("a held hearing closes the periods it heard in its territories, and a correction there too")
    func aHeldHearingClosesWhatItHeard() async throws {
        try await withDemoApp(.hearings) { app in
            // The planned Kyzylorda hearing judged the run as of 2026-11-15: 2026-Q3 is among what it heard.
            let hearing = try await app.count(
                "SELECT id FROM hearings WHERE status = 'planned' AND territory_id = (SELECT id FROM territories WHERE kato = '430000000')")
            let cell = try await Self.missingCell(app)
            let (reported, entry) = try await Self.report(app, cell)
            #expect(reported == .created, "\(entry)")
            let entryID = try #require(entry.firstMatch(of: /"id":(\d+)/)).output.1

            let (marked, markedBody) = try await app.client.execute(
                uri: "/api/v1/hearings/\(hearing)", method: .patch, headers: app.bearer("admin"), body: app.json(["status": "held"])
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(marked == .ok, "hearing \(hearing): \(markedBody)")
            let (corrected, refusal) = try await app.client.execute(
                uri: "/api/v1/progress/\(entryID)/corrections", method: .post, headers: app.bearer("admin"),
                body: app.json(["value": 2, "reason": "a typing error"])
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(corrected == .conflict && refusal.contains("it was heard at the hearing"), "\(refusal)")
            // Another region's cells were not heard.
            let region = try await app.string(
                """
                SELECT t.kato FROM territories t WHERE t.parent_id = (SELECT id FROM territories WHERE parent_id IS NULL) AND t.kato <> '430000000'
                   AND EXISTS (SELECT 1 FROM targets g WHERE g.territory_id = t.id) ORDER BY t.id LIMIT 1
                """)
            let elsewhere = try await Self.missingCell(app, territory: region)
            #expect(try await Self.report(app, elsewhere).0 == .created)
        }
    }
}
