import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Synchronization
import Testing
import UadeDomain
import UadeHTTP
import UadeStorage
import UadeTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// PostgreSQL restarting or stopping under load: every request ends within its deadline, and a
/// database that is away is a 503 (never a 500, never a hang); the service recovers by itself.
/// It runs on a cluster of its own, so that stopping it disturbs no other test.
@Suite("Database restarts", .serialized, .timeLimit(.minutes(3)))
struct DatabaseRestartTests {
    @Test func requestsInFlightEndInBoundedTimeAndAre503() async throws {
        let base =
            ProcessInfo.processInfo.environment["UADE_TEST_CLUSTER_DIR"].map { URL(fileURLWithPath: $0) }
            ?? TestDatabase.packageRoot.appendingPathComponent(".build/test-cluster")
        let cluster = try EmbeddedCluster(
            settings: .init(
                directory: base.deletingLastPathComponent().appendingPathComponent("restart-cluster"), port: 5441,
                unsafeFastWrites: true), logger: TestDatabase.logger)
        try cluster.start()
        defer { try? cluster.stop() }
        let url = cluster.databaseURL(database: "uade_restart")
        let logger = TestDatabase.logger
        try await Database.withClient(cluster.databaseURL(database: "postgres"), logger: logger) { client in
            try await client.query("DROP DATABASE IF EXISTS uade_restart WITH (FORCE)", logger: logger)
            try await client.query("CREATE DATABASE uade_restart", logger: logger)
        }
        let token = try await Database.withClient(url, logger: logger) { client in
            try await MigrationRunner(client: client, migrations: try Migration.load(from: TestDatabase.schemaDirectory), logger: logger).apply()
            let accounts = AccountRepository(client: client, logger: logger)
            _ = try await accounts.create(username: "reader", passwordHash: "x", personID: nil, by: nil, requestID: "test")
            try await accounts.grant(username: "reader", role: .administrator, territoryID: nil, by: nil, requestID: "test")
            return try await accounts.createToken(username: "reader", name: "tests", by: nil, requestID: "test").secret
        }
        var config = AppConfiguration(database: url, logLevel: .critical)
        config.requestTimeout = .seconds(4)
        config.statementTimeout = .seconds(3)
        let app = try await buildApplication(config, logger: logger, today: { testToday })
        // The deadline, and time to answer (the test client queues its requests too).
        let limit = 4.0 + 8.0
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            let outcomes = Outcomes()
            // The load comes from requests on connections of their own, each given up after
            // `limit`: the test client's one pipelined connection can wait for ever on an answer
            // lost with a timed-out request before it, which would hang this test, not fail it.
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = limit
            configuration.timeoutIntervalForResource = limit
            configuration.httpMaximumConnectionsPerHost = 8
            let session = URLSession(configuration: configuration)
            defer { session.invalidateAndCancel() }
            @Sendable func status(_ path: String) async -> Int {
                var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: limit)
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                guard let (_, response) = try? await session.data(for: request) else { return -1 }
                return (response as? HTTPURLResponse)?.statusCode ?? -1
            }
            @Sendable func hammer(for seconds: Double) async {
                let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            while ContinuousClock.now < end {
                                let started = ContinuousClock.now
                                let path = index % 2 == 0 ? "/api/v1/territories?lang=ru" : "/api/v1/evaluations"
                                let code = await status(path)
                                let elapsed = ContinuousClock.now - started
                                outcomes.list.withLock { $0.append((code, elapsed.inSeconds)) }
                            }
                        }
                    }
                }
            }
            async let load: Void = hammer(for: 16)
            try await Task.sleep(for: .seconds(2))
            try cluster.stop()  // a fast shutdown: connections closed under running requests
            try await Task.sleep(for: .seconds(6))
            _ = try cluster.start()  // back: the pool reconnects by itself
            try await Task.sleep(for: .seconds(2))
            try cluster.stop()
            _ = try cluster.start()
            await load
            let all = outcomes.list.withLock { $0 }
            #expect(all.count > 50)
            let statuses = Dictionary(grouping: all, by: \.status).mapValues(\.count)
            #expect(Set(statuses.keys).isSubset(of: [200, 503]), "\(statuses)")
            #expect((statuses[503] ?? 0) > 0, "the database was away for a while: \(statuses)")
            let slowest = all.map(\.seconds).max() ?? 0
            #expect(slowest < limit, "a request took \(slowest) s")
            // And it recovers.
            var recovered = false
            for _ in 0..<20 where !recovered {
                recovered = await status("/api/v1/territories") == 200
                if !recovered { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(recovered)
            // A 503 says what to do.
            try cluster.stop()
            try await client.execute(
                uri: "/api/v1/progress", method: .post, headers: headers.merging([.contentType: "application/json"]),
                body: ByteBuffer(string: #"{"indicator":"X","territory":"1","period":"2026-Q4","value":1}"#)
            ) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
                #expect(body["commit_outcome"] as? String == "unknown")
                #expect(response.headers[.retryAfter] != nil)
            }
            // A page says it in the visitor's language.
            try await client.execute(uri: "/progress?lang=ru", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("База данных сейчас не отвечает"))
            }
            _ = try cluster.start()
        }
    }
}

final class Outcomes: Sendable {
    let list = Mutex<[(status: Int, seconds: Double)]>([])
}
