/// The languages of the platform: Kazakh (state language), Russian (official use), English.
public enum Language: String, Sendable, Codable, CaseIterable {
    case kk
    case ru
    case en

    /// The order in which a missing name is looked up. Kazakh and Russian fall back on each
    /// other before English, because every official name exists in at least one of them.
    public var fallbackOrder: [Language] {
        switch self {
        case .kk: [.kk, .ru, .en]
        case .ru: [.ru, .kk, .en]
        case .en: [.en, .ru, .kk]
        }
    }

    /// Reads `kk`, `ru`, `en` (also `kz`, `kaz`, `rus`, `eng`, `ru-RU`, …); nil when unknown.
    public init?(tag: String) {
        let primary = tag.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        switch primary {
        case "kk", "kz", "kaz": self = .kk
        case "ru", "rus": self = .ru
        case "en", "eng": self = .en
        default: return nil
        }
    }
}

/// A name or text held in the three languages; any of them may be missing.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var kk: String?
    public var ru: String?
    public var en: String?

    public init(kk: String?, ru: String?, en: String?) {
        self.kk = kk
        self.ru = ru
        self.en = en
    }

    public func value(in language: Language) -> String? {
        switch language {
        case .kk: kk
        case .ru: ru
        case .en: en
        }
    }

    /// The text in `language`, or in the first language of its fallback order that has one.
    public func resolved(_ language: Language) -> String {
        for candidate in language.fallbackOrder {
            if let text = value(in: candidate), !text.isEmpty { return text }
        }
        return ""
    }
}
