import UadeServices

/// Section and indicator codes in list filters must exist: a misspelt `?section=HOUS` answered
/// an empty list, which reads as "nothing there". The rule is ``ProgressService/requireKnown``;
/// this reads the codes from the query and names the parameter.
struct KnownCodes: Sendable {
    let progress: ProgressService

    func section(_ query: QueryParameters) async throws -> String? {
        try await known(query, "section")
    }

    func indicator(_ query: QueryParameters) async throws -> String? {
        try await known(query, "indicator")
    }

    private func known(_ query: QueryParameters, _ name: String) async throws -> String? {
        guard let code = query.string(name) else { return nil }
        do {
            try await progress.requireKnown(section: name == "section" ? code : nil, indicator: name == "indicator" ? code : nil)
        } catch let failure as ServiceFailure {
            throw APIError(failure, fieldPrefix: "query.")
        }
        return code
    }
}
