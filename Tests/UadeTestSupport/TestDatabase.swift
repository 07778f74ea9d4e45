import Foundation
import Logging
import PostgresNIO
import UadeDemo
import UadeEvaluator
import UadeStorage

/// The test suite's own PostgreSQL: a throwaway cluster started on first use (in
/// `.build/test-cluster`, or `UADE_TEST_CLUSTER_DIR`), a migrated template database and one
/// with the demo data, and a fresh clone of either for every test.
public actor TestDatabase {
    public static let shared = TestDatabase()

    public enum Template: String, Sendable {
        /// Migrated, empty.
        case migrated = "uade_template"
        /// Migrated with the demo data loaded.
        case demo = "uade_demo_template"
        /// The demo data with two evaluation runs and the demo hearings (see `DemoHearings`).
        case hearings = "uade_hearings_template"
    }

    public nonisolated static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public nonisolated static var schemaDirectory: URL { packageRoot.appendingPathComponent("schema") }

    public nonisolated static var logger: Logger {
        var logger = Logger(label: "uade-tests")
        logger.logLevel = .warning
        return logger
    }

    private var cluster: EmbeddedCluster?
    private var templates: [Template: Task<Void, any Error>] = [:]
    private var counter = 0

    public func migrations() throws -> [Migration] {
        try Migration.load(from: Self.schemaDirectory)
    }

    private func startedCluster() throws -> EmbeddedCluster {
        if let cluster { return cluster }
        let env = ProcessInfo.processInfo.environment
        let directory =
            env["UADE_TEST_CLUSTER_DIR"].map { URL(fileURLWithPath: $0) }
            ?? Self.packageRoot.appendingPathComponent(".build/test-cluster")
        let started = try EmbeddedCluster(settings: .init(directory: directory, port: 5439, unsafeFastWrites: true), logger: Self.logger)
        try started.start()
        cluster = started
        return started
    }

    /// A server-level URL (database `postgres`) for tests that create databases themselves.
    public func serverURL() throws -> DatabaseURL {
        try startedCluster().databaseURL(database: "postgres")
    }

    private func ensureTemplate(_ template: Template) async throws {
        if let existing = templates[template] { return try await existing.value }
        let cluster = try startedCluster()
        let migrations = try self.migrations()
        let task = Task {
            let logger = Self.logger
            let admin = cluster.databaseURL(database: "postgres")
            try await Database.withClient(admin, logger: logger) { client in
                try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(template.rawValue) WITH (FORCE)"), logger: logger)
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(template.rawValue)"), logger: logger)
            }
            try await Database.withClient(cluster.databaseURL(database: template.rawValue), logger: logger) { client in
                try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
                if template == .demo || template == .hearings {
                    _ = try await DemoDataLoader(client: client, logger: logger).load()
                }
                if template == .hearings {
                    try await DemoHearings(client: client, logger: logger).loadIfMissing()
                }
            }
        }
        templates[template] = task
        try await task.value
    }

    /// A new database cloned from `template`, unique to the caller.
    public func freshDatabase(from template: Template = .migrated) async throws -> DatabaseURL {
        try await ensureTemplate(template)
        counter += 1
        let name = "t_\(getpid())_\(counter)"
        let cluster = try startedCluster()
        let logger = Self.logger
        try await Database.withClient(cluster.databaseURL(database: "postgres"), logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
            // The template's own connections close asynchronously after it is built: wait for them.
            for attempt in 1...50 {
                do {
                    try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template.rawValue)"), logger: logger)
                    break
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 50 {
                    // A builder's pooled connections that outlive it (seen once, long after the
                    // template was built) are ended: nothing may use a template but its clones.
                    if attempt % 10 == 0 {
                        try await client.query(
                            PostgresQuery(
                                unsafeSQL: """
                                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                                     WHERE datname = '\(template.rawValue)' AND pid <> pg_backend_pid()
                                    """), logger: logger)
                    }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        return cluster.databaseURL(database: name)
    }

    public func drop(_ url: DatabaseURL) async throws {
        let cluster = try startedCluster()
        let logger = Self.logger
        try await Database.withClient(cluster.databaseURL(database: "postgres"), logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)"), logger: logger)
        }
    }
}

/// How many tests hold a database at once. Swift Testing starts every test at once, and each
/// one's database, clients and application pool open connections: unbounded, a run reaches the
/// cluster's `max_connections` and fails on a machine a little slower than the last one.
/// `UADE_TEST_DATABASES` overrides the default.
public actor TestDatabaseSlots {
    public static let shared = TestDatabaseSlots(
        limit: ProcessInfo.processInfo.environment["UADE_TEST_DATABASES"].flatMap(Int.init).map { max($0, 1) } ?? 12)

    /// Set while a task holds a slot, so that a test nesting databases does not wait on itself.
    @TaskLocal public static var held = false

    private let limit: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    public func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the slot to the next waiter, or frees it.
    public func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }

    public func withSlot<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        if Self.held { return try await body() }
        await acquire()
        do {
            let result = try await Self.$held.withValue(true) { try await body() }
            release()
            return result
        } catch {
            release()
            throw error
        }
    }
}

/// Runs `body` with a client on a fresh database cloned from `template`, then drops it.
public func withTestDatabase<Result: Sendable>(
    _ template: TestDatabase.Template = .migrated,
    _ body: @Sendable (PostgresClient, DatabaseURL) async throws -> Result
) async throws -> Result {
    try await TestDatabaseSlots.shared.withSlot {
        try await withUnboundedTestDatabase(template, body)
    }
}

private func withUnboundedTestDatabase<Result: Sendable>(
    _ template: TestDatabase.Template,
    _ body: @Sendable (PostgresClient, DatabaseURL) async throws -> Result
) async throws -> Result {
    let url = try await TestDatabase.shared.freshDatabase(from: template)
    do {
        let result = try await Database.withClient(url, logger: TestDatabase.logger) { client in
            try await body(client, url)
        }
        try await TestDatabase.shared.drop(url)
        return result
    } catch {
        try? await TestDatabase.shared.drop(url)
        throw error
    }
}
