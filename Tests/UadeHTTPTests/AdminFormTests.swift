import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import UadeTestSupport

/// Each administrator's form, done as a person does it: the happy path writes (audited), a bad
/// value shows the form again with the reason in the page's language and writes nothing.
@Suite struct AdminFormTests {
    @Test("an indicator is handed over with its territory named by name, KATO code or id; an unknown name is said in the page's language")
    func assignIndicator() async throws {
        try await withDemoApp { app in
            let admin = try #require(try await login(app, "admin"))
            let page = try await app.client.execute(uri: "/admin/ownership?lang=ru", method: .get, headers: [.cookie: admin.cookie]) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(page.0 == .ok && page.1.contains("<datalist id=\"territory-names\">"), "the territory is picked from a list")

            // A district without a KATO code, one of a region's, and the region itself: each named differently.
            var pairs: [(indicator: String, territoryID: Int, name: String, kato: String?)] = []
            for try await (code, id, name, kato) in try await app.database.query(
                """
                SELECT DISTINCT ON (t.kato IS NULL) i.code, t.id::int, t.name_ru, t.kato
                  FROM targets x JOIN indicators i ON i.id = x.indicator_id JOIN territories t ON t.id = x.territory_id
                 ORDER BY t.kato IS NULL, i.code, t.id
                """, logger: TestDatabase.logger
            ).decode((String, Int, String, String?).self) { pairs.append((code, id, name, kato)) }
            let district = try #require(pairs.first { $0.kato == nil }, "the demo has targets in districts without KATO codes")
            let region = try #require(pairs.first { $0.kato != nil })
            let person = try await app.count("SELECT min(id)::int FROM people")

            func owner(_ indicator: String, _ territoryID: Int) async throws -> Int {
                try await app.count(
                    """
                    SELECT coalesce(max(o.person_id), -1)::int FROM indicator_owners o JOIN indicators i ON i.id = o.indicator_id
                     WHERE i.code = \(indicator) AND o.territory_id = \(territoryID) AND o.valid_from <= '2026-11-21' AND (o.valid_to IS NULL OR o.valid_to > '2026-11-21')
                    """)
            }
            let audited = try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'indicator_owner'")
            for (indicator, territoryID, typed) in [
                (district.indicator, district.territoryID, "  " + district.name.uppercased() + " "),
                (region.indicator, region.territoryID, region.kato!),
                (region.indicator, region.territoryID, String(region.territoryID)),
            ] {
                let (status, location, body) = try await postForm(
                    app, admin, "/admin/ownership/indicator", ["indicator": indicator, "territory": typed, "person_id": String(person)])
                #expect(status == .seeOther && location.contains("notice=assigned"), "\(typed): \(status) \(body.prefix(400))")
                #expect(try await owner(indicator, territoryID) == person, "\(typed) names territory \(territoryID)")
            }
            #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'indicator_owner'") == audited + 3)

            let before = try await app.count("SELECT count(*)::int FROM indicator_owners")
            let (refused, _, kazakh) = try await postForm(
                app, admin, "/admin/ownership/indicator?lang=kk",
                ["indicator": region.indicator, "territory": "Атлантида", "person_id": String(person)])
            #expect(refused == .unprocessableContent, "\(refused)")
            #expect(kazakh.contains("«Атлантида» деп аталатын аумақ жоқ") && kazakh.contains("value=\"Атлантида\""), "\(kazakh.prefix(2000))")
            let (unknown, _, russian) = try await postForm(
                app, admin, "/admin/ownership/indicator?lang=ru", ["indicator": "NOPE-1", "territory": region.kato!, "person_id": String(person)])
            #expect(unknown == .unprocessableContent && russian.contains("показателя NOPE-1 нет"), "\(unknown)")
            #expect(try await app.count("SELECT count(*)::int FROM indicator_owners") == before, "a refused form writes nothing")
        }
    }

