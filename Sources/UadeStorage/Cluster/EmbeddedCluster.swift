import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster that the project creates and starts itself, in a local directory,
/// listening only on a unix socket: the default for `uade demo` and for the test suite.
///
/// Uses `initdb` and `pg_ctl` from Debian's `postgresql` package. PostgreSQL refuses to run as
/// root, so when we are root the server runs as the `postgres` system user.
public struct EmbeddedCluster: Sendable {
    public struct Settings: Sendable {
        /// Everything lives here: `pgdata/`, `postgres.log`, the socket.
        public var directory: URL
        public var port: Int = 5432
        public var superuser: String = "uade"
        /// Trade durability for speed (throwaway test clusters only).
        public var unsafeFastWrites: Bool = false

        public init(directory: URL, port: Int = 5432, unsafeFastWrites: Bool = false) {
            self.directory = directory
            self.port = port
            self.unsafeFastWrites = unsafeFastWrites
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case serverBinariesMissing
        case commandFailed(command: String, status: Int32, output: String)
        case directoryNotUsable(String)

        public var description: String {
            switch self {
            case .serverBinariesMissing:
                "PostgreSQL server programs (initdb, pg_ctl) not found: install Debian's 'postgresql' package or set UADE_PG_BINDIR"
            case .commandFailed(let command, let status, let output):
                "\(command) exited with \(status):\n\(output)"
            case .directoryNotUsable(let path):
                "cannot use \(path) for the database cluster: \(path) must be reachable by the 'postgres' user when running as root; set UADE_DATA_DIR to another place"
            }
        }
    }

    public let settings: Settings
    let binaries: URL
    let logger: Logger

    public init(settings: Settings, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.settings = settings
        self.logger = logger
        guard let binaries = Self.locateBinaries(environment: environment) else { throw Failure.serverBinariesMissing }
        self.binaries = binaries
    }

    public var dataDirectory: URL { settings.directory.appendingPathComponent("pgdata") }
    public var logFile: URL { settings.directory.appendingPathComponent("postgres.log") }

    /// The directory holding the socket. Unix socket paths are limited to ~107 bytes, so a deep
    /// project directory gets its socket in /tmp under a name derived from the path.
    public var socketDirectory: URL {
        let preferred = settings.directory.appendingPathComponent("run")
        if preferred.path.utf8.count + 20 < 100 { return preferred }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in settings.directory.path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return URL(fileURLWithPath: "/tmp/uade-\(String(hash, radix: 16))")
    }

    /// The URL of a database in this cluster.
    public func databaseURL(database: String) -> DatabaseURL {
        DatabaseURL(
            endpoint: .unixSocket(directory: socketDirectory.path, port: settings.port),
            username: settings.superuser, password: nil, database: database, tls: .disable
        )
    }

    static var runningAsRoot: Bool { geteuid() == 0 }

    static func locateBinaries(environment: [String: String]) -> URL? {
        let fm = FileManager.default
        if let explicit = environment["UADE_PG_BINDIR"], fm.isExecutableFile(atPath: explicit + "/initdb") {
            return URL(fileURLWithPath: explicit)
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? fm.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where fm.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return URL(fileURLWithPath: "\(root)/\(version)/bin")
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") where fm.isExecutableFile(atPath: "\(directory)/initdb") {
            return URL(fileURLWithPath: String(directory))
        }
        return nil
    }

    public var isInitialised: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path)
    }

    /// Creates the cluster if needed and starts it if it is not running. Returns true when it
    /// had to be created.
    @discardableResult
    public func start() throws -> Bool {
        let fm = FileManager.default
        var created = false
        try fm.createDirectory(at: settings.directory, withIntermediateDirectories: true)
        try fm.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        if Self.runningAsRoot {
            for directory in [settings.directory, socketDirectory] {
                try run("/bin/chown", ["postgres:postgres", directory.path])
            }
            let probe = try? run("/usr/sbin/runuser", ["-u", "postgres", "--", "test", "-w", settings.directory.path])
            if probe == nil { throw Failure.directoryNotUsable(settings.directory.path) }
        }
        if !isInitialised {
            logger.info("creating PostgreSQL cluster", metadata: ["directory": "\(dataDirectory.path)"])
            try runServerTool(
                "initdb",
                [
                    "-D", dataDirectory.path, "-U", settings.superuser, "--auth=trust",
                    "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions",
                ])
            var conf = """

                # Written by uade: local unix socket only.
                listen_addresses = ''
                unix_socket_directories = '\(socketDirectory.path)'
                port = \(settings.port)
                max_connections = 200
                shared_buffers = 256MB
                work_mem = 32MB
                maintenance_work_mem = 256MB
                max_wal_size = 4GB

                """
            if settings.unsafeFastWrites {
                conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            }
            let confFile = dataDirectory.appendingPathComponent("postgresql.conf")
            let handle = try FileHandle(forWritingTo: confFile)
            handle.seekToEndOfFile()
            handle.write(Data(conf.utf8))
            try handle.close()
            created = true
        }
        if !isRunning {
            logger.info("starting PostgreSQL", metadata: ["socket": "\(socketDirectory.path)"])
            try runServerTool(
                "pg_ctl", ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "-o", "-k \(socketDirectory.path)", "start"])
        }
        return created
    }

    public var isRunning: Bool {
        guard isInitialised else { return false }
        return (try? runServerTool("pg_ctl", ["-D", dataDirectory.path, "status"])) != nil
    }

    public func stop() throws {
        guard isRunning else { return }
        try runServerTool("pg_ctl", ["-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60", "stop"])
    }

    @discardableResult
    func runServerTool(_ tool: String, _ arguments: [String]) throws -> String {
        let path = binaries.appendingPathComponent(tool).path
        if Self.runningAsRoot {
            return try run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
        }
        return try run(path, arguments)
    }

    /// Runs a program and waits for it alone (see ``ChildProcess``); throws when it fails.
    @discardableResult
    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let (code, text) = try ChildProcess.run(executable, arguments)
        guard code == 0 else {
            throw Failure.commandFailed(command: ([executable] + arguments).joined(separator: " "), status: code, output: text)
        }
        return text
    }
}
