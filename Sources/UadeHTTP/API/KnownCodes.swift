import HTTPTypes
import UadeStorage

/// Section and indicator codes in list filters must exist: a misspelt `?section=HOUS` answered
/// an empty list, which reads as "nothing there".
struct KnownCodes: Sendable {
    let programmes: ProgrammeRepository

    func section(_ query: QueryParameters) async throws -> String? {
        guard let code = query.string("section") else { return nil }
        guard try await programmes.exists(sectionCode: code) else {
            throw APIError(.unprocessableContent, kind: "unknown-section", detail: "query.section: no section with code '\(code)'",
                           fields: [.init(field: "query.section", reason: "no section with code '\(code)'")])
        }
        return code
    }

    func indicator(_ query: QueryParameters) async throws -> String? {
        guard let code = query.string("indicator") else { return nil }
        guard try await programmes.exists(indicatorCode: code) else {
            throw APIError(.unprocessableContent, kind: "unknown-indicator", detail: "query.indicator: no indicator with code '\(code)'",
                           fields: [.init(field: "query.indicator", reason: "no indicator with code '\(code)'")])
        }
        return code
    }
}
