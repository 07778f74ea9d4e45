import Crypto
import Foundation
import Logging
import PostgresNIO

/// One numbered SQL file of `schema/`.
public struct Migration: Sendable, Equatable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }

    /// SHA-256 of the file's bytes: an applied file that changes afterwards is refused.
    public var checksum: String {
        Secrets.hex(SHA256.hash(data: Data(sql.utf8)))
    }

    /// Reads `NNNN_name.sql` files in name order.
    public static func load(from directory: URL) throws(MigrationError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .schemaDirectoryUnreadable(directory.path)
        }
        let files = names.filter { $0.hasSuffix(".sql") && $0.first?.isNumber == true }.sorted()
        guard !files.isEmpty else { throw .schemaDirectoryUnreadable(directory.path) }
        var result: [Migration] = []
        for file in files {
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                throw .schemaDirectoryUnreadable(directory.appendingPathComponent(file).path)
            }
            result.append(Migration(name: file, sql: text))
        }
        return result
    }

    /// Where the schema files are: `UADE_SCHEMA_DIR`, else `schema/` found by ``ProjectFiles``.
    public static func locateSchemaDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws(MigrationError) -> URL {
        if let explicit = environment["UADE_SCHEMA_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        guard let directory = ProjectFiles.locate("schema/0001_territories_and_programmes.sql")?.deletingLastPathComponent() else {
            throw .schemaDirectoryNotFound(["UADE_SCHEMA_DIR", "./schema", "schema/ above the executable", "/usr/share/uade/schema"])
        }
        return directory
    }
}

public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case schemaDirectoryNotFound([String])
    case schemaDirectoryUnreadable(String)
    case appliedFileChanged(name: String, recorded: String, current: String)
    case appliedFileMissing(name: String)
    case statementFailed(file: String, statement: Int, message: String)

    public var description: String {
        switch self {
        case .schemaDirectoryNotFound(let tried):
            "no schema directory found (set UADE_SCHEMA_DIR); looked in: \(tried.joined(separator: ", "))"
        case .schemaDirectoryUnreadable(let path):
            "cannot read migrations at \(path)"
        case .appliedFileChanged(let name, let recorded, let current):
            "migration \(name) was changed after it was applied (recorded checksum \(recorded.prefix(12))…, file now \(current.prefix(12))…); add a new numbered file instead"
        case .appliedFileMissing(let name):
            "migration \(name) is recorded as applied but is missing from the schema directory"
        case .statementFailed(let file, let statement, let message):
            "migration \(file), statement \(statement) failed: \(message)"
        }
    }
}

/// What `migrate` would do, or did.
public struct MigrationPlan: Sendable, Equatable {
    public let applied: [String]
    public let pending: [String]
}

/// Applies pending migrations in order, in one transaction, under an advisory lock so two
/// instances starting together do not race.
public struct MigrationRunner: Sendable {
    static let lockKey: Int64 = 0x7561_6465_6d69_67  // "uademig"

    let client: PostgresClient
    let migrations: [Migration]
    let logger: Logger

    public init(client: PostgresClient, migrations: [Migration], logger: Logger) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// Compares the files with what the database recorded; refuses changed or missing files.
    public func plan() async throws -> MigrationPlan {
        try await ensureLedger()
        let recorded = try await recordedChecksums(on: nil)
        return try compare(recorded)
    }

    /// Applies what is pending and returns the names applied (empty when up to date).
    @discardableResult
    public func apply() async throws -> [String] {
        try await ensureLedger()
        do {
            return try await applyPending()
        } catch let error as PostgresTransactionError {
            // Report what went wrong inside, not the transaction wrapper around it.
            if let inner = error.closureError { throw inner }
            throw error
        }
    }

    private func applyPending() async throws -> [String] {
        try await client.transaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            let recorded = try await recordedChecksums(on: connection)
            let plan = try compare(recorded)
            for name in plan.pending {
                guard let migration = migrations.first(where: { $0.name == name }) else { continue }
                logger.info("applying migration", metadata: ["file": "\(name)"])
                for (number, statement) in SQLScript.statements(in: migration.sql).enumerated() {
                    do {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    } catch let error as PSQLError {
                        throw MigrationError.statementFailed(
                            file: name, statement: number + 1, message: error.serverInfo?[.message] ?? String(reflecting: error))
                    }
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (name, checksum) VALUES (\(name), \(migration.checksum))",
                    logger: logger
                )
            }
            return plan.pending
        }
    }

    private func ensureLedger() async throws {
        try await client.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
    }

    private func recordedChecksums(on connection: PostgresConnection?) async throws -> [String: String] {
        let query: PostgresQuery = "SELECT name, checksum FROM schema_migrations ORDER BY name"
        let rows: PostgresRowSequence
        if let connection {
            rows = try await connection.query(query, logger: logger)
        } else {
            rows = try await client.query(query, logger: logger)
        }
        var result: [String: String] = [:]
        for try await (name, checksum) in rows.decode((String, String).self) { result[name] = checksum }
        return result
    }

    private func compare(_ recorded: [String: String]) throws(MigrationError) -> MigrationPlan {
        let onDisk = Dictionary(uniqueKeysWithValues: migrations.map { ($0.name, $0.checksum) })
        for (name, checksum) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let current = onDisk[name] else { throw .appliedFileMissing(name: name) }
            guard current == checksum else { throw .appliedFileChanged(name: name, recorded: checksum, current: current) }
        }
        return MigrationPlan(
            applied: migrations.map(\.name).filter { recorded[$0] != nil },
            pending: migrations.map(\.name).filter { recorded[$0] == nil }
        )
    }
}
