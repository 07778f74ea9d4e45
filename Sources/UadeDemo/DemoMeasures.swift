import UadeDomain
import UadeStorage

/// The roadmap's actions used in the demo: two per section, set for the republic, every region
/// and city of republican significance, and the districts of Kyzylorda Region.
enum DemoMeasures {
    struct Template: Sendable {
        let section: String
        let text: LocalizedText
        let executor: String
    }

    static let templates: [Template] = [
        Template(
            section: "HOUSING",
            text: LocalizedText(
                kk: "Жалға берілетін тұрғын үй қорын құру бағдарламасын қабылдау", ru: "Принять программу создания арендного жилищного фонда",
                en: "Adopt a programme to build up rental housing"), executor: "Құрылыс басқармасы / Управление строительства"),
        Template(
            section: "HOUSING",
            text: LocalizedText(
                kk: "Апатты үйлерді түгендеу және көшіру кестесін бекіту",
                ru: "Провести инвентаризацию аварийных домов и утвердить график расселения",
                en: "Inventory dilapidated buildings and approve a resettlement schedule"), executor: "Тұрғын үй инспекциясы / Жилищная инспекция"),
        Template(
            section: "FAMILY",
            text: LocalizedText(
                kk: "Көпбалалы отбасыларға арналған бірыңғай терезе ашу", ru: "Открыть единое окно для многодетных семей",
                en: "Open a one-stop office for large families"),
            executor: "Жұмыспен қамту және әлеуметтік бағдарламалар басқармасы / Управление занятости и социальных программ"),
        Template(
            section: "FAMILY",
            text: LocalizedText(
                kk: "Көпбалалы отбасыларға жер телімдерін беру тәртібін жеңілдету",
                ru: "Упростить порядок предоставления земельных участков многодетным семьям", en: "Simplify land allocation for large families"),
            executor: "Жер қатынастары басқармасы / Управление земельных отношений"),
        Template(
            section: "YOUTH",
            text: LocalizedText(
                kk: "NEET жастарды анықтау және сүйемелдеу картасын енгізу", ru: "Внедрить карту выявления и сопровождения молодёжи NEET",
                en: "Introduce a register for finding and supporting NEET youth"),
            executor: "Жастар саясаты басқармасы / Управление молодёжной политики"),
        Template(
            section: "YOUTH",
            text: LocalizedText(
                kk: "Жастар кәсіпкерлігі орталығын ашу", ru: "Открыть центр молодёжного предпринимательства",
                en: "Open a youth entrepreneurship centre"), executor: "Кәсіпкерлік басқармасы / Управление предпринимательства"),
        Template(
            section: "HEALTH",
            text: LocalizedText(
                kk: "Ауылдық амбулаториялар желісін кеңейту жоспарын бекіту", ru: "Утвердить план расширения сети сельских амбулаторий",
                en: "Approve a plan to extend rural outpatient clinics"), executor: "Денсаулық сақтау басқармасы / Управление здравоохранения"),
        Template(
            section: "HEALTH",
            text: LocalizedText(
                kk: "Жас дәрігерлерге көтерме жәрдемақы төлеуді енгізу", ru: "Ввести подъёмные выплаты молодым врачам",
                en: "Introduce relocation grants for young doctors"), executor: "Денсаулық сақтау басқармасы / Управление здравоохранения"),
        Template(
            section: "EDUCATION",
            text: LocalizedText(
                kk: "Үш ауысымды мектептерді жою жол картасын іске асыру", ru: "Реализовать дорожную карту ликвидации трёхсменных школ",
                en: "Carry out the roadmap to end three-shift schools"), executor: "Білім басқармасы / Управление образования"),
        Template(
            section: "EDUCATION",
            text: LocalizedText(
                kk: "Барлық мектептерді жоғары жылдамдықты интернетке қосу", ru: "Подключить все школы к высокоскоростному интернету",
                en: "Connect every school to high-speed internet"), executor: "Цифрландыру басқармасы / Управление цифровизации"),
        Template(
            section: "BUSINESS",
            text: LocalizedText(
                kk: "Рұқсат беру рәсімдерін цифрландыру", ru: "Перевести разрешительные процедуры в электронный формат",
                en: "Move permit procedures online"), executor: "Кәсіпкерлік басқармасы / Управление предпринимательства"),
        Template(
            section: "BUSINESS",
            text: LocalizedText(
                kk: "Индустриялық аймақтың инженерлік инфрақұрылымын салу", ru: "Построить инженерную инфраструктуру индустриальной зоны",
                en: "Build utilities for the industrial zone"),
            executor: "Индустриялық-инновациялық даму басқармасы / Управление индустриально-инновационного развития"),
        Template(
            section: "ECOLOGY",
            text: LocalizedText(
                kk: "«Таза Қазақстан» акциясы аясында ағаш отырғызу", ru: "Провести высадку деревьев в рамках акции «Таза Қазақстан»",
                en: "Plant trees as part of the Taza Kazakhstan campaign"), executor: "Табиғи ресурстар басқармасы / Управление природных ресурсов"),
        Template(
            section: "ECOLOGY",
            text: LocalizedText(
                kk: "Қалдықтарды сұрыптау желісін іске қосу", ru: "Запустить линию сортировки отходов", en: "Launch a waste sorting line"),
            executor: "Энергетика және ТКШ басқармасы / Управление энергетики и ЖКХ"),
        Template(
            section: "INFRA",
            text: LocalizedText(
                kk: "Аудандық маңызы бар жолдарды орташа жөндеу", ru: "Провести средний ремонт дорог районного значения",
                en: "Carry out medium repairs of district roads"),
            executor: "Жолаушылар көлігі және автомобиль жолдары басқармасы / Управление пассажирского транспорта и автомобильных дорог"),
        Template(
            section: "INFRA",
            text: LocalizedText(
                kk: "Шалғай ауылдарға су құбырын тарту", ru: "Провести водопровод в отдалённые сёла", en: "Bring water mains to remote villages"),
            executor: "Энергетика және ТКШ басқармасы / Управление энергетики и ЖКХ"),
        Template(
            section: "APPEALS",
            text: LocalizedText(
                kk: "Қоғамдық қабылдау бөлмесінің онлайн-қабылдауын іске қосу", ru: "Запустить онлайн-приём в общественной приёмной",
                en: "Launch online sessions of the public reception office"), executor: "Партия филиалы / Филиал партии"),
        Template(
            section: "APPEALS",
            text: LocalizedText(
                kk: "Депутаттардың ауылдарға көшпелі қабылдау кестесін бекіту", ru: "Утвердить график выездных приёмов депутатов в сёлах",
                en: "Approve a schedule of deputies' visits to villages"), executor: "Мәслихат фракциясы / Фракция маслихата"),
    ]
}
