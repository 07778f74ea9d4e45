import Foundation
import Hummingbird
import NIOCore
import UadeDomain
import UadeServices

/// An error answered as `application/problem+json` (RFC 9457), naming the offending fields.
public struct APIError: HTTPResponseError, Sendable {
    public struct FieldProblem: Codable, Sendable, Equatable {
        /// Where the value came from: `query.lang`, `body.value`, `path.kato`, `csv:12:value`.
        public let field: String
        public let reason: String

        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }
    }

    public let status: HTTPResponse.Status
    /// A stable machine-readable kind, e.g. `invalid-parameter`, `not-found`.
    public let kind: ProblemCode
    public let detail: String
    public let fields: [FieldProblem]

    /// How many problems there are when `fields` lists only the first of them.
    public var problemCount: Int? = nil
    /// Whether a write's commit may have happened although the answer is an error (a
    /// connection lost mid-write): the client should read back or retry with its idempotency key.
    public var commitOutcome: CommitOutcome? = nil

    public enum CommitOutcome: String, Codable, Sendable {
        /// The write was refused or rolled back: nothing of it is stored.
        case notCommitted = "not_committed"
        /// The connection went away while the write ran or committed: it may be stored or not.
        case unknown
    }

    public init(_ status: HTTPResponse.Status, kind: ProblemCode, detail: String, fields: [FieldProblem] = []) {
        self.status = status
        self.kind = kind
        self.detail = detail
        self.fields = fields
    }

    /// The first `limit` problems, saying how many there are and that the list is cut.
    public init(_ status: HTTPResponse.Status, kind: ProblemCode, detail: String, fields: [FieldProblem], listingAtMost limit: Int) {
        self.init(status, kind: kind, detail: detail, fields: Array(fields.prefix(limit)))
        if fields.count > limit { problemCount = fields.count }
    }

    /// A service's refusal as HTTP says it; `prefix` places its field names (`body.`, `query.`).
    /// `invalidStatus` is 400 for a query's parameters, 422 for a body.
    public init(_ failure: ServiceFailure, fieldPrefix prefix: String = "body.", invalidStatus: HTTPResponse.Status = .unprocessableContent) {
        let status: HTTPResponse.Status =
            switch failure.kind {
            case .invalid: invalidStatus
            case .unauthenticated: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .conflict: .conflict
            }
        // The idempotency key is a header, whatever else the request carried.
        let fields = failure.problems.map { FieldProblem(field: ($0.field == "Idempotency-Key" ? "header." : prefix) + $0.field, reason: $0.reason) }
        // A detail that lists the problems names the fields as the document does.
        let listed = failure.detail == ServiceFailure.listing(failure.problems)
        self.init(
            status, kind: failure.code, detail: listed ? fields.map { "\($0.field): \($0.reason)" }.joined(separator: "; ") : failure.detail,
            fields: fields)
    }

    /// Runs a service call, answering its refusal as a problem document.
    public static func answering<T>(fieldPrefix prefix: String = "body.", _ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let failure as ServiceFailure {
            throw APIError(failure, fieldPrefix: prefix)
        }
    }

    public static func forbidden(_ detail: String) -> APIError {
        APIError(.forbidden, kind: .forbidden, detail: detail)
    }

    public static func notFound(_ detail: String) -> APIError {
        APIError(.notFound, kind: .notFound, detail: detail)
    }

    public static func invalidParameter(_ field: String, _ reason: String) -> APIError {
        APIError(.badRequest, kind: .invalidParameter, detail: "\(field): \(reason)", fields: [FieldProblem(field: field, reason: reason)])
    }

    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let fields: [FieldProblem]?
        let problemCount: Int?
        let fieldsTruncated: Bool?
        let commitOutcome: CommitOutcome?
        let requestId: String?

        enum CodingKeys: String, CodingKey {
            case type, title, status, detail, fields
            case problemCount = "problem_count"
            case fieldsTruncated = "fields_truncated"
            case commitOutcome = "commit_outcome"
            case requestId = "request_id"
        }
    }

    public var headers: HTTPFields { [.contentType: "application/problem+json"] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try response(requestID: context.id)
    }

    func response(requestID: String?) throws -> Response {
        let body = Body(
            type: "https://uade.kz/problems/\(kind.rawValue)", title: status.reasonPhrase, status: status.code,
            detail: detail, fields: fields.isEmpty ? nil : fields, problemCount: problemCount,
            fieldsTruncated: problemCount.map { _ in true }, commitOutcome: commitOutcome, requestId: requestID
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
