import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeReports
import UadeStorage

/// A hearing's report in one format and language, as the API and `uade report hearing` give it.
public struct RenderedReport: Sendable {
    public let data: Data
    public let fileName: String
    public let contentType: String
    public let fingerprint: String
}

public struct ReportService: Sendable {
    let hearings: HearingRepository
    let reports: ReportRepository

    public init(client: PostgresClient, logger: Logger) {
        self.hearings = HearingRepository(client: client, logger: logger)
        self.reports = ReportRepository(client: client, logger: logger)
    }

    /// nil when there is no such hearing. `partForSections` limits it to a Bureau member's sections.
    public func render(hearingID: Hearing.ID, format: ReportFormat, language: Language, partForSections: [Section.ID]? = nil) async throws
        -> RenderedReport?
    {
        guard let hearing = try await hearings.hearing(id: hearingID) else { return nil }
        return try await render(hearing, format: format, language: language, partForSections: partForSections)
    }

    public func render(_ hearing: Hearing, format: ReportFormat, language: Language, partForSections: [Section.ID]? = nil) async throws
        -> RenderedReport
    {
        let facts = try await reports.facts(for: hearing, partForSections: partForSections)
        let report = ReportBuilder.build(facts, language: language)
        let data = try format.render(report, modified: facts.run.finishedAt)
        return RenderedReport(
            data: data,
            fileName: format.fileName(hearingID: hearing.id, language: language, part: partForSections != nil),
            contentType: format.contentType, fingerprint: report.cover.fingerprint)
    }
}
