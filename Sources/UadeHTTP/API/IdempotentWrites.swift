import HTTPTypes
import Hummingbird
import UadeServices
import UadeStorage

/// The HTTP side of idempotent writes, shared by every route that accepts `Idempotency-Key`.
enum IdempotentWrites {
    /// The client's key, checked; nil when none was sent.
    static func key(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard (1...200).contains(key.count) else { throw APIError.invalidParameter("header.Idempotency-Key", "must be 1 to 200 characters") }
        return key
    }

    /// 201 with what was written; a replay of an earlier request's write says so in `Idempotent-Replayed`.
    static func created(_ body: some ResponseEncodable, replayed: Bool, request: Request, context: AppRequestContext) throws -> Response {
        var response = try body.response(from: request, context: context)
        response.status = .created
        if replayed { response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return response
    }

    static func conflict(_ conflict: IdempotencyConflict) -> APIError {
        APIError(
            .conflict, kind: .idempotencyKeyReused, detail: "the Idempotency-Key '\(conflict.key)' was used for a different request",
            fields: [.init(field: "header.Idempotency-Key", reason: "already used with another body")])
    }
}
