import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import UadeDomain
import UadeServices
import UadeStorage

/// For the pages: picks the visitor's language, gives a browser without a session a token for
/// the login form, and answers errors as pages — 401 sends to the login page, other refusals
/// show what happened in the visitor's language with the right status.
struct WebMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let languageCookie = "uade_lang"
    static let loginCookie = "uade_login"

    let accounts: AccountRepository
    let pages: PageRenderer
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.language = try await language(request, context: context)
        var newLoginToken: String?
        if context.caller == nil {
            if let token = request.cookies[Self.loginCookie]?.value, token.count == 43 {
                context.loginCSRF = token
            } else {
                newLoginToken = randomToken()
                context.loginCSRF = newLoginToken
            }
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try errorPage(status: error.status, detail: error.detail, csrf: error.kind == .csrf, request: request, context: context)
        } catch let error as HTTPError where error.status.code < 500 {
            response = try errorPage(status: error.status, detail: error.body ?? error.status.reasonPhrase, request: request, context: context)
        } catch let error where DatabaseTrouble(error) != nil {
            // A page, in the visitor's language, rather than the API's problem document.
            context.logger.error("database unavailable", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            guard let page = Self.unavailablePage(request, context: context, pages: pages) else { throw error }
            response = page
        }
        if let newLoginToken {
            response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.loginCookie, newLoginToken, maxAge: 12 * 3600)))
        }
        return response
    }

    /// The 503 page for a page request that ran out of time or lost the database, in the
    /// language the request asks for (no database needed to choose it); nil for the API.
    static func unavailablePage(_ request: Request, context: AppRequestContext, pages: PageRenderer) -> Response? {
        let path = request.uri.path
        guard !path.hasPrefix("/api/"), path != "/health", !path.hasPrefix("/static/") else { return nil }
        var context = context
        context.language = context.language ?? requestedLanguage(request)
        let t = WebText.labels(context.language ?? .ru)
        let message = request.method == .get ? t.text("error_unavailable") : t.text("error_unavailable_write")
        guard
            var response = try? pages.render(
                "error", title: t.text("error_title") + " 503", request: request, context: context,
                data: ["message": message, "detail": "", "code": 503], status: .serviceUnavailable)
        else { return nil }
        response.headers[.retryAfter] = "5"
        return response
    }

    /// `?lang=`, the language cookie, then Accept-Language, then Russian: what needs no database.
    static func requestedLanguage(_ request: Request) -> Language {
        if let tag = request.uri.queryParameters.get("lang"), let language = Language(tag: tag) { return language }
        if let tag = request.cookies[languageCookie]?.value, let language = Language(tag: tag) { return language }
        for part in (request.headers[.acceptLanguage] ?? "").split(separator: ",") {
            if let tag = part.split(separator: ";").first, let language = Language(tag: tag.trimmingCharacters(in: .whitespaces)) { return language }
        }
        return .ru
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=\(maxAge)"]
        if secureCookies { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// `?lang=` first, then the account's choice, then the browser's cookie, then its
    /// Accept-Language, then Russian.
    func language(_ request: Request, context: Context) async throws -> Language {
        if let tag = request.uri.queryParameters.get("lang"), let language = Language(tag: tag) { return language }
        if let caller = context.caller, let account = try await accounts.find(id: caller.accountID) { return account.preferredLanguage }
        if let tag = request.cookies[Self.languageCookie]?.value, let language = Language(tag: tag) { return language }
        for part in (request.headers[.acceptLanguage] ?? "").split(separator: ",") {
            if let tag = part.split(separator: ";").first, let language = Language(tag: tag.trimmingCharacters(in: .whitespaces)) { return language }
        }
        return .ru
    }

    func errorPage(status: HTTPResponse.Status, detail: String, csrf: Bool = false, request: Request, context: Context) throws -> Response {
        if status == .unauthorized && request.method == .get {
            let next = request.uri.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
            return PageRenderer.redirect("/login?next=\(next)")
        }
        let language = context.language ?? .ru
        let t = WebText.labels(language)
        // The detail is the API's English; a page says it in its reader's language, or not at all.
        let words = RefusalWords.words(for: detail)?.resolved(language) ?? (language == .en ? detail : "")
        let message =
            switch status {
            case .forbidden: csrf ? t.text("error_csrf") : t.text("error_forbidden")
            case .notFound: t.text("error_not_found")
            case .unauthorized: t.text("login_failed")
            default: words.isEmpty ? t.text("error_generic") : words
            }
        return try pages.render(
            "error", title: t.text("error_title") + " \(status.code)", request: request, context: context,
            data: ["message": message, "detail": words == message ? "" : words, "code": status.code], status: status)
    }
}

func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

extension AppRequestContext {
    /// Checks a form's `_csrf` against the session's token (or, before login, the browser's
    /// login cookie). Every form handler calls this first.
    func requireFormToken(_ form: WebForm) throws {
        let expected: String? = if case .session(_, let token) = authentication { token } else { loginCSRF }
        guard let expected, let sent = form.string("_csrf"), constantTimeEquals(sent, expected) else {
            throw APIError(.forbidden, kind: .csrf, detail: "csrf: the form's token is missing or stale")
        }
    }

    /// The signed-in caller, or a redirect to the login page.
    func requirePageCaller() throws -> Caller {
        guard let caller else { throw APIError(.unauthorized, kind: .unauthenticated, detail: "log in first") }
        return caller
    }
}
