import NIOCore
import PostgresNIO

/// Reads one-dimensional PostgreSQL arrays straight from their binary form. PostgresNIO's generic
/// array decoding cost ~3 µs per array, which made reading a region's 18,000 report items take
/// most of a second; these loops take a fraction of that.
enum BinaryArray {
    enum Failure: Error {
        case notBinary
        case malformed(String)
    }

    /// The elements' bytes in order (nil for NULL elements), after checking the header.
    private static func elements(_ cell: PostgresCell, _ body: (inout ByteBuffer?) throws -> Void) throws {
        guard cell.format == .binary else { throw Failure.notBinary }
        guard var buffer = cell.bytes else { throw Failure.malformed("NULL array") }
        guard let dimensions = buffer.readInteger(as: Int32.self), buffer.readInteger(as: Int32.self) != nil,
              buffer.readInteger(as: UInt32.self) != nil else { throw Failure.malformed("short header") }
        if dimensions == 0 { return }
        guard dimensions == 1, let count = buffer.readInteger(as: Int32.self), buffer.readInteger(as: Int32.self) != nil
        else { throw Failure.malformed("\(dimensions) dimensions") }
        for _ in 0..<count {
            guard let length = buffer.readInteger(as: Int32.self) else { throw Failure.malformed("short element") }
            if length < 0 {
                var none: ByteBuffer? = nil
                try body(&none)
            } else {
                guard var slice: ByteBuffer? = buffer.readSlice(length: Int(length)) else { throw Failure.malformed("short element") }
                try body(&slice)
            }
        }
    }

    static func doubles(_ cell: PostgresCell) throws -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(24)
        try elements(cell) { bytes in
            guard let bits = bytes?.readInteger(as: UInt64.self) else { throw Failure.malformed("not a float8") }
            result.append(Double(bitPattern: bits))
        }
        return result
    }

    static func int32s(_ cell: PostgresCell) throws -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(24)
        try elements(cell) { bytes in
            guard let value = bytes?.readInteger(as: Int32.self) else { throw Failure.malformed("not an int4") }
            result.append(value)
        }
        return result
    }

    static func bools(_ cell: PostgresCell) throws -> [Bool] {
        var result: [Bool] = []
        result.reserveCapacity(24)
        try elements(cell) { bytes in
            guard let value = bytes?.readInteger(as: UInt8.self) else { throw Failure.malformed("not a bool") }
            result.append(value != 0)
        }
        return result
    }

    static func strings(_ cell: PostgresCell) throws -> [String] {
        var result: [String] = []
        result.reserveCapacity(24)
        try elements(cell) { bytes in
            guard let bytes else { throw Failure.malformed("NULL text") }
            result.append(String(buffer: bytes))
        }
        return result
    }
}
