import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing
import UadeHTTP
import UadeStorage
import UadeTestSupport

/// Every role × every endpoint × own / foreign territory, from one table. A route the router
/// knows but the table does not fails the test, so a new endpoint cannot be forgotten.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    enum Who: String, CaseIterable {
        case anonymous, nobody
        case admin
        case coordKyzylorda = "coord-kyzylorda"
        case coordAkzhar = "coord-akzhar"
        case bureau = "bureau-social"
        case council = "pc-kyzylorda"
        case faction = "faction-mazhilis"
        case observer = "observer-kyzylorda"
        /// Loads roadmaps; reads and writes no progress, hearings or accounts.
        case programmeOffice = "office-kyzylorda"
    }

    struct Case {
        let method: HTTPRequest.Method
        /// The route as the router names it.
        let route: String
        /// The request, with {placeholders} filled from the fixture.
        let uri: String
        let body: String?
        let allowed: Set<Who>
    }

    static let everyone = Set(Who.allCases)
    static let anyAccount = everyone.subtracting([.anonymous])

    /// Own territory: Kyzylorda Region (coordinator, council member, observer); foreign: Akzhar
    /// District in North Kazakhstan. {indicator} is owned by pc-kyzylorda in Kyzylorda Region and
    /// lies in a socially sensitive section (owned by bureau-social).
    static let cases: [Case] = {
        let admin: Set<Who> = [.admin]
        let readOwn: Set<Who> = [.admin, .coordKyzylorda, .faction, .observer, .bureau, .council]
        let readForeign: Set<Who> = [.admin, .coordAkzhar, .faction, .bureau]
        var cases: [Case] = []
        func add(_ method: HTTPRequest.Method, _ route: String, _ uri: String? = nil, body: String? = nil, allowed: Set<Who>) {
            cases.append(Case(method: method, route: route, uri: uri ?? route, body: body, allowed: allowed))
        }
        // The public plan and the service itself.
        add(.get, "/health", allowed: everyone)
        add(.get, "/api/v1/openapi.yaml", allowed: everyone)
        add(.get, "/api/v1/territories", allowed: everyone)
        add(.get, "/api/v1/territories/tree", allowed: everyone)
        add(.get, "/api/v1/territories/:ref", "/api/v1/territories/430000000", allowed: everyone)
        add(.get, "/api/v1/programmes", allowed: everyone)
        add(.get, "/api/v1/programmes/:code", "/api/v1/programmes/AMANAT-2022", allowed: everyone)
        add(.get, "/api/v1/programmes/:code/sections", "/api/v1/programmes/AMANAT-2022/sections", allowed: everyone)
        // The republic's roadmap: the Kyzylorda programme office may not export it.
        add(.get, "/api/v1/programmes/:code/workbook", "/api/v1/programmes/AMANAT-2022/workbook", allowed: admin)
        // Past the role check the file is read (and refused: it is not a workbook).
        add(.post, "/api/v1/roadmaps/import", body: "not a workbook", allowed: [.admin, .programmeOffice])
        // The classifier is every programme's: administrators only (an empty file is a 422).
        add(.post, "/api/v1/territories/import", body: "", allowed: admin)
        // Revisions: the republic's programme is revised by administrators only (and the republic's
        // programme office); {pendingRevision} eases a target of bureau-social's section, proposed by
        // office-kyzylorda. A refusal without a reason is a 422 once access is granted, so it comes
        // before the approval, which changes the revision (admin approves: 200; bureau-social: 409).
        add(.put, "/api/v1/targets/:indicator/:territory/:period", "/api/v1/targets/{indicator}/430000000/2026-Q4", body: "{}", allowed: admin)
        add(.post, "/api/v1/programmes/:code/approve", "/api/v1/programmes/AMANAT-2022/approve", allowed: admin)
        // The reporting calendar: read by every account, set for the republic's programme by administrators.
        add(.get, "/api/v1/programmes/:code/calendar", "/api/v1/programmes/AMANAT-2022/calendar", allowed: anyAccount)
        add(.put, "/api/v1/programmes/:code/calendar", "/api/v1/programmes/AMANAT-2022/calendar", body: "{}", allowed: admin)
        add(.get, "/api/v1/revisions", allowed: anyAccount)
        add(.post, "/api/v1/revisions/:id/refuse", "/api/v1/revisions/{pendingRevision}/refuse", body: "{}", allowed: [.admin, .bureau])
        add(.post, "/api/v1/revisions/:id/approve", "/api/v1/revisions/{pendingRevision}/approve", allowed: [.admin, .bureau])
        // Names and deadlines: the republic's programme again; {pendingItem} postpones {ownMeasure}
        // (a HOUSING measure of bureau-social's section), proposed by office-kyzylorda.
        add(.patch, "/api/v1/indicators/:code", "/api/v1/indicators/{indicator}", body: "{}", allowed: admin)
        add(.patch, "/api/v1/measures/:code", "/api/v1/measures/{ownMeasure}", body: "{}", allowed: admin)
        add(.get, "/api/v1/item-revisions", allowed: anyAccount)
        add(.post, "/api/v1/item-revisions/:id/refuse", "/api/v1/item-revisions/{pendingItem}/refuse", body: "{}", allowed: [.admin, .bureau])
        add(.post, "/api/v1/item-revisions/:id/approve", "/api/v1/item-revisions/{pendingItem}/approve", allowed: [.admin, .bureau])
        add(.get, "/api/v1/indicators", allowed: everyone)
        add(.get, "/api/v1/indicators/:code", "/api/v1/indicators/HOU-01", allowed: everyone)
        add(.get, "/api/v1/indicators/:code/targets", "/api/v1/indicators/HOU-01/targets", allowed: everyone)
        add(.get, "/api/v1/targets", allowed: everyone)
        // Sessions: logging in is for anyone with a password; logging out without a session does nothing.
        add(.post, "/api/v1/session", body: #"{"username":"coord-akzhar","password":"demo-password"}"#, allowed: everyone)
        add(.get, "/api/v1/session", allowed: anyAccount)
        add(.delete, "/api/v1/session", allowed: everyone)
        add(.post, "/api/v1/session/password", body: "{}", allowed: anyAccount)
        // Administration.
        add(.get, "/api/v1/accounts", allowed: admin)
        add(.post, "/api/v1/accounts", body: "{}", allowed: admin)
        add(.post, "/api/v1/accounts/:username/disable", "/api/v1/accounts/no-such-user/disable", allowed: admin)
        add(.post, "/api/v1/accounts/:username/roles", "/api/v1/accounts/no-such-user/roles", body: "{}", allowed: admin)
        add(.delete, "/api/v1/roles/:id", "/api/v1/roles/999999", allowed: admin)
        add(.get, "/api/v1/accounts/:username/tokens", "/api/v1/accounts/nobody/tokens", allowed: admin)
        add(.post, "/api/v1/accounts/:username/tokens", "/api/v1/accounts/nobody/tokens", body: "{}", allowed: admin)
        add(.delete, "/api/v1/tokens/:id", "/api/v1/tokens/999999", allowed: admin)
        add(.get, "/api/v1/audit", allowed: admin)
        // Progress, own and foreign.
        add(
            .post, "/api/v1/progress", body: #"{"indicator":"{indicator}","territory":"430000000","period":"2026-Q4","value":1}"#,
            allowed: [.admin, .coordKyzylorda])
        add(
            .post, "/api/v1/progress", body: #"{"indicator":"{indicator}","territory":"{akzhar}","period":"2026-Q4","value":1}"#,
            allowed: [.admin, .coordAkzhar])
        add(.get, "/api/v1/progress/history", "/api/v1/progress/history?indicator={indicator}&territory=430000000&period=2026-Q3", allowed: readOwn)
        add(
            .get, "/api/v1/progress/history", "/api/v1/progress/history?indicator={indicator}&territory={akzhar}&period=2026-Q3", allowed: readForeign
        )
        add(.get, "/api/v1/progress/:id", "/api/v1/progress/{ownEntry}", allowed: readOwn)
        add(.get, "/api/v1/progress/:id", "/api/v1/progress/{foreignEntry}", allowed: readForeign)
        add(
            .post, "/api/v1/progress/:id/corrections", "/api/v1/progress/{ownEntry}/corrections", body: #"{"value":1,"reason":"matrix"}"#,
            allowed: [.admin, .coordKyzylorda])
        add(
            .post, "/api/v1/progress/:id/corrections", "/api/v1/progress/{foreignEntry}/corrections", body: #"{"value":1,"reason":"matrix"}"#,
            allowed: [.admin, .coordAkzhar])
        add(.get, "/api/v1/progress/template", "/api/v1/progress/template?territory=430000000", allowed: [.admin, .coordKyzylorda])
        add(.get, "/api/v1/progress/template", "/api/v1/progress/template?territory={akzhar}", allowed: [.admin, .coordAkzhar])
        add(.post, "/api/v1/progress/import", body: "indicator_code;territory_kato;period;value\n", allowed: [.admin, .coordKyzylorda, .coordAkzhar])
        add(.get, "/api/v1/due", "/api/v1/due?territory=430000000", allowed: [.admin, .coordKyzylorda])
        add(.get, "/api/v1/due", "/api/v1/due?territory={akzhar}", allowed: [.admin, .coordAkzhar])
        // Timeliness: administrators everywhere, coordinators for the territories they report for.
        add(.get, "/api/v1/timeliness", allowed: [.admin, .coordKyzylorda, .coordAkzhar])
        add(.get, "/api/v1/timeliness", "/api/v1/timeliness?territory=430000000", allowed: [.admin, .coordKyzylorda])
        // Exceptions: asked for by coordinators for their territories (an empty body is a 422 once
        // allowed), decided by administrators (999999 does not exist: 404 once allowed).
        add(.get, "/api/v1/exceptions", allowed: [.admin, .coordKyzylorda, .coordAkzhar])
        add(.post, "/api/v1/exceptions", body: "{}", allowed: [.admin, .coordKyzylorda, .coordAkzhar])
        add(
            .post, "/api/v1/exceptions", body: #"{"territories":["430000000"],"periods":["2026-Q3"],"reason":"matrix"}"#,
            allowed: [.admin, .coordKyzylorda])
        add(.post, "/api/v1/exceptions/:id/grant", "/api/v1/exceptions/999999/grant", body: #"{"until":"2026-12-01"}"#, allowed: admin)
        add(.post, "/api/v1/exceptions/:id/refuse", "/api/v1/exceptions/999999/refuse", body: #"{"reason":"matrix"}"#, allowed: admin)
        add(.get, "/api/v1/owned", allowed: [.admin, .bureau, .council])
        // Measures: {ownMeasure} is a housing measure of Kyzylorda Region, {foreignMeasure} one of North Kazakhstan Region.
        add(.get, "/api/v1/measures", "/api/v1/measures?territory=430000000", allowed: [.admin, .coordKyzylorda, .faction, .observer, .bureau])
        add(.get, "/api/v1/measures", "/api/v1/measures?territory=590000000", allowed: [.admin, .faction, .bureau])
        add(.get, "/api/v1/measures/:code", "/api/v1/measures/{ownMeasure}", allowed: [.admin, .coordKyzylorda, .faction, .observer, .bureau])
        add(.get, "/api/v1/measures/:code", "/api/v1/measures/{foreignMeasure}", allowed: [.admin, .faction, .bureau])
        add(
            .get, "/api/v1/measures/:code/history", "/api/v1/measures/{ownMeasure}/history",
            allowed: [.admin, .coordKyzylorda, .faction, .observer, .bureau])
        add(.get, "/api/v1/measures/:code/history", "/api/v1/measures/{foreignMeasure}/history", allowed: [.admin, .faction, .bureau])
        add(
            .post, "/api/v1/measures/:code/status", "/api/v1/measures/{ownMeasure}/status", body: #"{"status":"in_progress"}"#,
            allowed: [.admin, .coordKyzylorda])
        add(.post, "/api/v1/measures/:code/status", "/api/v1/measures/{foreignMeasure}/status", body: #"{"status":"in_progress"}"#, allowed: [.admin])
        // Evaluations: administrators start them; every role reads completed runs, narrowed to its scope.
        let anyRole = anyAccount.subtracting([.nobody])
        add(.post, "/api/v1/evaluations", body: #"{"as_of":"not a date"}"#, allowed: admin)
        add(.get, "/api/v1/evaluations", allowed: anyRole)
        add(.get, "/api/v1/evaluations/:id", "/api/v1/evaluations/999999", allowed: anyRole)
        add(.get, "/api/v1/evaluations/:id/results", "/api/v1/evaluations/999999/results", allowed: anyRole)
        add(.get, "/api/v1/evaluations/:id/diff", "/api/v1/evaluations/999999/diff?against=1", allowed: anyRole)
        // Flags are about reported values: the programme office reads no progress, so none.
        add(.get, "/api/v1/flags", allowed: anyRole.subtracting([.programmeOffice]))
        add(.post, "/api/v1/flags/:id/explanation", "/api/v1/flags/999999/explanation", body: #"{"text":"x"}"#, allowed: anyAccount)
        // Hearings (the demo's: 1 held, 2 planned, both of the Kyzylorda Region maslikhat faction):
        // faction staff of the faction's territory and administrators; Bureau members read their part.
        let hearingReaders: Set<Who> = [.admin, .faction, .bureau]
        let hearingWriters: Set<Who> = [.admin, .faction]
        add(.get, "/api/v1/hearings", allowed: hearingReaders)
        add(
            .post, "/api/v1/hearings", body: #"{"faction":"maslikhat","faction_territory":"430000000","held_on":"2026-12-10","title":"matrix"}"#,
            allowed: hearingWriters)
        add(.get, "/api/v1/hearings/:id", "/api/v1/hearings/2", allowed: hearingReaders)
        add(.patch, "/api/v1/hearings/:id", "/api/v1/hearings/2", body: #"{"title":"matrix edit"}"#, allowed: hearingWriters)
        add(.get, "/api/v1/hearings/:id/resolutions", "/api/v1/hearings/1/resolutions", allowed: hearingReaders)
        add(
            .post, "/api/v1/hearings/:id/resolutions", "/api/v1/hearings/1/resolutions",
            body: #"{"text":"matrix","section":"HOUSING","deadline":"2026-12-31","executor":"matrix"}"#, allowed: hearingWriters)
        add(.get, "/api/v1/hearings/:id/report", "/api/v1/hearings/2/report?format=csv", allowed: hearingReaders)
        return cases
    }()

    @Test func everyRouteIsInTheTable() async throws {
        let url = try await TestDatabase.shared.serverURL()
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: TestDatabase.logger)
        let router = try buildRouter(client: client, logger: TestDatabase.logger)
        // The router writes parameters as {name}; the table as :name.
        let known = Set(
            Self.cases.map { testCase in
                "\(testCase.method) "
                    + testCase.route.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            }.map { $0.replacingOccurrences(of: " api", with: " /api").replacingOccurrences(of: " health", with: " /health") })
        // The web pages: their writes call the API handlers above in-process (so these cases cover
        // them), and their reads are checked per role in Tests/Browser and Tests/UadeHTTPTests/WebPageTests.
        let pages: Set<String> = [
            "GET /",
            "GET /admin/accounts",
            "GET /admin/evaluations",
            "GET /admin/evaluations/diff",
            "GET /admin/ownership",
            "GET /due",
            "GET /entry",
            "GET /flags",
            "GET /hearings",
            "GET /roadmaps",
            "GET /hearings/new",
            "GET /hearings/{id}",
            "GET /hearings/{id}/edit",
            "GET /heatmap",
            "GET /indicator",
            "GET /login",
            "GET /mine",
            "GET /password",
            "GET /progress",
            "GET /static/uade.css",
            "GET /static/uade.js",
            "GET /upload",
            "POST /admin/accounts",
            "POST /admin/accounts/{username}/roles",
            "POST /admin/evaluations",
            "POST /admin/ownership/indicator",
            "POST /admin/ownership/section",
            "POST /entry",
            "POST /flags/{id}/explain",
            "POST /hearings/new",
            "POST /hearings/{id}/edit",
            "POST /hearings/{id}/resolutions",
            "POST /language",
            "POST /login",
            "POST /logout",
            "POST /password",
            "POST /upload",
            "POST /roadmaps",
            "POST /roadmaps/confirm",
            "POST /roadmaps/approve",
            "POST /roadmaps/calendar",
            "GET /admin/timeliness",
            "GET /exceptions",
            "POST /exceptions",
            "POST /exceptions/{id}/decide",
            "POST /roadmaps/classifier",
            "GET /revisions",
            "POST /revisions/{id}/decide",
            "POST /indicator/target",
            "POST /indicator/names",
            "POST /indicator/deadline",
            "POST /revisions/items/{id}/decide",
        ]
        for route in router.routes {
            let path = route.path.description.hasPrefix("/") ? route.path.description : "/" + route.path.description
            #expect(
                known.contains("\(route.method) \(path)") || pages.contains("\(route.method) \(path)"),
                "no authorization cases for \(route.method) \(path)")
        }
    }

    func scalar(_ app: DemoApp, _ sql: PostgresQuery) async throws -> String {
        for try await value in try await app.database.query(sql, logger: TestDatabase.logger).decode(String.self) { return value }
        Issue.record("fixture query found nothing")
        return ""
    }

    @Test func everyRoleOnEveryEndpoint() async throws {
        try await withDemoApp(.hearings) { app in
            let indicator = try await scalar(
                app,
                """
                SELECT i.code FROM indicator_owners o JOIN indicators i ON i.id = o.indicator_id JOIN sections s ON s.id = i.section_id
                  JOIN accounts a ON a.person_id = o.person_id JOIN territories t ON t.id = o.territory_id
                 WHERE a.username = 'pc-kyzylorda' AND t.kato = '430000000' AND s.socially_sensitive AND i.periodicity = 'quarterly'
                   AND i.code IN ('HOU-01', 'YOU-02') -- values the region reports itself
                 ORDER BY i.code LIMIT 1
                """)
            let akzhar = try await scalar(app, "SELECT id::text FROM territories WHERE name_en = 'Akzhar District'")
            let pendingRevision = try await scalar(
                app,
                """
                INSERT INTO target_revisions (indicator_id, territory_id, period_start, old_value, new_value, reason, applies_from, eases, status,
                                              proposed_by)
                SELECT t.indicator_id, t.territory_id, t.period_start, t.value, t.value + 1, 'matrix', DATE '2026-10-01', true, 'pending',
                       (SELECT id FROM accounts WHERE username = 'office-kyzylorda')
                  FROM targets t JOIN indicators i ON i.id = t.indicator_id JOIN territories r ON r.id = t.territory_id
                 WHERE i.code = \(indicator) AND r.kato = '430000000' AND t.period_start = DATE '2026-10-01'
                RETURNING id::text
                """)
            var fixture: [String: String] = [
                "indicator": indicator,
                "pendingRevision": pendingRevision,
                "akzhar": akzhar,
                "ownEntry": try await scalar(
                    app,
                    """
                    SELECT e.id::text FROM progress_entries e JOIN indicators i ON i.id = e.indicator_id JOIN territories t ON t.id = e.territory_id
                     WHERE i.code = \(indicator) AND t.kato = '430000000' ORDER BY e.id LIMIT 1
                    """),
                "foreignEntry": try await scalar(
                    app,
                    """
                    SELECT e.id::text FROM progress_entries e JOIN indicators i ON i.id = e.indicator_id
                     WHERE i.code = \(indicator) AND e.territory_id = \(Int64(akzhar)!) ORDER BY e.id LIMIT 1
                    """),
                "ownMeasure": try await scalar(
                    app,
                    """
                    SELECT m.code FROM measures m JOIN sections s ON s.id = m.section_id JOIN territories t ON t.id = m.territory_id
                     WHERE s.code = 'HOUSING' AND t.kato = '430000000' ORDER BY m.code LIMIT 1
                    """),
                "foreignMeasure": try await scalar(
                    app,
                    """
                    SELECT m.code FROM measures m JOIN sections s ON s.id = m.section_id JOIN territories t ON t.id = m.territory_id
                     WHERE s.code = 'HOUSING' AND t.kato = '590000000' ORDER BY m.code LIMIT 1
                    """),
            ]
            fixture["pendingItem"] = try await scalar(
                app,
                """
                INSERT INTO item_revisions (kind, measure_id, old_value, new_value, reason, eases, status, proposed_by)
                SELECT 'measure_deadline', m.id, jsonb_build_object('deadline', m.deadline::text), jsonb_build_object('deadline', (m.deadline + 30)::text),
                       'matrix', true, 'pending', (SELECT id FROM accounts WHERE username = 'office-kyzylorda')
                  FROM measures m WHERE m.code = \(fixture["ownMeasure"] ?? "")
                RETURNING id::text
                """)
            func fill(_ text: String) -> String {
                var result = text
                for (key, value) in fixture { result = result.replacingOccurrences(of: "{\(key)}", with: value) }
                return result
            }
            var failures: [String] = []
            for testCase in Self.cases {
                for who in Who.allCases {
                    var headers: HTTPFields = [:]
                    if who != .anonymous { headers = app.bearer(who.rawValue) }
                    let uri = fill(testCase.uri)
                    let status = try await app.client.execute(
                        uri: uri, method: testCase.method, headers: headers,
                        body: testCase.body.map { ByteBuffer(string: fill($0)) }
                    ) { $0.status }
                    let denied = status == .unauthorized || status == .forbidden
                    let expectedAllowed = testCase.allowed.contains(who)
                    if status.code >= 500 { failures.append("\(who.rawValue) \(testCase.method) \(uri): \(status.code)") }
                    if denied == expectedAllowed {
                        failures.append(
                            "\(who.rawValue) \(testCase.method) \(uri): expected \(expectedAllowed ? "allowed" : "denied"), got \(status.code)")
                    }
                    if !expectedAllowed && who == .anonymous && status != .unauthorized && !testCase.allowed.isEmpty {
                        failures.append("anonymous \(testCase.method) \(uri): expected 401, got \(status.code)")
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }
}
