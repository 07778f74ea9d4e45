import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import UadeDomain
import UadeReports

/// The page templates and the chrome every page shares: labels in the visitor's language, the
/// navigation for their roles, the CSRF token for forms, the language switch.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: ByteBuffer
    let script: ByteBuffer

    /// The copied `Web/Resources` folder; Foundation's bundle layout differs between platforms.
    static var resources: URL? {
        let candidates = [Bundle.module.bundleURL.appendingPathComponent("Resources"), Bundle.module.resourceURL].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("templates").path) }
    }

    /// Reads the templates once at start-up; a template that does not parse stops the service.
    init() throws {
        guard let root = Self.resources else { throw WebSetupError.missingResources }
        var library = MustacheLibrary()
        let folder = root.appendingPathComponent("templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        self.library = library
        func asset(_ name: String) throws -> ByteBuffer {
            ByteBuffer(bytes: Array(try Data(contentsOf: root.appendingPathComponent("static/\(name)"))))
        }
        stylesheet = try asset("uade.css")
        script = try asset("uade.js")
    }

    enum WebSetupError: Error {
        case missingResources
        case unknownTemplate(String)
    }

    struct NavItem {
        let href: String
        let label: String
        let current: Bool
    }

    /// The links a caller sees: only what their roles can open.
    static func navigation(_ caller: Caller?, path: String, labels t: [String: String]) -> [NavItem] {
        var items: [(String, String)] = []
        if let caller {
            items.append(("/", "nav_home"))
            if caller.holds(.coordinator) || caller.isAdministrator {
                items.append(("/due", "nav_due"))
                items.append(("/upload", "nav_upload"))
                items.append(("/flags", "nav_flags"))
                items.append(("/exceptions", "nav_exceptions"))
            }
            if caller.holds(.bureauMember) || caller.isAdministrator || caller.holds(.factionStaff) || caller.holds(.observer) {
                items.append(("/heatmap", "nav_heatmap"))
            }
            if caller.holds(.councilMember) { items.append(("/mine", "nav_mine")) }
            if caller.holds(.factionStaff) || caller.isAdministrator || caller.holds(.bureauMember) { items.append(("/hearings", "nav_hearings")) }
            if caller.holds(.programmeOffice) || caller.isAdministrator { items.append(("/roadmaps", "nav_roadmaps")) }
            if caller.holds(.programmeOffice) || caller.isAdministrator || caller.holds(.bureauMember) {
                items.append(("/revisions", "nav_revisions"))
            }
            if caller.isAdministrator {
                items.append(("/admin/accounts", "nav_accounts"))
                items.append(("/admin/ownership", "nav_ownership"))
                items.append(("/admin/evaluations", "nav_evaluations"))
                items.append(("/admin/timeliness", "nav_timeliness"))
            }
        }
        items.append(("/progress", "nav_public"))
        return items.map { href, key in
            NavItem(href: href, label: t[key] ?? key, current: href == "/" ? path == "/" : path.hasPrefix(href))
        }
    }

    /// Renders `template` inside the layout. `data` is what the template itself reads.
    func render(
        _ template: String, title: String, request: Request, context: AppRequestContext, data: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let language = context.language ?? .ru
        let t = WebText.labels(language)
        var csrf: String?
        if case .session(_, let token) = context.authentication { csrf = token }
        var page = data
        page["t"] = t
        page["lang"] = language.rawValue
        page["title"] = title
        page["csrf"] = csrf ?? context.loginCSRF ?? ""
        // Only set when signed in: a nil inside Any would count as present in a Mustache section.
        if let caller = context.caller {
            page["user"] = [
                "username": caller.username,
                "roles": Array(Set(caller.grants.map { t["role_\($0.role.rawValue)"] ?? $0.role.rawValue })).sorted().joined(separator: ", "),
            ]
        }
        page["nav"] = Self.navigation(context.caller, path: request.uri.path, labels: t)
        page["here"] = request.uri.description
        page["languages"] = Language.allCases.map { ["code": $0.rawValue, "name": Self.languageName($0), "current": $0 == language] }
        if let notice = request.uri.queryParameters.get("notice"), let text = t[notice] { page["notice"] = text }
        guard let html = library.render(page, withTemplate: template) else { throw WebSetupError.unknownTemplate(template) }
        return Self.html(html, status: status)
    }

    static func languageName(_ language: Language) -> String {
        switch language {
        case .kk: "Қазақша"
        case .ru: "Русский"
        case .en: "English"
        }
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "same-origin"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// After a successful form: back to a page (303, so that reloading does not send it again).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}

/// Values a template shows, in the visitor's language.
enum Show {
    static func number(_ value: Double?, _ language: Language) -> String {
        value.map { NumberFormat.format($0, language) } ?? "—"
    }

    /// The sign is the reports' own (``Charts/style(_:)``), so a status looks alike everywhere.
    static func status(_ status: EvaluationStatus, _ t: [String: String]) -> [String: String] {
        ["code": status.rawValue, "sign": Charts.style(status.rawValue).sign, "label": t["status_\(status.rawValue)"] ?? status.rawValue]
    }

    /// "1–20 из 57": Kazakh names the whole first ("57 ішінен 1–20").
    static func range(from: Int, to: Int, of total: Int, _ language: Language) -> String {
        switch language {
        case .kk: "\(total) ішінен \(from)–\(to)"
        case .ru: "\(from)–\(to) из \(total)"
        case .en: "\(from)–\(to) of \(total)"
        }
    }

    /// "17 Nov 2026" the way each language writes a date.
    static func day(_ day: Day, _ language: Language) -> String {
        switch language {
        case .en: day.iso
        case .kk, .ru: String(format: "%02d.%02d.%04d", day.day, day.month, day.year)
        }
    }

    static func timestamp(_ date: Date, _ language: Language) -> String {
        let seconds = date.timeIntervalSince1970 + Double(Day.kazakhstanUTCOffsetSeconds)
        let dayValue = Day.inKazakhstan(secondsSince1970: date.timeIntervalSince1970)
        let secondOfDay = Int(seconds.truncatingRemainder(dividingBy: 86_400))
        return self.day(dayValue, language) + String(format: " %02d:%02d", secondOfDay / 3600, secondOfDay % 3600 / 60)
    }
}

/// Empty text counts as nothing in a section, as in the Mustache reference implementation, so
/// `{{#comment}}…{{/comment}}` leaves out an empty comment instead of printing its frame.
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { isEmpty }
}
