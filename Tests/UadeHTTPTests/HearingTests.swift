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

/// Hearings through the API: validation field by field, scope, held hearings keep their run,
/// resolutions, and reports with the right headers for each format and caller.
@Suite("Hearings API")
struct HearingTests {
    @Test("a bad hearing is refused field by field and creates nothing")
    func validation() async throws {
        try await withDemoApp(.hearings) { app in
            let before = try await app.count("SELECT count(*) FROM hearings")
            let cases: [([String: Any], [String])] = [
                ([:], ["body.faction", "body.held_on", "body.title"]),
                (["faction": "senate", "held_on": "2026-12-01", "title": "x"], ["body.faction"]),
                (["faction": "mazhilis", "faction_territory": "430000000", "held_on": "2026-12-01", "title": "x"], ["body.faction_territory"]),
                (["faction": "maslikhat", "held_on": "2026-12-01", "title": "x"], ["body.faction_territory"]),
                (
                    ["faction": "maslikhat", "faction_territory": "430000000", "territory": "590000000", "held_on": "2026-12-01", "title": "x"],
                    ["body.territory"]
                ),
                (
                    ["faction": "maslikhat", "faction_territory": "430000000", "held_on": "1 December", "title": "x", "depth": 7],
                    ["body.held_on", "body.depth"]
                ),
                (
                    [
                        "faction": "maslikhat", "faction_territory": "430000000", "held_on": "2026-12-01", "title": "x",
                        "sections": ["HOUSING", "NOPE"],
                    ], ["body.sections[1]"]
                ),
                (
                    ["faction": "maslikhat", "faction_territory": "430000000", "held_on": "2026-12-01", "title": "x", "sections": 5],
                    ["body.sections"]
                ),
                (
                    [
                        "faction": "maslikhat", "faction_territory": "430000000", "held_on": "2026-12-01", "title": "x",
                        "officials": [["name": "Аким", "office": "аким", "territory": "590000000"], ["name": ""]],
                    ],
                    ["body.officials[0].territory", "body.officials[1]"]
                ),
                (["faction": "maslikhat", "faction_territory": "430000000", "held_on": "2026-12-01", "title": "x", "run_id": 999], ["body.run_id"]),
                (
                    ["faction": "maslikhat", "faction_territory": "430000000", "held_on": "2026-12-01", "title": String(repeating: "я", count: 301)],
                    ["body.title"]
                ),
            ]
            for (body, fields) in cases {
                try await app.client.execute(uri: "/api/v1/hearings", method: .post, headers: app.bearer("faction-mazhilis"), body: app.json(body)) {
                    response throws in
                    #expect(response.status == .unprocessableContent, "\(body)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(try fieldNames(response) == fields, "\(body)")
                }
            }
            #expect(try await app.count("SELECT count(*) FROM hearings") == before)
        }
    }

