/// How long each kind of text a person writes may be, the same through the API, the pages and
/// CSV files. A bound on every text keeps one careless paste (or a hostile 50 MB comment) out of
/// every page, history and report that shows it.
public enum TextLimits {
    /// Free text that explains: comments and flag explanations.
    public static let prose = 4_000
    /// Shorter explanations: evidence (usually a link or a document number), correction
    /// reasons, resolution texts.
    public static let note = 2_000
    /// Titles and offices: hearing titles, executors.
    public static let title = 300
    /// Names, codes, references, dates, usernames, passwords and other short values.
    public static let short = 200

    /// The limit of a field by its name in the API (the same names are the CSV columns and the
    /// pages' form fields, whose `maxlength` says the same).
    public static func maximum(for field: String) -> Int {
        switch field {
        case "comment", "text", "explanation": prose
        case "evidence", "reason", "correction_reason", "description": note
        case "title", "office", "executor": title
        default: short
        }
    }

    /// A problem when `text` is longer than its field allows, counted in characters as people
    /// count them.
    public static func check(_ text: String, field: String, name: String? = nil) -> FieldProblem? {
        let limit = maximum(for: name ?? field)
        // Characters as people count them, and at most two scalars each on average, so that one
        // letter with ten million combining marks is not one character's worth. Counting stops
        // past the limit, so a 50 MB text costs no more than a long one.
        guard text.unicodeScalars.prefix(2 * limit + 1).count > 2 * limit || text.prefix(limit + 1).count > limit else { return nil }
        return FieldProblem(
            field: field, reason: "must be at most \(limit) characters long",
            words: LocalizedText(
                kk: "ең көбі \(limit) таңба болуы керек", ru: "не длиннее \(limit) символов", en: "must be at most \(limit) characters long"))
    }
}
