import Logging
import PostgresNIO
import UadeDomain

public struct TerritoryRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// All territories, parents before children (the tree is small: a few hundred rows).
    public func all() async throws -> [Territory] {
        let rows = try await client.query(
            """
            SELECT id, kato, kind, parent_id, name_kk, name_ru, name_en, valid_from, valid_to
              FROM territories ORDER BY coalesce(parent_id, 0), kind, kato NULLS LAST, id
            """, logger: logger)
        var result: [Territory] = []
        for try await row in rows.decode((Int64, String?, String, Int64?, String, String, String?, Day, Day?).self) {
            result.append(
                Territory(
                    id: row.0, kato: row.1.flatMap(KATOCode.init), kind: TerritoryKind(rawValue: row.2) ?? .district,
                    parentID: row.3, name: LocalizedText(kk: row.4, ru: row.5, en: row.6), validFrom: row.7, validTo: row.8
                ))
        }
        return result
    }

    public func tree() async throws -> TerritoryTree {
        TerritoryTree(try await all())
    }

    /// Finds a territory by KATO code or by numeric id (nine digits are always read as KATO).
    public func find(_ reference: String) async throws -> Territory? {
        try await tree().find(reference)
    }
}
