/// The access policy's refusals in the three languages: the policy and the API speak English
/// (the problem document's detail), a page says the same refusal in its reader's language.
public enum RefusalWords {
    static let table: [String: LocalizedText] = [
        "only administrators may do this": LocalizedText(
            kk: "Мұны тек әкімшілер жасай алады.", ru: "Это могут делать только администраторы.", en: "Only administrators may do this."),
        "this account holds no role": LocalizedText(
            kk: "Бұл есептік жазбаның рөлі жоқ.", ru: "У этой учётной записи нет ни одной роли.", en: "This account holds no role."),
        "writes are for coordinators of this territory or a territory above it": LocalizedText(
            kk: "Мәндерді осы аумақтың немесе одан жоғары аумақтың үйлестірушілері енгізеді және белгілерді солар түсіндіреді.",
            ru: "Значения вносят и отметки объясняют координаторы этой территории или территории выше.",
            en: "Values are entered, and flags explained, by coordinators of this territory or a territory above it."),
        "hearings are prepared by faction staff of this territory or a territory above it": LocalizedText(
            kk: "Тыңдауларды осы аумақтың немесе одан жоғары аумақтың фракция қызметкерлері дайындайды.",
            ru: "Заслушивания готовят сотрудники фракции этой территории или территории выше.",
            en: "Hearings are prepared by faction staff of this territory or a territory above it."),
        "roadmaps are loaded by the programme office of this territory or a territory above it": LocalizedText(
            kk: "Жол карталарын осы аумақтың немесе одан жоғары аумақтың бағдарлама кеңсесі жүктейді.",
            ru: "Дорожные карты загружает программный офис этой территории или территории выше.",
            en: "Roadmaps are loaded by the programme office of this territory or a territory above it."),
        "an eased target is approved by an administrator or the Bureau member owning its section": LocalizedText(
            kk: "Жеңілдетілген нысананы әкімші немесе бөлімге жауапты Бюро мүшесі бекітеді.",
            ru: "Смягчённую цель утверждает администратор или член Бюро, отвечающий за раздел.",
            en: "An eased target is approved by an administrator or the Bureau member owning its section."),
        "outside the territories, sections or indicators this account answers for": LocalizedText(
            kk: "Бұл есептік жазба жауап беретін аумақтардан, бөлімдерден не көрсеткіштерден тыс.",
            ru: "Вне территорий, разделов или показателей, за которые отвечает эта учётная запись.",
            en: "Outside the territories, sections or indicators this account answers for."),
        "outside the territories this account may read": LocalizedText(
            kk: "Бұл есептік жазба оқи алатын аумақтардан тыс.", ru: "Вне территорий, доступных этой учётной записи.",
            en: "Outside the territories this account may read."),
        "outside what this account may read": LocalizedText(
            kk: "Бұл есептік жазбаға қолжетімді емес.", ru: "Недоступно этой учётной записи.", en: "Outside what this account may read."),
        "flags are explained by coordinators": LocalizedText(
            kk: "Белгілерді үйлестірушілер түсіндіреді.", ru: "Отметки объясняют координаторы.", en: "Flags are explained by coordinators."),
        "only Political Council members own indicators": LocalizedText(
            kk: "Көрсеткіштерге тек Саяси кеңес мүшелері жауап береді.", ru: "За показатели отвечают только члены Политсовета.",
            en: "Only Political Council members own indicators."),
    ]

    /// The refusal in words, when `reason` is one of the policy's (a field prefix such as
    /// `territory: ` is kept off).
    public static func words(for reason: String) -> LocalizedText? {
        if let found = table[reason] { return found }
        if let colon = reason.firstRange(of: ": ") { return table[String(reason[colon.upperBound...])] }
        return nil
    }

    /// Every refusal the table knows, for the test that each of the policy's is here.
    public static var known: Set<String> { Set(table.keys) }
}
