import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing
import UadeDomain
import UadeStorage
import UadeTestSupport

/// A new edition of the territory classifier: a district gets its code, is retired and hands its
/// targets and ownerships to the district that succeeds it.
@Suite("Territory classifier import", .serialized)
struct ClassifierTests {
    static let edition = """
        kato,kind,parent_kato,name_kk,name_ru,name_en,valid_from,valid_to,successor_kato
        433200000,district,430000000,Арал ауданы,Аральский район,Aral District,,2026-07-01,434900000
        434900000,district,430000000,Жаңа аудан,Новый район,New District,2026-07-01,,
        """

    static func upload(_ app: DemoApp, _ text: String, as username: String, query: String = "") async throws -> (HTTPResponse.Status, [String: Any]) {
        try await app.client.execute(
            uri: "/api/v1/territories/import\(query)", method: .post, headers: app.bearer(username), body: ByteBuffer(string: text)
        ) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }

    @Test("a retired district's targets from its end on and its ownerships go to its successor; its reported values stay")
    func retiredDistrictHandsOver() async throws {
        try await withDemoApp { app in
            let aral = try await app.count("SELECT id::int FROM territories WHERE name_en = 'Aral District'")
            let later = try await app.count("SELECT count(*)::int FROM targets WHERE territory_id = \(aral) AND period_start >= '2026-07-01'")
            let reported = try await app.count(
                """
                SELECT count(*)::int FROM targets x WHERE x.territory_id = \(aral) AND x.period_start >= '2026-07-01'
                   AND EXISTS (SELECT 1 FROM progress_entries e WHERE e.indicator_id = x.indicator_id AND e.territory_id = x.territory_id
                                 AND e.period_start = x.period_start)
                """)
            let owners = try await app.count(
                "SELECT count(*)::int FROM indicator_owners WHERE territory_id = \(aral) AND (valid_to IS NULL OR valid_to > '2026-07-01')")
            #expect(later > 0 && owners > 0, "the demo gives Aral District targets and owners")
            let before = try await app.count("SELECT count(*)::int FROM territories")

            #expect(try await Self.upload(app, Self.edition, as: "office-kyzylorda").0 == .forbidden)
            let (dryStatus, dry) = try await Self.upload(app, Self.edition, as: "admin", query: "?dry_run=true")
            #expect(dryStatus == .ok && dry["new"] as? Int == 1 && dry["changed"] as? Int == 1 && dry["targets_moved"] as? Int == later, "\(dry)")
            #expect(try await app.count("SELECT count(*)::int FROM territories") == before, "a dry run writes nothing")

            let (status, result) = try await Self.upload(app, Self.edition, as: "admin")
            #expect(status == .ok && result["retired"] as? Int == 1 && result["ownerships_moved"] as? Int == owners, "\(result)")
            let successor = try await app.count("SELECT id::int FROM territories WHERE kato = '434900000'")
            #expect(
                try await app.count("SELECT count(*)::int FROM territories WHERE id = \(aral) AND kato = '433200000' AND valid_to = '2026-07-01'")
                    == 1)
            #expect(try await app.count("SELECT count(*)::int FROM targets WHERE territory_id = \(successor)") == later)
            #expect(
                try await app.count("SELECT count(*)::int FROM targets WHERE territory_id = \(aral) AND period_start >= '2026-07-01'") == reported,
                "targets values were reported against stay where they were")
            #expect(
                try await app.count(
                    "SELECT count(*)::int FROM indicator_owners WHERE territory_id = \(aral) AND (valid_to IS NULL OR valid_to > '2026-07-01')") == 0)
            #expect(
                try await app.count("SELECT count(*)::int FROM indicator_owners WHERE territory_id = \(successor) AND valid_from = '2026-07-01'")
                    == owners)
            #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'territory_classifier'") == 1)
            // The same edition again changes nothing.
            let (_, again) = try await Self.upload(app, Self.edition, as: "admin")
            #expect(again["changed"] as? Int == 0 && again["new"] as? Int == 0 && again["unchanged"] as? Int == 2, "\(again)")
        }
    }

    @Test("an edition with a bad cell is refused whole and names it; a retired territory with targets needs a successor")
    func refusedWhole() async throws {
        try await withDemoApp { app in
            let before = try await app.count("SELECT count(*)::int FROM territories")
            let bad = """
                kato,kind,parent_kato,name_kk,name_ru,name_en,valid_from,valid_to,successor_kato
                434900000,district,430000000,Жаңа аудан,Новый район,New District,,,
                434800000,village,430000000,Ауыл,Село,,,,
                433200000,district,430000000,Арал ауданы,Аральский район,Aral District,,2026-07-01,
                """
            let (status, problem) = try await Self.upload(app, bad, as: "admin")
            let fields = (problem["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(status == .unprocessableContent && fields.contains("file:3:kind"), "\(problem)")
            #expect(try await app.count("SELECT count(*)::int FROM territories") == before)
            let (_, retiring) = try await Self.upload(app, bad.replacingOccurrences(of: "village", with: "district"), as: "admin")
            let retiringFields = (retiring["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(retiringFields == ["file:4:successor_kato"], "\(retiring)")
            #expect(try await Self.upload(app, "\u{0}", as: "admin").0 == .unprocessableContent)
        }
    }

    @Test("the page checks an edition for an administrator and writes nothing; others are refused")
    func page() async throws {
        try await withDemoApp { app in
            let session = try #require(try await login(app, "admin"))
            let boundary = "uade-classifier-boundary"
            var body = ByteBuffer()
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(session.csrf)\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n")
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kato.csv\"\r\nContent-Type: text/csv\r\n\r\n\(Self.edition)\r\n"
            )
            body.writeString("--\(boundary)--\r\n")
            let before = try await app.count("SELECT count(*)::int FROM territories")
            let (status, page) = try await app.client.execute(
                uri: "/roadmaps/classifier?lang=en", method: .post,
                headers: [.cookie: session.cookie, .contentType: "multipart/form-data; boundary=\(boundary)"], body: body
            ) { response in (response.status, String(buffer: response.body)) }
            #expect(status == .ok && page.contains("classifier-done") && page.contains("Checked"), "\(page.prefix(400))")
            #expect(try await app.count("SELECT count(*)::int FROM territories") == before)
            #expect(page.contains("classifier-form"))
            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let refused = try await app.client.execute(
                uri: "/roadmaps/classifier", method: .post,
                headers: [.cookie: coordinator.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(coordinator.csrf)")
            ) { $0.status }
            #expect(refused == .forbidden, "the classifier is the administrators'")
        }
    }
}
