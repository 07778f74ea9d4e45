import NIOCore
import PostgresNIO

/// Reads one-dimensional PostgreSQL arrays straight from their binary form. PostgresNIO's generic
/// array decoding cost ~3 µs per array, and even reading element by element through `ByteBuffer`
/// made a region's 18,000 report items (3 million elements) take a fifth of a second; loading
/// from the raw bytes takes a few nanoseconds per element.
enum BinaryArray {
    enum Failure: Error {
        case notBinary
        case malformed(String)
    }

    /// Walks the array's elements: `element` gets the bytes and the offset and length of each
    /// non-NULL element; NULL elements become `null` (or fail when there is none).
    private static func read<Element>(
        _ cell: PostgresCell, width: Int?, null: Element?,
        _ element: (UnsafeRawBufferPointer, Int, Int) -> Element
    ) throws -> [Element] {
        guard cell.format == .binary else { throw Failure.notBinary }
        guard let buffer = cell.bytes else { throw Failure.malformed("NULL array") }
        return try buffer.withUnsafeReadableBytes { raw in
            var offset = 0
            func int32() throws -> Int32 {
                guard offset + 4 <= raw.count else { throw Failure.malformed("short array") }
                defer { offset += 4 }
                return Int32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
            }
            let dimensions = try int32()
            _ = try int32()  // has NULLs
            _ = try int32()  // element type
            if dimensions == 0 { return [] }
            guard dimensions == 1 else { throw Failure.malformed("\(dimensions) dimensions") }
            let count = Int(try int32())
            _ = try int32()  // lower bound
            var result: [Element] = []
            result.reserveCapacity(count)
            for _ in 0..<count {
                let length = Int(try int32())
                if length < 0 {
                    guard let null else { throw Failure.malformed("NULL element") }
                    result.append(null)
                    continue
                }
                guard offset + length <= raw.count else { throw Failure.malformed("short element") }
                if let width, length != width { throw Failure.malformed("element of \(length) bytes, expected \(width)") }
                result.append(element(raw, offset, length))
                offset += length
            }
            return result
        }
    }

    /// NULL elements read as NaN.
    static func doubles(_ cell: PostgresCell) throws -> [Double] {
        try read(cell, width: 8, null: .nan) { raw, offset, _ in
            Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
    }

    static func int32s(_ cell: PostgresCell) throws -> [Int32] {
        try read(cell, width: 4, null: nil) { raw, offset, _ in Int32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
    }

    static func int64s(_ cell: PostgresCell) throws -> [Int64] {
        try read(cell, width: 8, null: nil) { raw, offset, _ in Int64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)) }
    }

    static func bools(_ cell: PostgresCell) throws -> [Bool] {
        try read(cell, width: 1, null: nil) { raw, offset, _ in raw[offset] != 0 }
    }

    static func strings(_ cell: PostgresCell) throws -> [String] {
        try read(cell, width: nil, null: nil) { raw, offset, length in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length]), as: UTF8.self)
        }
    }
}

/// Reads single binary values straight from a cell, for the evaluator's millions of fact rows:
/// PostgresNIO's generic tuple decoding looked up type metadata for every row and took a quarter
/// of a national run's CPU time.
enum BinaryCell {
    static func int64(_ cell: PostgresCell) throws -> Int64 {
        guard cell.format == .binary, let bytes = cell.bytes, bytes.readableBytes == 8,
            let value = bytes.getInteger(at: bytes.readerIndex, as: Int64.self)
        else { throw BinaryArray.Failure.malformed("not an int8") }
        return value
    }

    /// nil for NULL.
    static func float8(_ cell: PostgresCell) throws -> Double? {
        guard let bytes = cell.bytes else { return nil }
        guard cell.format == .binary, bytes.readableBytes == 8,
            let bits = bytes.getInteger(at: bytes.readerIndex, as: UInt64.self)
        else { throw BinaryArray.Failure.malformed("not a float8") }
        return Double(bitPattern: bits)
    }

    static func int32(_ cell: PostgresCell) throws -> Int32 {
        guard cell.format == .binary, let bytes = cell.bytes, bytes.readableBytes == 4,
            let value = bytes.getInteger(at: bytes.readerIndex, as: Int32.self)
        else { throw BinaryArray.Failure.malformed("not an int4") }
        return value
    }
}
