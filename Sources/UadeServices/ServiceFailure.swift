import UadeDomain

/// Why a workflow refused: one decision, which the API answers as problem+json, the pages as
/// form errors beside their fields and the command line as a message.
public struct ServiceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input is wrong: `problems` name the fields.
        case invalid
        /// The caller may not do this here.
        case forbidden
        case notFound
        /// The state of things refuses it (a run already under way, a value recorded meanwhile).
        case conflict
    }

    public let kind: Kind
    /// A stable machine-readable code, e.g. `already-running`, `invalid-as-of`.
    public let code: String
    public let detail: String
    public var problems: [FieldProblem]

    public init(_ kind: Kind, code: String, detail: String, problems: [FieldProblem] = []) {
        self.kind = kind
        self.code = code
        self.detail = detail
        self.problems = problems
    }

    public var description: String { detail }

    public static func forbidden(_ detail: String) -> ServiceFailure { ServiceFailure(.forbidden, code: "forbidden", detail: detail) }
    public static func notFound(_ detail: String) -> ServiceFailure { ServiceFailure(.notFound, code: "not-found", detail: detail) }
}

/// Where the access policy comes from: the HTTP layer keeps it a few seconds, the command line
/// reads it once.
public protocol PolicySource: Sendable {
    func policy() async throws -> AccessPolicy
}
