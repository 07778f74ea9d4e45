import Foundation
import NIOSSL
import PostgresNIO
import UadeDomain

/// Where the database is, read from `DATABASE_URL`.
///
/// Accepts `postgres://user:pass@host:port/db?sslmode=disable|prefer|require` and the unix-socket
/// forms `postgres://user@/db?host=/run/postgresql` or `postgres://user@%2Frun%2Fpostgresql/db`.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The directory holding the server's socket; the file is `.s.PGSQL.<port>` inside it.
        case unixSocket(directory: String, port: Int)
    }

    public enum TLSMode: String, Sendable, Equatable {
        case disable
        case prefer
        case require
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(endpoint: Endpoint, username: String, password: String?, database: String, tls: TLSMode) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { "DATABASE_URL is malformed: \(reason)" }
    }

    public init(parsing text: String) throws(Invalid) {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)) else {
            throw Invalid(reason: "not a URL")
        }
        guard let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw Invalid(reason: "the scheme must be postgres:// or postgresql://")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }

        let port: Int
        if let explicit = components.port {
            guard (1...65535).contains(explicit) else { throw Invalid(reason: "port \(explicit) is out of range") }
            port = explicit
        } else if let fromQuery = query["port"] {
            guard let p = Int(fromQuery), (1...65535).contains(p) else {
                throw Invalid(reason: "port '\(fromQuery)' is not a number from 1 to 65535")
            }
            port = p
        } else {
            port = 5432
        }

        let host = components.percentEncodedHost.flatMap { $0.removingPercentEncoding } ?? ""
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            endpoint = .unixSocket(directory: socketDirectory, port: port)
        } else if host.hasPrefix("/") {
            endpoint = .unixSocket(directory: host, port: port)
        } else if !host.isEmpty {
            endpoint = .tcp(host: host, port: port)
        } else {
            throw Invalid(reason: "no host: give host:port, or ?host=/socket/directory for a unix socket")
        }

        guard let user = components.user?.removingPercentEncoding ?? query["user"], !user.isEmpty else {
            throw Invalid(reason: "no user name")
        }
        username = user
        password = components.password?.removingPercentEncoding ?? query["password"]

        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard let name = path.removingPercentEncoding, !name.isEmpty, !name.contains("/") else {
            throw Invalid(reason: "no database name in the path (…/dbname)")
        }
        database = name

        switch query["sslmode"]?.lowercased() {
        case nil, "", "prefer", "allow": tls = .prefer
        case "disable": tls = .disable
        case "require", "verify-ca", "verify-full": tls = .require
        case let other?: throw Invalid(reason: "sslmode '\(other)' is not one of disable, prefer, require")
        }
    }

    /// The same server with another database (used to create databases from `postgres`).
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgres://\(username)@\(host):\(port)/\(database)"
        case .unixSocket(let directory, let port): "postgres://\(username)@/\(database)?host=\(directory)&port=\(port)"
        }
    }

    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            let tlsSetting: PostgresClient.Configuration.TLS =
                switch tls {
                case .disable: .disable
                case .prefer: .prefer(.makeClientConfiguration())
                case .require: .require(.makeClientConfiguration())
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tlsSetting)
        case .unixSocket(let directory, let port):
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        configuration.options.additionalStartupParameters = [("application_name", "uade")]
        return configuration
    }

    /// The server's configuration: every statement ends within `statementTimeout` (imports and
    /// evaluations lift it inside their own transactions), a transaction left idle is ended,
    /// and a connection attempt gives up after a few seconds, so that no request waits on the
    /// database without bound.
    public func serverClientConfiguration(statementTimeout: Duration, connectTimeout: Duration = .seconds(5)) -> PostgresClient.Configuration {
        var configuration = clientConfiguration
        let milliseconds = Int64((statementTimeout.inSeconds * 1000).rounded())
        configuration.options.additionalStartupParameters += [
            ("statement_timeout", "\(milliseconds)"),
            ("idle_in_transaction_session_timeout", "\(max(milliseconds * 2, 60_000))"),
        ]
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }
}
