import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing
import UadeStorage
import UadeTestSupport

@Suite("Sessions and tokens")
struct SessionTests {
    @Test func loginSetsASafeCookieAndANewSessionEachTime() async throws {
        try await withDemoApp { app in
            try await app.client.execute(
                uri: "/api/v1/session", method: .post,
                body: app.json(["username": "coord-kyzylorda", "password": "demo-password"])
            ) { response throws in
                #expect(response.status == .ok)
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.hasPrefix("uade_session="))
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
                #expect(!cookie.contains("Secure"), "Secure only when configured for HTTPS")
                #expect((try object(response))["csrf_token"] as? String != nil)
            }
            let first = try #require(try await login(app, "coord-kyzylorda"))
            // Logging in while holding a session replaces it: the old identifier stops working.
            let (second, csrf) = try await app.client.execute(
                uri: "/api/v1/session", method: .post, headers: [.cookie: first.cookie],
                body: app.json(["username": "coord-kyzylorda", "password": "demo-password"])
            ) { response throws in
                (String(response.headers[.setCookie]!.split(separator: ";").first!), try object(response)["csrf_token"] as! String)
            }
            #expect(second != first.cookie)
            try await app.client.execute(uri: "/api/v1/session", method: .get, headers: [.cookie: first.cookie]) { response in
                #expect(response.status == .unauthorized)
            }
            try await app.client.execute(uri: "/api/v1/session", method: .get, headers: [.cookie: second]) { response throws in
                #expect(response.status == .ok)
                #expect((try object(response))["username"] as? String == "coord-kyzylorda")
            }
            // Logging out is a write: without the CSRF token it is refused; with it, the session ends.
            try await app.client.execute(uri: "/api/v1/session", method: .delete, headers: [.cookie: second]) { response in
                #expect(response.status == .forbidden)
            }
            try await app.client.execute(uri: "/api/v1/session", method: .delete, headers: [.cookie: second, .init("X-CSRF-Token")!: csrf]) {
                response in
                #expect(response.status == .noContent)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            try await app.client.execute(uri: "/api/v1/session", method: .get, headers: [.cookie: second]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func failedLoginsLookTheSameAndLockTheAccount() async throws {
        try await withDemoApp { app in
            var bodies: [String] = []
            for (username, password) in [("no-such-user", "whatever-password"), ("coord-akzhar", "wrong-password")] {
                try await app.client.execute(uri: "/api/v1/session", method: .post, body: app.json(["username": username, "password": password])) {
                    response throws in
                    #expect(response.status == .unauthorized)
                    let body = try object(response)
                    bodies.append("\(body["type"]!) \(body["detail"]!)")
                }
            }
            #expect(bodies[0] == bodies[1], "the answer does not tell whether the username exists")
            for _ in 0..<5 {
                _ = try await login(app, "coord-akzhar", "wrong-password")
            }
            #expect(try await login(app, "coord-akzhar") == nil, "locked after repeated failures, even with the right password")
            #expect(try await app.count("SELECT count(*) FROM accounts WHERE username = 'coord-akzhar' AND locked_until > now()") == 1)
            #expect(try await login(app, "coord-kyzylorda") != nil, "other accounts are not affected")
        }
    }

    @Test func changingThePasswordEndsOtherSessions() async throws {
        try await withDemoApp { app in
            let session = try #require(try await login(app, "pc-kyzylorda"))
            let other = try #require(try await login(app, "pc-kyzylorda"))
            let renewed = try await app.client.execute(
                uri: "/api/v1/session/password", method: .post, headers: [.cookie: session.cookie, .init("X-CSRF-Token")!: session.csrf],
                body: app.json(["current_password": "demo-password", "new_password": "a much longer secret"])
            ) { response in
                #expect(response.status == .noContent)
                return response.headers[.setCookie].map { String($0.split(separator: ";").first!) }
            }
            try await app.client.execute(uri: "/api/v1/session", method: .get, headers: [.cookie: other.cookie]) { response in
                #expect(response.status == .unauthorized)
            }
            try await app.client.execute(uri: "/api/v1/session", method: .get, headers: [.cookie: try #require(renewed)]) { response in
                #expect(response.status == .ok)
            }
            #expect(try await login(app, "pc-kyzylorda", "a much longer secret") != nil)
            #expect(try await login(app, "pc-kyzylorda") == nil)
            // Too short a password is refused with the field named.
            let fresh = try #require(try await login(app, "pc-kyzylorda", "a much longer secret"))
            try await app.client.execute(
                uri: "/api/v1/session/password", method: .post,
                headers: [.cookie: fresh.cookie, .init("X-CSRF-Token")!: fresh.csrf],
                body: app.json(["current_password": "a much longer secret", "new_password": "short"])
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["body.new_password"])
            }
        }
    }

    @Test func apiTokensAreShownOnceStoredHashedAndRevocable() async throws {
        try await withDemoApp { app in
            let created = try await app.client.execute(
                uri: "/api/v1/accounts/coord-akzhar/tokens", method: .post, headers: app.bearer("admin"),
                body: app.json(["name": "1C integration"])
            ) { response throws in
                #expect(response.status == .created)
                return try object(response)
            }
            let secret = try #require(created["token"] as? String)
            let id = try #require(created["id"] as? Int)
            #expect(try await app.count("SELECT count(*) FROM api_tokens WHERE token_hash = \(secret)") == 0, "only the hash is stored")
            #expect(try await app.count("SELECT count(*) FROM api_tokens WHERE token_hash = \(Secrets.sha256Hex(secret))") == 1)
            try await app.client.execute(uri: "/api/v1/session", method: .get, headers: [.authorization: "Bearer \(secret)"]) { response throws in
                #expect((try object(response))["username"] as? String == "coord-akzhar")
            }
            try await app.client.execute(uri: "/api/v1/tokens/\(id)", method: .delete, headers: app.bearer("admin")) { response in
                #expect(response.status == .noContent)
            }
            try await app.client.execute(uri: "/api/v1/session", method: .get, headers: [.authorization: "Bearer \(secret)"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await app.client.execute(
                uri: "/api/v1/accounts/coord-akzhar/tokens", method: .post, headers: app.bearer("coord-kyzylorda"),
                body: app.json(["name": "x"])
            ) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func administratorsManageAccountsAndRoles() async throws {
        try await withDemoApp { app in
            try await app.client.execute(
                uri: "/api/v1/accounts", method: .post, headers: app.bearer("admin"),
                body: app.json(["username": "coord-aral", "password": "correct horse battery"])
            ) { response in
                #expect(response.status == .created)
            }
            try await app.client.execute(
                uri: "/api/v1/accounts", method: .post, headers: app.bearer("admin"),
                body: app.json(["username": "coord-aral", "password": "correct horse battery"])
            ) { response in
                #expect(response.status == .conflict)
            }
            try await app.client.execute(
                uri: "/api/v1/accounts", method: .post, headers: app.bearer("admin"),
                body: app.json(["username": "Bad Name!", "password": "short"])
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(Set(try fieldNames(response)) == ["body.username", "body.password"])
            }
            try await app.client.execute(
                uri: "/api/v1/accounts/coord-aral/roles", method: .post, headers: app.bearer("admin"),
                body: app.json(["role": "coordinator"])
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try fieldNames(response) == ["body.territory"])
            }
            let grant = try await app.client.execute(
                uri: "/api/v1/accounts/coord-aral/roles", method: .post, headers: app.bearer("admin"),
                body: app.json(["role": "coordinator", "territory": "430000000"])
            ) { response throws in
                #expect(response.status == .created)
                return try object(response)["id"] as! Int
            }
            try await app.client.execute(uri: "/api/v1/roles/\(grant)", method: .delete, headers: app.bearer("admin")) { response in
                #expect(response.status == .noContent)
            }
            try await app.client.execute(uri: "/api/v1/accounts/coord-aral/disable", method: .post, headers: app.bearer("admin")) { response in
                #expect(response.status == .noContent)
            }
            #expect(try await login(app, "coord-aral", "correct horse battery") == nil, "a disabled account cannot log in")
            // Every change is in the audit log, readable by administrators only.
            try await app.client.execute(uri: "/api/v1/audit?entity=account", method: .get, headers: app.bearer("admin")) { response throws in
                let items = (try object(response))["items"] as? [[String: Any]] ?? []
                #expect(Set(items.compactMap { $0["action"] as? String }).isSuperset(of: ["create", "disable"]))
                #expect(items.allSatisfy { ($0["request_id"] as? String)?.isEmpty == false })
            }
            try await app.client.execute(uri: "/api/v1/audit", method: .get, headers: app.bearer("faction-mazhilis")) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}
