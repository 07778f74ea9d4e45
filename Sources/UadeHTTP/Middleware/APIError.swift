import Foundation
import Hummingbird
import NIOCore

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
    public let kind: String
    public let detail: String
    public let fields: [FieldProblem]

    public init(_ status: HTTPResponse.Status, kind: String, detail: String, fields: [FieldProblem] = []) {
        self.status = status
        self.kind = kind
        self.detail = detail
        self.fields = fields
    }

    public static func notFound(_ detail: String) -> APIError {
        APIError(.notFound, kind: "not-found", detail: detail)
    }

    public static func invalidParameter(_ field: String, _ reason: String) -> APIError {
        APIError(.badRequest, kind: "invalid-parameter", detail: "\(field): \(reason)", fields: [FieldProblem(field: field, reason: reason)])
    }

    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let fields: [FieldProblem]?
        let requestId: String?

        enum CodingKeys: String, CodingKey {
            case type, title, status, detail, fields
            case requestId = "request_id"
        }
    }

    public var headers: HTTPFields { [.contentType: "application/problem+json"] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try response(requestID: context.id)
    }

    func response(requestID: String?) throws -> Response {
        let body = Body(
            type: "https://uade.kz/problems/\(kind)", title: status.reasonPhrase, status: status.code,
            detail: detail, fields: fields.isEmpty ? nil : fields, requestId: requestID
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
