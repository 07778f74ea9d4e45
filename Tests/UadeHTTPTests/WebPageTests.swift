import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import UadeHTTP
import UadeTestSupport

/// The pages answer each role as the API does: refusals are pages with the right status, and a
/// form without its CSRF token changes nothing.
@Suite struct WebPageTests {
    func get(_ app: DemoApp, _ path: String, cookie: String? = nil) async throws -> (HTTPResponse.Status, String, String?) {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        return try await app.client.execute(uri: path, method: .get, headers: headers) { response in
            (response.status, String(buffer: response.body), response.headers[.location])
        }
    }

    @Test func pagesFollowRolesAndTerritories() async throws {
        try await withDemoApp(.hearings) { app in
            // Anonymous: the public page, and a way to the login page from anything else.
            let (publicStatus, publicPage, _) = try await get(app, "/progress")
            #expect(publicStatus == .ok)
            // Nobody is signed in: a way to log in, and no one to log out.
            #expect(publicPage.contains("href=\"/login\""))
            #expect(!publicPage.contains("id=\"logout\""))
            let (status, _, location) = try await get(app, "/due")
            #expect(status == .seeOther)
            #expect(location?.hasPrefix("/login?next=") == true)

            let akzhar = try #require(try await login(app, "coord-akzhar")).cookie
            let (forbidden, body, _) = try await get(app, "/entry?indicator=HOU-01&territory=430000000&period=2026-Q3", cookie: akzhar)
            #expect(forbidden == .forbidden)
            #expect(body.contains("<html"))
            #expect(try await get(app, "/admin/accounts", cookie: akzhar).0 == .forbidden)
            // The refusal is said in the page's language, not in the API's English.
            let (_, russian, _) = try await get(app, "/entry?indicator=HOU-01&territory=430000000&period=2026-Q3&lang=ru", cookie: akzhar)
            #expect(russian.contains("Значения вносят и отметки объясняют координаторы этой территории или территории выше"))
            #expect(!russian.contains("writes are for"))

            let kyzylorda = try #require(try await login(app, "coord-kyzylorda")).cookie
            #expect(try await get(app, "/entry?indicator=HOU-01&territory=430000000&period=2026-Q3", cookie: kyzylorda).0 == .ok)
            let (dueStatus, duePage, _) = try await get(app, "/due", cookie: kyzylorda)
            #expect(dueStatus == .ok)
            #expect(duePage.contains("id=\"logout\""))
            #expect(duePage.contains("coord-kyzylorda"))

            let bureau = try #require(try await login(app, "bureau-social")).cookie
            let (heatmap, page, _) = try await get(app, "/heatmap", cookie: bureau)
            #expect(heatmap == .ok)
            #expect(page.contains("id=\"heatmap\""))
            let admin = try #require(try await login(app, "admin")).cookie
            #expect(try await get(app, "/admin/ownership", cookie: admin).0 == .ok)
        }
    }

    /// Every judged cell of a heatmap page: its shade, troubled and total.
    func heatmapCells(_ page: String) -> [(shade: String, troubled: Int, total: Int)] {
        let pattern = /<td class="s-([a-z_]+)" title="[^"]*"><a href="[^"]*"><span class="sign">[^<]*<\/span> (\d+)\/(\d+)/
        return page.matches(of: pattern).map { (String($0.output.1), Int($0.output.2)!, Int($0.output.3)!) }
    }

    @Test func theHeatmapNeverPaintsTroubleGreenAndRollsUpTerritoriesWithoutValues() async throws {
        try await withDemoApp(.hearings) { app in
            // The demo's republic reports nothing for the periods judged while its regions do:
            // its cells are its regions' roll-up, not a row of "not reported".
            let admin = try #require(try await login(app, "admin")).cookie
            let (status, page, _) = try await get(app, "/heatmap?lang=ru", cookie: admin)
            #expect(status == .ok)
            let republicRow = try #require(page.split(separator: "<tr class=\"top\">").dropFirst().first?.split(separator: "</tr>").first)
            #expect(republicRow.contains("class=\"rolled-up\""))
            let republicCells = heatmapCells(String(republicRow))
            #expect(!republicCells.isEmpty)
            #expect(!republicCells.allSatisfy { $0.shade == "not_reported" })
            #expect(republicCells.allSatisfy { $0.total > 7 })
            // Section names head the columns, codes only in their tooltips.
            #expect(page.contains("<th scope=\"col\" class=\"colhead\" title=\"HOUSING\">"))
            #expect(page.contains("Цвет клетки"))
            let cells = heatmapCells(page)
            #expect(cells.count > 10)
            for cell in cells where cell.troubled * 2 >= cell.total {
                #expect(!["on_track", "achieved"].contains(cell.shade), "\(cell)")
            }

            // The public page: the republic reads its roll-up, and colour and number agree.
            let (_, publicPage, _) = try await get(app, "/progress?lang=ru")
            let republic = try #require(publicPage.split(separator: "<tr class=\"top\">").dropFirst().first?.split(separator: "</tr>").first)
            #expect(republic.contains("class=\"rolled-up\""))
            #expect(!republic.contains("<strong>0%</strong>"))
            let shares = publicPage.matches(of: /<td class="s-([a-z_]+)"[^>]*>(?:<span class="sign">[^<]*<\/span> |<strong>)(\d+)%/)
            #expect(shares.count > 10)
            for share in shares {
                let percent = Int(share.output.2)!
                let troubledShade = ["missed", "not_reported", "at_risk"].contains(String(share.output.1))
                #expect(troubledShade == (percent <= 80), "\(share.output.1) \(percent)%")
            }
        }
    }

    @Test func aFormWithoutItsTokenChangesNothing() async throws {
        try await withDemoApp(.hearings) { app in
            let session = try #require(try await login(app, "coord-kyzylorda"))
            let before = try await app.count("SELECT count(*)::int FROM progress_entries")
            let form = "indicator=HOU-01&territory=430000000&period=2026-Q3&value=5"
            for token in ["", "&_csrf=wrong"] {
                let status = try await app.client.execute(
                    uri: "/entry", method: .post,
                    headers: [.cookie: session.cookie, .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: form + token)
                ) { $0.status }
                #expect(status == .forbidden)
            }
            #expect(try await app.count("SELECT count(*)::int FROM progress_entries") == before)
            // With the token the same form is written, through the API's own handler and audit.
            let status = try await app.client.execute(
                uri: "/entry", method: .post,
                headers: [.cookie: session.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: form + "&_csrf=" + session.csrf)
            ) { $0.status }
            #expect(status == .seeOther || status == .conflict || status == .unprocessableContent)
            if status == .seeOther {
                #expect(try await app.count("SELECT count(*)::int FROM progress_entries") == before + 1)
                #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'progress_entry'") >= 1)
            }
        }
    }
}