    @Test("a section is handed to a Bureau member from a day; a day that is not a date is refused")
    func assignSection() async throws {
        try await withDemoApp { app in
            let admin = try #require(try await login(app, "admin"))
            let section = try await app.count("SELECT min(id)::int FROM sections")
            let person = try await app.count("SELECT max(id)::int FROM people")
            let (status, location, _) = try await postForm(
                app, admin, "/admin/ownership/section", ["section_id": String(section), "person_id": String(person), "from": "2026-11-01"])
            #expect(status == .seeOther && location.contains("notice=assigned"))
            #expect(
                try await app.count(
                    "SELECT person_id::int FROM section_owners WHERE section_id = \(section) AND valid_from = '2026-11-01' AND valid_to IS NULL")
                    == person)
            let (refused, _, page) = try await postForm(
                app, admin, "/admin/ownership/section?lang=ru", ["section_id": String(section), "person_id": String(person), "from": "1 ноября"])
            #expect(refused == .unprocessableContent && page.contains("дата в виде ГГГГ-ММ-ДД"), "\(refused)")
            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let (forbidden, _, _) = try await postForm(
                app, coordinator, "/admin/ownership/section", ["section_id": String(section), "person_id": String(person)])
            #expect(forbidden == .forbidden)
        }
    }

    @Test("an account is created and granted a role over a district named by its name; bad input is said in the page's language and writes nothing")
    func createAndGrant() async throws {
        try await withDemoApp { app in
            let admin = try #require(try await login(app, "admin"))
            let accounts = try await app.count("SELECT count(*)::int FROM accounts")
            let (bad, _, kazakh) = try await postForm(
                app, admin, "/admin/accounts?lang=kk", ["username": "Not Valid!", "password": "short", "lang": "kk"])
            #expect(bad == .unprocessableContent, "\(bad)")
            #expect(kazakh.contains("кіші латын әріптері") && kazakh.contains("кемінде 10 таңба"), "\(kazakh.prefix(3000))")
            #expect(try await app.count("SELECT count(*)::int FROM accounts") == accounts)

            let (created, location, _) = try await postForm(
                app, admin, "/admin/accounts", ["username": "coord-aral", "password": "a-long-enough-password", "lang": "ru"])
            #expect(created == .seeOther && location.contains("notice=saved"), "\(created)")
            #expect(try await app.count("SELECT count(*)::int FROM accounts WHERE username = 'coord-aral'") == 1)
            let (taken, _, russian) = try await postForm(
                app, admin, "/admin/accounts?lang=ru", ["username": "coord-aral", "password": "a-long-enough-password"])
            #expect(taken != .seeOther && russian.contains("это имя уже занято"), "\(taken)")

            // A district without a KATO code, named as the picker names it.
            let district = try await app.string("SELECT name_ru FROM territories WHERE kato IS NULL AND kind = 'district' ORDER BY id LIMIT 1")
            let districtID = try await app.count("SELECT id::int FROM territories WHERE kato IS NULL AND kind = 'district' ORDER BY id LIMIT 1")
            let audited = try await app.count("SELECT count(*)::int FROM audit_log")
            let (granted, grantedAt, _) = try await postForm(
                app, admin, "/admin/accounts/coord-aral/roles", ["role": "coordinator", "territory": district])
            #expect(granted == .seeOther && grantedAt.contains("notice=saved"), "\(granted)")
            #expect(
                try await app.count(
                    """
                    SELECT count(*)::int FROM account_roles r JOIN accounts a ON a.id = r.account_id
                     WHERE a.username = 'coord-aral' AND r.role = 'coordinator' AND r.territory_id = \(districtID)
                    """) == 1)
            #expect(try await app.count("SELECT count(*)::int FROM audit_log") > audited, "the grant is audited")
            let (unknown, _, page) = try await postForm(
                app, admin, "/admin/accounts/coord-aral/roles?lang=ru", ["role": "coordinator", "territory": "Атлантида"])
            #expect(unknown == .unprocessableContent && page.contains("территории «Атлантида» нет"), "\(unknown)")
        }
    }

    @Test("an evaluation is started from its form and runs to completion; a day that is not a date is refused")
    func startEvaluation() async throws {
        try await withDemoApp { app in
            let admin = try #require(try await login(app, "admin"))
            let runs = try await app.count("SELECT count(*)::int FROM evaluation_runs")
            let (refused, _, _) = try await postForm(app, admin, "/admin/evaluations?lang=ru", ["as_of": "yesterday"])
            #expect(refused == .unprocessableContent, "\(refused)")
            #expect(try await app.count("SELECT count(*)::int FROM evaluation_runs") == runs)
            let (started, location, _) = try await postForm(app, admin, "/admin/evaluations", ["as_of": "2026-11-15"])
            #expect(started == .seeOther, "\(started)")
            let id = try #require(location.firstMatch(of: /started=(\d+)/).map { Int($0.output.1)! })
            var status = ""
            for _ in 0..<240 where !["completed", "failed"].contains(status) {
                try await Task.sleep(for: .milliseconds(500))
                status = try await app.string("SELECT status FROM evaluation_runs WHERE id = \(id)")
            }
            #expect(status == "completed")
        }
    }
}
