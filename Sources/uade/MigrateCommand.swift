import ArgumentParser
import UadeStorage

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the pending numbered SQL files of schema/ in one transaction.",
        discussion:
            "Refuses to run when a file that was already applied has changed since. Schema files are found in UADE_SCHEMA_DIR, ./schema, or the installed copy."
    )

    @Flag(name: .long, help: "List what would be applied, change nothing.")
    var dryRun = false

    func run() async throws {
        let logger = makeLogger()
        let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
        let migrations = try DatabaseTarget.migrations()
        let dryRun = self.dryRun
        try await Database.withClient(url, logger: logger) { client in
            let runner = MigrationRunner(client: client, migrations: migrations, logger: logger)
            if dryRun {
                let plan = try await runner.plan()
                if plan.pending.isEmpty {
                    say("Nothing is pending: \(plan.applied.count) migrations applied to \(url).")
                } else {
                    say("Would apply to \(url):")
                    for name in plan.pending { say("  \(name)") }
                }
            } else {
                let applied = try await runner.apply()
                say(applied.isEmpty ? "Nothing to apply: \(url) is up to date." : "Applied \(applied.joined(separator: ", ")) to \(url).")
            }
        }
    }
}
