import NIOCore
import UadeDomain

/// Every label of the web pages in Kazakh, Russian and English. Templates read them as
/// `{{t.key}}`; a test checks that every key a template names is here, in all three languages.
enum WebText {
    /// Built once per language: every page asks.
    static func labels(_ language: Language) -> [String: String] {
        built[language] ?? [:]
    }

    static let built: [Language: [String: String]] = Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0, build($0)) })

    static func build(_ language: Language) -> [String: String] {
        var result: [String: String] = [:]
        for (key, texts) in table {
            result[key] =
                switch language {
                case .kk: texts.0
                case .ru: texts.1
                case .en: texts.2
                }
        }
        // Statuses, kinds and roles are read in the same words as in the reports: from the one
        // table of `Worded` enums, under the keys the templates use.
        func add<T: Worded & RawRepresentable & CaseIterable>(_ type: T.Type, prefix: String) where T.RawValue == String {
            for value in type.allCases { result[prefix + value.rawValue] = value.heading(language) }
        }
        add(EvaluationStatus.self, prefix: "status_")
        add(FlagKind.self, prefix: "flag_")
        add(Role.self, prefix: "role_")
        add(RunStatus.self, prefix: "run_")
        add(Faction.self, prefix: "faction_")
        add(DueStatus.self, prefix: "")
        add(HearingStatus.self, prefix: "")
        add(DiffChange.self, prefix: "")
        result["unowned"] = FlagKind.unowned.heading(language)
        return result
    }

    static func text(_ key: String, _ language: Language) -> String {
        labels(language)[key] ?? key
    }

    static let table: [String: (String, String, String)] = [
        "app": ("Уәде", "Уәде", "Uade"),
        "tagline": ("Сайлауалды бағдарламаның орындалуы", "Исполнение предвыборной программы", "How the election programme is carried out"),
        "skip": ("Мазмұнға өту", "Перейти к содержанию", "Skip to content"),
        "nav_home": ("Басты бет", "Главная", "Home"),
        "nav_due": ("Толтыру керек", "К заполнению", "Due"),
        "nav_upload": ("CSV жүктеу", "Загрузка CSV", "CSV upload"),
        "nav_heatmap": ("Жылу картасы", "Тепловая карта", "Heatmap"),
        "nav_mine": ("Менің көрсеткіштерім", "Мои показатели", "My indicators"),
        "nav_hearings": ("Тыңдаулар", "Заслушивания", "Hearings"),
        "nav_roadmaps": ("Жол карталары", "Дорожные карты", "Roadmaps"),
        "roadmaps_title": ("Жол карталары", "Дорожные карты", "Roadmaps"),
        "target_change": ("Нысананы өзгерту", "Изменить цель", "Change the target"),
        "target_revised": ("Нысана", "Цель", "Target"),
        "target_overwritten": ("жазылды (жоба)", "записана (проект)", "written (a draft)"),
        "target_unchanged": ("өзгеріссіз", "без изменений", "unchanged"),
        "target_withdrawn": ("күтудегі өзгеріс кері қайтарылды", "ожидавший пересмотр отозван", "the pending revision was withdrawn"),
        "classifier_title": ("Аумақтар жіктеуіші", "Классификатор территорий", "Territory classifier"),
        "classifier_help": (
            "ӘАОЖ жіктеуішінің жаңа басылымы (CSV): kato, kind, parent_kato, name_kk, name_ru, name_en, valid_from, valid_to, successor_kato. Таратылған аумақтың нысаналары мен жауаптылары оның мұрагерлеріне өтеді.",
            "Новая редакция классификатора КАТО (CSV): kato, kind, parent_kato, name_kk, name_ru, name_en, valid_from, valid_to, successor_kato. Цели и ответственные упразднённой территории переходят к её правопреемникам.",
            "A new edition of the KATO classifier (CSV): kato, kind, parent_kato, name_kk, name_ru, name_en, valid_from, valid_to, successor_kato. A retired territory's targets and owners go to its successors."
        ),
        "classifier_dry_run": ("Тек тексеру, жазбау", "Только проверить, не записывать", "Only check, write nothing"),
        "classifier_import": ("Жүктеу", "Загрузить", "Import"),
        "classifier_checked": ("Тексерілді", "Проверено", "Checked"),
        "classifier_written": ("Жазылды", "Записано", "Written"),
        "classifier_retired": ("таратылды", "упразднено", "retired"),
        "classifier_moved": ("берілген нысаналар / жауаптылар", "передано целей / ответственных", "targets / ownerships handed over"),
        "nav_revisions": ("Нысаналардың өзгерістері", "Пересмотр целей", "Revisions"),
        "revisions_title": ("Нысаналардың өзгерістері", "Пересмотр целевых значений", "Revisions of targets"),
        "revisions_help": (
            "Бекітілген бағдарламаның нысанасы тек өзгеріс арқылы өзгереді. Кезең басталғаннан кейін нысананы жеңілдететін өзгерісті екінші адам — әкімші немесе бөлімге жауапты Бюро мүшесі — бекітеді не себебін айтып қабылдамайды.",
            "Цели утверждённой программы меняются только пересмотром. Пересмотр, который смягчает цель после начала её периода, утверждает второй человек — администратор или член Бюро, отвечающий за раздел, — или отклоняет с указанием причины.",
            "An approved programme's targets change only through revisions. A revision that eases a target after its period began is approved by a second person — an administrator or the Bureau member owning the section — or refused with a reason."
        ),
        "territory_pick_help": (
            "Атауын теріп, тізімнен таңдаңыз; ҚАТО коды да жарайды", "Начните вводить название и выберите из списка; подойдёт и код КАТО",
            "Type the name and pick it from the list; a KATO code will do too"
        ),
        "items_title": ("Атаулар мен мерзімдер", "Названия и сроки", "Names and deadlines"),
        "items_help": (
            "Бекітілген бағдарламада көрсеткіштің атауын өзгерту бірден күшіне енеді және жазылып қалады. Іс-шараның мерзімін кейінге шегеру — жеңілдету: оны екінші адам — әкімші немесе бөлімге жауапты Бюро мүшесі — бекітеді.",
            "В утверждённой программе новое название показателя действует сразу и остаётся в истории. Перенос срока мероприятия на более позднюю дату — послабление: его утверждает второй человек — администратор или член Бюро, отвечающий за раздел.",
            "In an approved programme an indicator's new name is in force at once and kept on record. Moving a measure's deadline later eases the promise: a second person — an administrator or the Bureau member owning the section — approves it."
        ),
        "items_rename": ("Атауын өзгерту", "Изменить название", "Rename the indicator"),
        "items_reschedule": ("Мерзімді өзгерту", "Изменить срок мероприятия", "Move a measure's deadline"),
        "items_new_deadline": ("Жаңа мерзім", "Новый срок", "New deadline"),
        "items_name_kk": ("Атауы (қазақша)", "Название (каз.)", "Name (Kazakh)"),
        "items_name_ru": ("Атауы (орысша)", "Название (рус.)", "Name (Russian)"),
        "items_name_en": ("Атауы (ағылшынша)", "Название (англ.)", "Name (English)"),
        "items_names": ("атауы", "название", "names"),
        "items_deadline": ("мерзімі", "срок", "deadline"),
        "items_none_measures": (
            "Бұл бөлімде осы аумақтың іс-шаралары жоқ.", "В этом разделе нет мероприятий этой территории.",
            "No measures of this territory in this section."
        ),
        "revisions_pending": ("Екінші келісімді күтетіндер", "Ждут второго согласования", "Waiting for a second approval"),
        "revisions_recent": ("Соңғы өзгерістер", "Последние изменения", "Recent revisions"),
        "revisions_none": ("Өзгеріс жоқ.", "Изменений нет.", "No revisions."),
        "revisions_approve": ("Бекіту", "Утвердить", "Approve"),
        "revisions_refuse": ("Қабылдамау", "Отклонить", "Refuse"),
        "revisions_refusal": ("Қабылдамау себебі", "Причина отклонения", "Why it is refused"),
        "revisions_decided": ("Шешім жазылды:", "Решение записано:", "Decision recorded:"),
        "revisions_old_new": ("Бұрын → жаңа", "Было → стало", "Old → new"),
        "revisions_applies": ("Қолданылу күні", "Действует с", "Applies from"),
        "revisions_by": ("Ұсынған", "Предложил(а)", "Proposed by"),
        "revisions_status": ("Күйі", "Состояние", "Status"),
        "revisions_eases": ("жеңілдетеді", "смягчает", "eases"),
        "roadmaps_status": ("Күйі", "Статус", "Status"),
        "roadmaps_approve": ("Бағдарламаны бекіту", "Утвердить программу", "Approve the programme"),
        "roadmaps_approved": ("Бағдарлама бекітілді:", "Программа утверждена:", "Programme approved:"),
        "roadmaps_revises": (
            "Бағдарлама бекітілген: өзгерген нысаналар өзгеріс ретінде жазылады, кезең басталғаннан кейін жеңілдетілгендері екінші келісімді күтеді. Себебін жазыңыз.",
            "Программа утверждена: изменённые цели записываются как пересмотр, а смягчённые после начала периода ждут второго согласования. Укажите причину.",
            "The programme is approved: changed targets are recorded as revisions, and those eased after their period began wait for a second approval. Give the reason."
        ),
        "roadmaps_reason": ("Өзгеріс себебі", "Причина пересмотра", "Reason for the revision"),
        "roadmaps_revisions_written": ("Өзгерістер: күшінде", "Пересмотры: действуют", "Revisions: in force"),
        "roadmaps_revisions_waiting": ("екінші келісімді күтуде", "ждут второго согласования", "waiting for a second approval"),
        "roadmaps_help": (
            "Жол картасы — бір XLSX кітабы: бағдарлама, бөлімдер, көрсеткіштер, нысаналар, іс-шаралар, адамдар, жауаптылар. Жүктеп алыңыз, Excel-де толтырыңыз, қайта жүктеңіз: алдымен өзгерістер көрсетіледі, растағаннан кейін ғана жазылады.",
            "Дорожная карта — одна книга XLSX: программа, разделы, показатели, цели, мероприятия, люди, ответственные. Скачайте её, заполните в Excel и загрузите: сначала будут показаны изменения, записаны они будут только после подтверждения.",
            "A roadmap is one XLSX workbook: programme, sections, indicators, targets, measures, people, owners. Download it, fill it in Excel and upload it: the changes are shown first and written only once you confirm."
        ),
        "roadmaps_programmes": ("Сіз жүргізетін бағдарламалар", "Ваши программы", "Your programmes"),
        "roadmaps_none": ("Бағдарлама әлі жоқ: жаңасын жүктеңіз.", "Программ пока нет: загрузите новую.", "No programme yet: upload a new one."),
        "roadmaps_download": ("XLSX жүктеп алу", "Скачать XLSX", "Download XLSX"),
        "roadmaps_upload": ("Кітапты жүктеу", "Загрузить книгу", "Upload a workbook"),
        "roadmaps_retire": (
            "Кітапта жоқ нысаналар мен жауаптылықтарды алып тастау (мәні енгізілген нысаналар қалады)",
            "Удалить цели и закрепления, которых нет в книге (цели с внесёнными значениями сохраняются)",
            "Remove targets and ownerships the workbook leaves out (targets with reported values are kept)"
        ),
        "roadmaps_check": ("Тексеру", "Проверить", "Check"),
        "roadmaps_preview": ("Өзгерістер:", "Изменения:", "Changes:"),
        "roadmaps_sheet": ("Парақ", "Лист", "Sheet"),
        "roadmaps_row": ("Жол", "Строка", "Row"),
        "roadmaps_new": ("Жаңа", "Новые", "New"),
        "roadmaps_changed": ("Өзгерген", "Изменённые", "Changed"),
        "roadmaps_absent": ("Кітапта жоқ", "Нет в книге", "Absent"),
        "roadmaps_nothing": (
            "Кітап сақталғанмен бірдей: ештеңе өзгермейді.", "Книга совпадает с сохранённой: ничего не изменится.",
            "The workbook is the roadmap as stored: nothing changes."
        ),
        "roadmaps_confirm": ("Растау және жазу", "Подтвердить и записать", "Confirm and write"),
        "roadmaps_written": ("Жазылды:", "Записано:", "Written:"),
        "nav_accounts": ("Тіркелгілер", "Учётные записи", "Accounts"),
        "nav_flags": ("Белгілер", "Отметки", "Flags"),
        "flags_title": ("Түсіндіру керек белгілер", "Отметки, требующие объяснения", "Flags to explain"),
        "flags_help": (
            "Бір жол — бір аумақтағы бір көрсеткіш, оның барлық кезеңдері мен белгілерімен. Алдымен ашық белгілер: орындалмағандар, "
                + "ұсынылмағандар, тәуекелдегілер, содан кейін сандардағы күмәнділер; әрқайсысында ең соңғы кезең бірінші.",
            "Одна строка — один показатель на одной территории, со всеми его периодами и отметками. Сначала открытые: не достигнутые, "
                + "не представленные, в зоне риска, затем сомнения в самих цифрах; внутри — сначала последние периоды.",
            "One line is one indicator in one territory, with all its periods and flags. Open ones first: missed, not reported, "
                + "at risk, then doubts about the figures themselves; within each, the latest periods first."
        ),
        "flags_empty": ("Түсіндіру керек белгі жоқ.", "Отметок, требующих объяснения, нет.", "No flags to explain."),
        "flags_all": ("Барлық белгілер", "Все отметки", "All flags"),
        "flag_state_all": ("Ашық және түсіндірілген", "Открытые и объяснённые", "Open and explained"),
        "flag_state_open": ("Ашық", "Открытые", "Open"),
        "flag_state_explained": ("Түсіндірілген", "Объяснённые", "Explained"),
        "running_total": ("Өспелі жиынтық", "Нарастающим итогом", "Running total"),
        "value_this_period": ("Осы кезеңде", "За этот период", "This period"),
        "target_running": ("Жоспар (өспелі жиынтық)", "План (нарастающим итогом)", "Target (running total)"),
        "explanation_read_where": (
            "Түсініктеме көрсеткіш бетінде және тыңдау есебінде оқылады.",
            "Объяснение видно на странице показателя и в отчёте к заслушиванию.",
            "The explanation is read on the indicator's page and in the hearing report."
        ),
        "code": ("Коды", "Код", "Code"),
        "diff_cut": ("Тізім толық емес: көрсетілгені", "Список не полный: показаны", "The list is cut: shown"),
        "home_unowned": (
            "Жауаптысы жоқ көрсеткіштер бойынша белгілер", "Отметки по показателям без ответственного", "Flags on indicators nobody owns"
        ),
        "nav_ownership": ("Жауаптылар", "Ответственные", "Ownership"),
        "nav_evaluations": ("Бағалаулар", "Оценки", "Evaluations"),
        "nav_public": ("Ашық прогресс", "Открытый прогресс", "Public progress"),
        "nav_password": ("Құпиясөз", "Пароль", "Password"),
        "logout": ("Шығу", "Выйти", "Log out"),
        "login": ("Кіру", "Войти", "Log in"),
        "language": ("Тіл", "Язык", "Language"),
        "username": ("Пайдаланушы аты", "Имя пользователя", "Username"),
        "password": ("Құпиясөз", "Пароль", "Password"),
        "login_title": ("Жүйеге кіру", "Вход в систему", "Log in"),
        "login_failed": (
            "Пайдаланушы аты не құпиясөз қате, немесе тым көп сәтсіз әрекет: 15 минут күтіңіз.",
            "Неверное имя или пароль, либо слишком много неудачных попыток: подождите 15 минут.",
            "Wrong username or password, or too many failed attempts: wait 15 minutes."
        ),
        "password_title": ("Құпиясөзді өзгерту", "Смена пароля", "Change password"),
        "current_password": ("Қазіргі құпиясөз", "Текущий пароль", "Current password"),
        "new_password": ("Жаңа құпиясөз (кемінде 10 таңба)", "Новый пароль (не менее 10 символов)", "New password (at least 10 characters)"),
        "password_changed": (
            "Құпиясөз өзгертілді; басқа сеанстар жабылды.", "Пароль изменён; другие сеансы завершены.",
            "Password changed; other sessions have ended."
        ),
        "save": ("Сақтау", "Сохранить", "Save"),
        "filter": ("Сүзу", "Показать", "Filter"),
        "all": ("Барлығы", "Все", "All"),
        "home_title": ("Қазір не істеу керек", "Что сделать сейчас", "What to do now"),
        "home_due": ("Толтырылмаған мәндер", "Незаполненные значения", "Values not yet reported"),
        "home_flags": ("Түсіндіру керек белгілер", "Отметки, требующие объяснения", "Flags to explain"),
        "home_hearings": ("Дайындалатын тыңдаулар", "Заслушивания к подготовке", "Hearings to prepare"),
        "home_owned": ("Сіз жауап беретін, қиын жағдайдағы көрсеткіштер", "Ваши показатели в зоне риска", "Your items that are slipping"),
        "home_nothing": ("Қазір шұғыл ештеңе жоқ.", "Сейчас ничего срочного.", "Nothing urgent right now."),
        "home_gaps": ("Жауаптысы жоқ бөлімдер мен көрсеткіштер", "Разделы и показатели без ответственного", "Sections and indicators nobody owns"),
        "open": ("Ашу", "Открыть", "Open"),
        "roles": ("Рөлдер", "Роли", "Roles"),
        "territory": ("Аумақ", "Территория", "Territory"),
        "section": ("Бөлім", "Раздел", "Section"),
        "indicator": ("Көрсеткіш", "Показатель", "Indicator"),
        "measure": ("Іс-шара", "Мероприятие", "Measure"),
        "period": ("Кезең", "Период", "Period"),
        "target": ("Жоспар", "План", "Target"),
        "value": ("Мән", "Значение", "Value"),
        "actual": ("Нақты", "Факт", "Actual"),
        "status": ("Мәртебе", "Статус", "Status"),
        "unit": ("Өлшем бірлігі", "Единица", "Unit"),
        "comment": ("Түсініктеме", "Комментарий", "Comment"),
        "evidence": ("Дәлел (сілтеме немесе құжат)", "Подтверждение (ссылка или документ)", "Evidence (link or document)"),
        "reason": ("Түзету себебі", "Причина исправления", "Reason for the correction"),
        "entered_by": ("Кім енгізді", "Кто внёс", "Entered by"),
        "entered_at": ("Қашан", "Когда", "When"),
        "due_title": ("Осы кезеңде толтыру керек", "К заполнению за период", "Due this period"),
        "due_empty": ("Сүзгіге сәйкес ештеңе жоқ.", "По фильтру ничего нет.", "Nothing matches the filter."),
        "enter": ("Енгізу", "Внести", "Enter"),
        "correct": ("Түзету", "Исправить", "Correct"),
        "cumulative_help_1": (
            "Тек осы кезеңдегі соманы енгізіңіз. Жоспар —", "Введите сумму только за этот период. План — нарастающий итог с",
            "Enter this period's amount only. The target is a running total since"
        ),
        "cumulative_help_2": (
            " кезеңінен бастап өспелі жиынтық: онымен барлық кезеңдердің қосындысы салыстырылады.",
            ": с ним сравнивается сумма всех периодов.", ": the sum of all periods is compared with it."
        ),
        "territory_hint": ("Атауы немесе ҚАТО", "Название или КАТО", "Name or KATO"),
        "calendar_due_days": (
            "Мәндерді кезең аяқталғаннан кейін неше күнде тапсыру", "Срок сдачи значений, дней после конца периода",
            "Values due, days after a period ends"
        ),
        "calendar_closes_days": (
            "Кезең мерзімнен кейін неше күнде жабылады", "Период закрывается для ввода, дней после срока", "Period closes, days after the deadline"
        ),
        "nav_exceptions": ("Ерекше рұқсаттар", "Исключения", "Exceptions"),
        "exceptions_title": ("Жабық кезеңдерге ерекше рұқсаттар", "Исключения для закрытых периодов", "Exceptions for closed periods"),
        "exceptions_intro": (
            "Жабық кезеңге мәнді тек әкімші берген ерекше рұқсатпен енгізуге болады: ол көрсетілген күнге дейін әрекет етеді, осы рұқсатпен енгізілген мәндер келесі бағалауда белгіленеді.",
            "Значение за закрытый период можно внести только по исключению, которое разрешает администратор: оно действует до указанного дня, а внесённые по нему значения отмечаются при следующей оценке.",
            "A value for a closed period can be entered only under an exception an administrator grants: it lasts until the day given, and values entered under it are flagged by the next evaluation."
        ),
        "exceptions_ask": ("Ерекше рұқсат сұрау", "Запросить исключение", "Ask for an exception"),
        "exceptions_territories": ("Аумақтар (үтір арқылы)", "Территории (через запятую)", "Territories (comma-separated)"),
        "exceptions_periods": ("Кезеңдер (үтір арқылы)", "Периоды (через запятую)", "Periods (comma-separated)"),
        "exceptions_reason": ("Себебі", "Причина", "Reason"),
        "exceptions_submit": ("Сұрау жіберу", "Отправить запрос", "Send the request"),
        "exceptions_decide": ("Шешім", "Решение", "Decision"),
        "exceptions_until": ("Қай күнге дейін", "До какого дня", "Until"),
        "exceptions_until_short": ("дейін", "до", "until"),
        "exceptions_lapsed": ("мерзімі өтті", "истекло", "lapsed"),
        "exceptions_grant": ("Рұқсат ету", "Разрешить", "Grant"),
        "exceptions_refuse": ("Бас тарту", "Отказать", "Refuse"),
        "exceptions_empty": ("Ерекше рұқсаттар жоқ.", "Исключений нет.", "No exceptions."),
        "nav_timeliness": ("Уақтылық", "Своевременность", "Timeliness"),
        "timeliness_title": ("Мәндерді уақтылы тапсыру", "Своевременность сдачи значений", "Timeliness of values"),
        "timeliness_intro": (
            "Әр есептік жазба мен аумақтың алғашқы мәндері (түзетулер есептелмейді): мерзімінде тапсырылғаны және кешігудің медианасы, ең кешіккендер басында.",
            "Первые значения каждой учётной записи по каждой территории (исправления не считаются): сколько сдано в срок и медиана опоздания, сначала самые опаздывающие.",
            "Each account's first values for each territory (corrections do not count): how many came by the deadline and the median delay, the latest first."
        ),
        "timeliness_account": ("Есептік жазба", "Учётная запись", "Account"),
        "timeliness_values": ("Мәндер", "Значений", "Values"),
        "timeliness_on_time": ("Мерзімінде", "В срок", "On time"),
        "timeliness_share": ("Мерзімінде үлесі", "Доля в срок", "Share on time"),
        "timeliness_delay": ("Кешігу медианасы, күн", "Медиана опоздания, дней", "Median delay, days"),
        "timeliness_empty": ("Әзірге мән жоқ.", "Значений пока нет.", "No values yet."),
        "calendar_set": ("Есеп беру күнтізбесі сақталды:", "Календарь отчётности сохранён:", "Reporting calendar saved:"),
        "due_older": (
            "Бағдарлама мерзімінің бұрынғы кезеңдеріндегі толтырылмағандар", "Незаполненные за более ранние периоды срока", "Older gaps of the term"
        ),
        "running_before": ("Осы кезеңге дейінгі жиынтық", "Итог до этого периода", "Running total before this period"),
        "warn_title": (
            "Мән қате терілген сияқты. Тексеріңіз немесе сол күйінде сақтаңыз.", "Значение похоже на опечатку. Проверьте его или сохраните как есть.",
            "The value looks mistyped. Check it, or save it as it is."
        ),
        "warn_fraction": (
            "Мән бүтін сан болуы керек (өлшем бірлігі: {unit}).", "Значение должно быть целым числом (единица измерения: {unit}).",
            "The value should be a whole number (unit: {unit})."
        ),
        "warn_far_above": (
            "Мән күтілгеннен он еседен астам көп (кезеңге шамамен {expected}).",
            "Значение больше ожидаемого более чем в десять раз (за период около {expected}).",
            "The value is more than ten times what is expected (about {expected} for the period)."
        ),
        "warn_far_below": (
            "Мән күтілгеннен он еседен астам аз (кезеңге шамамен {expected}).",
            "Значение меньше ожидаемого более чем в десять раз (за период около {expected}).",
            "The value is less than a tenth of what is expected (about {expected} for the period)."
        ),
        "save_anyway": ("Сол күйінде сақтау", "Сохранить как есть", "Save as it is"),
        "entry_title": ("Мәнді енгізу", "Ввод значения", "Enter a value"),
        "correction_title": ("Мәнді түзету", "Исправление значения", "Correct the value"),
        "current_value": ("Қазіргі мән", "Текущее значение", "Current value"),
        "last_values": ("Соңғы мәндер", "Последние значения", "Recent values"),
        "history": ("Өзгерістер тарихы", "История изменений", "History"),
        "no_history": ("Бұл кезеңге әлі мән енгізілмеген.", "За этот период значений ещё нет.", "No value for this period yet."),
        "saved": ("Сақталды.", "Сохранено.", "Saved."),
        "form_has_errors": (
            "Форманы тексеріңіз: қателер өрістердің жанында көрсетілген.", "Проверьте форму: ошибки указаны рядом с полями.",
            "Please check the form: the problems are shown next to the fields."
        ),
        "upload_title": ("CSV файлмен жүктеу", "Загрузка файла CSV", "Upload a CSV file"),
        "upload_help": (
            "Үлгіні жүктеп алып, «value» бағанын толтырыңыз. Файл толығымен тексеріледі: бір жол қате болса, ештеңе жазылмайды.",
            "Скачайте шаблон и заполните столбец «value». Файл проверяется целиком: если хоть одна строка с ошибкой, ничего не записывается.",
            "Download the template and fill in the “value” column. The file is checked whole: if any row is wrong, nothing is written."
        ),
        "download_template": ("Үлгіні жүктеу", "Скачать шаблон", "Download the template"),
        "file": ("Файл", "Файл", "File"),
        "check_only": ("Тек тексеру, жазбау", "Только проверить, не записывать", "Check only, do not write"),
        "upload": ("Жүктеу", "Загрузить", "Upload"),
        "upload_problems": (
            "Файлда қателер бар; ештеңе жазылған жоқ.", "В файле есть ошибки; ничего не записано.",
            "The file has problems; nothing was written."
        ),
        "upload_ok": ("Файл қабылданды.", "Файл принят.", "The file was accepted."),
        "upload_checked": (
            "Файл дұрыс; ештеңе жазылған жоқ (тек тексеру).", "Файл корректен; ничего не записано (только проверка).",
            "The file is fine; nothing was written (check only)."
        ),
        "problem": ("Мәселе", "Проблема", "Problem"),
        "line": ("Жол", "Строка", "Line"),
        "column": ("Баған", "Столбец", "Column"),
        "rows": ("Жолдар", "Строк", "Rows"),
        "new_values": ("Жаңа мәндер", "Новых значений", "New values"),
        "corrections": ("Түзетулер", "Исправлений", "Corrections"),
        "unchanged": ("Өзгеріссіз", "Без изменений", "Unchanged"),
        "blank": ("Бос", "Пустых", "Blank"),
        "flags": ("Белгілер", "Отметки", "Flags"),
        "flag_kind": ("Түрі", "Вид", "Kind"),
        "explain": ("Түсіндіру", "Объяснить", "Explain"),
        "explanation": ("Түсініктеме", "Объяснение", "Explanation"),
        "heatmap_title": ("Бөлімдер мен аумақтар бойынша жағдай", "Положение по разделам и территориям", "Standing by section and territory"),
        "heatmap_help": (
            "Ұяшықтың түсі: бағаланған көрсеткіштердің жартысы немесе одан көбі қиындықта болса (орындалмады, ұсынылмады, тәуекелде), "
                + "олардың ең жиі мәртебесінің түсі; бестен бірі немесе одан көбі болса — «тәуекелде»; әйтпесе — көпшілігінің түсі. "
                + "Сан — барлығының ішінде қиындықтағылар.",
            "Цвет клетки: если половина оценённых показателей или больше проблемные (не достигнуто, не представлено, в зоне риска), — "
                + "цвет самого частого из этих статусов; если пятая часть или больше — «в зоне риска»; иначе — цвет большинства. "
                + "Число — сколько проблемных из всех.",
            "A cell's colour: when half or more of its judged indicators are in trouble (missed, not reported, at risk), the colour "
                + "of the commonest of these; when a fifth or more are, \u{201C}at risk\u{201D}; otherwise the colour most of them have. "
                + "The figure is how many are in trouble out of all."
        ),
        "heatmap_rolled_up": (
            "∑ — бұл жерде аумақтың өз мәндерінің көбі бағаланатын кезеңге ұсынылмаған: төмендегі аумақтардың жиынтығы көрсетілген.",
            "∑ — здесь большая часть собственных значений территории за оцениваемый период не представлена: показана сводка по территориям ниже.",
            "∑ — here most of the territory's own values for the period judged are not reported: the roll-up of the territories below it is shown."
        ),
        "heatmap_without_values": (
            "∅ — бағаланатын кезеңге мәндердің көбін аумақ та, төмендегі аумақтар да ұсынбады.",
            "∅ — за оцениваемый период большую часть значений не представили ни сама территория, ни территории ниже.",
            "∅ — most values for the period judged are reported neither by the territory nor by those below it."
        ),
        "public_shade_help": (
            "Пайыз — бағаланған көрсеткіштердің ішінде бағытындағылары (орындалды немесе кестеге сай). Түсі: жартысы немесе одан азы "
                + "бағытында болса — қиындықтың ең жиі мәртебесі; бестен төрті немесе одан азы болса — «тәуекелде»; әйтпесе — көпшілігінің түсі.",
            "Процент — доля показателей в норме (выполнено или в графике) среди оценённых. Цвет: если в норме половина или меньше — "
                + "цвет самого частого из проблемных статусов; если четыре пятых или меньше — «в зоне риска»; иначе — цвет большинства.",
            "The percentage is the share of judged indicators on course (achieved or on track). The colour: when half or fewer are "
                + "on course, the commonest troubled status; when four in five or fewer are, \u{201C}at risk\u{201D}; otherwise the "
                + "colour most of them have."
        ),
        "rolled_up_mark": ("төмендегі аумақтардың жиынтығы", "сводка по территориям ниже", "roll-up of the territories below"),
        "without_values_mark": ("көбі ұсынылмады", "большая часть не представлена", "mostly not reported"),
        "scroll_hint": (
            "Кесте экраннан кең: оны көлденең жылжытыңыз.", "Таблица шире экрана: прокрутите её вбок.",
            "The table is wider than the screen: scroll it sideways."
        ),
        "legend": ("Белгілер түсіндірмесі", "Условные обозначения", "Legend"),
        "run": ("Бағалау", "Оценка", "Evaluation run"),
        "as_of": ("Күйі", "По состоянию на", "As of"),
        "no_run": ("Әлі аяқталған бағалау жоқ.", "Завершённой оценки ещё нет.", "No completed evaluation yet."),
        "by_section": ("бөлімдер бойынша", "по разделам", "by section"),
        "by_indicator": ("көрсеткіштер бойынша", "по показателям", "by indicator"),
        "trajectory": ("Траектория: жоспар мен нақты", "Траектория: план и факт", "Trajectory: targets and actuals"),
        "owner_bureau": ("Бюро мүшесі", "Член Бюро", "Bureau member"),
        "owner_council": ("Саяси кеңес мүшесі", "Член Политсовета", "Political Council member"),
        "mine_title": ("Менің көрсеткіштерім", "Мои показатели", "My indicators"),
        "hearings_title": ("Фракция тыңдаулары", "Заслушивания фракции", "Faction hearings"),
        "hearing_new": ("Жаңа тыңдау", "Новое заслушивание", "New hearing"),
        "hearing_edit": ("Тыңдауды өзгерту", "Изменить заслушивание", "Edit the hearing"),
        "title": ("Атауы", "Название", "Title"),
        "date": ("Күні", "Дата", "Date"),
        "faction": ("Фракция", "Фракция", "Faction"),
        "faction_territory": ("Фракция аумағы", "Территория фракции", "Faction's territory"),
        "scope": ("Қамту аумағы", "Охват", "Scope"),
        "depth": ("Төменгі деңгейлер саны", "Уровней ниже", "Levels below"),
        "sections_choice": ("Бөлімдер", "Разделы", "Sections"),
        "sections_all": ("Барлық бөлімдер", "Все разделы", "All sections"),
        "sections_sensitive": ("Тек әлеуметтік маңызды", "Только социально значимые", "Socially sensitive only"),
        "sections_chosen": ("Таңдалғандар", "Выбранные", "Chosen"),
        "officials": (
            "Тыңдалатын лауазымды тұлғалар (әр жолға: аты; лауазымы; аумақ KATO)", "Заслушиваемые (по строке: ФИО; должность; КАТО территории)",
            "Officials heard (one per line: name; office; territory KATO)"
        ),
        "hearing_status": ("Мәртебесі", "Статус", "Status"),
        "report_preview": ("Есептің алдын ала көрінісі", "Предпросмотр отчёта", "Report preview"),
        "download": ("Жүктеу", "Скачать", "Download"),
        "resolutions": ("Қаулылар", "Постановления", "Resolutions"),
        "resolution_new": ("Қаулыны жазу", "Записать постановление", "Record a resolution"),
        "resolution_text": ("Мәтіні", "Текст", "Text"),
        "deadline": ("Мерзімі", "Срок", "Deadline"),
        "executor": ("Орындаушы", "Исполнитель", "Executor"),
        "resolutions_after": (
            "Қаулылар тыңдау өткеннен кейін жазылады.", "Постановления записываются после заслушивания.",
            "Resolutions are recorded once the hearing is held."
        ),
        "accounts_title": ("Тіркелгілер мен рөлдер", "Учётные записи и роли", "Accounts and roles"),
        "account_new": ("Жаңа тіркелгі", "Новая учётная запись", "New account"),
        "person": ("Тұлға", "Лицо", "Person"),
        "none": ("—", "—", "—"),
        "grant": ("Рөл беру", "Выдать роль", "Grant a role"),
        "role": ("Рөл", "Роль", "Role"),
        "disabled": ("Бұғатталған", "Отключена", "Disabled"),
        "ownership_title": ("Жауаптыларды тағайындау", "Назначение ответственных", "Ownership"),
        "gaps_sections": (
            "Бюро мүшесі жоқ әлеуметтік маңызды бөлімдер", "Социально значимые разделы без члена Бюро",
            "Socially sensitive sections without a Bureau member"
        ),
        "gaps_indicators": (
            "Саяси кеңес мүшесі жоқ көрсеткіштер (әлеуметтік маңызды бөлімдерде)",
            "Показатели без члена Политсовета (в социально значимых разделах)",
            "Indicators without a Political Council member (in socially sensitive sections)"
        ),
        "no_gaps": ("Олқылық жоқ.", "Пробелов нет.", "No gaps."),
        "assign_section": ("Бөлімді тапсыру", "Закрепить раздел", "Assign a section"),
        "assign_indicator": ("Көрсеткішті тапсыру", "Закрепить показатель", "Assign an indicator"),
        "from_day": ("Қай күннен", "С даты", "From"),
        "assigned": ("Тағайындалды.", "Назначено.", "Assigned."),
        "count": ("Саны", "Количество", "Count"),
        "examples": ("Мысалдар", "Примеры", "Examples"),
        "evaluations_title": ("Бағалау жүргізулері", "Запуски оценки", "Evaluation runs"),
        "evaluation_start": ("Бағалауды бастау", "Запустить оценку", "Start an evaluation"),
        "programme": ("Бағдарлама", "Программа", "Programme"),
        "started": ("Басталды", "Начато", "Started"),
        "compare": ("Салыстыру", "Сравнить", "Compare"),
        "diff_title": ("Екі бағалаудың айырмасы", "Разница двух оценок", "Difference between two runs"),
        "before": ("Бұрын", "Было", "Before"),
        "after": ("Кейін", "Стало", "After"),
        "change": ("Өзгеріс", "Изменение", "Change"),
        "no_changes": ("Өзгеріс жоқ.", "Изменений нет.", "No changes."),
        "public_title": ("Бағдарлама қалай орындалуда", "Как выполняется программа", "How the programme is carried out"),
        "public_help": (
            "Тек жиынтық сандар: өңірлер мен бөлімдер бойынша көрсеткіштер саны, мәртебесі бойынша. Жеке деректер жоқ.",
            "Только сводные цифры: число показателей по регионам и разделам по статусам. Без персональных данных.",
            "Aggregates only: how many indicators stand where, by region and section. No personal data."
        ),
        "region": ("Өңір", "Регион", "Region"),
        "share_achieved": ("Бағытында (орындалды немесе кестеге сай)", "В норме (выполнено или в графике)", "On course (achieved or on track)"),
        "error_generic": ("Сұрауды орындау мүмкін болмады.", "Запрос не удалось выполнить.", "The request could not be done."),
        "error_title": ("Қате", "Ошибка", "Error"),
        "error_forbidden": ("Бұл бетке кіруге құқығыңыз жоқ.", "У вас нет доступа к этой странице.", "You may not open this page."),
        "error_not_found": ("Бет табылмады.", "Страница не найдена.", "Page not found."),
        "error_csrf": (
            "Форма ескірген. Бетті жаңартып, қайта жіберіңіз.", "Форма устарела. Обновите страницу и отправьте снова.",
            "The form has expired. Reload the page and send it again."
        ),
        "error_unavailable": (
            "Дерекқор қазір жауап бермейді. Бір сәттен кейін қайталап көріңіз.",
            "База данных сейчас не отвечает. Повторите через минуту.",
            "The database is not answering right now. Try again in a moment."
        ),
        "error_unavailable_write": (
            "Дерекқор жауап бермеді: жазба сақталған-сақталмағанын тарихтан тексеріп, содан кейін қайта жіберіңіз.",
            "База данных не ответила: проверьте в истории, сохранилась ли запись, и только потом отправьте снова.",
            "The database did not answer: check the history to see whether it was saved before sending it again."
        ),
        "filter_unreadable": (
            "оқылмады (кезең мысалы: 2024-Q3 немесе 2024)", "не удалось прочитать (период, например: 2024-Q3 или 2024)",
            "cannot be read (a period is e.g. 2024-Q3 or 2024)"
        ),
        "upload_nothing_written": ("Ештеңе жазылған жоқ.", "Ничего не записано.", "Nothing was written."),
        "upload_list_cut": ("Алғашқы %d ғана көрсетілген.", "Показаны только первые %d.", "Only the first %d are listed."),
        "back_home": ("Басты бетке", "На главную", "Back to the home page"),
        "page_prev": ("Алдыңғы", "Назад", "Previous"),
        "page_next": ("Келесі", "Далее", "Next"),
        "of": ("ішінен", "из", "of"),
    ]
}

extension [String: String] {
    /// A page label; a key without one shows as itself rather than stopping the page (a test
    /// checks that every key a template or page uses has its label in all three languages).
    func text(_ key: String) -> String {
        self[key] ?? key
    }
}
