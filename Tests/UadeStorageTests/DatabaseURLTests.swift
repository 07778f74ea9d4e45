import PostgresNIO
import Testing
import UadeStorage

@Suite("DATABASE_URL")
struct DatabaseURLTests {
    @Test func tcp() throws {
        let url = try DatabaseURL(parsing: "postgres://uade:s%40cret@db.example:6432/uade?sslmode=require")
        #expect(url.endpoint == .tcp(host: "db.example", port: 6432))
        #expect(url.username == "uade")
        #expect(url.password == "s@cret")
        #expect(url.database == "uade")
        #expect(url.tls == .require)
        #expect(!url.description.contains("cret"), "passwords never reach logs")
    }

    @Test func defaults() throws {
        let url = try DatabaseURL(parsing: "postgresql://me@localhost/app")
        #expect(url.endpoint == .tcp(host: "localhost", port: 5432))
        #expect(url.password == nil)
        #expect(url.tls == .prefer)
    }

    @Test func unixSockets() throws {
        let query = try DatabaseURL(parsing: "postgres://uade@/uade?host=/var/run/postgresql")
        #expect(query.endpoint == .unixSocket(directory: "/var/run/postgresql", port: 5432))
        let encoded = try DatabaseURL(parsing: "postgres://uade@%2Ftmp%2Fsock:5439/x")
        #expect(encoded.endpoint == .unixSocket(directory: "/tmp/sock", port: 5439))
        #expect(encoded.clientConfiguration.unixSocketPath == "/tmp/sock/.s.PGSQL.5439")
    }

    @Test(
        "malformed URLs name what is wrong",
        arguments: [
            ("mysql://u@h/db", "scheme"),
            ("postgres://h/db", "user"),
            ("postgres://u@h", "database"),
            ("postgres://u@h:99999/db", "port"),
            ("postgres://u@/db", "host"),
            ("postgres://u@h/db?sslmode=sometimes", "sslmode"),
        ])
    func malformed(_ text: String, _ mentions: String) {
        #expect {
            try DatabaseURL(parsing: text)
        } throws: { error in
            (error as? DatabaseURL.Invalid)?.reason.contains(mentions) == true
        }
    }
}
