import UadeDomain

/// Small inline SVG charts: no scripts, no external assets, the same bytes for the same data.
public enum Charts {
    /// The colour and the sign of each status; the sign is there so that colour is never alone.
    public static func style(_ status: String) -> (colour: String, sign: String) {
        switch status {
        case "achieved": ("#1b7a3a", "✔")
        case "on_track": ("#3c7dbf", "→")
        case "at_risk": ("#c77700", "!")
        case "missed": ("#b3261e", "✖")
        case "not_reported": ("#6b4fa0", "?")
        default: ("#8a8a8a", "·")
        }
    }

    /// Coordinates: at most one decimal, no trailing ".0", the same bytes on every platform.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() && rounded.magnitude < 1e15 ? String(Int64(rounded)) : String(rounded)
    }

    /// Horizontal bars, one per status, with this count and (lighter, thinner) the previous one.
    public static func statusBars(_ statuses: [HearingReport.StatusCount], language: Language) -> String {
        let width = 560.0
        let labelWidth = 150.0
        let row = 26.0
        let maximum = Double(max(1, statuses.map { max($0.count, $0.previous ?? 0) }.max() ?? 1))
        let barSpace = width - labelWidth - 70
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(row * Double(statuses.count) + 8))\" viewBox=\"0 0 \(Int(width)) \(Int(row * Double(statuses.count) + 8))\">"
        for (index, s) in statuses.enumerated() {
            let y = Double(index) * row + 4
            let (colour, sign) = style(s.status)
            let w = Double(s.count) / maximum * barSpace
            svg += "<text x=\"0\" y=\"\(number(y + 15))\" font-size=\"12\" font-family=\"sans-serif\">\(sign) \(HTML.escape(s.label))</text>"
            svg += "<rect x=\"\(number(labelWidth))\" y=\"\(number(y + 2))\" width=\"\(number(max(w, 0.5)))\" height=\"14\" fill=\"\(colour)\"/>"
            if let previous = s.previous {
                let pw = Double(previous) / maximum * barSpace
                svg +=
                    "<rect x=\"\(number(labelWidth))\" y=\"\(number(y + 18))\" width=\"\(number(max(pw, 0.5)))\" height=\"4\" fill=\"\(colour)\" fill-opacity=\"0.35\"/>"
            }
            svg +=
                "<text x=\"\(number(labelWidth + w + 6))\" y=\"\(number(y + 14))\" font-size=\"12\" font-family=\"sans-serif\">\(NumberFormat.format(Double(s.count), language))</text>"
        }
        return svg + "</svg>"
    }

    /// Targets (dashed) and actuals (solid) over the term.
    public static func sparkline(_ trend: [HearingReport.TrendPoint], width: Double = 120, height: Double = 30) -> String {
        guard trend.count > 1 else { return "" }
        let values = trend.flatMap { [$0.target] + ($0.actual.map { [$0] } ?? []) }
        let low = min(values.min() ?? 0, 0)
        let high = max(values.max() ?? 1, low + 1)
        let step = (width - 4) / Double(trend.count - 1)
        func y(_ v: Double) -> String { number(height - 2 - (v - low) / (high - low) * (height - 4)) }
        let targets = trend.enumerated().map { "\(number(2 + Double($0.offset) * step)),\(y($0.element.target))" }.joined(separator: " ")
        let actuals = trend.enumerated().compactMap { p in p.element.actual.map { "\(number(2 + Double(p.offset) * step)),\(y($0))" } }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" aria-hidden=\"true\">"
        svg += "<polyline points=\"\(targets)\" fill=\"none\" stroke=\"#8a8a8a\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>"
        if actuals.count > 1 {
            svg += "<polyline points=\"\(actuals.joined(separator: " "))\" fill=\"none\" stroke=\"#1d3557\" stroke-width=\"1.5\"/>"
        }
        if let last = actuals.last {
            let xy = last.split(separator: ",")
            svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2\" fill=\"#1d3557\"/>"
        }
        return svg + "</svg>"
    }
}

/// Text escaped for HTML and for the XML of DOCX parts: the domain's one `Markup.escape`.
public typealias HTML = Markup
