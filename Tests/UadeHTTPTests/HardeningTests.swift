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

/// What a careless or hostile user could do to the server: each test stands for a class of
/// mistakes and fails on the code before its fix.
@Suite("Hostile requests")
struct HostileRequestTests {
    func upload(_ app: DemoApp, _ csv: String, query: String = "", as user: String = "coord-kyzylorda") async throws -> (
        HTTPResponse.Status, [String: Any]
    ) {
        try await app.client.execute(
            uri: "/api/v1/progress/import\(query)", method: .post,
            headers: app.bearer(user).merging([.contentType: "text/csv"]), body: ByteBuffer(string: csv)
        ) { response throws in
            (response.status, try object(response))
        }
    }

    func fields(_ body: [String: Any]) -> [String] {
        ((body["fields"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
    }

    /// Kyzylorda city (id 22), HOU-01, the last quarter: empty in the demo.
    static let header = "indicator_code;territory_kato;territory_id;period;value;comment"

    @Test func linesThatCannotBeReadAsTheHeaderSaysAreRefusedNotCountedBlank() async throws {
        try await withDemoApp { app in
            let before = try await app.count("SELECT count(*) FROM progress_entries")
            let files: [(String, String)] = [
                // A later line with commas under a semicolon header.
                (Self.header + "\r\nHOU-01;;22;2026-Q4;5;\r\nHOU-02,,22,2026-Q4,7,\r\n", "csv:3:"),
                // A line with fewer fields than the header.
                (Self.header + "\r\nHOU-01;;22;2026-Q4\r\n", "csv:2:value"),
                // Text after a closing quote.
                (Self.header + "\r\nHOU-01;;22;2026-Q4;\"5\"0;\r\n", "csv:2:value"),
                // More values than columns.
                (Self.header + "\r\nHOU-01;;22;2026-Q4;5;a;b\r\n", "csv:2:field 7"),
                // A duplicate column.
                ("indicator_code;territory_id;period;value;value\r\nHOU-01;22;2026-Q4;;5\r\n", "csv:1:value"),
                // A misspelt column whose values would be lost.
                ("indicator_code;territory_id;period;value;coment\r\nHOU-01;22;2026-Q4;5;важно\r\n", "csv:1:coment"),
                // KATO and id naming different territories.
                (Self.header + "\r\nHOU-01;431010000;23;2026-Q4;5;\r\n", "csv:2:territory_kato"),
            ]
            for (file, expected) in files {
                let (status, body) = try await upload(app, file)
                #expect(status == .unprocessableContent, "\(file)")
                #expect(fields(body).contains { $0.hasPrefix(expected) }, "\(file): \(fields(body))")
                #expect(body["written"] == nil)
            }
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before)
        }
    }

    @Test func aMissingColumnIsNamed() async throws {
        try await withDemoApp { app in
            let (status, body) = try await upload(app, "indicator_code;territory_id;value\r\nHOU-01;22;5\r\n")
            #expect(status == .unprocessableContent)
            #expect(fields(body) == ["csv:1:period"])
            #expect(((body["fields"] as? [[String: Any]])?.first?["reason"] as? String ?? "").contains("'period'"))
        }
    }

    @Test func aLongListOfProblemsSaysItIsCut() async throws {
        try await withDemoApp { app in
            var file = "indicator_code;territory_id;period;value\r\n"
            for _ in 0..<1_500 { file += "NOPE;22;2026-Q4;5\r\n" }
            let (status, body) = try await upload(app, file, query: "?dry_run=true")
            #expect(status == .unprocessableContent)
            #expect(fields(body).count == 1000)
            #expect(body["problem_count"] as? Int == 1500)
            #expect(body["fields_truncated"] as? Bool == true)
        }
    }

    @Test func booleansAreTrueOrFalseAndNothingElse() async throws {
        try await withDemoApp { app in
            let before = try await app.count("SELECT count(*) FROM progress_entries")
            let (status, body) = try await upload(app, "indicator_code;territory_id;period;value\r\nHOU-01;22;2026-Q4;5\r\n", query: "?dry_run=tru")
            #expect(status == .badRequest)
            #expect(fields(body) == ["query.dry_run"])
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before)
            let (dry, _) = try await upload(app, "indicator_code;territory_id;period;value\r\nHOU-01;22;2026-Q4;5\r\n", query: "?dry_run=TRUE")
            #expect(dry == .ok)
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before)
        }
    }

