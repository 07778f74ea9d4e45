import Foundation
import Hummingbird
import Logging
import PostgresNIO
import UadeStorage

/// Builds the whole application: the database client as a service, and the router.
/// Tests call this too, with a configuration pointing at their own database.
public func buildApplication(_ config: AppConfiguration, logger baseLogger: Logger? = nil) async throws -> some ApplicationProtocol {
    var logger = baseLogger ?? Logger(label: "uade")
    logger.logLevel = config.logLevel
    let client = PostgresClient(configuration: config.database.clientConfiguration, backgroundLogger: logger)
    let router = buildRouter(client: client, logger: logger)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "uade"),
        logger: logger
    )
    app.addServices(client)
    return app
}

/// The routes of the service, over a database client that someone else runs.
public func buildRouter(client: PostgresClient, logger: Logger) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))

    router.get("/health") { _, _ -> Response in
        let healthy: Bool
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.query("SELECT 1", logger: logger) }
                group.addTask {
                    try await Task.sleep(for: .seconds(3))
                    throw CancellationError()
                }
                defer { group.cancelAll() }
                try await group.next()
            }
            healthy = true
        } catch {
            healthy = false
        }
        let body = HealthDTO(status: healthy ? "ok" : "unavailable", database: healthy ? "reachable" : "unreachable")
        let data = try JSONEncoder().encode(body)
        return Response(status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(bytes: data)))
    }

    let api = router.group("api/v1")
    api.get("openapi.yaml") { _, _ -> Response in
        guard let url = ProjectFiles.locate("docs/openapi.yaml"), let data = FileManager.default.contents(atPath: url.path) else {
            throw APIError.notFound("the OpenAPI document is not installed")
        }
        return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: .init(bytes: data)))
    }
    CatalogueController<AppRequestContext>(
        territories: TerritoryRepository(client: client, logger: logger),
        programmes: ProgrammeRepository(client: client, logger: logger)
    ).addRoutes(to: api)
    return router
}
