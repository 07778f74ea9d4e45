import Crypto
import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// What to evaluate.
public struct EvaluationRequest: Sendable {
    public var programmeCode: String?
    public var asOf: Day
    /// Limit the run to a territory and everything below it (KATO code or id).
    public var territory: String?
    public var graceDays: Int
    public var startedBy: Int64?

    public init(programmeCode: String? = nil, asOf: Day, territory: String? = nil, graceDays: Int = 30, startedBy: Int64? = nil) {
        self.programmeCode = programmeCode
        self.asOf = asOf
        self.territory = territory
        self.graceDays = graceDays
        self.startedBy = startedBy
    }
}

public struct EvaluationSummary: Sendable, Equatable {
    public let runID: Int64
    public let programmeCode: String
    public let asOf: Day
    public let counts: [EvaluationStatus: Int]
    public let measureCounts: [MeasureVerdict: Int]
    public let results: Int
    public let seconds: Double
    public let fingerprint: String
}

public enum EvaluationFailure: Error, Equatable, Sendable {
    case unknownProgramme(String)
    case noProgramme
    case unknownTerritory(String)
    /// The as-of date lies outside the programme's term: why.
    case asOfOutsideTerm(String)
    /// The programme is a draft: its targets are no promise yet.
    case draft(String)
    /// Another evaluation of the programme holds the lock; the id of the run it recorded.
    case alreadyRunning(runID: Int64?)
}

