import Foundation
import SignetDomain

/// RFC 3339 timestamps in whole seconds, UTC (`2026-11-29T23:41:44Z`).
public enum RFC3339 {
    /// Formatted by hand: an `ISO8601DateFormatter` per call was 15% of a SignPayload request (ICU set-up).
    public static func string(_ date: Date) -> String {
        let c = CivilDate(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
        let pad = CivilDate.padded
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))Z"
    }

    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
