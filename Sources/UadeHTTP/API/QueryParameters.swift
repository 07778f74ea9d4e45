import Foundation
import Hummingbird
import UadeDomain

/// Reads and validates query parameters, answering 400 with the parameter's name on bad input.
struct QueryParameters {
    let request: Request

    func string(_ name: String) -> String? {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }

    /// A 400 for a parameter outside `allowed`: `?dryrun=true` must not mean a write.
    func refuseUnknown(_ allowed: Set<String>) throws(APIError) {
        for (name, _) in request.uri.queryParameters where !allowed.contains(String(name)) {
            throw .invalidParameter("query.\(name)", "is not a parameter of this request (they are \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func int(_ name: String) throws(APIError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw .invalidParameter("query.\(name)", "must be a whole number, not '\(text)'") }
        return value
    }

    /// `true` or `false` (also `1`/`0`, any case), nothing else: a typo such as `tru` must not
    /// silently mean false and write.
    func bool(_ name: String) throws(APIError) -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw .invalidParameter("query.\(name)", "must be true or false, not '\(text)'")
        }
    }

    /// `?lang=` first, then the first language of `Accept-Language` we know, then Kazakh.
    func language() throws(APIError) -> Language {
        if let tag = string("lang") {
            guard let language = Language(tag: tag) else { throw .invalidParameter("query.lang", "must be one of kk, ru, en, not '\(tag)'") }
            return language
        }
        if let header = request.headers[.acceptLanguage] {
            for part in header.split(separator: ",") {
                let tag = part.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
                if let language = Language(tag: tag) { return language }
            }
        }
        return .kk
    }

    func page() throws(APIError) -> PageRequest {
        let limit = try int("limit")
        let offset = try int("offset")
        do {
            return try PageRequest.validated(limit: limit, offset: offset)
        } catch {
            switch error {
            case .limitOutOfRange(let limit):
                throw .invalidParameter("query.limit", "must be from 1 to \(PageRequest.maximumLimit), not \(limit)")
            case .negativeOffset(let offset):
                throw .invalidParameter("query.offset", "must not be negative, not \(offset)")
            case .offsetOutOfRange(let offset):
                throw .invalidParameter("query.offset", "must be at most \(PageRequest.maximumOffset), not \(offset)")
            }
        }
    }

    /// A comma-separated list of codes of `Code` (`?status=missed,at_risk`); nil when absent.
    func codes<Code: RawRepresentable<String> & CaseIterable>(_ name: String, of _: Code.Type) throws(APIError) -> [Code]? {
        guard let text = string(name) else { return nil }
        var codes: [Code] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let code = Code(rawValue: String(part)) else {
                throw .invalidParameter("query.\(name)", "must be among \(Code.allCases.map(\.rawValue).joined(separator: ", ")), not '\(part)'")
            }
            codes.append(code)
        }
        return codes
    }

    func period(_ name: String) throws(APIError) -> Period? {
        guard let text = string(name) else { return nil }
        guard let period = Period(code: text) else {
            throw .invalidParameter("query.\(name)", "must be a year (2024) or a quarter (2024-Q3), not '\(text)'")
        }
        return period
    }
}
