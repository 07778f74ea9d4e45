import Foundation
import Hummingbird
import Logging
import PostgresNIO
import UadeDomain
import UadeServices
import UadeStorage

/// Builds the whole application: the database client as a service, and the router.
/// Tests call this too, with a configuration pointing at their own database.
public func buildApplication(
    _ config: AppConfiguration, logger baseLogger: Logger? = nil,
    today: @escaping @Sendable () -> Day = RouterOptions.todayInKazakhstan
) async throws -> some ApplicationProtocol {
    var logger = baseLogger ?? Logger(label: "uade")
    logger.logLevel = config.logLevel
    let client = PostgresClient(
        configuration: config.database.serverClientConfiguration(statementTimeout: config.statementTimeout), backgroundLogger: logger)
    var options = RouterOptions(secureCookies: config.secureCookies, today: today)
    options.requestTimeout = config.requestTimeout
    options.uploadTimeout = config.uploadTimeout
    // Evaluations started through the API belong to the service group: shutdown awaits them.
    let evaluations = EvaluationService(client: client, logger: logger, policies: StoredPolicy(client: client, logger: logger))
    let router = try buildRouter(client: client, logger: logger, options: options, evaluations: evaluations)
    let responder = DeadlineBackstop(
        inner: router.buildResponder(), normal: options.requestTimeout, upload: options.uploadTimeout, grace: .seconds(2))
    var app = Application(
        responder: responder,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "uade"),
        logger: logger
    )
    app.addServices(DatabaseClientService(client: client, logger: logger), evaluations)
    app.beforeServerStarts { [logger] in
        // Runs cut off by a previous process's end show as failed, not "running", from the start.
        // Bounded: this runs before the service group has started the client, and a client that
        // never starts must not hold the start-up for ever.
        do {
            let marked = try await withTimeLimit(.seconds(30)) {
                try await EvaluationRepository(client: client, logger: logger).failAbandonedRuns()
            }
            switch marked {
            case nil: logger.warning("could not check for interrupted evaluation runs within 30 s")
            case let marked? where marked > 0: logger.notice("marked interrupted evaluation runs failed", metadata: ["runs": "\(marked)"])
            default: break
            }
        } catch {
            logger.warning("could not check for interrupted evaluation runs", metadata: ["error": "\(error)"])
        }
    }
    return app
}

/// Settings of the router that are not the database.
public struct RouterOptions: Sendable {
    public var secureCookies: Bool
    public var bcryptCost: UInt8
    /// How long roles, ownership, the territory tree, API tokens, indicators and owners' cell lists
    /// are cached per process.
    public var cacheLifetime: Duration = .seconds(5)
    /// Today in Kazakhstan (UTC+5): what "due now" and ownership "valid today" mean.
    public var today: @Sendable () -> Day
    /// Every request is answered within these (``DeadlineMiddleware``).
    public var requestTimeout: Duration = .seconds(30)
    public var uploadTimeout: Duration = .seconds(600)

    public init(secureCookies: Bool = false, bcryptCost: UInt8 = 12, today: @escaping @Sendable () -> Day = RouterOptions.todayInKazakhstan) {
        self.secureCookies = secureCookies
        self.bcryptCost = bcryptCost
        self.today = today
    }

    public static let todayInKazakhstan: @Sendable () -> Day = { Day.todayInKazakhstan() }
}

