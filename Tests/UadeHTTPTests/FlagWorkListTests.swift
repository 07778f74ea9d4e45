import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import UadeTestSupport

/// A coordinator's flags as a work list: one line per indicator × territory, the most serious
/// and newest first, paged and filtered; one explanation clears a line; "unowned" flags are
/// for administrators.
@Suite struct FlagWorkListTests {
    func page(_ app: DemoApp, _ uri: String, _ session: (cookie: String, csrf: String)) async throws -> (HTTPResponse.Status, String) {
        try await app.client.execute(uri: uri, method: .get, headers: [.cookie: session.cookie]) { ($0.status, String(buffer: $0.body)) }
    }

    /// The lines of a work-list page: the first flag id and the kinds' codes.
    func lines(_ page: String) -> [(id: Int, kinds: [String])] {
        page.split(separator: "<li class=\"card flag-group").dropFirst().map { line in
            let id = Int(line.firstMatch(of: /id="flag-group-(\d+)"/)!.output.1)!
            let kinds = line.prefix(while: { $0 != "\n" }).description + (line.split(separator: "</p>").first.map(String.init) ?? "")
            return (id, kinds.matches(of: /badge s-([a-z_]+)/).map { String($0.output.1) })
        }
    }

    @Test("a coordinator's flags are grouped by indicator × territory, the most serious first, paged, without the administrators' kinds")
    func grouped() async throws {
        try await withDemoApp(.hearings) { app in
            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let region = try await app.count("SELECT id::int FROM territories WHERE kato = '430000000'")
            let scope =
                "WITH RECURSIVE below AS (SELECT \(region)::bigint AS id UNION ALL SELECT t.id FROM territories t JOIN below b ON t.parent_id = b.id)"
            let expected = try await app.count(
                "\(unescaped: scope) SELECT count(DISTINCT (indicator_id, territory_id))::int FROM flags WHERE state IN ('open', 'explained') AND kind <> 'unowned' AND territory_id IN (SELECT id FROM below)"
            )
            let unowned = try await app.count(
                "\(unescaped: scope) SELECT count(*)::int FROM flags WHERE state = 'open' AND kind = 'unowned' AND territory_id IN (SELECT id FROM below)"
            )
            try #require(expected > 20 && unowned > 0, "the demo's region has flags to explain, some of them on unowned items")

            let (status, first) = try await page(app, "/flags?lang=ru", coordinator)
            #expect(status == .ok)
            #expect(first.contains("1–20 из \(expected)"), "\(first.prefix(3000))")
            let (_, kazakh) = try await page(app, "/flags?lang=kk", coordinator)
            #expect(kazakh.contains("\(expected) ішінен 1–20"), "Kazakh names the whole first")
            // An offset past any list is read as the last page there can be, not a crash.
            #expect(try await page(app, "/flags?offset=9223372036854775807", coordinator).0 == .ok)
            let shown = lines(first)
            #expect(shown.count == 20)
            #expect(!first.contains("s-unowned"), "unowned flags are for administrators")
            // The most serious first: no line without a miss before one with it.
            let missedLines = shown.map { $0.kinds.contains("missed") }
            #expect(missedLines.first == true)
            #expect(missedLines == missedLines.sorted { $0 && !$1 })
            // Names, not codes: the indicator's Russian name is on the line.
            let name = try await app.string(
                "SELECT i.name_ru FROM flags f JOIN indicators i ON i.id = f.indicator_id WHERE f.id = \(shown[0].id)")
            #expect(first.contains(name))
            let (_, second) = try await page(app, "/flags?lang=ru&offset=20", coordinator)
            #expect(Set(lines(second).map(\.id)).isDisjoint(with: shown.map(\.id)), "the second page goes on")

            // A filter that cannot be read says so.
            let (_, bogus) = try await page(app, "/flags?lang=ru&kind=bogus", coordinator)
            #expect(bogus.contains("неизвестный вид отметки: bogus"))
            // The coordinator may not ask for the administrators' kind either.
            let (_, asked) = try await page(app, "/flags?lang=ru&kind=unowned", coordinator)
            #expect(asked.contains("неизвестный вид отметки") && !asked.contains("s-unowned"), "\(asked.prefix(4000))")

            // The home page shows the first ten lines and the way to the rest.
            let (_, home) = try await page(app, "/?lang=ru", coordinator)
            #expect(lines(home).count == 10)
            #expect(home.contains("href=\"/flags?state=open\""))
            #expect(!home.contains("s-unowned"))

            // Nor may they explain one of them by naming it.
            let unownedFlag = try await app.count(
                "\(unescaped: scope) SELECT min(id)::int FROM flags WHERE state = 'open' AND kind = 'unowned' AND territory_id IN (SELECT id FROM below)"
            )
            let (refused, _, _) = try await postForm(
                app, coordinator, "/flags/\(unownedFlag)/explain", ["text": "not mine to explain", "next": "/flags"])
            #expect(refused == .forbidden)
            #expect(try await app.count("SELECT count(*)::int FROM flags WHERE id = \(unownedFlag) AND state = 'open'") == 1)

            // Flags are explained by coordinators: a Bureau member has no work list.
            let bureau = try #require(try await login(app, "bureau-social"))
            #expect(try await page(app, "/flags", bureau).0 == .forbidden)

            // Administrators see the unowned flags, from their home page.
            let admin = try #require(try await login(app, "admin"))
            let (_, adminHome) = try await page(app, "/?lang=ru", admin)
            #expect(adminHome.contains("id=\"home-unowned\""))
            let (_, adminFlags) = try await page(app, "/flags?lang=ru&kind=unowned&state=open", admin)
            #expect(adminFlags.contains("s-unowned"))
        }
    }

