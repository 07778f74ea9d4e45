import ArgumentParser
import Hummingbird
import Logging
import UadeHTTP
import UadeStorage

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web interface and the JSON API.",
        discussion:
            "Reads DATABASE_URL (required), UADE_HOST, UADE_PORT, UADE_LOG_LEVEL and UADE_SECURE_COOKIES. Refuses to start while migrations are pending."
    )

    @Option(name: .long, help: "Address to listen on (overrides UADE_HOST; default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (overrides UADE_PORT; default 8080).")
    var port: Int?

    func run() async throws {
        var config: AppConfiguration
        do {
            config = try AppConfiguration.fromEnvironment()
        } catch {
            throw CommandFailure(error.description)
        }
        if let host { config.host = host }
        if let port { config.port = port }
        let logger = makeLogger()
        try await ensureMigrated(config.database, logger: logger)
        let app = try await buildApplication(config, logger: logger)
        try await app.runService()
    }
}

/// Serving an older schema than the code expects would fail request by request; fail once instead.
func ensureMigrated(_ url: DatabaseURL, logger: Logger) async throws {
    let migrations = try DatabaseTarget.migrations()
    let plan = try await Database.withClient(url, logger: logger) { client in
        try await MigrationRunner(client: client, migrations: migrations, logger: logger).plan()
    }
    guard plan.pending.isEmpty else {
        throw CommandFailure("migrations are pending (\(plan.pending.joined(separator: ", "))): run `uade migrate` first")
    }
}
