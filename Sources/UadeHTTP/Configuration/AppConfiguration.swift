import Foundation
import Logging
import UadeStorage

/// Everything the server needs from its environment, read once at start-up.
public struct AppConfiguration: Sendable {
    public var database: DatabaseURL
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    /// Set cookies with `Secure` when the service is reached over HTTPS (behind a proxy).
    public var secureCookies: Bool
    /// How long a request may take before it is answered 503: waiting for a pooled connection
    /// included (`UADE_REQUEST_TIMEOUT`, seconds).
    public var requestTimeout: Duration = .seconds(30)
    /// The same for file uploads, which may carry a million rows (`UADE_UPLOAD_TIMEOUT`).
    public var uploadTimeout: Duration = .seconds(600)
    /// How long one SQL statement may run (`UADE_STATEMENT_TIMEOUT`).
    public var statementTimeout: Duration = .seconds(20)

    public init(database: DatabaseURL, host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info, secureCookies: Bool = false) {
        self.database = database
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.secureCookies = secureCookies
    }

    /// A variable that is missing or malformed, named so the operator knows what to fix.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let variable: String
        public let reason: String
        public var description: String { "configuration: \(variable) \(reason)" }
    }

    /// Reads `DATABASE_URL`, `UADE_HOST`, `UADE_PORT`, `UADE_LOG_LEVEL`, `UADE_SECURE_COOKIES`,
    /// `UADE_REQUEST_TIMEOUT`, `UADE_UPLOAD_TIMEOUT`, `UADE_STATEMENT_TIMEOUT`.
    /// `database` stands in for `DATABASE_URL` when the caller already knows it (the embedded demo).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        database fallback: DatabaseURL? = nil
    ) throws(Problem) -> AppConfiguration {
        let database: DatabaseURL
        if let text = environment["DATABASE_URL"], !text.isEmpty {
            do { database = try DatabaseURL(parsing: text) } catch {
                throw Problem(variable: "DATABASE_URL", reason: "is malformed: \(error.reason)")
            }
        } else if let fallback {
            database = fallback
        } else {
            throw Problem(variable: "DATABASE_URL", reason: "is not set (postgres://user:password@host:5432/database)")
        }
        var config = AppConfiguration(database: database)
        if let host = environment["UADE_HOST"], !host.isEmpty { config.host = host }
        if let text = environment["UADE_PORT"], !text.isEmpty {
            guard let port = Int(text), (1...65535).contains(port) else {
                throw Problem(variable: "UADE_PORT", reason: "must be a port number from 1 to 65535, not '\(text)'")
            }
            config.port = port
        }
        if let text = environment["UADE_LOG_LEVEL"], !text.isEmpty {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw Problem(
                    variable: "UADE_LOG_LEVEL",
                    reason: "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
            config.logLevel = level
        }
        if let text = environment["UADE_SECURE_COOKIES"], !text.isEmpty {
            switch text.lowercased() {
            case "1", "true", "yes": config.secureCookies = true
            case "0", "false", "no": config.secureCookies = false
            default: throw Problem(variable: "UADE_SECURE_COOKIES", reason: "must be true or false, not '\(text)'")
            }
        }
        func seconds(_ variable: String, range: ClosedRange<Int>) throws(Problem) -> Duration? {
            guard let text = environment[variable], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw Problem(
                    variable: variable, reason: "must be a whole number of seconds from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            }
            return .seconds(value)
        }
        if let value = try seconds("UADE_REQUEST_TIMEOUT", range: 1...3600) { config.requestTimeout = value }
        if let value = try seconds("UADE_UPLOAD_TIMEOUT", range: 1...86_400) { config.uploadTimeout = value }
        if let value = try seconds("UADE_STATEMENT_TIMEOUT", range: 1...3600) { config.statementTimeout = value }
        return config
    }
}
