import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// A coordinator's explanation of a flag, from the API or the home page.
public struct FlagService: Sendable {
    let reads: EvaluationReadRepository
    let policies: any PolicySource

    public init(client: PostgresClient, logger: Logger, policies: any PolicySource) {
        self.reads = EvaluationReadRepository(client: client, logger: logger)
        self.policies = policies
    }

    /// The flag as it stands after the explanation.
    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden` outside the caller's territories
    ///   and sections (decided before the text is looked at), `.invalid` naming `text`.
    public func explain(flagID: Int64, text: String?, by caller: Caller, requestID: String?) async throws -> EvaluationFlag {
        try await requireAccess(flagID: flagID, by: caller)
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldProblem] = []
        if trimmed.isEmpty { problems.append(FieldProblem(field: "text", reason: "is required")) }
        if let problem = TextLimits.check(trimmed, field: "text", name: "explanation") { problems.append(problem) }
        try ServiceFailure.throwIfAny(problems)
        _ = try await reads.explain(flagID: flagID, text: trimmed, by: caller.accountID, requestID: requestID)
        guard let explained = try await reads.flag(id: flagID) else { throw ServiceFailure.notFound("no flag \(flagID)") }
        return explained
    }

    /// The flag, when the caller may explain it: a presentation that reads its input only after
    /// access is decided asks this first.
    @discardableResult
    public func requireAccess(flagID: Int64, by caller: Caller) async throws -> EvaluationFlag {
        guard let flag = try await reads.flag(id: flagID) else { throw ServiceFailure.notFound("no flag \(flagID)") }
        let policy = try await policies.policy()
        if case .deny(let reason) = policy.decide(caller, .explainFlag, Resource(territoryID: flag.territoryID, sectionID: flag.sectionID)) {
            throw ServiceFailure.forbidden(reason)
        }
        return flag
    }
}
