import NIOCore
import PostgresNIO
import UadeDomain

/// `date` travels in PostgreSQL's binary form: days since 2000-01-01.
extension Day: PostgresNonThrowingEncodable, PostgresDecodable {
    static let postgresEpoch = Day(year: 2000, month: 1, day: 1)!.daysSinceEpoch

    public static var psqlType: PostgresDataType { .date }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(Int32(daysSinceEpoch - Self.postgresEpoch))
    }

    public init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .date, format == .binary, buffer.readableBytes == 4, let days = buffer.readInteger(as: Int32.self) else {
            throw PostgresDecodingError.Code.typeMismatch
        }
        self.init(daysSinceEpoch: Int(days) + Self.postgresEpoch)
    }
}

/// `date[]` binds as dates: a `text[]` cast in the query is cast again for every row it is
/// compared with (a coordinator's count of the term's gaps took 4.6 s that way instead of 0.3 s).
extension Day: PostgresArrayEncodable {
    public static var psqlArrayType: PostgresDataType { .dateArray }
}