    @Test("one explanation clears a line's open flags, audited; it then reads as explained and says where it is read; an empty one writes nothing")
    func explainALine() async throws {
        try await withDemoApp(.hearings) { app in
            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let (_, list) = try await page(app, "/flags?lang=ru&state=open", coordinator)
            // A line with more than one open flag.
            let line = try #require(
                list.split(separator: "<li class=\"card flag-group").dropFirst().first { $0.contains("name=\"also\"") }, "a line of several flags")
            let id = Int(line.firstMatch(of: /id="flag-group-(\d+)"/)!.output.1)!
            let also = line.matches(of: /name="also" value="(\d+)"/).map { String($0.output.1) }
            let pair = "(SELECT indicator_id FROM flags WHERE id = \(id)), (SELECT territory_id FROM flags WHERE id = \(id))"
            let open = try await app.count(
                "SELECT count(*)::int FROM flags WHERE (indicator_id, territory_id) = (\(unescaped: pair)) AND state = 'open' AND kind <> 'unowned'")
            #expect(open == also.count + 1)

            func post(_ text: String) async throws -> (HTTPResponse.Status, String, String) {
                let body = (["_csrf=\(coordinator.csrf)", "next=%2Fflags%3Fstate%3Dopen%26lang%3Dru", "text=\(text)"] + also.map { "also=\($0)" })
                    .joined(separator: "&")
                return try await app.client.execute(
                    uri: "/flags/\(id)/explain", method: .post,
                    headers: [.cookie: coordinator.cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
                ) { ($0.status, $0.headers[.location] ?? "", String(buffer: $0.body)) }
            }
            let audited = try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'flag'")
            let (refused, _, again) = try await post("+++")
            #expect(refused == .unprocessableContent)
            #expect(again.contains("обязательное поле"), "the reason in the page's language")
            #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'flag'") == audited)

            let (status, location, _) = try await post("Sites+handed+over+late%3B+the+figure+comes+next+quarter")
            #expect(status == .seeOther && location.hasPrefix("/flags?state=open"), "\(status) \(location)")
            #expect(
                try await app.count(
                    "SELECT count(*)::int FROM flags WHERE (indicator_id, territory_id) = (\(unescaped: pair)) AND state = 'open' AND kind <> 'unowned'"
                ) == 0)
            #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'flag'") == audited + open)

            let (_, after) = try await page(app, "/flags?lang=ru&state=open", coordinator)
            #expect(!after.contains("id=\"flag-group-\(id)\""), "the line left the open list")
            let (_, explained) = try await page(app, "/flags?lang=ru&state=explained", coordinator)
            let shown = try #require(
                explained.split(separator: "<li class=\"card flag-group").dropFirst().first { $0.contains("Sites handed over late") })
            #expect(shown.contains("Объяснение видно на странице показателя и в отчёте к заслушиванию"))
            #expect(!shown.contains("<textarea"), "nothing left to explain on it")
        }
    }
}
