import UadeDomain

/// Every fixed text of a hearing report, in Kazakh, Russian and English. Renderers take their
/// words from here and, for statuses, verdicts, roles and factions, from the one table of
/// `Worded` enums the pages use too; each is an exhaustive switch, so a missing translation is
/// a compile error rather than a gap on paper.
public enum Label: String, CaseIterable, Sendable {
    case reportKind, faction, hearingDate, hearingStatus
    case scope, depthNote, sections, sectionsAll, sectionsSensitive, sectionsChosen, asOf, run, programme, generated, fingerprint
    case runFingerprint, partFor
    case summary, status, count, share, previous, change, total, comparedWithHearing, comparedWithRun, noComparison
    case bySection, bureauMember, noBureauMember, indicator, unit, atTerritory, acrossTerritories, trend
    case slipping, slippingNote, territory, period, target, actual, gap, gapPercent, councilMember, explanation, coordinatorExplanation,
        nothingSlipping
    case scorecards, owner, role, itemsOwned, achievedCount, missedCount, notReportedCount, atRiskCount, shareAchieved, scorecardFormula
    case measures, overdueMeasures, openResolutions, measure, deadline, executor, verdict, adoptedAt, notJudgedYet, noneFound
    case dataQuality, notReportedItems, reconciliationFlags, outlierFlags, unownedItems, kind, itemsWithoutCouncilMember, sectionWithoutBureauMember
    case easedTargets, revisedTargets, approvedTarget, revision, lowered, raised, by, from
    case questions, questionsNote, andMore, noOfficials, noMissedItems
    case page, of, contents, legend
    case brief, askedOfWhom, worstShortfalls, sinceLastHearing, countsNote, appendixNote, aboutReport, moreInPart

    public func text(_ language: Language) -> String {
        let t = texts
        switch language {
        case .kk: return t.0
        case .ru: return t.1
        case .en: return t.2
        }
    }

