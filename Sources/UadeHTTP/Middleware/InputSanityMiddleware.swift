import Foundation
import Hummingbird
import UadeServices

/// Refuses URLs that carry a NUL character or text that is not UTF-8 once decoded: PostgreSQL
/// cannot store either, and a parameter must fail as the caller's mistake (400), not as ours.
struct InputSanityMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isClean(request.uri.description) else {
            throw APIError(
                .badRequest, kind: .invalidParameter, detail: "the URL contains a NUL character or bytes that are not UTF-8",
                fields: [.init(field: "url", reason: "NUL or not UTF-8")])
        }
        return try await next(request, context)
    }

    /// Percent-decoded, the URL is UTF-8 without NUL. Byte by byte: it runs on every request.
    static func isClean(_ uri: String) -> Bool {
        let bytes = Array(uri.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return false }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return !decoded.contains(0) && String(validating: decoded, as: UTF8.self) != nil
    }
}
