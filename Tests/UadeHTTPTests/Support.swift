import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing
import UadeDomain
import UadeHTTP
import UadeStorage
import UadeTestSupport

/// The day the tests live on: after the demo's history, inside the term.
let testToday = Day(year: 2026, month: 11, day: 21)!

/// A running application on a fresh demo database, with API tokens for the demo accounts.
struct DemoApp: Sendable {
    let client: any TestClientProtocol
    let database: PostgresClient
    let tokens: [String: String]

    func bearer(_ username: String) -> HTTPFields {
        [.authorization: "Bearer \(tokens[username]!)"]
    }

    func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: Array(try! JSONSerialization.data(withJSONObject: object)))
    }

    func count(_ sql: PostgresQuery) async throws -> Int {
        for try await value in try await database.query(sql, logger: TestDatabase.logger).decode(Int.self) { return value }
        return -1
    }

    func string(_ sql: PostgresQuery) async throws -> String {
        for try await value in try await database.query(sql, logger: TestDatabase.logger).decode(String.self) { return value }
        return ""
    }
}

let demoUsernames = ["admin", "coord-kyzylorda", "coord-akzhar", "bureau-social", "pc-kyzylorda", "faction-mazhilis"]

/// Runs `body` against the application built as in production, on a fresh demo database.
func withDemoApp(_ template: TestDatabase.Template = .demo, _ body: @Sendable (DemoApp) async throws -> Void) async throws {
    try await withTestDatabase(template) { database, url in
        let accounts = AccountRepository(client: database, logger: TestDatabase.logger)
        var tokens: [String: String] = [:]
        // Accounts the demo has not: an observer and a programme office of Kyzylorda Region, and
        // an account without any role.
        let extra: [String: Role?] = ["observer-kyzylorda": .observer, "office-kyzylorda": .programmeOffice, "nobody": nil]
        for username in demoUsernames + extra.keys.sorted() {
            if let role = extra[username] {
                _ = try await accounts.create(username: username, passwordHash: "x", personID: nil, by: nil, requestID: "test")
                if let role {
                    let kyzylorda = try await TerritoryRepository(client: database, logger: TestDatabase.logger).find("430000000")!.id
                    try await accounts.grant(username: username, role: role, territoryID: kyzylorda, by: nil, requestID: "test")
                }
            }
            tokens[username] = try await accounts.createToken(username: username, name: "tests", by: nil, requestID: "test").secret
        }
        let app = try await buildApplication(AppConfiguration(database: url, logLevel: .warning), logger: TestDatabase.logger, today: { testToday })
        let allTokens = tokens
        try await app.test(.router) { client in try await body(DemoApp(client: client, database: database, tokens: allTokens)) }
    }
}

/// Logs in with a password and returns the session cookie and CSRF token.
func login(_ app: DemoApp, _ username: String, _ password: String = "demo-password") async throws -> (cookie: String, csrf: String)? {
    try await app.client.execute(uri: "/api/v1/session", method: .post, body: app.json(["username": username, "password": password])) { response in
        guard response.status == .ok, let setCookie = response.headers[.setCookie] else { return nil }
        let cookie = String(setCookie.split(separator: ";").first!)
        let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as! [String: Any]
        return (cookie, body["csrf_token"] as! String)
    }
}

func object(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
}

func fieldNames(_ response: TestResponse) throws -> [String] {
    ((try object(response))["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
}

/// Posts a page's form as the browser does: URL-encoded, with the session's cookie and CSRF
/// token; answers the status, the redirect's target and the page.
func postForm(_ app: DemoApp, _ session: (cookie: String, csrf: String), _ uri: String, _ fields: [String: String]) async throws -> (
    status: HTTPResponse.Status, location: String, page: String
) {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._")
    let body = (["_csrf": session.csrf].merging(fields) { a, _ in a }).map {
        "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
    }.joined(separator: "&")
    return try await app.client.execute(
        uri: uri, method: .post, headers: [.cookie: session.cookie, .contentType: "application/x-www-form-urlencoded"],
        body: ByteBuffer(string: body)
    ) { ($0.status, $0.headers[.location] ?? "", String(buffer: $0.body)) }
}