/// One evaluation run: reads the facts indicator by indicator, applies the pure rules
/// (`EvaluationRules`, `RollUp`, `Outliers`, `MeasureVerdict`) and writes the results as a frozen
/// snapshot — all in one transaction, under a per-programme advisory lock, so a run that fails or
/// is cancelled leaves nothing visible and the next one simply starts again.
public struct EvaluationRunner: Sendable {
    let client: PostgresClient
    let logger: Logger
    let repository: EvaluationRepository

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.repository = EvaluationRepository(client: client, logger: logger)
    }

    /// Where the day ends in Kazakhstan (UTC+5): entries entered before it count.
    static func cutoff(for day: Day) -> Date {
        Date(timeIntervalSince1970: day.endInKazakhstanSecondsSince1970)
    }

    /// - Parameters:
    ///   - recorded: called with the run's id once it is recorded as running (before the work).
    public func run(
        _ request: EvaluationRequest, recorded: @Sendable (Int64) -> Void = { _ in },
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> EvaluationSummary {
        let started = ContinuousClock.now
        let programmes = ProgrammeRepository(client: client, logger: logger)
        let programme: Programme
        if let code = request.programmeCode {
            guard let found = try await programmes.programme(code: code) else { throw EvaluationFailure.unknownProgramme(code) }
            programme = found
        } else {
            guard let first = try await programmes.programmes().first else { throw EvaluationFailure.noProgramme }
            programme = first
        }
        if let problem = programme.problem(evaluatingAsOf: request.asOf) { throw EvaluationFailure.asOfOutsideTerm(problem) }
        // A draft's targets may still be overwritten at will: judging them would let a plan be
        // lowered under a hearing without anyone's approval.
        guard programme.status == .approved else { throw EvaluationFailure.draft(programme.code) }
        let tree = try await TerritoryRepository(client: client, logger: logger).tree()
        var scope: Set<Territory.ID>?
        var scopeRoot: Territory.ID?
        if let ref = request.territory {
            guard let found = tree.find(ref) else { throw EvaluationFailure.unknownTerritory(ref) }
            scope = tree.subtree(of: found.id)
            scopeRoot = found.id
        }
        let policy = EvaluationPolicy(asOf: request.asOf, graceDays: request.graceDays)

        let repository = self.repository
        let logger = self.logger
        // Every statement on the run's connection goes through `unlessClosed`: the run holds that
        // connection throughout, and PostgresNIO would leave it waiting forever if it closed.
        return try await client.withConnection { connection in
            let (locked, running) = try await connection.unlessClosed("taking the evaluation lock") {
                try await repository.tryLock(programmeID: programme.id, on: $0)
            }
            guard locked else { throw EvaluationFailure.alreadyRunning(runID: running) }
            var runID: Int64?
            do {
                let id = try await connection.unlessClosed("recording the run") { [scopeRoot] in
                    try await repository.begin(
                        programmeID: programme.id, territoryID: scopeRoot, policy: policy, startedBy: request.startedBy, on: $0)
                }
                runID = id
                recorded(id)
                progress("run \(id): \(programme.code) as of \(policy.asOf.iso)\(scopeRoot.map { " for territory \($0)" } ?? "")")
                try await connection.unlessClosed("starting the run's transaction") {
                    try await $0.query("BEGIN", logger: logger)
                    try await $0.query("SET LOCAL statement_timeout = '60min'", logger: logger)
                }
                let outcome = try await evaluate(
                    runID: id, programme: programme, policy: policy, tree: tree, scope: scope,
                    connection: connection, progress: { progress("\($0) after \(Self.seconds(since: started))") })
                progress(
                    "run \(id): flags \(outcome.flagsOpened) opened, \(outcome.flagsReopened) reopened, \(outcome.flagsResolved) resolved"
                        + " after \(Self.seconds(since: started))")
                try await connection.unlessClosed("completing the run") { connection in
                    try await repository.complete(
                        runID: id, counts: outcome.counts, measureCounts: outcome.measureCounts,
                        fingerprint: outcome.fingerprint, on: connection)
                    try await connection.query("COMMIT", logger: logger)
                    try await repository.unlock(programmeID: programme.id, on: connection)
                }
                let elapsed = ContinuousClock.now - started
                return EvaluationSummary(
                    runID: id, programmeCode: programme.code, asOf: policy.asOf, counts: outcome.counts, measureCounts: outcome.measureCounts,
                    results: outcome.results, seconds: elapsed.inSeconds,
                    fingerprint: outcome.fingerprint)
            } catch {
                // Nothing of the run becomes visible: roll back, record why it failed, release the
                // lock. A connection that failed mid-COPY may never answer: then it is closed
                // (PostgreSQL rolls back and releases the lock itself) and the failure is recorded
                // on another connection, in a task of its own so that a cancelled run records it too.
                // A cancelled task can fail inside the driver first (a pool request cancelled, a
                // query interrupted): it is a cancellation all the same, recorded and thrown as one.
                let cancelled = error is CancellationError || Task.isCancelled
                let reason = cancelled ? "cancelled" : String(reflecting: error)
                let (programmeID, failedRun) = (programme.id, runID)
                let cleaned: Void? = try? await connection.unlessClosed("cleaning up after a failed run", timeout: .seconds(30)) { connection in
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    if let failedRun { try? await repository.fail(runID: failedRun, reason: reason, on: connection) }
                    try? await repository.unlock(programmeID: programmeID, on: connection)
                }
                if cleaned == nil {
                    try? await connection.close()
                    if let failedRun {
                        await Task {
                            try? await client.withConnection { try await repository.fail(runID: failedRun, reason: reason, on: $0) }
                        }.value
                    }
                }
                throw cancelled ? CancellationError() : error
            }
        }
    }

    struct Outcome {
        var counts: [EvaluationStatus: Int] = [:]
        var measureCounts: [MeasureVerdict: Int] = [:]
        var results = 0
        var fingerprint = ""
        var flagsOpened = 0
        var flagsReopened = 0
        var flagsResolved = 0
    }

    private func evaluate(
        runID: Int64, programme: Programme, policy: EvaluationPolicy, tree: TerritoryTree, scope: Set<Territory.ID>?,
        connection: PostgresConnection, progress: @Sendable (String) -> Void
    ) async throws -> Outcome {
        let indicators = try await repository.indicators(programmeID: programme.id, asOf: policy.asOf)
        let sectionOwners = try await repository.sectionOwners(programmeID: programme.id, on: policy.asOf)
        let indicatorOwners = try await repository.indicatorOwners(programmeID: programme.id, on: policy.asOf)
        let cutoff = Self.cutoff(for: policy.asOf)
        let revised = try await repository.targetsInForce(programmeID: programme.id, asOf: policy.asOf, cutoff: cutoff)
        let underException = try await repository.cellsEnteredUnderException(programmeID: programme.id, cutoff: cutoff)
        let scopeList = scope.map { Array($0).sorted() }
        let bottomUp = tree.byID.keys.sorted {
            depth(of: $0, in: tree) > depth(of: $1, in: tree) || (depth(of: $0, in: tree) == depth(of: $1, in: tree) && $0 < $1)
        }

        var outcome = Outcome()
        var hasher = SHA256()
        var batch: [ResultRow] = []
        batch.reserveCapacity(60_000)
        var nextReport = 0

        // Indicators are read and judged a few ahead while earlier ones are written: judging is
        // pure, so it runs on the other core beside the reads and the COPY on the run's connection.
        let repository = self.repository
        let flagTerritories = scopeList ?? tree.byID.keys.sorted()
        func judge(_ indicator: EvaluatedIndicator) -> Task<(rows: [ResultRow], flags: FlagChanges), any Error> {
            Task {
                let revisedHere = revised[indicator.id] ?? [:]
                let exceptedHere = underException[indicator.id] ?? []
                let targetFacts = try await repository.facts(
                    indicatorID: indicator.id, territories: scopeList, cutoff: cutoff, revised: revisedHere)
                let existingFlags = try await repository.flags(indicatorID: indicator.id, territories: flagTerritories)
                let rows = IndicatorEvaluation(
                    indicator: indicator, facts: targetFacts, tree: tree, bottomUp: bottomUp, policy: policy,
                    sectionOwner: sectionOwners[indicator.sectionID], owners: indicatorOwners
                ).rows()
                var found: [FlagIdentity] = []
                for row in rows {
                    for kind in FlagKind.raised(
                        by: row.judgement.status, reconciliation: row.reconciliation, outlier: row.outlier,
                        owned: row.indicatorOwner != nil,
                        eased: !revisedHere.isEmpty
                            && revisedHere[TargetCell(territoryID: row.territoryID, periodStart: row.judgement.period.start)]?.easedAfterStart
                                == true,
                        underException: !exceptedHere.isEmpty
                            && exceptedHere.contains(TargetCell(territoryID: row.territoryID, periodStart: row.judgement.period.start))
                    ) {
                        found.append(FlagIdentity(territoryID: row.territoryID, periodStart: row.judgement.period.start, kind: kind))
                    }
                }
                return (rows, FlagChanges.between(found: found, existing: existingFlags))
            }
        }
        // Three ahead keeps both cores busy; each takes up to two pool connections, and the
        // server's API shares the pool with an evaluation started through it.
        let ahead = 3
        var pending = indicators.prefix(ahead).map(judge)
        defer { pending.forEach { $0.cancel() } }
        var opened: [(indicatorID: Indicator.ID, identity: FlagIdentity)] = []
        var reopen: [Int64] = []
        var resolve: [Int64] = []
        var statusCounts: [EvaluationStatus: Int] = [:]
        func flush() async throws {
            let (results, newFlags) = (batch, opened)
            try await connection.unlessClosed("writing results") { connection in
                try await repository.write(results, runID: runID, on: connection)
                try await repository.open(newFlags, programmeID: programme.id, runID: runID, on: connection)
            }
            outcome.flagsOpened += opened.count
            batch.removeAll(keepingCapacity: true)
            opened.removeAll(keepingCapacity: true)
        }
        for (index, indicator) in indicators.enumerated() {
            try Task.checkCancellation()
            let (rows, changes) = try await pending.removeFirst().value
            if index + ahead < indicators.count { pending.append(judge(indicators[index + ahead])) }

            for row in rows {
                statusCounts[row.judgement.status, default: 0] += 1
                Self.fingerprint(row, into: &hasher)
            }
            opened.append(contentsOf: changes.opened.map { (indicator.id, $0) })
            reopen.append(contentsOf: changes.reopened)
            resolve.append(contentsOf: changes.resolved)
            outcome.results += rows.count
            batch.append(contentsOf: rows)
            if batch.count >= 50_000 { try await flush() }
            if outcome.results >= nextReport {
                progress("run \(runID): \(index + 1)/\(indicators.count) indicators, \(outcome.results) results")
                nextReport = outcome.results + 500_000
            }
        }
        try await flush()
        for (status, count) in statusCounts { outcome.counts[status] = count }
        try await connection.unlessClosed("reopening and resolving flags") { [reopen, resolve] in
            try await repository.change(reopen: reopen, resolve: resolve, runID: runID, on: $0)
        }
        (outcome.flagsReopened, outcome.flagsResolved) = (reopen.count, resolve.count)
        progress("run \(runID): \(indicators.count)/\(indicators.count) indicators, \(outcome.results) results")

        // Measures.
        var measureRows: [(MeasureFact, MeasureVerdict, Int64?)] = []
        for measure in try await repository.measures(programmeID: programme.id, territories: scopeList, asOf: policy.asOf, cutoff: cutoff) {
            let verdict = MeasureVerdict.judge(status: measure.status, deadline: measure.deadline, asOf: policy.asOf)
            measureRows.append((measure, verdict, sectionOwners[measure.sectionID]))
            outcome.measureCounts[verdict, default: 0] += 1
            hasher.update(data: Data("m\(measure.id)|\(verdict.rawValue)\n".utf8))
        }
        try await connection.unlessClosed("writing measure verdicts") { [measureRows] in
            try await repository.writeMeasures(measureRows, runID: runID, on: $0)
        }
        outcome.fingerprint = Secrets.hex(hasher.finalize())
        return outcome
    }

    /// "12.3 s", for progress lines.
    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        return String(format: "%.1f s", elapsed.inSeconds)
    }

    /// Adds a result to the fingerprint as fixed-width numbers (cheap, and independent of how
    /// numbers are printed).
    static func fingerprint(_ row: ResultRow, into hasher: inout SHA256) {
        let j = row.judgement
        let missing = UInt64.max
        let statusIndex = UInt64(EvaluationStatus.allCases.firstIndex(of: j.status) ?? 0)
        // A tuple rather than an array: the same nine words in a row, without an allocation per result.
        let words = (
            UInt64(bitPattern: row.indicatorID), UInt64(bitPattern: row.territoryID), UInt64(bitPattern: Int64(j.period.ordinal)),
            statusIndex, j.target.bitPattern, j.actual?.bitPattern ?? missing, j.projected?.bitPattern ?? missing,
            UInt64((row.reconciliation ? 1 : 0) | (row.outlier ? 2 : 0) | (row.rolledUp ? 4 : 0)), UInt64(bitPattern: row.indicatorOwner ?? 0)
        )
        withUnsafeBytes(of: words) { hasher.update(bufferPointer: $0) }
    }

    private func depth(of id: Territory.ID, in tree: TerritoryTree) -> Int {
        tree.ancestry(of: id).count
    }
}

