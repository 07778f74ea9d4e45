import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing
import UadeStorage
import UadeTestSupport

let idempotencyKey = HTTPField.Name("Idempotency-Key")!
let csrfHeader = HTTPField.Name("X-CSRF-Token")!

@Suite("Progress reporting")
struct ProgressTests {
    /// A cell the demo leaves empty: Kyzylorda city, housing commissioned, last quarter of the term.
    static var fresh: [String: Any] {
        [
            "indicator": "HOU-01", "territory": "22", "period": "2026-Q4", "value": 12.5, "comment": "акт приёмки",
            "evidence": "https://example.kz/act/1",
        ]
    }

    @Test func aValueIsRecordedWithItsAuditRow() async throws {
        try await withDemoApp { app in
            let before = try await app.count("SELECT count(*) FROM progress_entries")
            let id = try await app.client.execute(
                uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(Self.fresh)
            ) { response throws in
                #expect(response.status == .created)
                let body = try object(response)
                #expect(body["value"] as? Double == 12.5)
                #expect(body["entered_by"] as? String == "coord-kyzylorda")
                #expect(body["period"] as? String == "2026-Q4")
                return body["id"] as! Int
            }
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before + 1)
            #expect(
                try await app.count(
                    "SELECT count(*) FROM audit_log WHERE entity = 'progress_entry' AND entity_id = \(String(id)) AND action = 'report' AND request_id IS NOT NULL"
                ) == 1)
            // A second first value for the same cell is a conflict that points at the correction route.
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(Self.fresh)) {
                response throws in
                #expect(response.status == .conflict)
                #expect(((try object(response))["detail"] as? String ?? "").contains("/api/v1/progress/\(id)/corrections"))
            }
        }
    }

    @Test(
        "bad values are refused with the field named, and nothing is written",
        arguments: [
            (["indicator": "NOPE-1"], 422, "body.indicator"),
            (["territory": "999999999"], 422, "body.territory"),
            (["period": "2026-Q5"], 422, "body.period"),
            (["period": "2026"], 422, "body.period"),  // a year for a quarterly indicator
            (["period": "2027-Q1"], 422, "body.period"),  // outside the term
            (["value": "twelve"], 422, "body.value"),
            (["value": -3], 422, "body.value"),  // a negative area
            (["indicator": "HOU-04", "value": 100.5], 422, "body.value"),  // a percentage above 100
            (["territory": "590000000"], 403, ""),  // North Kazakhstan: not this coordinator's
        ] as [([String: any Sendable], Int, String)])
    func refusals(_ change: [String: any Sendable], _ status: Int, _ field: String) async throws {
        try await withDemoApp { app in
            var body = Self.fresh
            for (key, value) in change { body[key] = value }
            let before = try await app.count("SELECT count(*) FROM progress_entries")
            let audits = try await app.count("SELECT count(*) FROM audit_log")
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(body)) {
                response throws in
                #expect(response.status.code == status)
                #expect(response.headers[.contentType] == "application/problem+json")
                if !field.isEmpty { #expect(try fieldNames(response).contains(field)) }
            }
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before)
            #expect(try await app.count("SELECT count(*) FROM audit_log") == audits)
        }
    }

    @Test func missingFieldsAndBrokenBodiesAreNamed() async throws {
        try await withDemoApp { app in
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json([:])) {
                response throws in
                #expect(response.status == .unprocessableContent)
                #expect(Set(try fieldNames(response)) == ["body.indicator", "body.territory", "body.period", "body.value"])
            }
            try await app.client.execute(
                uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: ByteBuffer(string: "{not json")
            ) { response throws in
                #expect(response.status == .badRequest)
                #expect(try fieldNames(response) == ["body"])
            }
            try await app.client.execute(uri: "/api/v1/progress", method: .post, body: app.json(Self.fresh)) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func idempotencyKeysMakeRetriesSafe() async throws {
        try await withDemoApp { app in
            var headers = app.bearer("coord-kyzylorda")
            headers[idempotencyKey] = "retry-1"
            let first = try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: headers, body: app.json(Self.fresh)) {
                response in
                #expect(response.status == .created)
                return String(buffer: response.body)
            }
            let again = try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: headers, body: app.json(Self.fresh)) {
                response in
                #expect(response.status == .created)
                #expect(response.headers[.init("Idempotent-Replayed")!] == "true")
                return String(buffer: response.body)
            }
            #expect(first == again)
            #expect(try await app.count("SELECT count(*) FROM progress_entries WHERE territory_id = 22 AND period_start = DATE '2026-10-01'") == 1)
            var other = Self.fresh
            other["value"] = 13
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: headers, body: app.json(other)) { response throws in
                #expect(response.status == .conflict)
                #expect(try fieldNames(response) == ["header.Idempotency-Key"])
            }
        }
    }

    @Test func correctionsNeedAReasonAndKeepHistory() async throws {
        try await withDemoApp { app in
            let id = try await app.client.execute(
                uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(Self.fresh)
            ) { response throws in
                try object(response)["id"] as! Int
            }
            try await app.client.execute(
                uri: "/api/v1/progress/\(id)/corrections", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: app.json(["value": 14])
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["body.reason"])
            }
            let corrected = try await app.client.execute(
                uri: "/api/v1/progress/\(id)/corrections", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: app.json(["value": "14,2", "reason": "акт уточнён"])
            ) { response throws in
                #expect(response.status == .created)
                let body = try object(response)
                #expect(body["supersedes_id"] as? Int == id)
                #expect(body["value"] as? Double == 14.2)
                return body["id"] as! Int
            }
            // Only the current entry can be corrected.
            try await app.client.execute(
                uri: "/api/v1/progress/\(id)/corrections", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: app.json(["value": 15, "reason": "again"])
            ) { response in
                #expect(response.status == .conflict)
            }
            // Another territory's coordinator may not correct it.
            try await app.client.execute(
                uri: "/api/v1/progress/\(corrected)/corrections", method: .post, headers: app.bearer("coord-akzhar"),
                body: app.json(["value": 1, "reason": "x"])
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await app.client.execute(
                uri: "/api/v1/progress/history?indicator=HOU-01&territory=22&period=2026-Q4", method: .get,
                headers: app.bearer("coord-kyzylorda")
            ) { response throws in
                #expect(response.status == .ok)
                let items = (try object(response))["items"] as! [[String: Any]]
                #expect(items.map { $0["value"] as? Double } == [12.5, 14.2])
                #expect(items.map { $0["superseded"] as? Bool } == [true, false])
                #expect(items.last?["correction_reason"] as? String == "акт уточнён")
                #expect(items.allSatisfy { $0["entered_by"] as? String == "coord-kyzylorda" })
            }
            try await app.client.execute(
                uri: "/api/v1/progress/history?indicator=HOU-01&territory=22&period=2026-Q4", method: .get,
                headers: app.bearer("coord-akzhar")
            ) { response in
                #expect(response.status == .forbidden)
            }
            #expect(try await app.count("SELECT count(*) FROM audit_log WHERE entity = 'progress_entry' AND action = 'correct'") == 1)
        }
    }

    @Test func cookieWritesNeedTheCSRFTokenBearerWritesDoNot() async throws {
        try await withDemoApp { app in
            let session = try #require(try await login(app, "coord-kyzylorda"))
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: [.cookie: session.cookie], body: app.json(Self.fresh)) {
                response throws in
                #expect(response.status == .forbidden)
                #expect(((try object(response))["type"] as? String ?? "").hasSuffix("/csrf"))
            }
            try await app.client.execute(
                uri: "/api/v1/progress", method: .post, headers: [.cookie: session.cookie, csrfHeader: "forged"], body: app.json(Self.fresh)
            ) { response in
                #expect(response.status == .forbidden)
            }
            #expect(try await app.count("SELECT count(*) FROM progress_entries WHERE territory_id = 22 AND period_start = DATE '2026-10-01'") == 0)
            try await app.client.execute(
                uri: "/api/v1/progress", method: .post, headers: [.cookie: session.cookie, csrfHeader: session.csrf], body: app.json(Self.fresh)
            ) { response in
                #expect(response.status == .created)
            }
            var other = Self.fresh
            other["indicator"] = "HOU-02"
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(other)) {
                response in
                #expect(response.status == .created)
            }
        }
    }

    @Test func dueAndOwnedLists() async throws {
        try await withDemoApp { app in
            try await app.client.execute(
                uri: "/api/v1/due?period=2026-Q3&status=missing&limit=1000", method: .get, headers: app.bearer("coord-kyzylorda")
            ) { response throws in
                #expect(response.status == .ok)
                let body = try object(response)
                let items = body["items"] as! [[String: Any]]
                #expect(!items.isEmpty)
                #expect(items.allSatisfy { $0["latest_value"] == nil && $0["period"] as? String == "2026-Q3" })
            }
            // The coordinator of Akzhar District sees only Akzhar.
            try await app.client.execute(uri: "/api/v1/due?period=2026-Q3&limit=1000", method: .get, headers: app.bearer("coord-akzhar")) {
                response throws in
                let items = (try object(response))["items"] as! [[String: Any]]
                #expect(Set(items.map { $0["territory_id"] as! Int }).count == 1)
            }
            try await app.client.execute(uri: "/api/v1/due?territory=430000000", method: .get, headers: app.bearer("coord-akzhar")) { response in
                #expect(response.status == .forbidden)
            }
            // The Bureau member sees the sections owned, across every territory.
            try await app.client.execute(uri: "/api/v1/owned?period=2026-Q3&limit=1000", method: .get, headers: app.bearer("bureau-social")) {
                response throws in
                #expect(response.status == .ok)
                let items = (try object(response))["items"] as! [[String: Any]]
                #expect(Set(items.map { $0["section_code"] as! String }).isSubset(of: ["HOUSING", "FAMILY", "YOUTH", "HEALTH", "EDUCATION"]))
                #expect(Set(items.map { $0["territory_id"] as! Int }).count == 61)
                #expect((try object(response))["total"] as! Int > items.count, "paged")
            }
            try await app.client.execute(uri: "/api/v1/owned?period=2026-Q3&section=EDUCATION", method: .get, headers: app.bearer("bureau-social")) {
                response throws in
                #expect((try object(response))["total"] as! Int == 4 * 61, "four quarterly education indicators in 61 territories")
            }
            try await app.client.execute(uri: "/api/v1/owned?period=2026-Q3&section=ECOLOGY", method: .get, headers: app.bearer("bureau-social")) {
                response throws in
                #expect((try object(response))["total"] as! Int == 0, "not a section this member owns")
            }
            // The Political Council member sees the indicators owned in Kyzylorda Region.
            try await app.client.execute(uri: "/api/v1/owned?period=2026-Q3&limit=1000", method: .get, headers: app.bearer("pc-kyzylorda")) {
                response throws in
                let items = (try object(response))["items"] as! [[String: Any]]
                #expect(!items.isEmpty)
                #expect(items.allSatisfy { $0["territory_kato"] as? String == "430000000" })
            }
            try await app.client.execute(uri: "/api/v1/owned", method: .get, headers: app.bearer("coord-kyzylorda")) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    /// A Political Council member's list is gathered once for a few seconds, but its values are
    /// read live: a value reported in between shows on the next page read, and the pages agree.
    @Test func ownedListsShowValuesReportedSinceTheLastRead() async throws {
        try await withDemoApp { app in
            func page(_ query: String) async throws -> (items: [[String: Any]], total: Int) {
                try await app.client.execute(uri: "/api/v1/owned?period=2026-Q4&\(query)", method: .get, headers: app.bearer("pc-kyzylorda")) {
                    response throws in
                    #expect(response.status == .ok)
                    let body = try object(response)
                    return (body["items"] as! [[String: Any]], body["total"] as! Int)
                }
            }
            let first = try await page("limit=10")
            let owned = try await app.count(
                """
                SELECT count(*) FROM indicator_owners o JOIN accounts a ON a.person_id = o.person_id JOIN indicators i ON i.id = o.indicator_id
                  JOIN targets g ON g.indicator_id = o.indicator_id AND g.territory_id = o.territory_id AND g.period_start = DATE '2026-10-01'
                 WHERE a.username = 'pc-kyzylorda' AND i.periodicity = 'quarterly' AND o.valid_to IS NULL
                """)
            #expect(first.total == owned && first.items.count == min(10, owned))
            let item = try #require(first.items.first)
            #expect(item["latest_value"] == nil)
            let report = [
                "indicator": item["indicator_code"] as! String, "territory": String(item["territory_id"] as! Int), "period": "2026-Q4", "value": "41",
            ]
            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"), body: app.json(report)) {
                response in
                #expect(response.status == .created)
            }
            let again = try await page("limit=10")
            #expect(again.items.first?["indicator_code"] as? String == item["indicator_code"] as? String)
            #expect(again.items.first?["latest_value"] as? Double == 41)
            let (head, tail) = (try await page("limit=5"), try await page("limit=5&offset=5"))
            let codes = { (items: [[String: Any]]) in items.map { "\($0["indicator_code"]!)/\($0["territory_id"]!)" } }
            #expect(codes(head.items) + codes(tail.items) == codes(again.items))
        }
    }

    @Test func measureStatusUpdates() async throws {
        try await withDemoApp { app in
            let code = try await app.client.execute(
                uri: "/api/v1/measures?territory=430000000&limit=1", method: .get, headers: app.bearer("coord-kyzylorda")
            ) { response throws in
                ((try object(response))["items"] as! [[String: Any]])[0]["code"] as! String
            }
            try await app.client.execute(
                uri: "/api/v1/measures/\(code)/status", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: app.json(["status": "cancelled"])
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["body.reason"])
            }
            try await app.client.execute(
                uri: "/api/v1/measures/\(code)/status", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: app.json(["status": "finished"])
            ) { response throws in
                #expect(try fieldNames(response) == ["body.status"])
            }
            try await app.client.execute(
                uri: "/api/v1/measures/\(code)/status", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: app.json(["status": "done", "evidence": "приказ №12"])
            ) { response in
                #expect(response.status == .created)
            }
            try await app.client.execute(uri: "/api/v1/measures/\(code)", method: .get, headers: app.bearer("coord-kyzylorda")) { response throws in
                #expect((try object(response))["status"] as? String == "done")
            }
            try await app.client.execute(
                uri: "/api/v1/measures/\(code)/status", method: .post, headers: app.bearer("coord-akzhar"),
                body: app.json(["status": "done"])
            ) { response in
                #expect(response.status == .forbidden)
            }
            #expect(try await app.count("SELECT count(*) FROM audit_log WHERE entity = 'measure' AND action = 'update_status'") == 1)
        }
    }
}
