import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeStorage

/// One line of "what is due" on the wire. `DueList` writes this shape by hand; a test holds the
/// two to the same document.
struct DueItemDTO: Codable, Sendable {
    let indicatorCode: String
    let indicatorId: Int64
    let indicatorName: String
    let sectionCode: String
    let unit: String
    let direction: String
    let accumulation: String
    let territoryId: Int64
    let territoryKato: String?
    let territoryName: String
    let period: String
    let periodEnd: String
    let target: Double
    let latestValue: Double?
    let latestEntryId: Int64?
    let latestEnteredAt: Date?
    let deadline: String
    let closesOn: String
    let standing: String

    init(_ item: DueItem, today: Day) {
        indicatorCode = item.indicatorCode
        indicatorId = item.indicatorID
        indicatorName = item.indicatorName
        sectionCode = item.sectionCode
        unit = item.unit
        direction = item.direction.rawValue
        accumulation = item.accumulation.rawValue
        territoryId = item.territoryID
        territoryKato = item.territoryKato
        territoryName = item.territoryName
        period = item.period.code
        periodEnd = item.period.end.iso
        target = item.target
        latestValue = item.latestValue
        latestEntryId = item.latestEntryID
        latestEnteredAt = item.latestEnteredAt
        deadline = item.deadline.iso
        closesOn = item.calendar.closesOn(item.period).iso
        standing = item.calendar.standing(of: item.period, on: today).kind.rawValue
    }
}

/// A page of "what is due", written straight to JSON. It is the read owners and coordinators
/// repeat most, and `JSONEncoder` — converting every key of every item to snake_case — took most
/// of its time. The keys are snake_case and sorted, absent values left out, dates in ISO 8601, as
/// everywhere else in the API.
struct DueList: ResponseGenerator, Sendable {
    let items: [DueItem]
    let total: Int
    let limit: Int?
    let offset: Int?
    /// The day the list is read on, for each item's standing.
    let today: Day

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: json())))
    }

    func json() -> [UInt8] {
        var out = JSONText(capacity: 256 + items.count * 420)
        out.raw("{\"items\":[")
        for (index, item) in items.enumerated() {
            if index > 0 { out.raw(",") }
            out.raw("{\"accumulation\":")
            out.string(item.accumulation.rawValue)
            out.raw(",\"closes_on\":")
            out.string(item.calendar.closesOn(item.period).iso)
            out.raw(",\"deadline\":")
            out.string(item.deadline.iso)
            out.raw(",\"direction\":")
            out.string(item.direction.rawValue)
            out.raw(",\"indicator_code\":")
            out.string(item.indicatorCode)
            out.raw(",\"indicator_id\":")
            out.integer(item.indicatorID)
            out.raw(",\"indicator_name\":")
            out.string(item.indicatorName)
            if let at = item.latestEnteredAt {
                out.raw(",\"latest_entered_at\":")
                out.date(at)
            }
            if let id = item.latestEntryID {
                out.raw(",\"latest_entry_id\":")
                out.integer(id)
            }
            if let value = item.latestValue {
                out.raw(",\"latest_value\":")
                out.number(value)
            }
            out.raw(",\"period\":")
            out.string(item.period.code)
            out.raw(",\"period_end\":")
            out.string(item.period.end.iso)
            out.raw(",\"section_code\":")
            out.string(item.sectionCode)
            out.raw(",\"standing\":")
            out.string(item.calendar.standing(of: item.period, on: today).kind.rawValue)
            out.raw(",\"target\":")
            out.number(item.target)
            out.raw(",\"territory_id\":")
            out.integer(item.territoryID)
            if let kato = item.territoryKato {
                out.raw(",\"territory_kato\":")
                out.string(kato)
            }
            out.raw(",\"territory_name\":")
            out.string(item.territoryName)
            out.raw(",\"unit\":")
            out.string(item.unit)
            out.raw("}")
        }
        out.raw("]")
        if let limit {
            out.raw(",\"limit\":")
            out.integer(Int64(limit))
        }
        if let offset {
            out.raw(",\"offset\":")
            out.integer(Int64(offset))
        }
        out.raw(",\"total\":")
        out.integer(Int64(total))
        out.raw("}")
        return out.bytes
    }
}

/// JSON written byte by byte, for responses on hot paths.
struct JSONText {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Names and codes rarely need escaping: copy them whole when they do not.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case UInt8(ascii: "\n"): raw("\\n")
                case UInt8(ascii: "\r"): raw("\\r")
                case UInt8(ascii: "\t"): raw("\\t")
                case 0..<0x20:
                    raw("\\u00")
                    bytes.append(Self.hexDigit(byte >> 4))
                    bytes.append(Self.hexDigit(byte & 0x0f))
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(value.magnitude)
    }

    /// The decimal digits of `value`, with leading zeros up to `width`.
    private mutating func digits(_ value: UInt64, width: Int = 1) {
        var divisor: UInt64 = 1
        var count = 1
        while count < width || divisor <= value / 10 {
            divisor *= 10
            count += 1
        }
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        } while divisor > 0
    }

    /// Whole numbers without a fraction, as JSONEncoder writes them; others in Swift's shortest
    /// exact form. Values stored are always finite.
    mutating func number(_ value: Double) {
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            integer(Int64(value))
        } else if value.isFinite {
            bytes.append(contentsOf: value.description.utf8)
        } else {
            raw("null")
        }
    }

    /// `2026-11-21T08:30:00Z`: UTC to the second, as JSONEncoder's `.iso8601`.
    mutating func date(_ date: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, second) = (seconds / 86_400 - (seconds % 86_400 < 0 ? 1 : 0), Int((seconds % 86_400 + 86_400) % 86_400))
        let day = Day(daysSinceEpoch: Int(days))
        bytes.append(UInt8(ascii: "\""))
        digits(UInt64(day.year), width: 4)
        bytes.append(UInt8(ascii: "-"))
        digits(UInt64(day.month), width: 2)
        bytes.append(UInt8(ascii: "-"))
        digits(UInt64(day.day), width: 2)
        bytes.append(UInt8(ascii: "T"))
        digits(UInt64(second / 3600), width: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(UInt64(second % 3600 / 60), width: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(UInt64(second % 60), width: 2)
        raw("Z\"")
    }
}
