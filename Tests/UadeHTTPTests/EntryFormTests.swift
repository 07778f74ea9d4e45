import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import UadeDomain
import UadeTestSupport

/// The entry form says what to enter and warns before saving a value that looks mistyped.
@Suite struct EntryFormTests {
    @Test(
        "a cumulative indicator's form asks for this period's amount beside the running total; a mistyped value is shown back with a warning, saved only when confirmed"
    )
    func warnsBeforeSaving() async throws {
        try await withDemoApp { app in
            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let code = try await app.string(
                """
                SELECT i.code FROM indicators i JOIN targets t ON t.indicator_id = i.id JOIN territories r ON r.id = t.territory_id
                 WHERE r.kato = '430000000' AND t.period_start = '2026-07-01' AND i.accumulation = 'cumulative'
                   AND i.unit IN ('count', 'person', 'family') AND t.value > 0
                 ORDER BY i.code LIMIT 1
                """)
            try #require(!code.isEmpty, "the demo has a cumulative count in Kyzylorda Region")
            let uri = "/entry?indicator=\(code)&territory=430000000&period=2026-Q3&lang=ru"
            let form = try await app.client.execute(uri: uri, method: .get, headers: [.cookie: coordinator.cookie]) { String(buffer: $0.body) }
            #expect(form.contains("id=\"cumulative-help\"") && form.contains("План — нарастающий итог с <strong>2022-Q1</strong>"))
            #expect(form.contains("id=\"running-before\""))

            let entries = "SELECT count(*)::int FROM progress_entries"
            let before = try await app.count("\(unescaped: entries)")
            let fields = [
                "indicator": code, "territory": "430000000", "period": "2026-Q3", "value": "1000000,5", "idempotency_key": "plausibility-1",
            ]
            let (status, _, warned) = try await postForm(app, coordinator, "/entry?lang=ru", fields)
            #expect(status == .ok)
            #expect(warned.contains("id=\"entry-warnings\"") && warned.contains("Значение должно быть целым числом"), "\(warned.prefix(3000))")
            #expect(warned.contains("больше ожидаемого более чем в десять раз"))
            #expect(warned.contains("value=\"1000000,5\""), "the value typed is kept")
            #expect(try await app.count("\(unescaped: entries)") == before, "nothing is written before it is confirmed")

            var confirmed = fields
            confirmed["confirm"] = "1"
            let (saved, location, _) = try await postForm(app, coordinator, "/entry?lang=ru", confirmed)
            #expect(saved == .seeOther && location.contains("notice=saved"), "\(saved)")
            #expect(try await app.count("\(unescaped: entries)") == before + 1)
        }
    }
}

/// A rejected file's problems are said in the page's language; the API keeps its English.
@Suite struct UploadWordsTests {
    @Test func aRejectedFileIsExplainedInKazakhAndRussian() async throws {
        try await withDemoApp { app in
            let session = try #require(try await login(app, "coord-kyzylorda"))
            let csv = "indicator_code;territory_kato;period;value\nNO-SUCH;430000000;2026-Q3;5\nHOU-01;430000000;2026-Q9;x\n"
            for (language, expected) in [
                ("ru", ["показателя «NO-SUCH» нет", "нужен год (2024) или квартал (2024-Q3), а не «2026-Q9»", "нужно число, а не «x»"]),
                ("kk", ["«NO-SUCH» көрсеткіші жоқ", "сан болуы керек, «x» емес"]),
            ] {
                let boundary = "uade-upload-boundary"
                var body = ByteBuffer()
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(session.csrf)\r\n")
                body.writeString(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"values.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n"
                )
                body.writeString("--\(boundary)--\r\n")
                let (status, page) = try await app.client.execute(
                    uri: "/upload?lang=\(language)", method: .post,
                    headers: [.cookie: session.cookie, .contentType: "multipart/form-data; boundary=\(boundary)"], body: body
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(status == .unprocessableContent)
                for words in expected { #expect(page.contains(words), "\(language): \(words)") }
                #expect(!page.contains("no indicator") && !page.contains("must be a number"), "no English on the \(language) page")
            }
        }
    }
}

/// The CSV template is for people: units by name, numbers as the language writes them, and it
/// reads back.
@Suite struct TemplateWordsTests {
    @Test func theTemplateNamesUnitsAndWritesDecimalCommasInRussian() async throws {
        try await withDemoApp { app in
            let codes = try await app.string("SELECT string_agg(code, ',') FROM units")
            let (status, template) = try await app.client.execute(
                uri: "/api/v1/progress/template?territory=430000000&period=2026-Q3&lang=ru", method: .get, headers: app.bearer("coord-kyzylorda")
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(status == .ok)
            let table = try CSVTable.parse(template)
            let unit = try #require(table.column("unit"))
            let target = try #require(table.column("target"))
            #expect(table.records.count > 10)
            for record in table.records {
                #expect(!codes.split(separator: ",").contains(Substring(record.fields[unit])), "\(record.fields[unit]) is a code")
                #expect(!record.fields[target].contains("."), "\(record.fields[target])")
            }
            #expect(table.records.contains { $0.fields[unit] == "тыс. м²" })
            #expect(table.records.contains { $0.fields[target].contains(",") }, "some target has a fraction")
        }
    }
}

/// The home page's count of values due leads to the older gaps of the term too.
@Suite struct OlderGapsTests {
    @Test func theOlderGapsOfTheTermAreALinkAway() async throws {
        try await withDemoApp { app in
            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let (_, home) = try await app.client.execute(uri: "/?lang=ru", method: .get, headers: [.cookie: coordinator.cookie]) {
                ($0.status, String(buffer: $0.body))
            }
            let older = try #require(home.firstMatch(of: /id="home-due-older">[^<]*: (\d+) →/), "\(home.prefix(2000))")
            #expect(Int(older.output.1)! > 0)
            let (status, due) = try await app.client.execute(
                uri: "/due?status=missing&period=all&lang=ru", method: .get, headers: [.cookie: coordinator.cookie]
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(status == .ok)
            let total = try #require(due.firstMatch(of: /из (\d+)/)).output.1
            let missing = try #require(home.firstMatch(of: /<a href="\/due\?status=missing">(\d+)<\/a>/)).output.1
            #expect(Int(total)! == Int(missing)! + Int(older.output.1)!, "the term's gaps are the home count and the older ones")

            // A value and its correction close one gap: the count goes down by one, not two.
            let (_, list) = try await RevisionTests.get(app, "/api/v1/due?status=missing&limit=1", as: "coord-kyzylorda")
            let item = try #require((list["items"] as? [[String: Any]])?.first)
            let (reported, entry) = try await RevisionTests.post(
                app, "/api/v1/progress",
                [
                    "indicator": item["indicator_code"]!, "territory": String(describing: item["territory_id"]!), "period": item["period"]!,
                    "value": 1,
                ],
                as: "coord-kyzylorda")
            #expect(reported == .created, "\(entry)")
            let entryID = try #require(entry["id"] as? Int)
            let (corrected, _) = try await RevisionTests.post(
                app, "/api/v1/progress/\(entryID)/corrections", ["value": 2, "reason": "a typing error"], as: "coord-kyzylorda")
            #expect(corrected == .created)
            let (_, after) = try await app.client.execute(uri: "/?lang=ru", method: .get, headers: [.cookie: coordinator.cookie]) {
                ($0.status, String(buffer: $0.body))
            }
            let missingAfter = try #require(after.firstMatch(of: /<a href="\/due\?status=missing">(\d+)<\/a>/)).output.1
            #expect(Int(missingAfter)! == Int(missing)! - 1)
        }
    }
}
