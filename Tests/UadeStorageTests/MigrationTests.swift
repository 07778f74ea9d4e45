import Logging
import PostgresNIO
import Testing
import UadeStorage
import UadeTestSupport

@Suite("SQL scripts are split into statements")
struct SQLScriptTests {
    @Test func plainStatements() {
        #expect(SQLScript.statements(in: "SELECT 1; SELECT 2;\n\n") == ["SELECT 1", "SELECT 2"])
        #expect(SQLScript.statements(in: "SELECT 1") == ["SELECT 1"])
        #expect(SQLScript.statements(in: ";;  ;").isEmpty)
    }

    @Test func semicolonsThatDoNotEndAStatement() {
        let script = """
            -- a comment; with a semicolon
            INSERT INTO t VALUES ('a;b', 'it''s; fine', E'back\\\\slash;');
            /* block; /* nested; */ still comment; */
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE NOTICE 'x;y';
                RETURN NULL;
            END;
            $$;
            CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            SELECT "odd;name" FROM t WHERE a = $1;
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[0].hasPrefix("INSERT INTO t VALUES ('a;b', 'it''s; fine'"))
        #expect(statements[1].hasPrefix("CREATE FUNCTION f()") && statements[1].hasSuffix("$$"))
        #expect(statements[2].contains("$body$ SELECT 1; $body$"))
        #expect(statements[3] == "SELECT \"odd;name\" FROM t WHERE a = $1")
    }

    @Test func theProjectSchemaSplits() throws {
        let migrations = try Migration.load(from: TestDatabase.schemaDirectory)
        #expect(migrations.map(\.name).first == "0001_territories_and_programmes.sql")
        for migration in migrations {
            let statements = SQLScript.statements(in: migration.sql)
            #expect(!statements.isEmpty)
            #expect(statements.allSatisfy { !$0.isEmpty && !$0.hasPrefix(";") })
        }
    }
}

@Suite("Migration runner on PostgreSQL")
struct MigrationRunnerTests {
    func emptyDatabase() async throws -> DatabaseURL {
        let server = try await TestDatabase.shared.serverURL()
        let name = "m_\(UInt32.random(in: 0...UInt32.max))"
        try await Database.createIfMissing(server.with(database: name), logger: TestDatabase.logger)
        return server.with(database: name)
    }

    @Test func freshMigrationThenNothingPending() async throws {
        let url = try await emptyDatabase()
        let migrations = try await TestDatabase.shared.migrations()
        try await Database.withClient(url, logger: TestDatabase.logger) { client in
            let runner = MigrationRunner(client: client, migrations: migrations, logger: TestDatabase.logger)
            let before = try await runner.plan()
            #expect(before.applied.isEmpty)
            #expect(before.pending == migrations.map(\.name))

            let applied = try await runner.apply()
            #expect(applied == migrations.map(\.name))

            let after = try await runner.plan()
            #expect(after.pending.isEmpty)
            #expect(after.applied == migrations.map(\.name))
            #expect(try await runner.apply().isEmpty, "a second run changes nothing")

            let rows = try await client.query("SELECT count(*) FROM schema_migrations", logger: TestDatabase.logger)
            for try await count in rows.decode(Int.self) { #expect(count == migrations.count) }
        }
        try await TestDatabase.shared.drop(url)
    }

    @Test func changedAppliedFileIsRefused() async throws {
        let url = try await emptyDatabase()
        let migrations = try await TestDatabase.shared.migrations()
        try await Database.withClient(url, logger: TestDatabase.logger) { client in
            try await MigrationRunner(client: client, migrations: migrations, logger: TestDatabase.logger).apply()
            var edited = migrations
            edited[0] = Migration(name: migrations[0].name, sql: migrations[0].sql + "\n-- edited afterwards\n")
            let runner = MigrationRunner(client: client, migrations: edited, logger: TestDatabase.logger)
            await #expect {
                try await runner.plan()
            } throws: { error in
                guard case MigrationError.appliedFileChanged(let name, _, _) = error else { return false }
                return name == migrations[0].name
            }
            await #expect(throws: MigrationError.self) { try await runner.apply() }

            let missing = MigrationRunner(client: client, migrations: Array(migrations.dropFirst()), logger: TestDatabase.logger)
            await #expect(throws: MigrationError.appliedFileMissing(name: migrations[0].name)) { try await missing.plan() }
        }
        try await TestDatabase.shared.drop(url)
    }

    @Test func aFailingFileLeavesNothingApplied() async throws {
        let url = try await emptyDatabase()
        let migrations = try await TestDatabase.shared.migrations()
        let broken = migrations + [Migration(name: "9999_broken.sql", sql: "CREATE TABLE fine (id int);\nCREATE TABLE broken (id nosuchtype);")]
        try await Database.withClient(url, logger: TestDatabase.logger) { client in
            let runner = MigrationRunner(client: client, migrations: broken, logger: TestDatabase.logger)
            await #expect {
                try await runner.apply()
            } throws: { error in
                guard case MigrationError.statementFailed(let file, let statement, _) = error else { return false }
                return file == "9999_broken.sql" && statement == 2
            }
            let plan = try await runner.plan()
            #expect(plan.applied.isEmpty, "one transaction: the good files before the broken one are not applied either")
            let rows = try await client.query("SELECT to_regclass('territories') IS NULL", logger: TestDatabase.logger)
            for try await absent in rows.decode(Bool.self) { #expect(absent) }
        }
        try await TestDatabase.shared.drop(url)
    }
}
