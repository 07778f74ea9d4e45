import Foundation

/// One thing a streamed XML document says.
enum XMLEvent: Equatable {
    /// An element opens; `closed` when it is empty (`<c r="A1"/>`). The name has no prefix.
    case open(name: String, attributes: [String: String], closed: Bool)
    case close(name: String)
    /// Character data, entities decoded. May come in several pieces.
    case text(String)
}

enum XMLStreamError: Error, Equatable, CustomStringConvertible {
    case unterminated(String)
    case malformed(String)

    var description: String {
        switch self {
        case .unterminated(let what): "the XML ends inside \(what)"
        case .malformed(let what): "the XML is malformed: \(what)"
        }
    }
}

/// A push parser for the XML of spreadsheet parts: bytes are fed in chunks as they are
/// decompressed, events come out as soon as they are complete, and only an unfinished piece is
/// kept between chunks — a sheet of millions of cells is never held whole.
///
/// It reads what SpreadsheetML needs: elements, attributes, text, the five named entities and
/// numeric references, comments, processing instructions and CDATA. It does not validate.
struct XMLStream {
    private var pending: [UInt8] = []
    /// Bytes of `pending` already consumed.
    private var start = 0

    /// The longest piece of markup or text kept while waiting for its end: a cell's text is at
    /// most 32,767 characters; a larger piece is a broken or hostile file.
    static let longestPiece = 1 << 20

    mutating func feed(_ data: some Collection<UInt8>, _ handle: (XMLEvent) throws -> Void) throws {
        if start > 0 {
            pending.removeFirst(start)
            start = 0
        }
        pending.append(contentsOf: data)
        try scan(final: false, handle)
        if pending.count - start > Self.longestPiece { throw XMLStreamError.malformed("a piece longer than \(Self.longestPiece) bytes") }
    }

    /// The end of the document: what is left must be whitespace.
    mutating func finish(_ handle: (XMLEvent) throws -> Void) throws {
        try scan(final: true, handle)
        if pending[start...].contains(where: { !Self.isSpace($0) }) { throw XMLStreamError.unterminated("an element") }
    }

    private mutating func scan(final: Bool, _ handle: (XMLEvent) throws -> Void) throws {
        let bytes = pending
        var i = start
        let end = bytes.count
        while i < end {
            if bytes[i] == UInt8(ascii: "<") {
                guard let (event, next) = try markup(bytes, at: i) else {
                    if final { throw XMLStreamError.unterminated("a tag") }
                    break
                }
                if let event { try handle(event) }
                i = next
            } else {
                var j = i
                while j < end && bytes[j] != UInt8(ascii: "<") { j += 1 }
                if j == end && !final { break }
                try handle(.text(Self.decode(bytes[i..<j])))
                i = j
            }
        }
        start = i
    }

    /// The markup at `i` and the index after it; nil when it is not complete yet.
    private func markup(_ bytes: [UInt8], at i: Int) throws -> (XMLEvent?, Int)? {
        let end = bytes.count
        func find(_ pattern: [UInt8], from: Int) -> Int? {
            guard pattern.count <= end else { return nil }
            var k = from
            while k + pattern.count <= end {
                if bytes[k] == pattern[0] && bytes[k..<(k + pattern.count)].elementsEqual(pattern) { return k }
                k += 1
            }
            return nil
        }
        guard i + 1 < end else { return nil }
        switch bytes[i + 1] {
        case UInt8(ascii: "?"):
            guard let close = find(Array("?>".utf8), from: i + 2) else { return nil }
            return (nil, close + 2)
        case UInt8(ascii: "!"):
            if bytes[i...].starts(with: Array("<!--".utf8)) {
                guard let close = find(Array("-->".utf8), from: i + 4) else { return nil }
                return (nil, close + 3)
            }
            if bytes[i...].starts(with: Array("<![CDATA[".utf8)) {
                guard let close = find(Array("]]>".utf8), from: i + 9) else { return nil }
                return (.text(String(decoding: bytes[(i + 9)..<close], as: UTF8.self)), close + 3)
            }
            // A document type declaration: skipped (internal subsets do not occur in these parts).
            guard let close = find([UInt8(ascii: ">")], from: i + 2) else { return nil }
            return (nil, close + 1)
        case UInt8(ascii: "/"):
            guard let close = find([UInt8(ascii: ">")], from: i + 2) else { return nil }
            let name = Self.localName(String(decoding: bytes[(i + 2)..<close], as: UTF8.self).trimmingCharacters(in: .whitespaces))
            return (.close(name: name), close + 1)
        default:
            // A start tag: its end is the first '>' outside a quoted attribute value.
            var k = i + 1
            var quote: UInt8?
            while k < end {
                let b = bytes[k]
                if let q = quote {
                    if b == q { quote = nil }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: ">") {
                    break
                }
                k += 1
            }
            guard k < end else { return nil }
            let closed = bytes[k - 1] == UInt8(ascii: "/")
            let (name, attributes) = try Self.tag(bytes[(i + 1)..<(closed ? k - 1 : k)])
            return (.open(name: name, attributes: attributes, closed: closed), k + 1)
        }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// `x:row` → `row`: producers differ in the prefix they give the spreadsheet namespace.
    static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    static func tag(_ bytes: ArraySlice<UInt8>) throws -> (String, [String: String]) {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end && !isSpace(bytes[i]) { i += 1 }
        let name = localName(String(decoding: bytes[bytes.startIndex..<i], as: UTF8.self))
        guard !name.isEmpty else { throw XMLStreamError.malformed("a tag without a name") }
        var attributes: [String: String] = [:]
        while i < end {
            while i < end && isSpace(bytes[i]) { i += 1 }
            guard i < end else { break }
            let nameStart = i
            while i < end && bytes[i] != UInt8(ascii: "=") && !isSpace(bytes[i]) { i += 1 }
            let attribute = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            while i < end && isSpace(bytes[i]) { i += 1 }
            guard i < end, bytes[i] == UInt8(ascii: "=") else { throw XMLStreamError.malformed("attribute \(attribute) of <\(name)> has no value") }
            i += 1
            while i < end && isSpace(bytes[i]) { i += 1 }
            guard i < end, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw XMLStreamError.malformed("attribute \(attribute) of <\(name)> is not quoted")
            }
            let quote = bytes[i]
            i += 1
            let valueStart = i
            while i < end && bytes[i] != quote { i += 1 }
            guard i < end else { throw XMLStreamError.malformed("attribute \(attribute) of <\(name)> is not closed") }
            attributes[attribute] = decode(bytes[valueStart..<i])
            i += 1
        }
        return (name, attributes)
    }

    /// Text with its entity and character references replaced.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            guard b == UInt8(ascii: "&"), let semicolon = bytes[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                out.append(b)
                i += 1
                continue
            }
            let entity = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
            let replacement: String? =
                switch entity {
                case "lt": "<"
                case "gt": ">"
                case "amp": "&"
                case "quot": "\""
                case "apos": "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                    } else if entity.hasPrefix("#") {
                        UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                    } else {
                        nil
                    }
                }
            if let replacement {
                out.append(contentsOf: replacement.utf8)
                i = semicolon + 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
