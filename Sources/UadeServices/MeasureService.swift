import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// A status a coordinator reports for a measure, as the API or a form read it.
public struct MeasureStatusInput: Sendable, Hashable {
    public var status: String?
    public var reason: String?
    public var comment: String?
    public var evidence: String?
    /// Fields the presentation could not read (a number where text belongs).
    public var unreadable: [FieldProblem] = []

    public init(status: String?, reason: String? = nil, comment: String? = nil, evidence: String? = nil) {
        self.status = status
        self.reason = reason
        self.comment = comment
        self.evidence = evidence
    }
}

/// The roadmap's measures: who may list and read them, and status updates by coordinators.
public struct MeasureService: Sendable {
    let measures: MeasureRepository
    let policies: any PolicySource

    public init(client: PostgresClient, logger: Logger, policies: any PolicySource) {
        self.measures = MeasureRepository(client: client, logger: logger)
        self.policies = policies
    }

    /// Territorial roles see every measure of their territories; Bureau members see the measures
    /// of the sections they own, in any territory.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `territory`, `.forbidden`.
    public func list(territory reference: String?, status: MeasureStatus?, by caller: Caller, language: Language, page: PageRequest)
        async throws -> (items: [Measure], total: Int)
    {
        let policy = try await policies.policy()
        var territories = policy.visibleTerritories(caller)
        var sections: [Section.ID]?
        let elsewhere = ServiceFailure.forbidden("outside the territories or sections this account answers for")
        if let reference {
            guard KATOCode(reference) != nil || Int64(reference) != nil else {
                throw ServiceFailure.invalid("territory", "must be a nine-digit KATO code or a territory id, not '\(reference)'")
            }
            guard let territory = policy.tree.find(reference) else {
                throw ServiceFailure.invalid("territory", "no territory with this KATO code or id", code: .unknownTerritory)
            }
            let subtree = policy.tree.subtree(of: territory.id)
            if policy.decide(caller, .readProgress, Resource(territoryID: territory.id)).isAllowed {
                territories = subtree
            } else if !policy.readableSections(caller).isEmpty {
                territories = subtree
                sections = Array(policy.readableSections(caller))
            } else {
                throw elsewhere
            }
        } else if territories?.isEmpty == true {
            guard !policy.readableSections(caller).isEmpty else { throw elsewhere }
            territories = nil
            sections = Array(policy.readableSections(caller))
        }
        return try await measures.list(territories: territories.map { Array($0) }, sections: sections, status: status, language: language, page: page)
    }

    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden`.
    public func measure(_ code: String, by caller: Caller, language: Language) async throws -> Measure {
        try await find(code, language: language, action: .readProgress, by: caller)
    }

    /// Every status reported for the measure, oldest first.
    public func history(_ code: String, by caller: Caller) async throws -> [MeasureStatusUpdate] {
        let measure = try await find(code, language: .ru, action: .readProgress, by: caller)
        return try await measures.history(measureID: measure.id)
    }

    /// The measure, when the caller may report on it: asked before the input is read.
    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden`.
    @discardableResult
    public func requireReporting(_ code: String, by caller: Caller) async throws -> Measure {
        try await find(code, language: .ru, action: .writeProgress, by: caller)
    }

    /// Records the status once per idempotency key.
    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden`, `.invalid` naming every field,
    ///   `.conflict` for a key used with another request.
    public func report(_ code: String, _ input: MeasureStatusInput, by caller: Caller, key: String?, requestID: String?) async throws
        -> (update: MeasureStatusUpdate, replayed: Bool)
    {
        let measure = try await requireReporting(code, by: caller)
        var problems = input.unreadable
        if input.status == nil, !problems.contains(where: { $0.field == "status" }) {
            problems.append(FieldProblem(field: "status", reason: "is required"))
        }
        let status = input.status.flatMap(MeasureStatus.init(rawValue:))
        if input.status != nil && status == nil {
            problems.append(FieldProblem(field: "status", reason: "must be one of \(MeasureStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        if let status, let problem = MeasureRules.check(status: status, reason: input.reason) { problems.append(problem) }
        try ServiceFailure.throwIfAny(problems)
        guard let status else { throw ServiceFailure.invalid("status", "is required") }
        let once = key.map {
            IdempotencyKey(
                key: $0,
                requestHash: IdempotencyKey.hash(
                    "measure",
                    [
                        "measure": String(measure.id), "status": status.rawValue, "reason": input.reason, "comment": input.comment,
                        "evidence": input.evidence,
                    ]))
        }
        do {
            return try await measures.updateStatus(
                measureID: measure.id, status: status, reason: input.reason, comment: input.comment, evidence: input.evidence,
                by: caller.accountID, requestID: requestID, once: once)
        } catch let conflict as IdempotencyConflict {
            throw ServiceFailure.idempotency(conflict)
        }
    }

    func find(_ code: String, language: Language, action: Action, by caller: Caller) async throws -> Measure {
        guard let measure = try await measures.find(code: code, language: language) else { throw ServiceFailure.notFound("no measure \(code)") }
        if case .deny(let reason) = try await policies.policy().decide(caller, action, measure.resource) { throw ServiceFailure.forbidden(reason) }
        return measure
    }
}
