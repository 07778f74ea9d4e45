import HTTPTypes
import Hummingbird
import UadeStorage

/// The HTTP side of idempotent writes, shared by every route that accepts `Idempotency-Key`.
enum IdempotentWrites {
    /// The client's key, checked; nil when none was sent.
    static func key(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard (1...200).contains(key.count) else { throw APIError.invalidParameter("header.Idempotency-Key", "must be 1 to 200 characters") }
        return key
    }

    /// The stored answer as a response; a replay says so in `Idempotent-Replayed`.
    static func response(_ stored: StoredResponse) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if stored.replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return Response(status: .init(code: stored.status), headers: headers, body: .init(byteBuffer: .init(string: stored.body)))
    }

    static func conflict(_ conflict: IdempotencyConflict) -> APIError {
        APIError(.conflict, kind: "idempotency-key-reused", detail: "the Idempotency-Key '\(conflict.key)' was used for a different request",
                 fields: [.init(field: "header.Idempotency-Key", reason: "already used with another body")])
    }
}
