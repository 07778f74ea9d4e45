import UadeDomain
import UadeStorage

/// Why a workflow refused: one decision, which the API answers as problem+json, the pages as
/// form errors beside their fields and the command line as a message.
public struct ServiceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input is wrong: `problems` name the fields.
        case invalid
        /// Nobody is signed in, or the credentials are wrong.
        case unauthenticated
        /// The caller may not do this here.
        case forbidden
        case notFound
        /// The state of things refuses it (a run already under way, a value recorded meanwhile).
        case conflict
    }

    public let kind: Kind
    public let code: ProblemCode
    public let detail: String
    public var problems: [FieldProblem]

    public init(_ kind: Kind, code: ProblemCode, detail: String, problems: [FieldProblem] = []) {
        self.kind = kind
        self.code = code
        self.detail = detail
        self.problems = problems
    }

    public var description: String { detail }

    public static func forbidden(_ detail: String) -> ServiceFailure { ServiceFailure(.forbidden, code: .forbidden, detail: detail) }
    /// A refusal of `field` alone.
    public static func invalid(_ field: String, _ reason: String, code: ProblemCode = .invalidFields) -> ServiceFailure {
        let problem = FieldProblem(field: field, reason: reason)
        return ServiceFailure(.invalid, code: code, detail: listing([problem]), problems: [problem])
    }

    /// "field: reason; field: reason", the detail of a refusal that is its list of problems.
    public static func listing(_ problems: [FieldProblem]) -> String {
        problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; ")
    }

    /// Throws `.invalid` naming every problem, when there are any.
    public static func throwIfAny(_ problems: [FieldProblem], code: ProblemCode = .invalidFields) throws(ServiceFailure) {
        guard !problems.isEmpty else { return }
        throw ServiceFailure(.invalid, code: code, detail: listing(problems), problems: problems)
    }

    public static func notFound(_ detail: String) -> ServiceFailure { ServiceFailure(.notFound, code: .notFound, detail: detail) }

    /// A write retried with a key that cannot replay it.
    static func idempotency(_ conflict: IdempotencyConflict) -> ServiceFailure {
        switch conflict.reason {
        case .otherRequest:
            ServiceFailure(
                .conflict, code: .idempotencyKeyReused, detail: "the Idempotency-Key '\(conflict.key)' was used for a different request",
                problems: [FieldProblem(field: "Idempotency-Key", reason: "already used with another body")])
        case .answerUnreadable:
            ServiceFailure(
                .conflict, code: .idempotencyAnswerUnavailable,
                detail:
                    "the write with Idempotency-Key '\(conflict.key)' was made earlier, but its answer can no longer be given; read the current state"
            )
        }
    }
}

/// Where the access policy comes from: the HTTP layer keeps it a few seconds, the command line
/// reads it once.
public protocol PolicySource: Sendable {
    func policy() async throws -> AccessPolicy
}

/// Who asks for a change to accounts: a signed-in person, whom the access policy checks, or the
/// operator at the server's command line, who may do what an administrator may.
public enum Requester: Sendable {
    case caller(Caller)
    case commandLine

    /// The account the audit log names; nil for the command line.
    public var accountID: Int64? {
        if case .caller(let caller) = self { caller.accountID } else { nil }
    }
}
