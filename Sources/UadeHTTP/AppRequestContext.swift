import Foundation
import Hummingbird
import UadeDomain
import UadeServices

/// How the caller proved who they are.
public enum Authentication: Sendable {
    /// A browser session cookie; unsafe requests must echo its CSRF token.
    case session(token: String, csrfToken: String)
    /// `Authorization: Bearer` with an API token; no cookie, so no CSRF exposure.
    case apiToken
}

/// The request context of every route.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` when the request carries a valid session or token.
    public var caller: Caller?
    public var authentication: Authentication?
    /// Web pages: the language chosen for this visitor (set by `WebMiddleware`).
    public var language: Language?
    /// Web pages without a session (the login form): the double-submit token of this browser.
    public var loginCSRF: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// API bodies use snake_case keys and ISO dates.
    public var responseEncoder: JSONEncoder { Self.encoder }

    public var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The authenticated caller, or 401.
    public func requireCaller() throws -> Caller {
        guard let caller else {
            throw APIError(.unauthorized, kind: .unauthenticated, detail: "log in (POST /api/v1/session) or send Authorization: Bearer <token>")
        }
        return caller
    }
}