/// The judgement of one indicator in every territory of the run: roll-ups bottom-up, the rules,
/// reconciliation and outlier checks, owners. Pure: facts in, rows out.
struct IndicatorEvaluation {
    let indicator: EvaluatedIndicator
    let facts: [TargetFact]
    let tree: TerritoryTree
    let bottomUp: [Territory.ID]
    let policy: EvaluationPolicy
    let sectionOwner: Int64?
    let owners: [IndicatorInTerritory: Int64]

    func rows() -> [ResultRow] {
        // Periods become slots (their ordinal from the first one): arrays indexed by slot replace
        // dictionaries keyed by day, which cost a hash per lookup, millions of times per run.
        let periodOf = facts.map { Period(start: $0.periodStart, periodicity: indicator.periodicity) }
        let ordinals = periodOf.compactMap { $0?.ordinal }
        let first = ordinals.min() ?? 0
        let slots = (ordinals.max() ?? first) - first + 1
        var byTerritory: [Territory.ID: [Int]] = [:]
        for index in facts.indices { byTerritory[facts[index].territoryID, default: []].append(index) }
        // The value each territory stands at per slot: rolled up from below, or its own.
        var effective: [Territory.ID: [Double?]] = [:]
        var rows: [ResultRow] = []
        rows.reserveCapacity(facts.count)

        // Own values of siblings per slot, for the peer outlier check.
        var siblingsOwn: [Territory.ID: [[Double]]] = [:]
        for (territory, indices) in byTerritory {
            guard let parent = tree.byID[territory]?.parentID else { continue }
            for index in indices {
                guard let period = periodOf[index], let value = facts[index].value else { continue }
                siblingsOwn[parent, default: Array(repeating: [], count: slots)][period.ordinal - first].append(value)
            }
        }

        for territory in bottomUp {
            guard let indices = byTerritory[territory] else { continue }
            // Children with their figures; which of them count is decided per period, since
            // classifier editions retire territories and form new ones.
            let children = (tree.children[territory] ?? []).compactMap { child in
                effective[child].flatMap { values in tree.byID[child].map { (territory: $0, values: values) } }
            }
            var points: [SeriesPoint] = []
            points.reserveCapacity(indices.count)
            var rolledAt = [Bool](repeating: false, count: slots)
            var disagreesAt = [Bool](repeating: false, count: slots)
            var values = [Double?](repeating: nil, count: slots)
            var own = [Double?](repeating: nil, count: slots)
            for index in indices {
                let fact = facts[index]
                guard let period = periodOf[index] else { continue }
                let slot = period.ordinal - first
                own[slot] = fact.value
                var rolled: Double?
                if !children.isEmpty {
                    let counted = children.filter { RollUp.counts($0.territory, in: period) }
                    rolled = counted.isEmpty ? nil : RollUp.combine(counted.map { $0.values[slot] }, by: indicator.traits.aggregation)
                }
                let value = rolled ?? fact.value
                rolledAt[slot] = rolled != nil
                disagreesAt[slot] =
                    rolled.flatMap { r in fact.value.map { RollUp.disagrees(own: $0, rolledUp: r, tolerance: policy.reconciliationTolerance) } }
                    ?? false
                if let value { values[slot] = value }
                points.append(SeriesPoint(period: period, target: fact.target, value: value))
            }
            effective[territory] = values

            let judgements = EvaluationRules.judge(points, traits: indicator.traits, policy: policy)
            let peersBySlot = tree.byID[territory]?.parentID.flatMap { siblingsOwn[$0] }
            var history: [Double] = []
            let owner = owners[IndicatorInTerritory(indicatorID: indicator.id, territoryID: territory)]
            for judgement in judgements {
                let slot = judgement.period.ordinal - first
                let inRange = slot >= 0 && slot < slots
                let ownValue = inRange ? own[slot] : nil
                var outlier = false
                if let ownValue {
                    let peers = peersBySlot?[slot] ?? []
                    outlier =
                        Outliers.isOutlier(ownValue, against: history, threshold: policy.outlierThreshold)
                        || Outliers.isOutlier(ownValue, against: peers, threshold: policy.outlierThreshold)
                    history.append(ownValue)
                }
                rows.append(
                    ResultRow(
                        indicatorID: indicator.id, territoryID: territory, judgement: judgement, rolledUp: inRange && rolledAt[slot],
                        ownValue: ownValue, reconciliation: inRange && disagreesAt[slot], outlier: outlier,
                        sectionOwner: sectionOwner, indicatorOwner: owner))
            }
        }
        // The written order is stable: territory, then period.
        rows.sort { ($0.territoryID, $0.judgement.period.start) < ($1.territoryID, $1.judgement.period.start) }
        return rows
    }
}