    @Test("faction staff create a hearing on the latest run; it is audited and can be edited until held")
    func createAndEdit() async throws {
        try await withDemoApp(.hearings) { app in
            let latestRun = try await app.count("SELECT max(id)::bigint FROM evaluation_runs WHERE status = 'completed'")
            let body: [String: Any] = [
                "faction": "maslikhat", "faction_territory": "430000000", "held_on": "2026-12-15", "title": "Здравоохранение области",
                "sections": ["HEALTH", "EDUCATION"], "depth": 0,
                "officials": [["name": "Аким области", "office": "аким", "territory": "430000000"]],
            ]
            let id = try await app.client.execute(
                uri: "/api/v1/hearings", method: .post, headers: app.bearer("faction-mazhilis"), body: app.json(body)
            ) { response throws -> Int in
                #expect(response.status == .created)
                let hearing = try object(response)
                #expect(hearing["run_id"] as? Int == latestRun)
                #expect(hearing["section_codes"] as? [String] == ["HEALTH", "EDUCATION"])
                #expect(hearing["sections"] as? String == "chosen")
                #expect(hearing["status"] as? String == "planned")
                #expect((hearing["officials"] as? [[String: Any]])?.first?["name"] as? String == "Аким области")
                return hearing["id"] as? Int ?? 0
            }
            #expect(
                try await app.count("SELECT count(*) FROM audit_log WHERE entity = 'hearing' AND entity_id = \(String(id)) AND action = 'create'")
                    == 1)

            // A planned hearing may move to another run; once held, it may not.
            try await app.client.execute(
                uri: "/api/v1/hearings/\(id)", method: .patch, headers: app.bearer("faction-mazhilis"),
                body: app.json(["run_id": latestRun - 1])
            ) { response throws in
                #expect(response.status == .ok)
                #expect(try object(response)["run_id"] as? Int == latestRun - 1)
            }
            try await app.client.execute(
                uri: "/api/v1/hearings/\(id)", method: .patch, headers: app.bearer("faction-mazhilis"),
                body: app.json(["status": "held"])
            ) { response throws in
                #expect(response.status == .ok)
                #expect(try object(response)["title"] as? String == "Здравоохранение области")
            }
            try await app.client.execute(
                uri: "/api/v1/hearings/\(id)", method: .patch, headers: app.bearer("faction-mazhilis"),
                body: app.json(["run_id": latestRun])
            ) { response throws in
                #expect(response.status == .conflict)
                #expect(try fieldNames(response) == ["body.run_id"])
            }
            #expect(try await app.count("SELECT run_id FROM hearings WHERE id = \(id)") == latestRun - 1)
            #expect(
                try await app.count("SELECT count(*) FROM audit_log WHERE entity = 'hearing' AND entity_id = \(String(id)) AND action = 'update'")
                    == 2)
        }
    }

    @Test("resolutions are recorded after a hearing is held and become measures")
    func resolutions() async throws {
        try await withDemoApp(.hearings) { app in
            let resolution: [String: Any] = ["text": "Представить план", "section": "HOUSING", "deadline": "2027-03-01", "executor": "Аппарат акима"]
            try await app.client.execute(
                uri: "/api/v1/hearings/2/resolutions", method: .post, headers: app.bearer("faction-mazhilis"), body: app.json(resolution)
            ) { response in
                #expect(response.status == .conflict)
            }
            try await app.client.execute(
                uri: "/api/v1/hearings/1/resolutions", method: .post, headers: app.bearer("faction-mazhilis"),
                body: app.json(["text": "x", "section": "NOPE", "deadline": "2020-01-01", "territory": "590000000"])
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["body.executor", "body.deadline", "body.section", "body.territory"])
            }
            try await app.client.execute(
                uri: "/api/v1/hearings/1/resolutions", method: .post, headers: app.bearer("faction-mazhilis"), body: app.json(resolution)
            ) { response throws in
                #expect(response.status == .created)
                #expect(try object(response)["measure_code"] as? String == "H1-R3")
            }
            try await app.client.execute(uri: "/api/v1/hearings/1/resolutions", method: .get, headers: app.bearer("bureau-social")) {
                response throws in
                #expect(response.status == .ok)
                #expect(try object(response)["total"] as? Int == 3)
            }
            // The measure is a measure like any other: a coordinator of the region reports on it.
            try await app.client.execute(
                uri: "/api/v1/measures/H1-R3/status", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: app.json(["status": "in_progress"])
            ) { response in
                #expect(response.status == .created || response.status == .ok)
            }
        }
    }

    @Test("reports come in four formats with their content types; bad parameters are 400")
    func reportFormats() async throws {
        try await withDemoApp(.hearings) { app in
            var fingerprints: Set<String> = []
            for (format, type, disposition) in [
                ("html", "text/html; charset=utf-8", "inline"), ("json", "application/json", "inline"),
                ("csv", "text/csv; charset=utf-8", "attachment"),
                ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
            ] {
                try await app.client.execute(
                    uri: "/api/v1/hearings/2/report?format=\(format)&lang=kk", method: .get, headers: app.bearer("faction-mazhilis")
                ) { response in
                    #expect(response.status == .ok, "\(format)")
                    #expect(response.headers[.contentType] == type)
                    #expect(response.headers[.contentDisposition] == "\(disposition); filename=\"hearing-2-kk.\(format)\"")
                    fingerprints.insert(response.headers[HTTPField.Name("X-Report-Fingerprint")!] ?? "")
                    #expect(response.body.readableBytes > 500)
                }
            }
            #expect(fingerprints.count == 1)
            try await app.client.execute(uri: "/api/v1/hearings/2/report?format=pdf", method: .get, headers: app.bearer("faction-mazhilis")) {
                response throws in
                #expect(response.status == .badRequest)
                #expect(try fieldNames(response) == ["query.format"])
            }
            try await app.client.execute(uri: "/api/v1/hearings/2/report?lang=de", method: .get, headers: app.bearer("faction-mazhilis")) {
                response throws in
                #expect(response.status == .badRequest)
                #expect(try fieldNames(response) == ["query.lang"])
            }
            try await app.client.execute(uri: "/api/v1/hearings/999/report", method: .get, headers: app.bearer("faction-mazhilis")) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("a Bureau member gets the part on the sections owned; others outside the faction's territory get 403")
    func reportAccess() async throws {
        try await withDemoApp(.hearings) { app in
            let owned = try await app.count(
                """
                SELECT count(*) FROM section_owners o JOIN accounts a ON a.person_id = o.person_id WHERE a.username = 'bureau-social' AND o.valid_to IS NULL
                """)
            try await app.client.execute(uri: "/api/v1/hearings/2/report?format=json&lang=en", method: .get, headers: app.bearer("bureau-social")) {
                response throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition]?.contains("hearing-2-part-en.json") == true)
                let report = try object(response)
                let sections = report["sections"] as? [[String: Any]] ?? []
                #expect(sections.count == owned)
                #expect(sections.allSatisfy { $0["socially_sensitive"] as? Bool == true })
                #expect(((report["cover"] as? [String: Any])?["part_for_sections"] as? [String])?.count == owned)
            }
            for who in ["pc-kyzylorda", "coord-kyzylorda", "observer-kyzylorda"] {
                try await app.client.execute(uri: "/api/v1/hearings/2/report", method: .get, headers: app.bearer(who)) { response in
                    #expect(response.status == .forbidden, "\(who)")
                }
            }
            // Faction staff of a district elsewhere: neither the Kyzylorda hearing nor a hearing there.
            let accounts = AccountRepository(client: app.database, logger: TestDatabase.logger)
            _ = try await accounts.create(username: "faction-akzhar", passwordHash: "x", personID: nil, by: nil, requestID: "test")
            let akzhar = try #require(
                try await TerritoryRepository(client: app.database, logger: TestDatabase.logger).tree().byID.values.first {
                    $0.name.en == "Akzhar District"
                })
            try await accounts.grant(username: "faction-akzhar", role: .factionStaff, territoryID: akzhar.id, by: nil, requestID: "test")
            let token = try await accounts.createToken(username: "faction-akzhar", name: "test", by: nil, requestID: "test").secret
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            try await app.client.execute(uri: "/api/v1/hearings/2/report", method: .get, headers: headers) { response in
                #expect(response.status == .forbidden)
            }
            try await app.client.execute(uri: "/api/v1/hearings", method: .get, headers: headers) { response throws in
                #expect(response.status == .ok)
                #expect(try object(response)["total"] as? Int == 0)
            }
            try await app.client.execute(
                uri: "/api/v1/hearings", method: .post, headers: headers,
                body: app.json(["faction": "maslikhat", "faction_territory": "430000000", "held_on": "2026-12-01", "title": "x"])
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await app.client.execute(
                uri: "/api/v1/hearings", method: .post, headers: headers,
                body: app.json(["faction": "maslikhat", "faction_territory": String(akzhar.id), "held_on": "2026-12-01", "title": "Ақжар"])
            ) { response in
                #expect(response.status == .created)
            }
        }
    }
}
