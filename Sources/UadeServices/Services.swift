/// Every workflow the API, the pages and the command line share, built once per process and
/// handed to each presentation.
public struct Services: Sendable {
    public let progress: ProgressService
    public let imports: ProgressImportService
    public let evaluations: EvaluationService
    public let reports: ReportService
    public let flags: FlagService
    public let hearings: HearingService
    public let accounts: AccountService
    public let sessions: SessionService
    public let measures: MeasureService
    public let roadmaps: RoadmapService
    public let revisions: RevisionService
    public let classifier: ClassifierService
    public let ownership: OwnershipService
    public let heatmaps: HeatmapService
    public let calendars: CalendarService
    public let exceptions: ExceptionService

    public init(
        progress: ProgressService, imports: ProgressImportService, evaluations: EvaluationService, reports: ReportService,
        flags: FlagService, hearings: HearingService, accounts: AccountService, sessions: SessionService,
        measures: MeasureService, roadmaps: RoadmapService, revisions: RevisionService, classifier: ClassifierService,
        ownership: OwnershipService, heatmaps: HeatmapService, calendars: CalendarService,
        exceptions: ExceptionService
    ) {
        self.progress = progress
        self.imports = imports
        self.evaluations = evaluations
        self.reports = reports
        self.flags = flags
        self.hearings = hearings
        self.accounts = accounts
        self.sessions = sessions
        self.measures = measures
        self.roadmaps = roadmaps
        self.revisions = revisions
        self.classifier = classifier
        self.ownership = ownership
        self.heatmaps = heatmaps
        self.calendars = calendars
        self.exceptions = exceptions
    }
}
