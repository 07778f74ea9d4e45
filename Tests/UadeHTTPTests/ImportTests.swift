import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import UadeDomain
import UadeStorage
import UadeTestSupport

@Suite("CSV import")
struct ImportTests {
    func template(_ app: DemoApp, _ query: String, as user: String = "coord-kyzylorda") async throws -> String {
        try await app.client.execute(uri: "/api/v1/progress/template?\(query)", method: .get, headers: app.bearer(user)) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            return String(buffer: response.body)
        }
    }

    /// Fills the value column of the template's rows with `values` (nil leaves a row blank).
    func filled(_ text: String, _ values: [String?], separator: Character = ";", reasons: [String?] = []) throws -> String {
        let table = try CSVTable.parse(text)
        let valueColumn = try #require(table.column("value"))
        let reasonColumn = try #require(table.column("correction_reason"))
        var out = CSVTable.line(table.header, separator: separator)
        for (index, record) in table.records.enumerated() {
            var fields = record.fields
            if index < values.count, let value = values[index] { fields[valueColumn] = value }
            if index < reasons.count, let reason = reasons[index] { fields[reasonColumn] = reason }
            out += CSVTable.line(fields, separator: separator)
        }
        return out
    }

    func upload(_ app: DemoApp, _ csv: String, dryRun: Bool = false, as user: String = "coord-kyzylorda") async throws -> (
        HTTPResponse.Status, [String: Any]
    ) {
        try await app.client.execute(
            uri: "/api/v1/progress/import\(dryRun ? "?dry_run=true" : "")", method: .post,
            headers: app.bearer(user).merging([.contentType: "text/csv"]), body: ByteBuffer(string: csv)
        ) { response throws in
            (response.status, try object(response))
        }
    }

    /// A value recorded through the API for one of the file's empty cells between the import's
    /// checks and its write (stood in for by a trigger raising what the unique index would): the
    /// import is refused whole with 409, and nothing of it is written.
    @Test func anImportThatLosesARaceForACellIsRefusedWhole() async throws {
        try await withDemoApp { app in
            let text = try await template(app, "territory=430000000&period=2026-Q4")
            let csv = try filled(text, ["1", "2", "3"])
            let before = try await app.count("SELECT count(*) FROM progress_entries")
            try await app.database.query(
                """
                CREATE FUNCTION stand_in_for_a_race() RETURNS trigger LANGUAGE plpgsql
                    AS $$ BEGIN RAISE unique_violation USING MESSAGE = 'a first entry for this cell exists'; END $$
                """, logger: TestDatabase.logger)
            try await app.database.query(
                """
                CREATE TRIGGER stand_in_for_a_race BEFORE INSERT ON progress_entries FOR EACH STATEMENT EXECUTE FUNCTION stand_in_for_a_race()
                """, logger: TestDatabase.logger)
            let (status, body) = try await upload(app, csv)
            #expect(status == .conflict)
            #expect(body["type"] as? String == "https://uade.kz/problems/value-exists")
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before)
        }
    }

    /// The database connection lost in the middle of an import (its backend terminated while the
    /// import's insert waits in a trigger): the upload ends, within a time limit, with 503 — the
    /// database went away, not a bug — and nothing of it is written.
    @Test func anImportWhoseConnectionIsLostAnswersAtOnceAndWritesNothing() async throws {
        try await withDemoApp { app in
            let text = try await template(app, "territory=430000000&period=2026-Q4")
            let csv = try filled(text, ["1", "2", "3"])
            let before = try await app.count("SELECT count(*) FROM progress_entries")
            try await app.database.query(
                """
                CREATE FUNCTION hold_the_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$
                """, logger: TestDatabase.logger)
            try await app.database.query(
                """
                CREATE TRIGGER hold_the_insert BEFORE INSERT ON progress_entries FOR EACH STATEMENT EXECUTE FUNCTION hold_the_insert()
                """, logger: TestDatabase.logger)
            let upload = Task {
                let (status, body) = try await self.upload(app, csv)
                return (status, body["type"] as? String)
            }
            var terminated = 0
            for _ in 0..<3000 where terminated == 0 {
                terminated = try await app.count(
                    """
                    SELECT count(*)::int FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE wait_event = 'PgSleep' AND pid <> pg_backend_pid() AND datname = current_database()) AS t
                    """)
                if terminated == 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            try #require(terminated == 1, "the import never reached its insert")
            guard let answer = await outcome(of: upload, within: .seconds(90)) else {
                upload.cancel()
                Issue.record("the upload did not answer after its connection was lost")
                return
            }
            let (status, type) = try answer.get()
            #expect(status == .serviceUnavailable)
            #expect(type == "https://uade.kz/problems/database-unavailable")
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before)
        }
    }

    @Test func theTemplateListsWhatIsDueWithTargetsAndCurrentValues() async throws {
        try await withDemoApp { app in
            let text = try await template(app, "territory=430000000&period=2026-Q4&lang=kk")
            #expect(
                text.hasPrefix(
                    "\u{FEFF}indicator_code;indicator_name;unit;territory_kato;territory_id;territory_name;period;deadline;target;current_value;value"
                ))
            // Each line's deadline, written as the language writes dates: 2026-Q4 is due 15 days after it ends.
            #expect(text.contains(";2026-Q4;15.01.2027;"))
            let table = try CSVTable.parse(text)
            #expect(table.separator == ";")
            // Kyzylorda Region and the 8 territories below it, every quarterly indicator.
            let quarterly = try await app.count("SELECT count(*) FROM indicators WHERE periodicity = 'quarterly'")
            #expect(table.records.count == 9 * quarterly)
            #expect(text.contains("Қызылорда облысы"))
            try await app.client.execute(uri: "/api/v1/progress/template?territory=590000000", method: .get, headers: app.bearer("coord-kyzylorda")) {
                response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func aFileWithBadRowsIsRefusedWholeWithEveryProblemNamed() async throws {
        try await withDemoApp { app in
            let text = try await template(app, "territory=430000000&period=2026-Q4")
            var values: [String?] = Array(repeating: "5", count: 20)
            values[1] = "abc"  // not a number
            values[3] = "-2"  // a negative count
            values[6] = ""  // blank: skipped, not an error
            var csv = try filled(text, values)
            csv += "HOU-01;x;m2;590000000;;;2026-Q4;;;;7;;;\r\n"  // another region
            csv += "NOPE;x;x;430000000;;;2026-Q4;;;;7;;;\r\n"  // unknown indicator
            let before = try await app.count("SELECT count(*) FROM progress_entries")
            let (status, body) = try await upload(app, csv)
            #expect(status == .unprocessableContent)
            let fields = (body["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains("csv:3:value"))
            #expect(fields.contains("csv:5:value"))
            #expect(fields.contains { $0.hasSuffix(":territory_kato") })
            #expect(fields.contains { $0.hasSuffix(":indicator_code") })
            #expect(fields.count == 4)
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before, "nothing is written")
        }
    }

    @Test func aCleanFileIsWrittenOnceAndReuploadingItChangesNothing() async throws {
        try await withDemoApp { app in
            let text = try await template(app, "territory=430000000&period=2026-Q4")
            let rows = try CSVTable.parse(text).records.count
            // Comma-separated, decimal commas, UTF-8 without a byte-order mark.
            let csv = String(try filled(text, Array(repeating: "\"1,5\"", count: rows).map { _ in "1,5" }, separator: ",").drop { $0 == "\u{FEFF}" })
            let before = try await app.count("SELECT count(*) FROM progress_entries")

            let (dryStatus, dry) = try await upload(app, csv, dryRun: true)
            #expect(dryStatus == .ok)
            #expect(dry["new_values"] as? Int == rows && dry["written"] as? Bool == false)
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before, "a dry run writes nothing")

            let (status, report) = try await upload(app, csv)
            #expect(status == .ok)
            #expect(report["new_values"] as? Int == rows && report["written"] as? Bool == true)
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before + rows)
            #expect(try await app.count("SELECT count(*) FROM progress_entries WHERE period_start = DATE '2026-10-01' AND value = 1.5") == rows)
            #expect(try await app.count("SELECT count(*) FROM audit_log WHERE entity = 'progress_import'") == 1)

            let (again, second) = try await upload(app, csv)
            #expect(again == .ok)
            #expect(second["unchanged"] as? Int == rows && second["new_values"] as? Int == 0)
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before + rows, "no duplicates")

            // A changed value needs a reason; with one it becomes a correction.
            let changed = try filled(try await template(app, "territory=430000000&period=2026-Q4"), ["2"])
            let (refused, problems) = try await upload(app, changed)
            #expect(refused == .unprocessableContent)
            #expect(((problems["fields"] as? [[String: Any]])?.first?["field"] as? String) == "csv:2:correction_reason")
            let corrected = try filled(try await template(app, "territory=430000000&period=2026-Q4"), ["2"], reasons: ["ошибка ввода"])
            let (ok, final) = try await upload(app, corrected)
            #expect(ok == .ok)
            #expect(final["corrections"] as? Int == 1)
            #expect(
                try await app.count("SELECT count(*) FROM progress_entries WHERE supersedes_id IS NOT NULL AND correction_reason = 'ошибка ввода'")
                    == 1)
        }
    }

    @Test func uploadsAreChecked() async throws {
        try await withDemoApp { app in
            let (empty, _) = try await upload(app, "")
            #expect(empty == .unprocessableContent)
            let (header, body) = try await upload(app, "a;b;c\r\n1;2;3\r\n")
            #expect(header == .unprocessableContent)
            #expect(((body["fields"] as? [[String: Any]])?.first?["field"] as? String) == "csv:1:indicator_code")
            try await app.client.execute(
                uri: "/api/v1/progress/import", method: .post, headers: app.bearer("bureau-social"),
                body: ByteBuffer(string: "indicator_code,territory_kato,period,value\n")
            ) { response in
                #expect(response.status == .forbidden, "only coordinators write")
            }
            try await app.client.execute(
                uri: "/api/v1/progress/import", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: ByteBuffer(bytes: [0xFF, 0xFE, 0x00, 0x41])
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["csv"])
            }
        }
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var copy = self
        for field in other { copy[field.name] = field.value }
        return copy
    }
}
