import ArgumentParser

@main
struct Uade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uade",
        abstract: "Uade (уәде, \"promise\"): monitoring how an election programme's roadmaps are carried out.",
        discussion: """
            The database is named by DATABASE_URL (postgres://user:password@host:5432/database). Without it, \
            `demo` creates and starts a local PostgreSQL cluster in ./.uade (or UADE_DATA_DIR), and the other \
            commands use that cluster when it exists.
            """,
        subcommands: [
            DemoCommand.self, ServeCommand.self, MigrateCommand.self, UserCommand.self, ImportCommand.self, EvaluateCommand.self, ReportCommand.self,
            RoadmapCommand.self, TerritoriesCommand.self,
        ]
    )
}
