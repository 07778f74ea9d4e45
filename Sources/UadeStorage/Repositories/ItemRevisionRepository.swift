import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// Single edits of an indicator's names and a measure's deadline: a draft's are overwritten, an
/// approved programme's become revisions (``ItemRevisionRules``), decided by a second person
/// when they postpone a deadline.
public struct ItemRevisionRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// What an edit is about, with the programme it belongs to.
    public struct Subject: Sendable, Equatable {
        public let id: Int64
        public let code: String
        public let sectionID: Section.ID
        public let programmeID: Programme.ID
        /// A measure's territory; nil for an indicator.
        public let territoryID: Territory.ID?
    }

    public func indicator(code: String) async throws -> Subject? {
        try await subject(
            """
            SELECT i.id, i.code, i.section_id, s.programme_id, NULL::bigint FROM indicators i JOIN sections s ON s.id = i.section_id
             WHERE i.code = \(code) AND i.retired_on IS NULL
            """)
    }

    public func measure(code: String) async throws -> Subject? {
        try await subject(
            """
            SELECT m.id, m.code, m.section_id, s.programme_id, m.territory_id FROM measures m JOIN sections s ON s.id = m.section_id
             WHERE m.code = \(code) AND m.retired_on IS NULL
            """)
    }

    func subject(_ query: PostgresQuery) async throws -> Subject? {
        for try await r in try await client.query(query, logger: logger).decode((Int64, String, Int64, Int64, Int64?).self) {
            return Subject(id: r.0, code: r.1, sectionID: r.2, programmeID: r.3, territoryID: r.4)
        }
        return nil
    }

    static let select = """
        SELECT v.id, p.code, s.id, coalesce(i.code, m.code), m.territory_id, v.kind, v.old_value::text, v.new_value::text, v.reason, v.status,
               a.username, v.proposed_by, v.proposed_at, d.username, v.decided_at, v.refusal_reason
          FROM item_revisions v
          LEFT JOIN indicators i ON i.id = v.indicator_id LEFT JOIN measures m ON m.id = v.measure_id
          JOIN sections s ON s.id = coalesce(i.section_id, m.section_id) JOIN programmes p ON p.id = s.programme_id
          LEFT JOIN accounts a ON a.id = v.proposed_by LEFT JOIN accounts d ON d.id = v.decided_by
        """

    typealias Row = (Int64, String, Int64, String, Int64?, String, String, String, String, String, String?, Int64?, Date, String?, Date?, String?)

    static func revision(_ r: Row) -> ItemRevision? {
        guard let kind = ItemRevisionKind(rawValue: r.5), let status = RevisionStatus(rawValue: r.9) else { return nil }
        func object(_ text: String) -> [String: String] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]) ?? [:]
        }
        let old = object(r.6)
        let new = object(r.7)
        let change: ItemChange
        switch kind {
        case .indicatorNames:
            change = .names(
                old: LocalizedText(kk: old["kk"], ru: old["ru"], en: old["en"]), new: LocalizedText(kk: new["kk"], ru: new["ru"], en: new["en"]))
        case .measureDeadline:
            guard let before = old["deadline"].flatMap(Day.init(iso:)), let after = new["deadline"].flatMap(Day.init(iso:)) else { return nil }
            change = .deadline(old: before, new: after)
        }
        return ItemRevision(
            id: r.0, programmeCode: r.1, sectionID: r.2, subjectCode: r.3, territoryID: r.4, change: change, reason: r.8, status: status,
            proposedBy: r.10, proposedByAccount: r.11, proposedAt: r.12, decidedBy: r.13, decidedAt: r.14, refusalReason: r.15)
    }

    /// Revisions, newest first, narrowed to a status, a programme, sections or measures'
    /// territories (an indicator's renaming has no territory: it is kept by `territories`).
    public func list(
        status: RevisionStatus?, programmeID: Programme.ID?, sections: [Section.ID]?, territories: [Territory.ID]?, limit: Int = 500
    ) async throws -> [ItemRevision] {
        var result: [ItemRevision] = []
        let query: PostgresQuery = """
            \(unescaped: Self.select)
             WHERE (\(status?.rawValue)::text IS NULL OR v.status = \(status?.rawValue))
               AND (\(programmeID)::bigint IS NULL OR p.id = \(programmeID))
               AND (\(sections)::bigint[] IS NULL OR s.id = ANY(\(sections)))
               AND (\(territories)::bigint[] IS NULL OR m.territory_id IS NULL OR m.territory_id = ANY(\(territories)))
             ORDER BY v.id DESC LIMIT \(limit)
            """
        for try await r in try await client.query(query, logger: logger).decode(Row.self) {
            if let revision = Self.revision(r) { result.append(revision) }
        }
        return result
    }

    public func revision(id: Int64) async throws -> ItemRevision? {
        for try await r in try await client.query("\(unescaped: Self.select) WHERE v.id = \(id)", logger: logger).decode(Row.self) {
            return Self.revision(r)
        }
        return nil
    }

    /// What an edit did.
    public enum Proposal: Sendable, Equatable {
        /// The value is the plan already.
        case unchanged
        /// A draft's value, overwritten.
        case overwritten
        /// The value is the one in force: the pending revision was withdrawn.
        case withdrawn(Int64)
        case proposed(ItemRevision)
    }

    /// Renames an indicator, in one transaction with its audit entry: a draft's names are
    /// overwritten; an approved programme's change is recorded as a revision in force.
    public func rename(_ subject: Subject, to names: LocalizedText, reason: String, approved: Bool, by accountID: Int64?, requestID: String?)
        async throws -> Proposal
    {
        let id: Int64 = try await client.transaction(logger: logger) { connection in
            var stored: LocalizedText?
            for try await r in try await connection.query(
                "SELECT name_kk, name_ru, name_en FROM indicators WHERE id = \(subject.id) FOR UPDATE", logger: logger
            ).decode((String, String, String?).self) { stored = LocalizedText(kk: r.0, ru: r.1, en: r.2) }
            guard let old = stored else { return 0 }
            let new = LocalizedText(kk: names.kk, ru: names.ru, en: names.en?.isEmpty == true ? nil : names.en)
            if old == new { return 0 }
            try await connection.query(
                "UPDATE indicators SET name_kk = \(new.kk ?? old.kk ?? ""), name_ru = \(new.ru ?? old.ru ?? ""), name_en = \(new.en) WHERE id = \(subject.id)",
                logger: logger)
            let before = ["kk": old.kk, "ru": old.ru, "en": old.en]
            let after = ["kk": new.kk, "ru": new.ru, "en": new.en]
            var id: Int64 = -1
            if approved {
                for try await value in try await connection.query(
                    """
                    INSERT INTO item_revisions (kind, indicator_id, old_value, new_value, reason, eases, status, proposed_by, decided_by, decided_at)
                    VALUES ('indicator_names', \(subject.id), \(Self.json(before))::jsonb, \(Self.json(after))::jsonb, \(reason), false,
                            'in_force', \(accountID), \(accountID), now())
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) { id = value }
            }
            try await AuditEvent(
                accountID: accountID, action: approved ? "revise" : "update", entity: "indicator", entityID: subject.code, old: before, new: after,
                requestID: requestID
            ).write(on: connection, logger: logger)
            return id
        }
        if id == 0 { return .unchanged }
        if id < 0 { return .overwritten }
        return try await revision(id: id).map(Proposal.proposed) ?? .unchanged
    }

    /// Moves a measure's deadline, in one transaction with its audit entry: a draft's is
    /// overwritten; in an approved programme a pending revision of it is withdrawn, and the new
    /// one is pending when it postpones the deadline, in force (and applied) otherwise.
    public func reschedule(_ subject: Subject, to deadline: Day, reason: String, approved: Bool, by accountID: Int64?, requestID: String?)
        async throws -> Proposal
    {
        do {
            let id: Int64 = try await client.transaction(logger: logger) { connection in
                var standing: (current: Day, pending: Int64?, pendingDeadline: String?)?
                for try await _ in try await connection.query("SELECT 1 FROM measures WHERE id = \(subject.id) FOR UPDATE", logger: logger) {}
                for try await r in try await connection.query(
                    """
                    SELECT m.deadline, p.id, p.new_value->>'deadline' FROM measures m
                      LEFT JOIN item_revisions p ON p.measure_id = m.id AND p.status = 'pending'
                     WHERE m.id = \(subject.id)
                    """, logger: logger
                ).decode((Day, Int64?, String?).self) { standing = r }
                guard let standing else { return 0 }
                let plan = standing.pendingDeadline.flatMap(Day.init(iso:)) ?? standing.current
                if deadline == plan { return 0 }
                if !approved {
                    try await connection.query("UPDATE measures SET deadline = \(deadline) WHERE id = \(subject.id)", logger: logger)
                    try await AuditEvent(
                        accountID: accountID, action: "update", entity: "measure", entityID: subject.code, old: ["deadline": standing.current.iso],
                        new: ["deadline": deadline.iso], requestID: requestID
                    ).write(on: connection, logger: logger)
                    return -1
                }
                if let pending = standing.pending {
                    try await connection.query(
                        "UPDATE item_revisions SET status = 'withdrawn', withdrawn_at = now() WHERE id = \(pending) AND status = 'pending'",
                        logger: logger)
                    try await AuditEvent(
                        accountID: accountID, action: "withdraw", entity: "item_revision", entityID: String(pending), requestID: requestID
                    ).write(on: connection, logger: logger)
                    if deadline == standing.current { return -1 - pending }
                }
                let change = ItemChange.deadline(old: standing.current, new: deadline)
                let status = ItemRevisionRules.status(change)
                var id: Int64 = 0
                for try await value in try await connection.query(
                    """
                    INSERT INTO item_revisions (kind, measure_id, old_value, new_value, reason, eases, status, proposed_by, decided_by, decided_at)
                    VALUES ('measure_deadline', \(subject.id), jsonb_build_object('deadline', \(standing.current.iso)::text),
                            jsonb_build_object('deadline', \(deadline.iso)::text), \(reason), \(ItemRevisionRules.eases(change)), \(status.rawValue),
                            \(accountID), \(status == .inForce ? accountID : nil), CASE WHEN \(status.rawValue) = 'in_force' THEN now() END)
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) { id = value }
                if status == .inForce {
                    try await connection.query("UPDATE measures SET deadline = \(deadline) WHERE id = \(subject.id)", logger: logger)
                }
                try await AuditEvent(
                    accountID: accountID, action: "propose", entity: "item_revision", entityID: String(id),
                    old: ["deadline": standing.current.iso], new: ["deadline": deadline.iso], requestID: requestID
                ).write(on: connection, logger: logger)
                return id
            }
            if id == 0 { return .unchanged }
            if id == -1 { return .overwritten }
            if id < -1 { return .withdrawn(-1 - id) }
            return try await revision(id: id).map(Proposal.proposed) ?? .unchanged
        } catch let error as PSQLError where (error.serverInfo?[.sqlState] ?? "").hasPrefix("23") {
            throw RevisionConflict()
        }
    }

    /// Approves (puts in force, moving the deadline) or refuses a pending revision, with its
    /// audit entry; nil when it is no longer pending.
    public func decide(_ id: Int64, approve: Bool, refusal: String?, by accountID: Int64, requestID: String?) async throws -> ItemRevision? {
        let decided: Bool = try await client.transaction(logger: logger) { connection in
            var measure: Int64?
            var deadline: String?
            for try await r in try await connection.query(
                """
                UPDATE item_revisions SET status = \(approve ? RevisionStatus.inForce.rawValue : RevisionStatus.refused.rawValue),
                       decided_by = \(accountID), decided_at = now(), refusal_reason = \(approve ? nil : refusal)
                 WHERE id = \(id) AND status = 'pending' RETURNING measure_id, new_value->>'deadline'
                """, logger: logger
            ).decode((Int64?, String?).self) { (measure, deadline) = r }
            guard let measure else { return false }
            if approve, let deadline = deadline.flatMap(Day.init(iso:)) {
                try await connection.query("UPDATE measures SET deadline = \(deadline) WHERE id = \(measure)", logger: logger)
            }
            try await AuditEvent(
                accountID: accountID, action: approve ? "approve" : "refuse", entity: "item_revision", entityID: String(id),
                new: approve ? nil : ["reason": refusal ?? ""], requestID: requestID
            ).write(on: connection, logger: logger)
            return true
        }
        return decided ? try await revision(id: id) : nil
    }

    static func json(_ object: [String: String?]) -> String {
        let present = object.compactMapValues { $0 }
        let data = (try? JSONSerialization.data(withJSONObject: present, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
