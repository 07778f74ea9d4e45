import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeServices

/// A submitted HTML form: `application/x-www-form-urlencoded`, or `multipart/form-data` when it
/// carries a file. Every form carries `_csrf`, checked before anything else is read.
struct WebForm: Sendable {
    struct File: Sendable {
        let filename: String
        let data: ByteBuffer
    }

    var fields: [String: [String]] = [:]
    var files: [String: File] = [:]

    func string(_ name: String) -> String? {
        guard let value = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func all(_ name: String) -> [String] { fields[name] ?? [] }

    /// A text field read as the API reads one: trimmed, nil when blank, and refused (named in
    /// `problems`) past its length limit, so that a form can send nothing the API would refuse.
    func text(_ name: String, problems: inout [FieldProblem]) -> String? {
        guard let value = string(name) else { return nil }
        if let problem = TextLimits.check(value, field: name) {
            problems.append(problem)
            return nil
        }
        return value
    }

    /// A number field: decimal comma or point, spaces between thousands.
    func number(_ name: String, problems: inout [FieldProblem]) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = NumberFormat.parse(text) else {
            problems.append(
                FieldProblem(
                    field: name, reason: "must be a number, not '\(text)'",
                    words: LocalizedText(
                        kk: "сан болуы керек, «\(text)» емес", ru: "нужно число, а не «\(text)»", en: "must be a number, not '\(text)'")))
            return nil
        }
        return value
    }

    /// A whole number field, such as an id.
    func integer(_ name: String, problems: inout [FieldProblem]) -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Int64(text) else {
            problems.append(FieldProblem(field: name, reason: "must be a whole number, not '\(text)'"))
            return nil
        }
        return value
    }

    /// Every field as typed, for filling the form in again after an error.
    var echo: [String: String] {
        fields.compactMapValues(\.first)
    }

    static func read(_ request: Request, limit: Int = 64 << 20) async throws -> WebForm {
        let buffer = try await request.body.collect(upTo: limit)
        let type = request.headers[.contentType] ?? ""
        let form: WebForm
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Self.boundary(type) else {
                throw APIError(.badRequest, kind: .malformedForm, detail: "multipart form without a boundary")
            }
            form = try multipart(buffer, boundary: boundary)
        } else {
            form = urlencoded(String(buffer: buffer))
        }
        // PostgreSQL stores no NUL in text: refused here, for every form, as the API refuses it.
        if let (name, _) = form.fields.first(where: { $0.key.contains("\u{0}") || $0.value.contains { $0.contains("\u{0}") } }) {
            throw APIError(
                .badRequest, kind: .malformedForm, detail: "the field \(name.replacingOccurrences(of: "\u{0}", with: "")) contains a NUL character",
                fields: [.init(field: name.replacingOccurrences(of: "\u{0}", with: ""), reason: "contains a NUL character")])
        }
        return form
    }

    static func urlencoded(_ text: String) -> WebForm {
        var form = WebForm()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            form.fields[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return form
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// RFC 7578: parts separated by `--boundary`, each with headers, a blank line and a body.
    static func multipart(_ buffer: ByteBuffer, boundary: String) throws -> WebForm {
        let bytes = Array(buffer.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        var form = WebForm()
        var starts: [Int] = []
        var i = 0
        while let found = Self.find(delimiter, in: bytes, from: i) {
            starts.append(found)
            i = found + delimiter.count
        }
        guard starts.count >= 2 else { throw APIError(.badRequest, kind: .malformedForm, detail: "the multipart form has no parts") }
        for (a, b) in zip(starts, starts.dropFirst()) {
            var partStart = a + delimiter.count
            if partStart + 1 < bytes.count, bytes[partStart] == 13, bytes[partStart + 1] == 10 { partStart += 2 }
            var partEnd = b
            if partEnd >= 2, bytes[partEnd - 2] == 13, bytes[partEnd - 1] == 10 { partEnd -= 2 }
            guard partStart <= partEnd, let split = Self.find(Array("\r\n\r\n".utf8), in: Array(bytes[partStart..<partEnd]), from: 0) else {
                continue
            }
            let head = String(decoding: bytes[partStart..<(partStart + split)], as: UTF8.self)
            let body = Array(bytes[(partStart + split + 4)..<partEnd])
            var name: String?
            var filename: String?
            for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = Self.parameter("name", in: line)
                filename = Self.parameter("filename", in: line)
            }
            guard let name else { continue }
            if let filename {
                form.files[name] = File(filename: filename, data: ByteBuffer(bytes: body))
            } else {
                form.fields[name, default: []].append(String(decoding: body, as: UTF8.self))
            }
        }
        return form
    }

    static func parameter(_ key: String, in line: String) -> String? {
        for part in line.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0] == key {
                return String(pair[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        let first = needle[0]
        while i <= haystack.count - needle.count {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

/// Field errors of a rejected form, keyed by the form's field names, for the template to show
/// next to each input.
struct FormErrors {
    var byField: [String: String] = [:]
    var general: [String] = []

    /// The API names fields `body.value`, `query.territory`, `csv:3:value`; forms name them `value`.
    init(_ error: APIError? = nil) {
        guard let error else { return }
        for problem in error.fields {
            var name = problem.field
            for prefix in ["body.", "query.", "path."] where name.hasPrefix(prefix) { name = String(name.dropFirst(prefix.count)) }
            add(problem.reason, to: name)
        }
        if error.fields.isEmpty { general.append(error.detail) }
    }

    /// `officials[2].territory` belongs next to the `officials` input.
    mutating func add(_ reason: String, to field: String) {
        var name = field
        if let cut = name.firstIndex(where: { $0 == "[" || $0 == "." }) { name = String(name[..<cut]) }
        byField[name] = byField[name].map { $0 + "; " + reason } ?? reason
    }

    /// A service's refusal beside the form's fields (services name fields as the forms do), in
    /// the page's language where the service gave the reason's words.
    init(_ failure: ServiceFailure, _ language: Language) {
        for problem in failure.problems { add(problem.reason(in: language), to: problem.field) }
        if failure.problems.isEmpty { general.append(failure.detail) }
    }

    var isEmpty: Bool { byField.isEmpty && general.isEmpty }

    var context: [String: Any] {
        ["fields": byField, "general": general, "any": !isEmpty]
    }
}
