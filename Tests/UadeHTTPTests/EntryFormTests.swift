import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
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
            #expect(warned.contains("id=\"entry-warnings\"") && warned.contains("считаются целыми числами"), "\(warned.prefix(3000))")
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
