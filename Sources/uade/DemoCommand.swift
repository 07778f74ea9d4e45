import ArgumentParser
import Foundation
import Hummingbird
import Logging
import UadeDemo
import UadeEvaluator
import UadeHTTP
import UadeStorage

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the service on a local PostgreSQL cluster with demo data.",
        discussion: """
            Without DATABASE_URL: creates (the first time) and starts a PostgreSQL cluster in ./.uade (or \
            UADE_DATA_DIR) listening on a unix socket, migrates it, loads the demo data if it is not loaded, and \
            serves HTTP. Running it again reuses the cluster; --stop stops it. With DATABASE_URL set, that \
            database is used instead. --scale national loads a synthetic national-scale dataset (about 8.8 \
            million targets and 6 million progress entries) into its own database, uade_national.
            """
    )

    enum Scale: String, ExpressibleByArgument, CaseIterable {
        case demo
        case national
    }

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port = 8080

    @Option(name: .long, help: "demo (realistic, small) or national (synthetic, for benchmarks).")
    var scale: Scale = .demo

    @Flag(name: .long, help: "Stop the embedded PostgreSQL cluster and exit.")
    var stop = false

    @Flag(name: .long, help: "Prepare the database and exit without serving.")
    var noServe = false

    func run() async throws {
        let logger = makeLogger()
        if stop {
            let cluster = try DatabaseTarget.embeddedCluster(logger: logger)
            try cluster.stop()
            say("Stopped the embedded PostgreSQL cluster in \(cluster.settings.directory.path).")
            return
        }
        let databaseName = scale == .national ? "uade_national" : "uade"
        let url = try await DatabaseTarget.resolve(databaseName: databaseName, startEmbedded: true, logger: logger)
        let migrations = try DatabaseTarget.migrations()
        let scale = self.scale
        try await Database.withClient(url, logger: logger) { client in
            let applied = try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
            if !applied.isEmpty { say("Applied migrations: \(applied.joined(separator: ", "))") }
            switch scale {
            case .demo:
                if let summary = try await DemoDataLoader(client: client, logger: logger).loadIfMissing() {
                    say("Loaded demo data: \(summary)")
                } else {
                    say("Demo data already loaded.")
                }
                let hearings = try await DemoHearings(client: client, logger: logger).loadIfMissing(progress: { say($0) })
                if !hearings.isEmpty {
                    say(
                        "Created demo hearings \(hearings.map(String.init).joined(separator: ", ")) on two evaluation runs (reports: uade report hearing --id N)"
                    )
                }
            case .national:
                let generator = NationalScaleGenerator(client: client, logger: logger)
                if let summary = try await generator.loadIfMissing(progress: { say($0) }) {
                    say("Loaded national-scale data: \(summary)")
                } else {
                    say("National-scale data already loaded: \(try await generator.counts())")
                }
            }
        }

        if ProcessInfo.processInfo.environment["DATABASE_URL"]?.isEmpty == false {
            say("Database: \(url)")
        } else {
            say("Database: embedded PostgreSQL, data in \(DatabaseTarget.embeddedDirectory.path)/pgdata (stop it with `uade demo --stop`)")
            say("          connect with: psql \"host=\(urlSocketDirectory(url)) dbname=\(url.database) user=\(url.username)\"")
        }
        if scale == .demo {
            say("Demo accounts (password \(DemoDataLoader.demoPassword)):")
            for account in DemoDataLoader.demoAccounts {
                say("  \(account.username.padding(toLength: 18, withPad: " ", startingAt: 0)) \(account.role)")
            }
        }
        guard !noServe else { return }
        say("Serving on http://\(host):\(port)/  (health: /health, API: /api/v1/, OpenAPI: /api/v1/openapi.yaml)")

        var config = try AppConfiguration.fromEnvironment(database: url)
        config.host = host
        config.port = port
        let app = try await buildApplication(config, logger: logger)
        try await app.runService()
    }

    func urlSocketDirectory(_ url: DatabaseURL) -> String {
        if case .unixSocket(let directory, _) = url.endpoint { return directory }
        return ""
    }
}