    @Test func valuesOutOfEveryRangeAreRefusedEverywhere() async throws {
        try await withDemoApp { app in
            for value in [9.3e18, 1e13, -1e13] {
                var body = ProgressTests.fresh
                body["value"] = value
                try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(body)) {
                    response throws in
                    #expect(response.status == .unprocessableContent, "\(value)")
                    #expect(try fieldNames(response) == ["body.value"])
                }
            }
            let (status, body) = try await upload(app, "indicator_code;territory_id;period;value\r\nHOU-01;22;2026-Q4;9300000000000000000\r\n")
            #expect(status == .unprocessableContent)
            #expect(fields(body) == ["csv:2:value"])
            // Every unit has a maximum now.
            #expect(try await app.count("SELECT count(*) FROM units WHERE max_value IS NULL OR max_value > 1e12") == 0)
        }
    }

    /// A value stored before the limits (history is append-only) and figures computed from it
    /// must still show: the template, an import touching the cell, the entry page, the reports.
    @Test func storedOutOfRangeValuesStillRender() async throws {
        try await withDemoApp(.hearings) { app in
            try await app.database.query(
                """
                INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, comment)
                SELECT t.indicator_id, t.territory_id, t.period_start, 9.3e18, 'stored before the limits'
                  FROM targets t JOIN indicators i ON i.id = t.indicator_id
                 WHERE i.code = 'HOU-01' AND t.territory_id = 22 AND t.period_start = DATE '2026-10-01'
                """, logger: TestDatabase.logger)
            try await app.database.query(
                """
                UPDATE evaluation_items SET actuals = (SELECT array_agg(9.3e18::float8) FROM unnest(actuals)),
                                            gaps = (SELECT array_agg(-9.3e18::float8) FROM unnest(gaps))
                 WHERE run_id = (SELECT run_id FROM hearings WHERE id = 2)
                """, logger: TestDatabase.logger)
            let template = try await app.client.execute(
                uri: "/api/v1/progress/template?territory=22&period=2026-Q4", method: .get,
                headers: app.bearer("coord-kyzylorda")
            ) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            #expect(template.contains("9.3e+18"))
            let (dry, _) = try await upload(
                app, "indicator_code;territory_id;period;value;correction_reason\r\nHOU-01;22;2026-Q4;5;typo\r\n", query: "?dry_run=true")
            #expect(dry == .ok)
            let session = try #require(try await login(app, "coord-kyzylorda"))
            try await app.client.execute(
                uri: "/entry?indicator=HOU-01&territory=22&period=2026-Q4&lang=ru", method: .get,
                headers: [.cookie: session.cookie]
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("9.3e+18"))
            }
            try await app.client.execute(
                uri: "/api/v1/progress/history?indicator=HOU-01&territory=22&period=2026-Q4", method: .get,
                headers: app.bearer("coord-kyzylorda")
            ) { response in
                #expect(response.status == .ok)
            }
            for format in ["html", "docx", "csv", "json"] {
                try await app.client.execute(
                    uri: "/api/v1/hearings/2/report?format=\(format)&lang=ru", method: .get,
                    headers: app.bearer("faction-mazhilis")
                ) { response in
                    #expect(response.status == .ok, "\(format): \(String(buffer: response.body).prefix(300))")
                }
            }
        }
    }

    @Test func textsHaveTheSameLimitsEverywhere() async throws {
        try await withDemoApp { app in
            var body = ProgressTests.fresh
            body["comment"] = String(repeating: "ж", count: TextLimits.prose + 1)
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(body)) {
                response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["body.comment"])
            }
            let long = String(repeating: "ж", count: TextLimits.prose + 1)
            let (status, problems) = try await upload(app, "indicator_code;territory_id;period;value;comment\r\nHOU-01;22;2026-Q4;5;\(long)\r\n")
            #expect(status == .unprocessableContent)
            #expect(fields(problems) == ["csv:2:comment"])
            try await app.client.execute(
                uri: "/api/v1/hearings", method: .post, headers: app.bearer("faction-mazhilis"),
                body: app.json([
                    "faction": "mazhilis", "held_on": "2026-12-20", "title": String(repeating: "T", count: TextLimits.title + 1),
                    "scope": "socially_sensitive",
                ])
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response).contains("body.title"))
            }
        }
    }

    @Test func brokenJSONIsDescribed() async throws {
        try await withDemoApp { app in
            for (text, expected) in [("{\"value\" 1}", "character"), ("[1,2]", "array"), ("", "empty"), ("{\"value\":1e400}", "not valid JSON")] {
                try await app.client.execute(
                    uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: ByteBuffer(string: text)
                ) { response throws in
                    #expect(response.status == .badRequest)
                    let detail = try object(response)["detail"] as? String ?? ""
                    #expect(detail.contains(expected), "\(text): \(detail)")
                    #expect(!detail.contains("NUL"))
                }
            }
        }
    }

    @Test func anEvaluationOutsideTheTermIsRefusedAndChangesNoFlag() async throws {
        try await withDemoApp(.hearings) { app in
            let before = try await app.count("SELECT count(*) FROM flags WHERE state <> 'resolved'")
            for asOf in ["1990-01-01", "2021-12-31", "2040-01-01"] {
                try await app.client.execute(uri: "/api/v1/evaluations", method: .post, headers: app.bearer("admin"), body: app.json(["as_of": asOf]))
                { response throws in
                    #expect(response.status == .unprocessableContent, "\(asOf)")
                    #expect(try fieldNames(response) == ["body.as_of"])
                }
            }
            #expect(try await app.count("SELECT count(*) FROM flags WHERE state <> 'resolved'") == before)
            #expect(try await app.count("SELECT count(*) FROM evaluation_runs WHERE as_of < DATE '2022-01-01'") == 0)
        }
    }

    @Test func anExplanationSurvivesAResolveAndAReopen() async throws {
        try await withDemoApp(.hearings) { app in
            let id = try await app.count(
                """
                SELECT f.id FROM flags f JOIN territories t ON t.id = f.territory_id
                 WHERE f.state = 'open' AND f.kind = 'missed' AND t.kato LIKE '43%' ORDER BY f.id LIMIT 1
                """)
            try await app.client.execute(
                uri: "/api/v1/flags/\(id)/explanation", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: app.json(["text": "подрядчик сорвал сроки"])
            ) { response in
                #expect(response.status == .ok)
            }
            let repository = EvaluationRepository(client: app.database, logger: TestDatabase.logger)
            let run = try await app.count("SELECT max(id) FROM evaluation_runs")
            try await app.database.withConnection { connection in
                try await repository.change(reopen: [], resolve: [Int64(id)], runID: Int64(run), on: connection)
                try await repository.change(reopen: [Int64(id)], resolve: [], runID: Int64(run), on: connection)
            }
            #expect(
                try await app.count("SELECT count(*) FROM flags WHERE id = \(id) AND state = 'explained' AND explanation = 'подрядчик сорвал сроки'")
                    == 1)
        }
    }

    @Test func foreignTerritoriesAndUnknownAccountsAreRefusedAlike() async throws {
        try await withDemoApp(.hearings) { app in
            for path in ["/api/v1/flags?territory=590000000", "/api/v1/evaluations/2/results?territory=590000000"] {
                try await app.client.execute(uri: path, method: .get, headers: app.bearer("coord-kyzylorda")) { response in
                    #expect(response.status == .forbidden, "\(path)")
                }
            }
            try await app.client.execute(uri: "/api/v1/accounts/no-such-account/tokens", method: .get, headers: app.bearer("admin")) { response in
                #expect(response.status == .notFound)
            }
            // Who may prepare hearings is decided before the body is looked at.
            try await app.client.execute(uri: "/api/v1/hearings", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json([:])) {
                response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func listsGiveTheirTotalPastTheEnd() async throws {
        try await withDemoApp(.hearings) { app in
            for path in [
                "/api/v1/indicators?offset=100000", "/api/v1/evaluations?offset=1000", "/api/v1/hearings?offset=1000",
                "/api/v1/flags?offset=10000000", "/api/v1/evaluations/2/results?offset=10000000",
            ] {
                try await app.client.execute(uri: path, method: .get, headers: app.bearer("admin")) { response throws in
                    #expect(response.status == .ok, "\(path)")
                    let body = try object(response)
                    #expect((body["items"] as? [Any])?.isEmpty == true, "\(path)")
                    #expect((body["total"] as? Int ?? 0) > 0, "\(path): \(body["total"] ?? "nil")")
                }
            }
        }
    }

    @Test func aRunWhoseProcessDiedIsShownFailed() async throws {
        try await withDemoApp(.hearings) { app in
            try await app.database.query(
                """
                INSERT INTO evaluation_runs (programme_id, as_of, grace_days, status) SELECT id, DATE '2026-11-01', 30, 'running' FROM programmes LIMIT 1
                """, logger: TestDatabase.logger)
            try await app.client.execute(uri: "/api/v1/evaluations", method: .get, headers: app.bearer("admin")) { response throws in
                #expect(response.status == .ok)
                let items = try object(response)["items"] as? [[String: Any]] ?? []
                #expect(items.first?["status"] as? String == "failed")
            }
            #expect(try await app.count("SELECT count(*) FROM evaluation_runs WHERE status = 'running'") == 0)
        }
    }

    @Test func parallelGuessesCannotOutrunTheLock() async throws {
        try await withDemoApp { app in
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<24 {
                    group.addTask { try await login(app, "coord-akzhar", "wrong-password") != nil }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(300))
                    return try await login(app, "coord-akzhar") != nil
                }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(!results.contains(true), "the right password sent among parallel guesses is refused: the name is locked")
            #expect(try await app.count("SELECT attempts FROM login_attempts WHERE name = 'coord-akzhar'") == 25)
            #expect(try await app.count("SELECT count(*) FROM accounts WHERE username = 'coord-akzhar' AND locked_until > now()") == 1)
            // Unknown names are counted and locked the same way.
            for _ in 0..<6 { _ = try await login(app, "no-such-user", "guess") }
            #expect(
                try await app.count("SELECT count(*) FROM login_attempts WHERE name = 'no-such-user' AND attempts = 6 AND locked_until > now()") == 1)
        }
    }

    @Test func offsetsAndIdsThatWouldOverflowAreRefused() async throws {
        try await withDemoApp { app in
            try await app.client.execute(uri: "/api/v1/due?offset=9223372036854775807", method: .get, headers: app.bearer("coord-kyzylorda")) {
                response in
                #expect(response.status == .badRequest)
            }
            let session = try #require(try await login(app, "coord-kyzylorda"))
            try await app.client.execute(uri: "/due?offset=9223372036854775807", method: .get, headers: [.cookie: session.cookie]) { response in
                #expect(response.status.code < 500)
            }
            try await app.client.execute(
                uri: "/api/v1/accounts", method: .post, headers: app.bearer("admin"),
                body: app.json(["username": "big-person", "password": "a long enough secret", "person_id": 1e19])
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["body.person_id"])
            }
        }
    }

    @Test func whatWouldBeDroppedIsRefused() async throws {
        try await withDemoApp { app in
            let before = try await app.count("SELECT count(*) FROM progress_entries")
            // One letter with a hundred thousand combining marks is not one character's worth.
            var body = ProgressTests.fresh
            body["comment"] = "a" + String(repeating: "\u{0301}", count: 100_000)
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(body)) {
                response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["body.comment"])
            }
            // A misspelt field would lose its text.
            body = ProgressTests.fresh
            body["coment"] = "важно"
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(body)) {
                response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["body.coment"])
            }
            let (typo, _) = try await upload(app, "indicator_code;territory_id;period;value\r\nHOU-01;22;2026-Q4;5\r\n", query: "?dryrun=true")
            #expect(typo == .badRequest)
            // A comment without its value.
            let (status, problems) = try await upload(app, "indicator_code;territory_id;period;value;comment\r\nHOU-01;22;2026-Q4;;акт приёмки\r\n")
            #expect(status == .unprocessableContent)
            #expect(fields(problems) == ["csv:2:comment"])
            // Values under a column without a name.
            let (unnamed, named) = try await upload(app, "indicator_code;territory_id;period;value;;\r\nHOU-01;22;2026-Q4;5;;x\r\n")
            #expect(unnamed == .unprocessableContent)
            #expect(fields(named) == ["csv:1:column 6"])
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before)
            // A quoted comment keeps its line ends as written, CR included.
            let (written, _) = try await upload(
                app, "indicator_code;territory_id;period;value;comment\r\nHOU-01;22;2026-Q4;5;\"первая\r\nвторая\"\r\n")
            #expect(written == .ok)
            #expect(try await app.count("SELECT count(*) FROM progress_entries WHERE comment = E'первая\\r\\nвторая'") == 1)
        }
    }

    @Test func aForeignCellIsRefusedBeforeTheBodyIsJudged() async throws {
        try await withDemoApp { app in
            var body = ProgressTests.fresh
            body["value"] = -5
            body["comment"] = String(repeating: "x", count: TextLimits.prose + 1)
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-akzhar"), body: app.json(body)) {
                response in
                #expect(response.status == .forbidden)
            }
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("faction-mazhilis"), body: app.json([:])) {
                response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func unknownFilterCodesAreNamedNotAnsweredEmpty() async throws {
        try await withDemoApp(.hearings) { app in
            for (path, user, field) in [
                ("/api/v1/due?section=HOUS", "coord-kyzylorda", "query.section"),
                ("/api/v1/due?indicator=HOU-99", "coord-kyzylorda", "query.indicator"),
                ("/api/v1/progress/template?period=2026-Q4&section=HOUS", "coord-kyzylorda", "query.section"),
                ("/api/v1/flags?section=HOUS", "admin", "query.section"),
                ("/api/v1/evaluations/2/results?indicator=HOU-99", "admin", "query.indicator"),
                ("/api/v1/indicators?section=HOUS", "admin", "query.section"),
            ] {
                try await app.client.execute(uri: path, method: .get, headers: app.bearer(user)) { response throws in
                    #expect(response.status == .unprocessableContent, "\(path)")
                    #expect(try fieldNames(response) == [field], "\(path)")
                }
            }
            try await app.client.execute(uri: "/api/v1/due?section=HOUSING", method: .get, headers: app.bearer("coord-kyzylorda")) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func theDuePageSaysWhichFilterItCannotRead() async throws {
        try await withDemoApp { app in
            let session = try #require(try await login(app, "coord-kyzylorda"))
            try await app.client.execute(uri: "/due?period=2026-Q-1&lang=ru", method: .get, headers: [.cookie: session.cookie]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Период «2026-Q-1»: не удалось прочитать"))
            }
            try await app.client.execute(uri: "/due?period=2026-Q3&lang=ru", method: .get, headers: [.cookie: session.cookie]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("/entry?indicator="))
            }
        }
    }

    @Test func everyWriteRefusesFieldsItDoesNotKnow() async throws {
        try await withDemoApp { app in
            for (path, user, body, field) in [
                ("/api/v1/hearings", "faction-mazhilis", ["faction": "mazhilis", "held_on": "2026-12-20", "titel": "опечатка"], "body.titel"),
                ("/api/v1/evaluations", "admin", ["as_of": "2026-11-15", "grace": 10], "body.grace"),
                ("/api/v1/accounts", "admin", ["username": "new-one", "password": "a long enough secret", "role": "coordinator"], "body.role"),
                ("/api/v1/session", "admin", ["username": "admin", "password": "demo-password", "remember": true], "body.remember"),
            ] as [(String, String, [String: Any], String)] {
                try await app.client.execute(uri: path, method: .post, headers: app.bearer(user), body: app.json(body)) { response throws in
                    #expect(response.status == .unprocessableContent, "\(path)")
                    #expect(try fieldNames(response).contains(field), "\(path)")
                }
            }
            #expect(try await app.count("SELECT count(*) FROM accounts WHERE username = 'new-one'") == 0)
        }
    }
}