    /// (kk, ru, en)
    var texts: (String, String, String) {
        switch self {
        case .easedTargets:
            ("Кезең басталғаннан кейін жеңілдетілген нысаналар", "Цели, смягчённые после начала периода", "Targets eased after their period began")
        case .revisedTargets: ("Нысаналардың қайта қаралуы", "Пересмотр целевых значений", "Revised targets")
        case .approvedTarget: ("Бекітілген нысана", "Утверждённая цель", "Approved target")
        case .revision: ("Өзгеріс", "Изменение", "Revision")
        case .lowered: ("төмендетілді", "снижена", "lowered")
        case .raised: ("көтерілді", "повышена", "raised")
        case .by: ("ұсынған", "предложил(а)", "by")
        case .from: ("қолданылу күні", "с", "from")
        case .reportKind: ("Фракция тыңдауына арналған есеп", "Отчёт к заслушиванию фракции", "Report for the faction hearing")
        case .faction: ("Фракция", "Фракция", "Faction")
        case .hearingDate: ("Тыңдау күні", "Дата заслушивания", "Hearing date")
        case .hearingStatus: ("Тыңдау мәртебесі", "Статус заслушивания", "Hearing status")
        case .scope: ("Аумақ", "Территория", "Territory")
        case .depthNote: ("және төмен деңгейлер", "и нижестоящие уровни", "and levels below")
        case .sections: ("Бөлімдер", "Разделы", "Sections")
        case .sectionsAll: ("барлық бөлімдер", "все разделы", "all sections")
        case .sectionsSensitive: ("әлеуметтік маңызды бөлімдер", "социально значимые разделы", "socially sensitive sections")
        case .sectionsChosen: ("таңдалған бөлімдер", "выбранные разделы", "chosen sections")
        case .asOf: ("Бағалау күні", "Дата оценки", "As of")
        case .run: ("Бағалау", "Оценка", "Evaluation run")
        case .programme: ("Бағдарлама", "Программа", "Programme")
        case .generated: ("Деректер қалыптасқан уақыт", "Данные сформированы", "Data as generated")
        case .fingerprint: ("Есеп деректерінің хэші", "Хэш данных отчёта", "Fingerprint of the report's data")
        case .runFingerprint: ("Бағалау хэші", "Хэш оценки", "Fingerprint of the run")
        case .partFor: ("Бөлімдер бойынша бөлігі", "Часть по разделам", "Part for the sections")
        case .summary: ("Қорытынды", "Сводка", "Summary")
        case .brief: ("Тыңдаудың мәні", "Главное к заслушиванию", "The hearing at a glance")
        case .askedOfWhom: ("Кімнен не сұралады", "Что и с кого спрашивается", "What is asked of whom")
        case .worstShortfalls: ("Ең ірі артта қалулар", "Самые большие отставания", "The worst shortfalls")
        case .sinceLastHearing: ("Өткен тыңдаудан бері не өзгерді", "Что изменилось с прошлого заслушивания", "What changed since the last hearing")
        case .countsNote:
            (
                "Әр аумақтағы әр көрсеткіш бір рет, қорытынды мәртебесі бойынша есептеледі (мерзімі келген соңғы кезең; ол орындалып, болжам тәуекелде болса — болжам). Есептің барлық сандары осылай есептеледі.",
                "Каждый показатель на каждой территории считается один раз — по итоговому статусу (последний наступивший период; если он выполнен, а прогноз в зоне риска, — прогноз). Так посчитаны все числа отчёта.",
                "Each indicator in each territory is counted once, by its headline status (the latest due period; when that one is achieved but the outlook is at risk, the outlook). Every count in the report is counted this way."
            )
        case .appendixNote:
            (
                "Толық тізімдер — қосымшаларда (2–7-бөлімдер); есептің деректері мен саусақ іздері — соңғы бөлімде.",
                "Полные списки — в приложениях (разделы 2–7); данные об отчёте и его отпечатки — в последнем разделе.",
                "The full lists are in the appendices (parts 2–7); the report's data and fingerprints are in the last part."
            )
        case .aboutReport: ("Есеп туралы", "Об отчёте", "About this report")
        case .moreInPart: ("тағы, 7-бөлімде", "ещё — в разделе 7", "more in part 7")
        case .status: ("Мәртебе", "Статус", "Status")
        case .count: ("Саны", "Количество", "Count")
        case .share: ("Үлесі", "Доля", "Share")
        case .previous: ("Бұрын", "Ранее", "Before")
        case .change: ("Өзгеріс", "Изменение", "Change")
        case .total: ("Барлығы", "Всего", "Total")
        case .comparedWithHearing: ("Алдыңғы тыңдаумен салыстыру", "Сравнение с предыдущим заслушиванием", "Compared with the previous hearing")
        case .comparedWithRun: ("Алдыңғы бағалаумен салыстыру", "Сравнение с предыдущей оценкой", "Compared with the previous run")
        case .noComparison:
            (
                "Салыстыратын алдыңғы тыңдау немесе бағалау жоқ.", "Нет предыдущего заслушивания или оценки для сравнения.",
                "There is no earlier hearing or run to compare with."
            )
        case .bySection: ("Бөлімдер бойынша", "По разделам", "By section")
        case .bureauMember: ("Бюро мүшесі", "Член Бюро", "Bureau member")
        case .noBureauMember: ("Бюро мүшесі тағайындалмаған", "Член Бюро не назначен", "No Bureau member assigned")
        case .indicator: ("Көрсеткіш", "Показатель", "Indicator")
        case .unit: ("Өлшем бірлігі", "Единица", "Unit")
        case .atTerritory: ("Аумақтағы мәртебе", "Статус по территории", "Status for the territory")
        case .acrossTerritories: ("Аумақтар бойынша", "По территориям", "Across territories")
        case .trend: ("Серпін", "Динамика", "Trend")
        case .slipping:
            ("Орындалмаған және тәуекел аймағындағы көрсеткіштер", "Недостигнутые показатели и показатели в зоне риска", "Missed and at risk")
        case .slippingNote:
            (
                "Ең нашарлары бірінші: алдымен орындалмағандар, сосын тәуекелдегілер, артта қалу пайызы бойынша.",
                "Сначала худшие: недостигнутые, затем в зоне риска, по величине отставания в процентах.",
                "Worst first: missed, then at risk, each by the size of the gap in percent."
            )
        case .territory: ("Аумақ", "Территория", "Territory")
        case .period: ("Кезең", "Период", "Period")
        case .target: ("Мақсат", "Цель", "Target")
        case .actual: ("Нақты", "Факт", "Actual")
        case .gap: ("Артта қалу", "Отставание", "Gap")
        case .gapPercent: ("Артта қалу, %", "Отставание, %", "Gap, %")
        case .councilMember: ("Саяси кеңес мүшесі", "Член Политсовета", "Political Council member")
        case .explanation: ("Түсіндірме", "Пояснение", "Explanation")
        case .coordinatorExplanation: ("Үйлестірушінің түсіндірмесі", "Пояснение координатора", "Coordinator's explanation")
        case .nothingSlipping:
            (
                "Орындалмаған немесе тәуекелдегі көрсеткіштер жоқ.", "Недостигнутых показателей и показателей в зоне риска нет.",
                "Nothing is missed or at risk."
            )
        case .scorecards: ("Жауаптылар бойынша көрсеткіштер", "Оценка ответственных", "Scorecards")
        case .owner: ("Жауапты", "Ответственный", "Owner")
        case .role: ("Рөлі", "Роль", "Role")
        case .itemsOwned: ("Көрсеткіштер", "Показателей", "Items owned")
        case .achievedCount: ("Орындалды", "Достигнуто", "Achieved")
        case .missedCount: ("Орындалмады", "Не достигнуто", "Missed")
        case .notReportedCount: ("Ұсынылмады", "Не представлено", "Not reported")
        case .atRiskCount: ("Тәуекелде", "В зоне риска", "At risk")
        case .shareAchieved: ("Орындалу үлесі", "Доля достигнутых", "Share achieved")
        case .scorecardFormula:
            (
                "Орындалу үлесі = орындалды ÷ («мерзімі келмеген» мәртебесіз барлық көрсеткіштер); әр көрсеткіш қорытындыдағыдай бір рет, қорытынды мәртебесі бойынша есептеледі.",
                "Доля достигнутых = достигнуто ÷ (все показатели, кроме «срок не наступил»); каждый показатель считается один раз, по итоговому статусу, как в сводке.",
                "Share achieved = achieved ÷ (every item but those \u{201C}not yet due\u{201D}); each item is counted once, by its headline status, as in the summary."
            )
        case .measures: ("Іс-шаралар және қаулылар", "Мероприятия и постановления", "Measures and resolutions")
        case .overdueMeasures: ("Мерзімі өткен іс-шаралар", "Просроченные мероприятия", "Overdue measures")
        case .openResolutions:
            (
                "Алдыңғы тыңдаулардың орындалмаған қаулылары", "Неисполненные постановления прошлых заслушиваний",
                "Unmet resolutions of earlier hearings"
            )
        case .measure: ("Іс-шара", "Мероприятие", "Measure")
        case .deadline: ("Мерзімі", "Срок", "Deadline")
        case .executor: ("Орындаушы", "Исполнитель", "Executor")
        case .verdict: ("Бағасы", "Оценка", "Verdict")
        case .adoptedAt: ("Қабылданған тыңдау", "Принято на заслушивании", "Adopted at")
        case .notJudgedYet: ("бағаланбаған", "ещё не оценено", "not judged yet")
        case .noneFound: ("Жоқ.", "Нет.", "None.")
        case .dataQuality: ("Деректер сапасы", "Качество данных", "Data quality")
        case .notReportedItems: ("Мәні ұсынылмаған көрсеткіштер", "Непредставленные значения", "Values not reported")
        case .reconciliationFlags: ("Жиынтықпен сәйкес келмеу", "Расхождения со свёрнутыми данными", "Reconciliation differences")
        case .outlierFlags: ("Ауытқыған мәндер", "Выбросы", "Outliers")
        case .unownedItems: ("Жауаптысы жоқ көрсеткіштер", "Показатели без ответственного", "Items without an owner")
        case .kind: ("Түрі", "Вид", "Kind")
        case .itemsWithoutCouncilMember: ("Саяси кеңес мүшесі жоқ", "Без члена Политсовета", "Without a Political Council member")
        case .sectionWithoutBureauMember: ("Бюро мүшесі жоқ бөлім", "Раздел без члена Бюро", "Section without a Bureau member")
        case .questions: ("Тыңдауға арналған сұрақтар", "Вопросы к заслушиванию", "Questions for the hearing")
        case .questionsNote:
            (
                "Әр тыңдалатын лауазымды тұлғаға оның аумағындағы орындалмаған ең нашар көрсеткіштер бойынша (10-нан аспайды).",
                "Каждому заслушиваемому — по худшим недостигнутым показателям его территории (не более 10).",
                "For each official heard, on the worst missed items in their territory (at most 10)."
            )
        case .andMore:
            (
                "Тағы орындалмаған көрсеткіштер (4-бөлімді қараңыз)", "Ещё недостигнутых показателей (см. раздел 4)", "more missed items (see part 4)"
            )
        case .noOfficials: ("Тыңдалатын лауазымды тұлғалар көрсетілмеген.", "Заслушиваемые не указаны.", "No officials to be heard are listed.")
        case .noMissedItems:
            (
                "Бұл аумақта орындалмаған көрсеткіштер жоқ.", "Недостигнутых показателей на этой территории нет.",
                "No missed items in this territory."
            )
        case .page: ("Бет", "Страница", "Page")
        case .of: ("/", "из", "of")
        case .contents: ("Мазмұны", "Содержание", "Contents")
        case .legend: ("Шартты белгілер", "Условные обозначения", "Legend")
        }
    }
}

