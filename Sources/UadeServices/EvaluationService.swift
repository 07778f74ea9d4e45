import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceLifecycle
import UadeDomain
import UadeEvaluator
import UadeStorage

/// Evaluations started by people (the API, the pages) run here, owned by the service group: a
/// start answers with the run's id as soon as the run is recorded, and a graceful shutdown
/// cancels the runs under way and waits for them, so each is recorded failed (rolled back)
/// rather than left "running".
public final class EvaluationService: Service, Sendable {
    let runner: EvaluationRunner
    let reads: EvaluationReadRepository
    let policies: any PolicySource
    let logger: Logger
    private let running = NIOLockedValueBox<[Int: Task<Void, Never>]>([:])
    private let counter = NIOLockedValueBox(0)
    private let stopping = NIOLockedValueBox(false)

    public init(client: PostgresClient, logger: Logger, policies: any PolicySource) {
        self.runner = EvaluationRunner(client: client, logger: logger)
        self.reads = EvaluationReadRepository(client: client, logger: logger)
        self.policies = policies
        self.logger = logger
    }

    /// Starts a run and returns its id once it is recorded; the run goes on in the background.
    /// - Throws: ``ServiceFailure``: `.forbidden`, `.invalid` (unknown programme or territory,
    ///   an as-of date outside the term), `.conflict` (`already-running`, `shutting-down`).
    public func start(_ request: EvaluationRequest, by caller: Caller) async throws -> Int64 {
        let policy = try await policies.policy()
        if case .deny(let reason) = policy.decide(caller, .runEvaluation) { throw ServiceFailure.forbidden(reason) }
        var request = request
        request.startedBy = caller.accountID
        let (started, continuation) = AsyncStream<Result<Int64, any Error>>.makeStream()
        let key = counter.withLockedValue { value in
            value += 1
            return value
        }
        let runner = self.runner
        let logger = self.logger
        let task = Task {
            do {
                _ = try await runner.run(request, recorded: { continuation.yield(.success($0)) })
            } catch let refusal as EvaluationFailure {
                continuation.yield(.failure(Self.failure(refusal)))
                logger.notice("evaluation refused", metadata: ["reason": "\(refusal)"])
            } catch {
                continuation.yield(.failure(error))
                logger.error("evaluation failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            continuation.finish()
            // A run that ends before it was registered leaves a finished task behind: harmless.
            _ = self.running.withLockedValue { $0.removeValue(forKey: key) }
        }
        let accepted = running.withLockedValue { running in
            // Checked under the same lock as shutdown's collection, so no run slips past it.
            guard !stopping.withLockedValue({ $0 }) else { return false }
            running[key] = task
            return true
        }
        guard accepted else {
            task.cancel()
            throw ServiceFailure(.conflict, code: .shuttingDown, detail: "the server is shutting down; start the evaluation again in a moment")
        }
        for await outcome in started {
            return try outcome.get()
        }
        throw ServiceFailure(.conflict, code: .notStarted, detail: "the evaluation did not start")
    }

    /// What changed between two completed runs, limited to the territories the caller sees.
    /// - Throws: ``ServiceFailure``: `.forbidden`, `.notFound` for an unknown run,
    ///   `.conflict` (`run-not-completed`).
    public func diff(run after: Int64, against before: Int64, by caller: Caller, page: PageRequest) async throws -> RunDiff {
        let policy = try await policies.policy()
        if case .deny(let reason) = policy.decide(caller, .readEvaluation) { throw ServiceFailure.forbidden(reason) }
        guard let afterRun = try await reads.run(id: after) else { throw ServiceFailure.notFound("no evaluation run \(after)") }
        guard let beforeRun = try await reads.run(id: before) else { throw ServiceFailure.notFound("no evaluation run \(before)") }
        guard beforeRun.status == .completed, afterRun.status == .completed else {
            throw ServiceFailure(.conflict, code: .runNotCompleted, detail: "both runs must be completed")
        }
        let territories = policy.visibleTerritories(caller)
        if territories?.isEmpty == true { throw ServiceFailure.forbidden("diffs are for territorial roles and administrators") }
        let (items, total, counts) = try await reads.diff(from: before, to: after, territories: territories.map { Array($0) }, page: page)
        return RunDiff(from: before, to: after, counts: counts, items: items, total: total)
    }

    /// Waits for the service group's graceful shutdown, then cancels the runs under way and
    /// waits until each has rolled back and recorded its failure.
    public func run() async throws {
        try? await gracefulShutdown()
        let tasks = running.withLockedValue { running in
            stopping.withLockedValue { $0 = true }
            return Array(running.values)
        }
        if !tasks.isEmpty { logger.notice("cancelling evaluation runs for shutdown", metadata: ["runs": "\(tasks.count)"]) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    static func failure(_ refusal: EvaluationFailure) -> ServiceFailure {
        switch refusal {
        case .alreadyRunning(let id):
            ServiceFailure(
                .conflict, code: .alreadyRunning, detail: "an evaluation of this programme is already running\(id.map { ": run \($0)" } ?? "")")
        case .unknownProgramme(let code):
            ServiceFailure(
                .invalid, code: .unknownProgramme, detail: "no programme \(code)",
                problems: [FieldProblem(field: "programme", reason: "no such programme")])
        case .unknownTerritory(let ref):
            ServiceFailure(
                .invalid, code: .unknownTerritory, detail: "no territory \(ref)",
                problems: [FieldProblem(field: "territory", reason: "no such territory")])
        case .noProgramme:
            ServiceFailure(.invalid, code: .noProgramme, detail: "there is no programme to evaluate")
        case .asOfOutsideTerm(let reason):
            ServiceFailure(.invalid, code: .invalidAsOf, detail: "as_of: \(reason)", problems: [FieldProblem(field: "as_of", reason: reason)])
        case .draft(let code):
            ServiceFailure(
                .conflict, code: .programmeDraft, detail: "programme \(code) is a draft: approve it before it is evaluated (docs/roadmaps.md)")
        }
    }
}

/// The items whose judgement changed from one run to another: a page of them, and the counts of all.
public struct RunDiff: Sendable {
    public let from: Int64
    public let to: Int64
    public let counts: DiffCounts
    public let items: [DiffRow]
    public let total: Int
}
