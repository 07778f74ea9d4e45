import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import UadeDemo
import UadeHTTP
import UadeStorage
import UadeTestSupport

/// Decodes API bodies the way clients see them (snake_case keys).
func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(T.self, from: Data(response.body.readableBytesView))
}

struct Problem: Decodable {
    let type: String
    let status: Int
    let detail: String
    let fields: [Field]?
    let requestId: String?
    struct Field: Decodable {
        let field: String
        let reason: String
    }
}

struct Names: Decodable {
    let kk: String?
    let ru: String?
    let en: String?
}

struct TerritoryBody: Decodable {
    let id: Int64
    let kato: String?
    let kind: String
    let parentKato: String?
    let name: String
    let names: Names
    let children: [TerritoryBody]?
}

struct List<Item: Decodable>: Decodable {
    let items: [Item]
    let total: Int
    let limit: Int?
    let offset: Int?
}

struct TargetBody: Decodable {
    let indicatorCode: String
    let territoryKato: String?
    let territoryName: String
    let period: String
    let periodEnd: String
    let target: Double
}

struct IndicatorBody: Decodable {
    let code: String
    let name: String
    let sectionCode: String
    let direction: String
    let unit: String
}

@Suite("Read API")
struct ReadAPITests {
    @Test func healthReportsTheDatabase() async throws {
        try await withDemoApp { app in
            let client = app.client
            try await client.execute(uri: "/health", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"database\":\"reachable\""))
            }
        }
    }

    @Test func healthIs503WithoutADatabase() async throws {
        let nowhere = DatabaseURL(
            endpoint: .unixSocket(directory: "/nonexistent-uade", port: 1), username: "x", password: nil, database: "x", tls: .disable)
        let app = try await buildApplication(AppConfiguration(database: nowhere, logLevel: .critical), logger: TestDatabase.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response throws in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("unreachable"))
            }
        }
    }

    @Test func territoriesInKazakh() async throws {
        try await withDemoApp { app in
            let client = app.client
            try await client.execute(uri: "/api/v1/territories?lang=kk", method: .get) { response throws in
                #expect(response.status == .ok)
                let list = try decode(List<TerritoryBody>.self, response)
                #expect(list.total == 61)
                #expect(list.items.count == 61)
                let kyzylorda = try #require(list.items.first { $0.kato == "430000000" })
                #expect(kyzylorda.name == "Қызылорда облысы")
                #expect(kyzylorda.parentKato == "000000000")
                #expect(list.items.allSatisfy { $0.name == $0.names.kk })
            }
            try await client.execute(uri: "/api/v1/territories?lang=ru&kind=city_republican", method: .get) { response throws in
                let list = try decode(List<TerritoryBody>.self, response)
                #expect(Set(list.items.map(\.name)) == ["город Астана", "город Алматы", "город Шымкент"])
            }
            try await client.execute(uri: "/api/v1/territories?parent=590000000", method: .get) { response throws in
                let list = try decode(List<TerritoryBody>.self, response)
                #expect(list.total == 14, "Petropavl and 13 districts of North Kazakhstan Region")
            }
        }
    }

    @Test func territoryTreeAndLookup() async throws {
        try await withDemoApp { app in
            let client = app.client
            try await client.execute(uri: "/api/v1/territories/tree?lang=en", method: .get) { response throws in
                let tree = try decode(List<TerritoryBody>.self, response)
                #expect(tree.items.count == 1)
                #expect(tree.items[0].children?.count == 20)
                let almaty = try #require(tree.items[0].children?.first { $0.kato == "750000000" })
                #expect(almaty.children?.count == 8)
            }
            try await client.execute(uri: "/api/v1/territories/430000000?lang=ru", method: .get) { response throws in
                let territory = try decode(TerritoryBody.self, response)
                #expect(territory.name == "Кызылординская область")
                #expect(territory.children?.count == 8)
            }
            try await client.execute(uri: "/api/v1/territories/999999999", method: .get) { response throws in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/api/v1/territories/kyzylorda", method: .get) { response throws in
                #expect(response.status == .badRequest)
                let problem = try decode(Problem.self, response)
                #expect(problem.fields?.first?.field == "path.ref")
            }
        }
    }

    @Test func languageComesFromTheQueryThenTheHeader() async throws {
        try await withDemoApp { app in
            let client = app.client
            try await client.execute(uri: "/api/v1/territories/710000000", method: .get, headers: [.acceptLanguage: "ru-RU,ru;q=0.9"]) {
                response throws in
                #expect(try decode(TerritoryBody.self, response).name == "город Астана")
            }
            try await client.execute(uri: "/api/v1/territories/710000000", method: .get) { response throws in
                #expect(try decode(TerritoryBody.self, response).name == "Астана қаласы")
            }
            try await client.execute(uri: "/api/v1/territories?lang=fr", method: .get) { response throws in
                #expect(response.status == .badRequest)
                let problem = try decode(Problem.self, response)
                #expect(problem.fields?.first?.field == "query.lang")
                #expect(problem.requestId?.isEmpty == false)
            }
        }
    }

    @Test func programmesSectionsAndIndicators() async throws {
        try await withDemoApp { app in
            let client = app.client
            try await client.execute(uri: "/api/v1/programmes?lang=kk", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(DemoDataLoader.programmeCode))
            }
            try await client.execute(uri: "/api/v1/programmes/\(DemoDataLoader.programmeCode)/sections?lang=ru", method: .get) { response throws in
                let body = String(buffer: response.body)
                #expect(body.contains("Доступное жильё"))
                #expect(body.contains("\"socially_sensitive\":true"))
            }
            try await client.execute(uri: "/api/v1/programmes/NOPE/sections", method: .get) { response throws in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/indicators?limit=10&offset=60&lang=en", method: .get) { response throws in
                let page = try decode(List<IndicatorBody>.self, response)
                #expect(page.total == 63)
                #expect(page.items.count == 3)
                #expect(page.limit == 10 && page.offset == 60)
            }
            try await client.execute(uri: "/api/v1/indicators?section=YOUTH&lang=kk", method: .get) { response throws in
                let page = try decode(List<IndicatorBody>.self, response)
                #expect(page.total == 7)
                #expect(page.items.allSatisfy { $0.sectionCode == "YOUTH" })
                #expect(page.items.contains { $0.name == "NEET жастардың үлесі" })
            }
            try await client.execute(uri: "/api/v1/indicators/HOU-04?lang=ru", method: .get) { response throws in
                let indicator = try decode(IndicatorBody.self, response)
                #expect(indicator.direction == "lower_is_better")
                #expect(indicator.unit == "percent")
            }
            try await client.execute(uri: "/api/v1/indicators?limit=0", method: .get) { response throws in
                #expect(response.status == .badRequest)
                #expect(try decode(Problem.self, response).fields?.first?.field == "query.limit")
            }
            try await client.execute(uri: "/api/v1/indicators?offset=-5", method: .get) { response throws in
                #expect(try decode(Problem.self, response).fields?.first?.field == "query.offset")
            }
            try await client.execute(uri: "/api/v1/indicators?programme=NOPE", method: .get) { response throws in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func targetsFilteredByTerritoryAndPeriod() async throws {
        try await withDemoApp { app in
            let client = app.client
            try await client.execute(uri: "/api/v1/targets?territory=430000000&period=2024-Q3&lang=ru&limit=1000", method: .get) { response throws in
                #expect(response.status == .ok)
                let page = try decode(List<TargetBody>.self, response)
                // Every quarterly indicator has a target for the quarter; yearly ones do not.
                #expect(page.total > 40 && page.total < 63)
                #expect(page.items.allSatisfy { $0.territoryKato == "430000000" && $0.period == "2024-Q3" && $0.periodEnd == "2024-09-30" })
                #expect(page.items.first?.territoryName == "Кызылординская область")
            }
            try await client.execute(uri: "/api/v1/indicators/HOU-06/targets?territory=430000000", method: .get) { response throws in
                let page = try decode(List<TargetBody>.self, response)
                #expect(page.items.map(\.period) == ["2022", "2023", "2024", "2025", "2026"])
                // A cumulative indicator's trajectory only rises.
                #expect(page.items.map(\.target) == page.items.map(\.target).sorted())
            }
            try await client.execute(uri: "/api/v1/targets?period=2024-Q9", method: .get) { response throws in
                #expect(response.status == .badRequest)
                #expect(try decode(Problem.self, response).fields?.first?.field == "query.period")
            }
            try await client.execute(uri: "/api/v1/targets?territory=123456789", method: .get) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try decode(Problem.self, response).fields?.first?.field == "query.territory")
            }
            try await client.execute(uri: "/api/v1/targets?indicator=NOPE", method: .get) { response throws in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func unknownRoutesAndTheOpenAPIDocument() async throws {
        try await withDemoApp { app in
            let client = app.client
            try await client.execute(uri: "/api/v1/nothing-here", method: .get) { response throws in
                #expect(response.status == .notFound)
                let problem = try decode(Problem.self, response)
                #expect(problem.status == 404)
                #expect(problem.type.hasSuffix("/not-found"))
            }
            try await client.execute(uri: "/api/v1/openapi.yaml", method: .get) { response throws in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("openapi: 3."))
                #expect(text.contains("/api/v1/territories"))
            }
        }
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test func missingDatabaseURLIsNamed() {
        #expect(throws: AppConfiguration.Problem.self) { try AppConfiguration.fromEnvironment([:]) }
        do {
            _ = try AppConfiguration.fromEnvironment([:])
        } catch {
            #expect(error.variable == "DATABASE_URL")
        }
    }

    @Test func malformedValuesAreNamed() {
        let base = ["DATABASE_URL": "postgres://u@localhost/db"]
        for (variable, value) in [
            ("UADE_PORT", "80a"), ("UADE_PORT", "70000"), ("UADE_LOG_LEVEL", "loud"), ("DATABASE_URL", "http://x"), ("UADE_SECURE_COOKIES", "maybe"),
        ] {
            var env = base
            env[variable] = value
            do {
                _ = try AppConfiguration.fromEnvironment(env)
                Issue.record("\(variable)=\(value) was accepted")
            } catch {
                #expect(error.variable == variable)
            }
        }
    }

    @Test func valuesAreRead() throws {
        let config = try AppConfiguration.fromEnvironment([
            "DATABASE_URL": "postgres://u:p@db:5433/uade", "UADE_HOST": "0.0.0.0", "UADE_PORT": "9000",
            "UADE_LOG_LEVEL": "debug", "UADE_SECURE_COOKIES": "true",
        ])
        #expect(config.host == "0.0.0.0" && config.port == 9000 && config.logLevel == .debug && config.secureCookies)
        #expect(config.database.endpoint == .tcp(host: "db", port: 5433))
    }
}