/// The question put to an official about a missed item, with its numbers.
enum QuestionText {
    /// - Parameter exceeded: the value is above its target (an indicator where lower is better):
    ///   it is not "only" reached, it is over the most it may be.
    static func missed(
        indicator: String, territory: String, period: String, actual: String, target: String, unit: String,
        gapPercent: String?, exceeded: Bool = false, language: Language
    ) -> String {
        let short =
            gapPercent.map { p in
                switch (language, exceeded) {
                case (.kk, false): " (артта қалу \(p)%)"
                case (.ru, false): " (отставание \(p)%)"
                case (.en, false): " (short by \(p)%)"
                case (.kk, true): " (асып кету \(p)%)"
                case (.ru, true): " (превышение \(p)%)"
                case (.en, true): " (over by \(p)%)"
                }
            } ?? ""
        if exceeded {
            switch language {
            case .kk:
                return
                    "«\(indicator)» көрсеткіші бойынша «\(territory)» аумағында \(period) кезеңінде мақсат ең көбі \(target) \(unit) болғанда, неге мән \(actual) болды\(short) және мақсатқа жету үшін қандай шаралар қабылданады?"
            case .ru:
                return
                    "Почему по показателю «\(indicator)» по территории «\(territory)» за \(period) значение составило \(actual) при цели не более \(target) \(unit)\(short) и какие меры будут приняты для её достижения?"
            case .en:
                return
                    "Why was “\(indicator)” in \(territory) at \(actual) against a target of at most \(target) \(unit) for \(period)\(short), and what will be done to reach it?"
            }
        }
        switch language {
        case .kk:
            return
                "«\(indicator)» көрсеткіші бойынша «\(territory)» аумағында \(period) кезеңінде неге \(target) \(unit) мақсатқа қарсы \(actual) ғана орындалды\(short) және мақсатқа жету үшін қандай шаралар қабылданады?"
        case .ru:
            return
                "Почему по показателю «\(indicator)» по территории «\(territory)» за \(period) достигнуто \(actual) при цели \(target) \(unit)\(short) и какие меры будут приняты для её достижения?"
        case .en:
            return
                "Why did “\(indicator)” in \(territory) reach only \(actual) against a target of \(target) \(unit) for \(period)\(short), and what will be done to reach it?"
        }
    }
}
