import Foundation

/// The level of an administrative-territorial unit, as in the KATO classifier.
public enum TerritoryKind: String, Sendable, Codable, CaseIterable {
    case republic
    case region
    case cityRepublican = "city_republican"
    case city
    case district
    case cityDistrict = "city_district"

    /// Kinds allowed directly below this one.
    public var allowedChildren: Set<TerritoryKind> {
        switch self {
        case .republic: [.region, .cityRepublican]
        case .region: [.city, .district]
        case .cityRepublican: [.cityDistrict]
        case .city: [.cityDistrict]
        case .district, .cityDistrict: []
        }
    }
}

/// A KATO code: nine digits. A region's code is its two digits followed by zeros.
public struct KATOCode: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.count == 9, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        value = trimmed
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = KATOCode(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a KATO code has nine digits")
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

public struct Territory: Sendable, Hashable, Identifiable {
    public typealias ID = Int64
    public let id: ID
    public let kato: KATOCode?
    public let kind: TerritoryKind
    public let parentID: ID?
    public let name: LocalizedText
    public let validFrom: Day
    public let validTo: Day?

    public init(id: ID, kato: KATOCode?, kind: TerritoryKind, parentID: ID?, name: LocalizedText, validFrom: Day, validTo: Day?) {
        self.id = id
        self.kato = kato
        self.kind = kind
        self.parentID = parentID
        self.name = name
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// How links and forms name it: its KATO code, or its id when it has none
    /// (``TerritoryTree/find(_:)`` reads either back).
    public var reference: String { kato?.value ?? String(id) }

    /// Whether the territory existed on `day` (boundaries change: `validTo` is exclusive).
    public func isValid(on day: Day) -> Bool {
        validFrom <= day && (validTo.map { day < $0 } ?? true)
    }
}

/// The territories as a tree, for "this territory and everything below it".
public struct TerritoryTree: Sendable {
    public let byID: [Territory.ID: Territory]
    public let children: [Territory.ID: [Territory.ID]]

    public init(_ territories: [Territory]) {
        var byID: [Territory.ID: Territory] = [:]
        var children: [Territory.ID: [Territory.ID]] = [:]
        for territory in territories {
            byID[territory.id] = territory
            if let parent = territory.parentID { children[parent, default: []].append(territory.id) }
        }
        self.byID = byID
        self.children = children.mapValues { $0.sorted() }
    }

    public var roots: [Territory] {
        byID.values.filter { $0.parentID == nil }.sorted { $0.id < $1.id }
    }

    /// The territory itself and all territories below it.
    public func subtree(of id: Territory.ID) -> Set<Territory.ID> {
        var result: Set<Territory.ID> = []
        var stack = [id]
        while let next = stack.popLast() {
            guard result.insert(next).inserted else { continue }
            stack.append(contentsOf: children[next] ?? [])
        }
        return result
    }

    /// The territories directly below `id`, in KATO order, as official lists give them.
    public func childrenInOrder(of id: Territory.ID) -> [Territory.ID] {
        (children[id] ?? []).sorted { (byID[$0]?.reference ?? "", $0) < (byID[$1]?.reference ?? "", $1) }
    }

    /// Every territory down to `maxDepth` levels below the roots, each after its parent and
    /// with its depth: the order of a territory list in a form.
    public func outline(maxDepth: Int) -> [(territory: Territory, depth: Int)] {
        var result: [(territory: Territory, depth: Int)] = []
        func walk(_ id: Territory.ID, depth: Int) {
            guard depth <= maxDepth, let territory = byID[id] else { return }
            result.append((territory, depth))
            for child in childrenInOrder(of: id) { walk(child, depth: depth + 1) }
        }
        for root in roots.sorted(by: { $0.reference < $1.reference }) { walk(root.id, depth: 0) }
        return result
    }

    /// The chain from the territory up to the root, the territory first.
    public func ancestry(of id: Territory.ID) -> [Territory.ID] {
        var result: [Territory.ID] = []
        var current: Territory.ID? = id
        while let c = current, !result.contains(c) {
            result.append(c)
            current = byID[c]?.parentID
        }
        return result
    }

    /// A territory named by KATO code (nine digits are always read as KATO) or by id.
    public func find(_ reference: String) -> Territory? {
        if let kato = KATOCode(reference) { return byID.values.first { $0.kato == kato } }
        return Int64(reference).flatMap { byID[$0] }
    }

    /// What a person typed for a territory, read back.
    public enum Match: Sendable, Equatable {
        case found(Territory)
        /// Why nothing (or more than one) answers to it, in words.
        case missing(LocalizedText)
    }

    /// A territory as a person names it: its KATO code, its id, or its name in any language
    /// (case and spacing aside), optionally followed by its parent's name in brackets where two
    /// territories share a name — the form ``label(_:language:sharedNames:)`` gives. Territories valid on
    /// `day` come first; a name only a retired territory has still finds it.
    public func named(_ text: String, on day: Day) -> Match {
        let typed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !typed.isEmpty else { return .missing(LocalizedText(kk: "толтыру қажет", ru: "обязательное поле", en: "is required")) }
        if let territory = find(typed) { return .found(territory) }
        if KATOCode(typed) != nil || Int64(typed) != nil {
            return .missing(
                LocalizedText(
                    kk: "\(typed) ҚАТО коды немесе нөмірі бар аумақ жоқ", ru: "нет территории с кодом КАТО или номером \(typed)",
                    en: "no territory with the KATO code or id \(typed)"))
        }
        func fold(_ s: String) -> String {
            s.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        func answers(_ territory: Territory, to name: String) -> Bool {
            [territory.name.kk, territory.name.ru, territory.name.en].contains { $0.map(fold) == name }
        }
        var name = fold(typed)
        var parent: String?
        if name.hasSuffix(")"), let open = name.lastIndex(of: "(") {
            parent = fold(String(name[name.index(after: open)..<name.index(before: name.endIndex)]))
            name = fold(String(name[..<open]))
        }
        var candidates = byID.values.filter { answers($0, to: name) }
        if let parent {
            candidates = candidates.filter { t in t.parentID.flatMap { byID[$0] }.map { answers($0, to: parent) } ?? false }
        }
        let valid = candidates.filter { $0.isValid(on: day) }
        let pool = valid.isEmpty ? candidates : valid
        switch pool.count {
        case 0:
            return .missing(
                LocalizedText(
                    kk: "«\(typed)» деп аталатын аумақ жоқ: тізімнен таңдаңыз немесе ҚАТО кодын жазыңыз",
                    ru: "территории «\(typed)» нет: выберите её из списка или укажите код КАТО",
                    en: "no territory is named '\(typed)': pick one from the list, or give its KATO code"))
        case 1: return .found(pool[0])
        default:
            func parents(_ language: Language) -> String {
                pool.compactMap { $0.parentID.flatMap { byID[$0] }?.name.resolved(language) }.sorted().joined(separator: ", ")
            }
            return .missing(
                LocalizedText(
                    kk: "«\(typed)» атауы бірнеше аумақта бар (\(parents(.kk))): тізімнен таңдаңыз немесе ҚАТО кодын жазыңыз",
                    ru: "«\(typed)» называются \(pool.count) территории (\(parents(.ru))): выберите из списка или укажите код КАТО",
                    en: "\(pool.count) territories are named '\(typed)' (in \(parents(.en))): pick one from the list, or give its KATO code"))
        }
    }

    /// How a picker offers the territory: its name in `language`, with its parent's name in
    /// brackets when another territory has the same name (``sharedNames(_:on:)``). ``named(_:on:)``
    /// reads it back.
    public func label(_ territory: Territory, language: Language, sharedNames: Set<String>) -> String {
        let name = territory.name.resolved(language)
        guard sharedNames.contains(name.lowercased()), let parent = territory.parentID.flatMap({ byID[$0] }) else { return name }
        return "\(name) (\(parent.name.resolved(language)))"
    }

    /// The names (lower case) in `language` that two or more territories valid on `day` share.
    public func sharedNames(_ language: Language, on day: Day) -> Set<String> {
        var seen: [String: Int] = [:]
        for territory in byID.values where territory.isValid(on: day) { seen[territory.name.resolved(language).lowercased(), default: 0] += 1 }
        return Set(seen.filter { $0.value > 1 }.keys)
    }

    public func contains(_ descendant: Territory.ID, within ancestor: Territory.ID) -> Bool {
        ancestry(of: descendant).contains(ancestor)
    }
}
