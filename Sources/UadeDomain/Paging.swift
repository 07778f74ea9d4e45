/// A page of a long list: `limit` items starting after `offset`.
public struct PageRequest: Sendable, Hashable {
    public static let defaultLimit = 100
    public static let maximumLimit = 1000
    /// No list is longer: an offset beyond it is a mistake (and `offset + limit` stays far from
    /// overflowing wherever a page computes its next one).
    public static let maximumOffset = 100_000_000

    public let limit: Int
    public let offset: Int

    public init(limit: Int = PageRequest.defaultLimit, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }

    public enum Problem: Error, Equatable, Sendable {
        case limitOutOfRange(Int)
        case negativeOffset(Int)
        case offsetOutOfRange(Int)
    }

    /// Validates raw query values; nil means "use the default".
    public static func validated(limit: Int?, offset: Int?) throws(Problem) -> PageRequest {
        let limit = limit ?? defaultLimit
        let offset = offset ?? 0
        guard (1...maximumLimit).contains(limit) else { throw .limitOutOfRange(limit) }
        guard offset >= 0 else { throw .negativeOffset(offset) }
        guard offset <= maximumOffset else { throw .offsetOutOfRange(offset) }
        return PageRequest(limit: limit, offset: offset)
    }
}
