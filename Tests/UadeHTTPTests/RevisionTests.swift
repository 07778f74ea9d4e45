import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing
import UadeDemo
import UadeDomain
import UadeEvaluator
import UadeServices
import UadeStorage
import UadeTestSupport

/// Revisions of an approved plan: proposed, approved by a second person or refused, judged
/// against by the evaluator, listed in the hearing report.
@Suite("Target revisions", .serialized)
struct RevisionTests {
    /// A target of Kyzylorda Region in a socially sensitive section owned by bureau-social, of an
    /// indicator where higher is better: (indicator code, territory id, period).
    static func target(_ app: DemoApp) async throws -> (indicator: String, territory: Int64, period: Period, value: Double) {
        for try await (code, territory, start, value) in try await app.database.query(
            """
            SELECT i.code, t.territory_id, t.period_start, t.value FROM targets t
              JOIN indicators i ON i.id = t.indicator_id JOIN sections s ON s.id = i.section_id
              JOIN territories r ON r.id = t.territory_id
              JOIN section_owners o ON o.section_id = s.id JOIN accounts a ON a.person_id = o.person_id AND a.username = 'bureau-social'
             WHERE r.kato = '430000000' AND i.direction = 'higher_is_better' AND i.periodicity = 'quarterly' AND t.value > 10
               AND t.period_start = DATE '2026-07-01'
             ORDER BY i.code LIMIT 1
            """, logger: TestDatabase.logger
        ).decode((String, Int64, Day, Double).self) {
            return (code, territory, Period(start: start, periodicity: .quarterly)!, value)
        }
        throw TestFailure("no fitting target in the demo")
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func put(_ app: DemoApp, _ path: String, _ body: [String: Any], as username: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await app.client.execute(uri: "/api/v1/targets/\(path)", method: .put, headers: app.bearer(username), body: app.json(body)) {
            ($0.status, (try? JSONSerialization.jsonObject(with: Data($0.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }

    static func post(_ app: DemoApp, _ uri: String, _ body: [String: Any]?, as username: String) async throws -> (HTTPResponse.Status, [String: Any])
    {
        try await app.client.execute(uri: uri, method: .post, headers: app.bearer(username), body: body.map(app.json) ?? ByteBuffer()) {
            ($0.status, (try? JSONSerialization.jsonObject(with: Data($0.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }

    static func get(_ app: DemoApp, _ uri: String, as username: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await app.client.execute(uri: uri, method: .get, headers: app.bearer(username)) {
            ($0.status, (try? JSONSerialization.jsonObject(with: Data($0.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }

    static func fields(_ problem: [String: Any]) -> [String] {
        (problem["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }

    @Test("an eased target waits for a second person; the run judges the target in force and flags it; the report lists it")
    func easedTargetWaitsForApproval() async throws {
        try await withDemoApp { app in
            let target = try await Self.target(app)
            let path = "\(target.indicator)/\(target.territory)/\(target.period.code)"
            let lowered = (target.value * 0.5).rounded()

            // The Kyzylorda programme office may not revise the republic's programme.
            #expect(try await Self.put(app, path, ["value": lowered, "reason": "x"], as: "office-kyzylorda").0 == .forbidden)
            #expect(try await Self.put(app, path, ["value": lowered, "reason": "x"], as: "coord-kyzylorda").0 == .forbidden)
            // An approved target changes with a reason only.
            let (noReason, problem) = try await Self.put(app, path, ["value": lowered], as: "admin")
            #expect(noReason == .unprocessableContent && Self.fields(problem) == ["body.reason"], "\(problem)")
            let (unknown, missing) = try await Self.put(
                app, "\(target.indicator)/\(target.territory)/2031-Q1", ["value": 1, "reason": "x"], as: "admin")
            #expect(unknown == .unprocessableContent && Self.fields(missing) == ["path.period"], "outside the indicator's periods: \(missing)")

            // Lowered once the period has begun: pending, the approved value untouched.
            let (status, edit) = try await Self.put(
                app, path, ["value": lowered, "reason": "the budget was cut", "applies_from": "2026-07-01"], as: "admin")
            #expect(status == .ok && edit["outcome"] as? String == "revised", "\(edit)")
            let revision = try #require(edit["revision"] as? [String: Any])
            #expect(revision["status"] as? String == "pending" && revision["eases"] as? Bool == true, "\(revision)")
            let id = try #require(revision["id"] as? Int)
            #expect(try await RoadmapTests.target(app, target.indicator, "430000000", target.period.start.iso) == target.value)
            #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'target_revision' AND action = 'propose'") == 1)

            // Listed as pending for those who may see it; nobody's list is empty.
            func pending(_ username: String) async throws -> [Int] {
                try await app.client.execute(uri: "/api/v1/revisions?status=pending", method: .get, headers: app.bearer(username)) { response in
                    #expect(response.status == .ok)
                    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    return (object?["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                }
            }
            #expect(try await pending("admin") == [id])
            #expect(try await pending("bureau-social") == [id])
            #expect(try await pending("coord-akzhar").isEmpty, "another region's coordinator")
            #expect(try await pending("nobody").isEmpty)

            // Not the proposer, not a coordinator; the Bureau member owning the section approves.
            let (same, sameProblem) = try await Self.post(app, "/api/v1/revisions/\(id)/approve", nil, as: "admin")
            #expect(same == .forbidden && (sameProblem["type"] as? String)?.hasSuffix("/same-person") == true, "\(sameProblem)")
            #expect(try await Self.post(app, "/api/v1/revisions/\(id)/approve", nil, as: "coord-kyzylorda").0 == .forbidden)
            // The page follows the same rules: a coordinator may not reach the decision form.
            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let page = try await app.client.execute(
                uri: "/revisions/\(id)/decide", method: .post,
                headers: [.cookie: coordinator.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(coordinator.csrf)&decision=approve")
            ) { $0.status }
            #expect(page == .forbidden)
            let (approved, inForce) = try await Self.post(app, "/api/v1/revisions/\(id)/approve", nil, as: "bureau-social")
            #expect(approved == .ok && inForce["status"] as? String == "in_force", "\(inForce)")
            let (again, decided) = try await Self.post(app, "/api/v1/revisions/\(id)/refuse", ["reason": "late"], as: "bureau-social")
            #expect(again == .conflict && (decided["type"] as? String)?.hasSuffix("/revision-decided") == true, "\(decided)")

            // The revision was made and decided the day before the tests' today.
            try await app.database.query(
                "UPDATE target_revisions SET proposed_at = '2026-11-20 10:00+05', decided_at = '2026-11-20 11:00+05' WHERE id = \(id)",
                logger: TestDatabase.logger)
            let summary = try await EvaluationRunner(client: app.database, logger: TestDatabase.logger).run(EvaluationRequest(asOf: testToday))
            #expect(
                try await app.count(
                    """
                    SELECT u.target::int FROM evaluation_items e, unnest(e.days, e.targets) AS u(day, target)
                     WHERE e.run_id = \(summary.runID) AND e.indicator_id = (SELECT id FROM indicators WHERE code = \(target.indicator))
                       AND e.territory_id = \(target.territory) AND u.day = \(target.period.start.daysSinceEpoch)
                    """) == Int(lowered), "judged against the target in force")
            #expect(
                try await app.count(
                    """
                    SELECT count(*)::int FROM flags WHERE kind = 'target_eased' AND territory_id = \(target.territory)
                       AND indicator_id = (SELECT id FROM indicators WHERE code = \(target.indicator)) AND period_start = \(target.period.start)
                    """) == 1)
            // A run as of the day before it was decided judges the approved target.
            let before = try await EvaluationRunner(client: app.database, logger: TestDatabase.logger)
                .run(EvaluationRequest(asOf: Day(iso: "2026-11-19")!))
            #expect(
                try await app.count(
                    """
                    SELECT u.target::int FROM evaluation_items e, unnest(e.days, e.targets) AS u(day, target)
                     WHERE e.run_id = \(before.runID) AND e.indicator_id = (SELECT id FROM indicators WHERE code = \(target.indicator))
                       AND e.territory_id = \(target.territory) AND u.day = \(target.period.start.daysSinceEpoch)
                    """) == Int(target.value))
            #expect(
                try await app.count(
                    """
                    SELECT count(*)::int FROM flags WHERE kind = 'target_eased' AND state = 'resolved' AND territory_id = \(target.territory)
                       AND indicator_id = (SELECT id FROM indicators WHERE code = \(target.indicator)) AND period_start = \(target.period.start)
                    """) == 1, "no longer eased as of a day before the revision: the flag is resolved")

            // The hearing report on the later run lists the revision beside the approved target.
            let hearing = try await app.client.execute(
                uri: "/api/v1/hearings", method: .post, headers: app.bearer("admin"),
                body: app.json([
                    "faction": "maslikhat", "faction_territory": "430000000", "held_on": "2026-12-15", "title": "Revisions",
                    "run_id": summary.runID,
                ])
            ) { response throws -> Int in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return (try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])?["id"] as? Int ?? 0
            }
            try await app.client.execute(uri: "/api/v1/hearings/\(hearing)/report?format=json&lang=en", method: .get, headers: app.bearer("admin")) {
                response in
                #expect(response.status == .ok)
                let report = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let quality = report?["data_quality"] as? [String: Any]
                let lines = quality?["revisions"] as? [[String: Any]] ?? []
                #expect(lines.count == 1, "\(quality ?? [:])")
                #expect(lines.first?["approved"] as? Double == target.value)
                #expect((lines.first?["description"] as? String)?.hasPrefix("lowered ") == true, "\(lines)")
                #expect(lines.first?["status"] as? String == "in_force")
                #expect(quality?["eased_targets"] as? Int == 1)
            }
            try await app.client.execute(uri: "/api/v1/hearings/\(hearing)/report?format=html&lang=ru", method: .get, headers: app.bearer("admin")) {
                response in
                #expect(String(buffer: response.body).contains("Пересмотр целевых значений"))
            }
        }
    }

    @Test("a harder target is in force at once; a newer proposal withdraws a pending one; a refusal needs a reason")
    func raisedWithdrawnRefused() async throws {
        try await withDemoApp { app in
            let target = try await Self.target(app)
            let path = "\(target.indicator)/\(target.territory)/\(target.period.code)"
            let (_, raised) = try await Self.put(app, path, ["value": target.value + 10, "reason": "more funds"], as: "admin")
            #expect((raised["revision"] as? [String: Any])?["status"] as? String == "in_force", "\(raised)")
            let revisions = RevisionRepository(client: app.database, logger: TestDatabase.logger)
            #expect(try await revisions.list(.init()).allSatisfy { !$0.easedAfterStart }, "a harder target eases nothing")
            // The coordinator's due list shows the target in force.
            try await app.client.execute(
                uri: "/api/v1/due?territory=430000000&indicator=\(target.indicator)&period=\(target.period.code)", method: .get,
                headers: app.bearer("coord-kyzylorda")
            ) { response in
                let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let items = (object?["items"] as? [[String: Any]] ?? []).filter { $0["territory_id"] as? Int == Int(target.territory) }
                #expect(items.count == 1 && items.first?["target"] as? Double == target.value + 10, "\(items)")
            }
            let (_, first) = try await Self.put(app, path, ["value": target.value - 5, "reason": "cut"], as: "admin")
            let firstID = try #require((first["revision"] as? [String: Any])?["id"] as? Int)
            let (_, second) = try await Self.put(app, path, ["value": target.value - 6, "reason": "cut more"], as: "admin")
            let secondID = try #require((second["revision"] as? [String: Any])?["id"] as? Int)
            #expect(try await app.count("SELECT count(*)::int FROM target_revisions WHERE id = \(firstID) AND status = 'withdrawn'") == 1)
            #expect((second["revision"] as? [String: Any])?["old_value"] as? Double == target.value + 10, "the old value is the one in force")
            // Proposing the value in force again only withdraws the pending one.
            let (_, back) = try await Self.put(app, path, ["value": target.value + 10, "reason": "never mind"], as: "admin")
            #expect(back["outcome"] as? String == "withdrawn" && back["withdrawn_revision_id"] as? Int == secondID, "\(back)")
            let (_, third) = try await Self.put(app, path, ["value": target.value - 7, "reason": "cut again"], as: "admin")
            let thirdID = try #require((third["revision"] as? [String: Any])?["id"] as? Int)
            let (noReason, problem) = try await Self.post(app, "/api/v1/revisions/\(thirdID)/refuse", [:], as: "bureau-social")
            #expect(noReason == .unprocessableContent && Self.fields(problem) == ["body.reason"], "\(problem)")
            let (refused, revision) = try await Self.post(
                app, "/api/v1/revisions/\(thirdID)/refuse", ["reason": "the programme promised it"], as: "bureau-social")
            #expect(
                refused == .ok && revision["status"] as? String == "refused" && revision["refusal_reason"] as? String == "the programme promised it")
            // The plan the workbook exports: the revision in force.
            let sheets = try await RoadmapTests.exported(app)
            let row = try #require(sheets["targets"]?.rows.first { $0.cells[0] == .text(target.indicator) && $0.cells[1] == .text("430000000") })
            let column = try #require(sheets["targets"]?.header.firstIndex(of: target.period.code))
            #expect(row.cells[column] == .number(target.value + 10))
        }
    }

    @Test("a draft's target is overwritten and audited; approving the programme makes its changes revisions")
    func draftThenApproved() async throws {
        try await withDemoApp { app in
            try await app.database.query("UPDATE programmes SET status = 'draft', approved_at = NULL", logger: TestDatabase.logger)
            let target = try await Self.target(app)
            let path = "\(target.indicator)/\(target.territory)/\(target.period.code)"
            let (status, edit) = try await Self.put(app, path, ["value": target.value - 1], as: "admin")
            #expect(status == .ok && edit["outcome"] as? String == "overwritten", "\(edit)")
            #expect(try await RoadmapTests.target(app, target.indicator, "430000000", target.period.start.iso) == target.value - 1)
            #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'target' AND action = 'update'") == 1)
            #expect(try await app.count("SELECT count(*)::int FROM target_revisions") == 0)
            // A draft is no promise yet: it is not judged.
            await #expect(throws: EvaluationFailure.draft(RoadmapTests.code)) {
                try await EvaluationRunner(client: app.database, logger: TestDatabase.logger).run(EvaluationRequest(asOf: testToday))
            }

            #expect(try await Self.post(app, "/api/v1/programmes/\(RoadmapTests.code)/approve", nil, as: "office-kyzylorda").0 == .forbidden)
            let (approved, programme) = try await Self.post(app, "/api/v1/programmes/\(RoadmapTests.code)/approve", nil, as: "admin")
            #expect(approved == .ok && programme["status"] as? String == "approved", "\(programme)")
            #expect(try await Self.post(app, "/api/v1/programmes/\(RoadmapTests.code)/approve", nil, as: "admin").0 == .conflict)
            let (_, revised) = try await Self.put(app, path, ["value": target.value - 2, "reason": "after approval"], as: "admin")
            #expect(revised["outcome"] as? String == "revised", "\(revised)")
            #expect(try await RoadmapTests.target(app, target.indicator, "430000000", target.period.start.iso) == target.value - 1)
        }
    }

    static func patch(_ app: DemoApp, _ uri: String, _ body: [String: Any], as username: String) async throws -> (HTTPResponse.Status, [String: Any])
    {
        try await app.client.execute(uri: uri, method: .patch, headers: app.bearer(username), body: app.json(body)) {
            ($0.status, (try? JSONSerialization.jsonObject(with: Data($0.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }

    @Test("a postponed deadline waits for a second person, one brought forward is in force at once; a renaming is recorded with its reason")
    func deadlinesAndNames() async throws {
        // The hearings template holds a completed run, which the indicator page shows.
        try await withDemoApp(.hearings) { app in
            var found: (String, Day, Day)?
            for try await row in try await app.database.query(
                """
                SELECT m.code, m.deadline, p.term_end FROM measures m JOIN sections s ON s.id = m.section_id JOIN programmes p ON p.id = s.programme_id
                  JOIN section_owners o ON o.section_id = s.id JOIN accounts a ON a.person_id = o.person_id AND a.username = 'bureau-social'
                 WHERE m.deadline + 90 < p.term_end AND m.deadline > p.term_start + 90
                 ORDER BY m.code LIMIT 1
                """, logger: TestDatabase.logger
            ).decode((String, Day, Day).self) { found = row }
            let (measure, deadline, termEnd) = try #require(found)
            let later = deadline.adding(days: 60)
            let uri = "/api/v1/measures/\(measure)"

            let (missing, problem) = try await Self.patch(app, uri, ["deadline": later.iso], as: "admin")
            #expect(missing == .unprocessableContent && Self.fields(problem) == ["body.reason"], "\(problem)")
            let (outside, beyond) = try await Self.patch(app, uri, ["deadline": termEnd.adding(days: 1).iso, "reason": "x"], as: "admin")
            #expect(outside == .unprocessableContent && Self.fields(beyond) == ["body.deadline"], "\(beyond)")
            #expect(try await Self.patch(app, uri, ["deadline": later.iso, "reason": "x"], as: "observer-kyzylorda").0 == .forbidden)

            let (status, postponed) = try await Self.patch(app, uri, ["deadline": later.iso, "reason": "the contractor went bankrupt"], as: "admin")
            let revision = try #require(postponed["revision"] as? [String: Any], "\(postponed)")
            let id = try #require(revision["id"] as? Int)
            #expect(status == .ok && revision["status"] as? String == "pending" && revision["eases"] as? Bool == true, "\(postponed)")
            #expect(
                try await app.count("SELECT count(*)::int FROM measures WHERE code = \(measure) AND deadline = \(deadline)") == 1, "not yet moved")
            // The export shows the plan, so that importing it proposes nothing more.
            let again = try await Self.patch(app, uri, ["deadline": later.iso, "reason": "again"], as: "admin")
            #expect(again.1["outcome"] as? String == "unchanged", "\(again.1)")

            let (_, listed) = try await app.client.execute(
                uri: "/api/v1/item-revisions?status=pending", method: .get, headers: app.bearer("bureau-social")
            ) { ($0.status, (try? JSONSerialization.jsonObject(with: Data($0.body.readableBytesView)) as? [String: Any]) ?? [:]) }
            #expect((listed["items"] as? [[String: Any]])?.contains { $0["id"] as? Int == id } == true, "\(listed)")
            let (same, _) = try await Self.post(app, "/api/v1/item-revisions/\(id)/approve", nil, as: "admin")
            #expect(same == .forbidden, "the proposer does not approve")
            let (approved, decided) = try await Self.post(app, "/api/v1/item-revisions/\(id)/approve", nil, as: "bureau-social")
            #expect(approved == .ok && decided["status"] as? String == "in_force", "\(decided)")
            #expect(try await app.count("SELECT count(*)::int FROM measures WHERE code = \(measure) AND deadline = \(later)") == 1)

            let earlier = later.adding(days: -30)
            let (_, forward) = try await Self.patch(app, uri, ["deadline": earlier.iso, "reason": "funds came early"], as: "admin")
            #expect((forward["revision"] as? [String: Any])?["status"] as? String == "in_force", "\(forward)")
            #expect(try await app.count("SELECT count(*)::int FROM measures WHERE code = \(measure) AND deadline = \(earlier)") == 1)

            // Names: required in Kazakh and Russian; a renaming is in force at once, with its record.
            let indicator = try await Self.target(app).indicator
            let names = "/api/v1/indicators/\(indicator)"
            let (unnamed, noName) = try await Self.patch(app, names, ["name_kk": "Жаңа атау", "reason": "clearer"], as: "admin")
            #expect(unnamed == .unprocessableContent && Self.fields(noName) == ["body.name_ru"], "\(noName)")
            let full: [String: Any] = ["name_kk": "Жаңа атау", "name_ru": "Новое название", "name_en": "New name", "reason": "clearer"]
            #expect(try await Self.patch(app, names, full, as: "office-kyzylorda").0 == .forbidden, "the republic's programme is not the region's")
            let (renamed, rename) = try await Self.patch(app, names, full, as: "admin")
            #expect(renamed == .ok && (rename["revision"] as? [String: Any])?["status"] as? String == "in_force", "\(rename)")
            #expect(try await app.count("SELECT count(*)::int FROM indicators WHERE code = \(indicator) AND name_ru = 'Новое название'") == 1)
            #expect(
                try await app.count("SELECT count(*)::int FROM audit_log WHERE entity IN ('item_revision', 'indicator') AND account_id IS NOT NULL")
                    >= 4)

            // The same through the pages: the indicator page moves a deadline, the revisions page decides it.
            let admin = try #require(try await login(app, "admin"))
            let page = try await app.client.execute(
                uri: "/indicator?indicator=\(indicator)&territory=430000000&lang=en", method: .get, headers: [.cookie: admin.cookie]
            ) { String(buffer: $0.body) }
            #expect(page.contains("names-form") && page.contains("Новое название"), "the rename form shows the names in force: \(page.prefix(600))")
            let (moved, location, _) = try await postForm(
                app,
                admin, "/indicator/deadline",
                ["indicator": indicator, "territory": "430000000", "measure": measure, "deadline": later.adding(days: 10).iso, "reason": "rains"])
            #expect(moved == .seeOther && location.contains("item=pending"), "\(moved) \(location)")
            let pendingID = try await app.count("SELECT id::int FROM item_revisions WHERE status = 'pending'")
            let bureau = try #require(try await login(app, "bureau-social"))
            let listing = try await app.client.execute(uri: "/revisions?lang=en", method: .get, headers: [.cookie: bureau.cookie]) {
                String(buffer: $0.body)
            }
            #expect(listing.contains("approve-item-\(pendingID)"), "the Bureau member may decide it")
            let (decidedStatus, _, decidedPage) = try await postForm(
                app,
                bureau, "/revisions/items/\(pendingID)/decide", ["decision": "refuse", "reason": "no"])
            #expect(decidedStatus == .ok && decidedPage.contains("revision-decided"), "\(decidedPage.prefix(300))")
            #expect(try await app.count("SELECT count(*)::int FROM item_revisions WHERE id = \(pendingID) AND status = 'refused'") == 1)
        }
    }
}
