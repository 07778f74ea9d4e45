import Logging
import PostgresNIO
import ServiceLifecycle

/// Runs the database client for the service group, and lets a shutdown go on without it when
/// the client has not stopped within `shutdownLimit`.
///
/// PostgresNIO's pool stops once its connections have closed, and the work of a request that
/// `DeadlineBackstop` (UadeHTTP) left behind (a query lost with a closing connection) may hold one for
/// good: the process must still stop. Requests have been answered by then (the HTTP server
/// stops first), so what is left behind is only the pool, which the process's end takes with it.
public struct DatabaseClientService: Service {
    let client: PostgresClient
    let shutdownLimit: Duration
    let logger: Logger

    public init(client: PostgresClient, shutdownLimit: Duration = .seconds(10), logger: Logger) {
        self.client = client
        self.shutdownLimit = shutdownLimit
        self.logger = logger
    }

    public func run() async throws {
        // Unstructured so that it can be left behind; it inherits the graceful-shutdown signal.
        let running = Task { [client] in await client.run() }
        await withTaskCancellationHandler {
            try? await gracefulShutdown()
        } onCancel: {
            running.cancel()
        }
        guard await result(of: running, within: shutdownLimit) != nil else {
            logger.warning(
                "the database client did not stop within the shutdown limit; the shutdown goes on without it",
                metadata: ["limit": "\(shutdownLimit)"])
            running.cancel()
            return
        }
    }
}
