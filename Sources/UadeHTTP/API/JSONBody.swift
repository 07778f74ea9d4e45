import Foundation
import Hummingbird
import NIOCore
import UadeDomain
import UadeServices
import UadeStorage

/// A JSON request body read field by field, so that every problem names its field.
struct JSONBody: Sendable {
    let object: [String: JSONValue]
    let raw: ByteBuffer

    enum JSONValue: Sendable, Decodable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case array([JSONValue])
        case object([String: JSONValue])
        case null
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let b = try? container.decode(Bool.self) {
                self = .bool(b)
            } else if let n = try? container.decode(Double.self) {
                self = .number(n)
            } else if let s = try? container.decode(String.self) {
                self = .string(s)
            } else if let a = try? container.decode([JSONValue].self) {
                self = .array(a)
            } else if let o = try? container.decode([String: JSONValue].self) {
                self = .object(o)
            } else {
                self = .other
            }
        }

        static let booleanNumber = type(of: NSNumber(value: true))

        /// From `JSONSerialization`'s objects: parsing with it and converting is several times
        /// cheaper than decoding with `JSONDecoder`, which tries each type in turn and throws.
        init(_ any: Any) {
            switch any {
            case let s as String: self = .string(s)
            case let n as NSNumber:
                // A JSON true/false arrives as the boolean NSNumber class.
                if type(of: n) == Self.booleanNumber { self = .bool(n.boolValue) } else { self = .number(n.doubleValue) }
            case let a as [Any]: self = .array(a.map(JSONValue.init))
            case let o as [String: Any]: self = .object(o.mapValues(JSONValue.init))
            case is NSNull: self = .null
            default: self = .other
            }
        }

        var containsNUL: Bool {
            switch self {
            case .string(let s): s.contains("\u{0}")
            case .array(let a): a.contains { $0.containsNUL }
            case .object(let o): o.contains { $0.key.contains("\u{0}") || $0.value.containsNUL }
            default: false
            }
        }

        /// One text per value, the same whatever the key order or spacing.
        var canonical: String {
            switch self {
            case .string(let s): "s:" + s
            case .number(let n): "n:\(n)"
            case .bool(let b): "b:\(b)"
            case .array(let a):
                "a:["
                    + a.map {
                        let c = $0.canonical
                        return "\(c.count):\(c)"
                    }.joined(separator: ",") + "]"
            case .object(let o):
                "o:{"
                    + o.keys.sorted().map { key in
                        let c = o[key]!.canonical
                        return "\(key.count):\(key)=\(c.count):\(c)"
                    }.joined(separator: ";") + "}"
            case .null: "null"
            case .other: "other"
            }
        }
    }

    static func read(_ request: Request, context: AppRequestContext, limit: Int = 1 << 20) async throws -> JSONBody {
        let buffer = try await request.body.collect(upTo: limit)
        return JSONBody(object: try parse(buffer), raw: buffer)
    }

    /// The body as an object, or a 400 that says what is wrong and where.
    static func parse(_ buffer: ByteBuffer) throws(APIError) -> [String: JSONValue] {
        func malformed(_ reason: String) -> APIError {
            APIError(
                .badRequest, kind: .malformedBody, detail: "the body is not a usable JSON object: \(reason)",
                fields: [.init(field: "body", reason: reason)])
        }
        guard buffer.readableBytes > 0 else { throw malformed("the body is empty; send a JSON object") }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed])
        } catch {
            // Foundation says what and where ("Invalid value around character 5.").
            let said = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw malformed("not valid JSON" + (said.map { " (\($0.trimmingCharacters(in: CharacterSet(charactersIn: "."))))" } ?? ""))
        }
        guard case .object(let object) = JSONValue(parsed) else {
            let what =
                switch JSONValue(parsed) {
                case .array: "an array"
                case .string: "a string"
                case .number: "a number"
                case .bool: "a boolean"
                case .null: "null"
                default: "something else"
                }
            throw malformed("the body is \(what); send a JSON object")
        }
        if let key = object.keys.sorted().first(where: { $0.contains("\u{0}") || object[$0]!.containsNUL }) {
            let field = key.contains("\u{0}") ? "body" : "body.\(key)"
            throw APIError(
                .badRequest, kind: .malformedBody, detail: "\(field) contains a NUL character, which no text may hold",
                fields: [.init(field: field, reason: "contains a NUL character")])
        }
        return object
    }

    /// Every key outside `allowed` is a problem: a misspelt `coment` would otherwise be dropped
    /// while the rest is stored.
    func refuseUnknownKeys(_ allowed: Set<String>, problems: inout [FieldProblem]) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            problems.append(
                FieldProblem(
                    field: "body.\(key)", reason: "is not a field of this request (the fields are \(allowed.sorted().joined(separator: ", ")))"))
        }
    }

    /// A text field; numbers are accepted as their text (ids, KATO codes).
    func string(_ key: String, required: Bool = false, problems: inout [FieldProblem]) -> String? {
        switch object[key] {
        case .string(let s) where !s.trimmedOfWhitespace.isEmpty:
            // Every text field has a length limit (``TextLimits``), checked here once for all.
            if let problem = TextLimits.check(s, field: "body.\(key)", name: key) {
                problems.append(problem)
                return nil
            }
            return s.trimmedOfWhitespace
        case .number(let n) where n == n.rounded() && abs(n) < 1e15:
            return String(Int64(n))
        case nil, .null, .string:
            if required { problems.append(FieldProblem(field: "body.\(key)", reason: "is required")) }
            return nil
        default:
            problems.append(FieldProblem(field: "body.\(key)", reason: "must be text"))
            return nil
        }
    }

    /// A number; text with a decimal comma is accepted too.
    func number(_ key: String, required: Bool = false, problems: inout [FieldProblem]) -> Double? {
        switch object[key] {
        case .number(let n):
            return n
        case .string(let s):
            if let n = ProgressRules.parseNumber(s) { return n }
            problems.append(FieldProblem(field: "body.\(key)", reason: "must be a number, not '\(s)'"))
            return nil
        case nil, .null:
            if required { problems.append(FieldProblem(field: "body.\(key)", reason: "is required")) }
            return nil
        default:
            problems.append(FieldProblem(field: "body.\(key)", reason: "must be a number"))
            return nil
        }
    }

    /// An array of texts (numbers given as codes are taken as their text): `["430000000", 12]`.
    func strings(_ key: String, required: Bool = false, problems: inout [FieldProblem]) -> [String] {
        switch object[key] {
        case .array(let items):
            var texts: [String] = []
            for item in items {
                switch item {
                case .string(let s): texts.append(s)
                case .number(let n) where n == n.rounded() && n.magnitude < 1e15: texts.append(String(Int64(n)))
                default:
                    problems.append(FieldProblem(field: "body.\(key)", reason: "must be an array of texts"))
                    return []
                }
            }
            return texts
        case nil, .null:
            if required { problems.append(FieldProblem(field: "body.\(key)", reason: "is required")) }
            return []
        default:
            problems.append(FieldProblem(field: "body.\(key)", reason: "must be an array of texts"))
            return []
        }
    }

    /// A whole number (a count of days, say): `15`, not `15.5` or `"15"`.
    func integer(_ key: String, required: Bool = false, problems: inout [FieldProblem]) -> Int? {
        switch object[key] {
        case .number(let n) where n == n.rounded() && n.magnitude < 1e9:
            return Int(n)
        case nil, .null:
            if required { problems.append(FieldProblem(field: "body.\(key)", reason: "is required")) }
            return nil
        default:
            problems.append(FieldProblem(field: "body.\(key)", reason: "must be a whole number"))
            return nil
        }
    }

    /// The same fields with the same values hash alike, whatever their order or spacing.
    var hash: String {
        let canonical = object.keys.sorted().map { key -> String in
            let value = object[key]!.canonical
            return "\(key.count):\(key)=\(value.count):\(value)"
        }.joined(separator: ";")
        return Secrets.sha256Hex(canonical)
    }
}

/// Answers 422 listing every problem found, when there is one.
extension JSONBody {
    /// Problems named as a service names its fields: without the `body.` the API adds.
    static func plain(_ problems: [FieldProblem]) -> [FieldProblem] {
        problems.map { FieldProblem(field: $0.field.hasPrefix("body.") ? String($0.field.dropFirst(5)) : $0.field, reason: $0.reason) }
    }
}

func throwIfProblems(_ problems: [FieldProblem], status: HTTPResponse.Status = .unprocessableContent) throws {
    guard !problems.isEmpty else { return }
    throw APIError(
        status, kind: .invalidFields, detail: problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; "),
        fields: problems.map { APIError.FieldProblem(field: $0.field, reason: $0.reason) })
}

extension String {
    /// Without leading and trailing whitespace and newlines, in Swift (Foundation's
    /// `trimmingCharacters` goes through NSString on every call).
    var trimmedOfWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
