import Foundation
import UadeDomain

extension Day {
    /// Today in Kazakhstan (UTC+5) by this machine's clock: what "due now" and ownership "valid
    /// today" mean. The one place that reads the clock; everything else is given a day.
    public static func todayInKazakhstan() -> Day {
        Day.inKazakhstan(secondsSince1970: Date().timeIntervalSince1970)
    }
}
