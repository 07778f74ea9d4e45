import Foundation

/// Counts keyed by a status, stored as a JSON object of the statuses' codes.
enum RunCounts {
    static func encode<Key: RawRepresentable<String>>(_ counts: [Key: Int]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        return String(decoding: try encoder.encode(plain), as: UTF8.self)
    }

    /// A code no longer known is left out rather than failing the read of the whole run.
    static func decode<Key: RawRepresentable<String> & Hashable>(_ json: String) -> [Key: Int] {
        guard let plain = try? JSONDecoder().decode([String: Int].self, from: Data(json.utf8)) else { return [:] }
        var counts: [Key: Int] = [:]
        for (code, count) in plain { if let key = Key(rawValue: code) { counts[key] = count } }
        return counts
    }
}
