import Foundation
import Logging
import UadeDomain
import UadeServices
import UadeStorage

/// Which database a command works on: `DATABASE_URL`, or the project's embedded cluster.
enum DatabaseTarget {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static var embeddedDirectory: URL {
        if let explicit = environment["UADE_DATA_DIR"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".uade")
    }

    static func embeddedCluster(logger: Logger) throws -> EmbeddedCluster {
        try EmbeddedCluster(settings: .init(directory: embeddedDirectory), logger: logger)
    }

    /// `DATABASE_URL` when set; otherwise the embedded cluster, started and with the database
    /// created, when `startEmbedded` or when the cluster already exists.
    static func resolve(databaseName: String = "uade", startEmbedded: Bool, logger: Logger) async throws -> DatabaseURL {
        if let text = environment["DATABASE_URL"], !text.isEmpty {
            do {
                return try DatabaseURL(parsing: text)
            } catch {
                throw CommandFailure("DATABASE_URL is malformed: \(error.reason)")
            }
        }
        let cluster = try embeddedCluster(logger: logger)
        guard startEmbedded || cluster.isInitialised else {
            throw CommandFailure(
                "DATABASE_URL is not set and there is no embedded cluster in \(embeddedDirectory.path); set DATABASE_URL or run `uade demo` first")
        }
        try cluster.start()
        let url = cluster.databaseURL(database: databaseName)
        try await Database.createIfMissing(url, logger: logger)
        return url
    }

    static func migrations() throws -> [Migration] {
        try Migration.load(from: try Migration.locateSchemaDirectory())
    }
}

/// An error a command reports to the operator as a sentence, without a stack of types.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// A service's refusal as the command line says it: the detail, then each field's problem.
    init(_ failure: ServiceFailure) {
        let fields = failure.problems.map { "  \($0.field): \($0.reason)" }
        self.description = ([failure.problems.isEmpty ? failure.detail : "refused:"] + fields).joined(separator: "\n")
    }
}

func makeLogger(_ label: String = "uade") -> Logger {
    var logger = Logger(label: label)
    let level = ProcessInfo.processInfo.environment["UADE_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
    logger.logLevel = level ?? .info
    return logger
}

/// Prints a line at once, also when output goes to a file or a pipe (progress must show as it happens).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
