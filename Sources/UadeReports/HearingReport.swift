import Foundation
import UadeDomain

/// A hearing report in one language: what every format renders. Numbers stay numbers (each
/// renderer formats them for the language); names are already resolved with their fallback.
public struct HearingReport: Sendable, Codable {
    public struct Cover: Sendable, Codable {
        public let hearingId: Int64
        public let title: String
        public let faction: String
        public let factionTerritory: String
        public let heldOn: String
        public let status: String
        public let territory: String
        public let territoryKato: String?
        public let depth: Int
        public let sections: String
        public let programme: String
        public let asOf: String
        public let runId: Int64
        public let graceDays: Int
        /// When the run completed (ISO 8601, UTC): the report never reads the clock.
        public let generatedAt: String
        public let runFingerprint: String
        /// SHA-256 of the report's data, the same in every language and format.
        public let fingerprint: String
        /// Set for a Bureau member's part: the sections it is limited to.
        public let partForSections: [String]?
    }

    public struct StatusCount: Sendable, Codable, Equatable {
        public let status: String
        public let label: String
        public let count: Int
        public let share: Double
        public let previous: Int?
        public let change: Int?
    }

    public struct Summary: Sendable, Codable {
        public let total: Int
        public let statuses: [StatusCount]
        /// What the "previous" figures come from, in words; nil when there is nothing to compare with.
        public let comparedWith: String?
    }

    public struct TrendPoint: Sendable, Codable, Equatable {
        public let period: String
        public let target: Double
        public let actual: Double?
    }

    public struct IndicatorLine: Sendable, Codable {
        public let code: String
        public let name: String
        public let unit: String
        /// The headline status in the hearing's own territory, when it has a target there.
        public let status: String?
        public let statusLabel: String?
        /// Headline statuses over every territory in scope.
        public let counts: [String: Int]
        public let trend: [TrendPoint]
    }

    public struct SectionBlock: Sendable, Codable {
        public let code: String
        public let name: String
        public let sociallySensitive: Bool
        public let bureauMember: String?
        public let counts: [String: Int]
        public let indicators: [IndicatorLine]
    }

    public struct Item: Sendable, Codable {
        public let indicatorCode: String
        public let indicatorName: String
        public let sectionCode: String
        public let territoryId: Int64
        public let territory: String
        public let territoryKato: String?
        public let period: String
        public let status: String
        public let statusLabel: String
        public let unit: String
        public let target: Double
        public let actual: Double?
        public let projected: Double?
        public let gap: Double?
        public let gapPercent: Double?
        public let trend: [TrendPoint]
        public let councilMember: String?
        public let bureauMember: String?
        public let explanation: String?
        public let coordinatorExplanation: String?
    }

    public struct Scorecard: Sendable, Codable {
        public let role: String
        public let roleLabel: String
        public let owner: String
        public let items: Int
        public let achieved: Int
        public let missed: Int
        public let notReported: Int
        public let atRisk: Int
        /// achieved ÷ (achieved + missed + not reported); nil when nothing is due yet.
        public let shareAchieved: Double?
    }

    public struct MeasureRow: Sendable, Codable {
        public let code: String
        public let text: String
        public let territory: String
        public let deadline: String
        public let executor: String
        public let verdict: String?
        public let verdictLabel: String
        public let adoptedAt: String?
    }

    public struct QualityRow: Sendable, Codable {
        public let kind: String
        public let kindLabel: String
        public let indicatorCode: String
        public let indicatorName: String
        public let territory: String
        public let period: String
        public let value: Double?
        public let target: Double?
    }

    public struct UnownedRow: Sendable, Codable {
        public let section: String
        public let bureauMemberMissing: Bool
        public let itemsWithoutCouncilMember: Int
        public let items: Int
    }

    public struct DataQuality: Sendable, Codable {
        public let notReported: Int
        public let reconciliation: Int
        public let outliers: Int
        public let unowned: Int
        public let rows: [QualityRow]
        public let unownedBySection: [UnownedRow]
        /// Targets revised in the scope, as the run's day knew them.
        public let revisions: [RevisionLine]
        /// Of them, those in force that ease the approved target.
        public let easedTargets: Int
    }

    /// A revision of a target: the approved value beside the old and new ones, and in words
    /// ("lowered 120 → 90 from 2025-03-01 by …: reason").
    public struct RevisionLine: Sendable, Codable {
        public let indicatorCode: String
        public let indicatorName: String
        public let territory: String
        public let period: String
        public let approved: Double
        public let oldValue: Double
        public let newValue: Double
        public let appliesFrom: String
        public let proposedBy: String?
        public let reason: String
        public let status: String
        public let statusLabel: String
        public let eases: Bool
        public let description: String
    }

    public struct QuestionBlock: Sendable, Codable {
        public let official: String
        public let office: String
        public let territory: String
        public let questions: [String]
        /// Missed items in the territory beyond the questions asked.
        public let more: Int
    }

    public let language: String
    public let cover: Cover
    public let summary: Summary
    public let sections: [SectionBlock]
    public let slipping: [Item]
    public let scorecards: [Scorecard]
    public let scorecardFormula: String
    public let overdueMeasures: [MeasureRow]
    public let openResolutions: [MeasureRow]
    public let dataQuality: DataQuality
    public let questions: [QuestionBlock]
}