/// The routes of the service, over a database client that someone else runs.
/// `evaluations` is the service that runs evaluations started through the API; without one (a
/// router tested on its own) runs are owned by a service nobody shuts down.
public func buildRouter(
    client: PostgresClient, logger: Logger, options: RouterOptions = .init(),
    evaluations: EvaluationService? = nil
) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let territories = TerritoryRepository(client: client, logger: logger)
    let accounts = AccountRepository(client: client, logger: logger)
    let authorizer = Authorizer(territories: territories, cacheLifetime: options.cacheLifetime)
    let callers = CallerDirectory(accounts: accounts, lifetime: options.cacheLifetime)
    let tokens = TokenDirectory(accounts: accounts, lifetime: options.cacheLifetime)
    let hasher = PasswordHasher(cost: options.bcryptCost)
    let pages = try PageRenderer()
    router.add(
        middleware: ProblemMiddleware(unavailablePage: { request, context in
            WebMiddleware.unavailablePage(request, context: context, pages: pages)
        }))
    router.add(middleware: DeadlineMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: InputSanityMiddleware())
    router.add(middleware: AuthenticationMiddleware(accounts: accounts, tokens: tokens, callers: callers, today: options.today))

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
        return Response(
            status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(bytes: data)))
    }

    let api = router.group("api/v1")
    api.get("openapi.yaml") { _, _ -> Response in
        guard let url = ProjectFiles.locate("docs/openapi.yaml"), let data = FileManager.default.contents(atPath: url.path) else {
            throw APIError.notFound("the OpenAPI document is not installed")
        }
        return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: .init(bytes: data)))
    }
    let programmes = ProgrammeRepository(client: client, logger: logger)
    let progress = ProgressRepository(client: client, logger: logger)
    let reads = EvaluationReadRepository(client: client, logger: logger)
    let ownedCells = OwnedCells(lifetime: options.cacheLifetime)
    let caches = AccessCaches(tokens: tokens, callers: callers, ownedCells: ownedCells)
    let reports = ReportService(client: client, logger: logger)
    let sessions = SessionService(client: client, logger: logger, hasher: hasher, today: options.today)
    let services = Services(
        progress: ProgressService(
            client: client, logger: logger, policies: authorizer, catalogueLifetime: options.cacheLifetime, today: options.today),
        imports: ProgressImportService(client: client, logger: logger, policies: authorizer, today: options.today),
        evaluations: evaluations ?? EvaluationService(client: client, logger: logger, policies: authorizer),
        reports: reports,
        flags: FlagService(client: client, logger: logger, policies: authorizer, today: options.today),
        hearings: HearingService(client: client, logger: logger, policies: authorizer, reports: reports),
        accounts: AccountService(
            client: client, logger: logger, policies: authorizer, hasher: hasher, accessChanged: { caches.forgetAll() }, today: options.today),
        sessions: sessions, measures: MeasureService(client: client, logger: logger, policies: authorizer),
        roadmaps: RoadmapService(client: client, logger: logger, policies: authorizer, today: options.today),
        revisions: RevisionService(client: client, logger: logger, policies: authorizer, today: options.today),
        classifier: ClassifierService(client: client, logger: logger),
        ownership: OwnershipService(
            client: client, logger: logger, policies: authorizer, today: options.today, accessChanged: { caches.forgetAll() }),
        heatmaps: HeatmapService(client: client, logger: logger),
        calendars: CalendarService(client: client, logger: logger, policies: authorizer, today: options.today),
        exceptions: ExceptionService(client: client, logger: logger, policies: authorizer, today: options.today)
    )
    let codes = KnownCodes(progress: services.progress)
    let cookies = SessionCookies(secure: options.secureCookies, lifetime: sessions.lifetime)
    CatalogueController<AppRequestContext>(territories: territories, programmes: programmes, codes: codes).addRoutes(to: api)
    SessionController(sessions: sessions, cookies: cookies).addRoutes(to: api)
    AccountsController(service: services.accounts, audit: AuditRepository(client: client, logger: logger), authorizer: authorizer).addRoutes(to: api)
    ProgressController(progress: progress, ownedCells: ownedCells, services: services, authorizer: authorizer, codes: codes, today: options.today)
        .addRoutes(to: api)
    MeasuresController(service: services.measures).addRoutes(to: api)
    EvaluationsController(reads: reads, authorizer: authorizer, codes: codes, evaluations: services.evaluations, flags: services.flags).addRoutes(
        to: api)
    HearingsController(service: services.hearings).addRoutes(to: api)
    RoadmapsController(service: services.roadmaps, classifier: services.classifier).addRoutes(to: api)
    RevisionsController(service: services.revisions).addRoutes(to: api)
    CalendarController(service: services.calendars, authorizer: authorizer).addRoutes(to: api)
    ExceptionsController(service: services.exceptions, today: options.today).addRoutes(to: api)

    // The pages: the same services underneath, answered as HTML.
    let web = router.group().add(middleware: WebMiddleware(accounts: accounts, pages: pages, secureCookies: options.secureCookies))
    WebController(
        pages: pages, services: services, accounts: accounts, authorizer: authorizer, territories: territories, programmes: programmes,
        progress: progress,
        reads: reads, hearings: HearingRepository(client: client, logger: logger), dashboard: DashboardRepository(client: client, logger: logger),
        cookies: cookies, today: options.today
    ).addRoutes(to: web)
    return router
}
