import Foundation
import NIOCore
import UadeDomain
import UadeReports

/// The trajectory of one indicator in one territory: targets (dashed) and actuals (solid, with
/// dots), as inline SVG. The same drawing serves as a sparkline without its labels.
enum WebCharts {
    struct Point {
        let label: String
        let target: Double
        let actual: Double?
    }

    static func n(_ value: Double) -> String { Charts.number(value) }

    static func trajectory(
        _ points: [Point], width: Double = 640, height: Double = 220, labelled: Bool = true, language: Language = .ru,
        title: String = ""
    ) -> String {
        guard points.count > 1 else { return "" }
        let left = labelled ? 56.0 : 2
        let right = 8.0
        let top = 8.0
        let bottom = labelled ? 28.0 : 2
        let values = points.flatMap { [$0.target] + ($0.actual.map { [$0] } ?? []) }
        let low = min(values.min() ?? 0, 0)
        let high = max(values.max() ?? 1, low + 1)
        let step = (width - left - right) / Double(points.count - 1)
        func x(_ i: Int) -> Double { left + Double(i) * step }
        func y(_ v: Double) -> Double { height - bottom - (v - low) / (high - low) * (height - top - bottom) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(labelled ? "chart" : "spark")\" viewBox=\"0 0 \(n(width)) \(n(height))\""
        svg += labelled ? " role=\"img\" aria-label=\"\(escape(title))\">" : " aria-hidden=\"true\" width=\"\(n(width))\" height=\"\(n(height))\">"
        if labelled {
            for fraction in [0.0, 0.5, 1.0] {
                let v = low + (high - low) * fraction
                svg += "<line x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(v)))\" y2=\"\(n(y(v)))\" stroke=\"#ddd\"/>"
                svg +=
                    "<text x=\"\(n(left - 4))\" y=\"\(n(y(v) + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">\(escape(NumberFormat.format(v, language)))</text>"
            }
            let every = max(1, points.count / 8)
            for (i, point) in points.enumerated() where i % every == 0 || i == points.count - 1 {
                svg +=
                    "<text x=\"\(n(x(i)))\" y=\"\(n(height - 8))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#444\">\(escape(point.label))</text>"
            }
        }
        let targets = points.enumerated().map { "\(n(x($0.offset))),\(n(y($0.element.target)))" }.joined(separator: " ")
        svg += "<polyline points=\"\(targets)\" fill=\"none\" stroke=\"#777\" stroke-width=\"\(labelled ? 2 : 1)\" stroke-dasharray=\"5 3\"/>"
        let actuals = points.enumerated().compactMap { p in p.element.actual.map { (x(p.offset), y($0)) } }
        if actuals.count > 1 {
            svg +=
                "<polyline points=\"\(actuals.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "))\" fill=\"none\" stroke=\"#1d3557\" stroke-width=\"\(labelled ? 2.5 : 1.5)\"/>"
        }
        for (px, py) in labelled ? actuals : Array(actuals.suffix(1)) {
            svg += "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"\(labelled ? 3.5 : 2)\" fill=\"#1d3557\"/>"
        }
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String { HTML.escape(text) }
}
