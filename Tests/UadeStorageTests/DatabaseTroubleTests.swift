import NIOCore
import PostgresNIO
import Testing
import UadeStorage
import _ConnectionPoolModule

/// What counts as the database being away (a 503 worth retrying) rather than a bug (a 500).
@Suite("Database trouble")
struct DatabaseTroubleTests {
    @Test(
        "the database being away or out of resources is trouble, a wrong statement is not",
        arguments: [
            (ConnectionPoolError.connectionCreationCircuitBreakerTripped as any Error, DatabaseTrouble?.some(.connectionLost)),
            (ConnectionPoolError.poolShutdown, .connectionLost),
            (ConnectionPoolError.requestCancelled, .timedOut),
            (ChannelError.ioOnClosedChannel, .connectionLost),
            (CancellationError(), nil),
        ] as [(any Error, DatabaseTrouble?)])
    func classifies(error: any Error, expected: DatabaseTrouble?) {
        #expect(DatabaseTrouble(error) == expected, "\(error)")
    }
}
