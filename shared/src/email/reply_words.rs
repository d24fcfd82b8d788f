//! The words mail clients write around quoted history, in the languages
//! Parley folds: attribution verbs, header-block labels, forwarded-message
//! markers and "Sent from my …" signatures. Lower case; matched by `quote`.

/// Verbs of attribution lines ("On … Mia wrote:"), Latin-script ones matched
/// as whole words: en, fr, de, es, it, nl, sv/da/no, fi, pl, cs, ru, tr, pt.
pub const VERBS: &[&str] = &[
    "wrote", "writes", "sent", "a écrit", "schrieb", "escribió", "escribio", "ha scritto", "scrisse", "schreef", "geschreven", "skrev",
    "kirjoitti", "napisał(a)", "napisała", "napisał", "pisze", "napsal(a)", "napsala", "napsal", "написал(а)", "написала",
    "написал", "пишет", "от", "yazdı", "escreveu", "đã viết",
];

/// Verbs of attribution lines in scripts without spaces between words (zh, ja, ko).
pub const CJK_VERBS: &[&str] = &["写道", "寫道", "のメール", "のメッセージ", "님이 작성", "작성:"];

/// How attribution lines begin ("On", "Le", "Am", "Il giorno", "W dniu", …).
pub const STARTS: &[&str] = &[
    "on ", "le ", "am ", "el ", "il ", "in data ", "op ", "den ", "em ", "w dniu ", "dne ", "в ", "vào ", "på ", "---- on ", "-----",
];

/// Header-block labels that name the sender (Outlook and webmail, each language).
pub const FROM_LABELS: &[&str] = &[
    "from", "de", "von", "van", "da", "från", "fra", "lähettäjä", "od", "от", "kimden", "差出人", "发件人", "寄件者", "보낸 사람",
    "remetente", "afzender", "avsändare", "afsender", "odesílatel",
];

/// Header-block labels of the date.
pub const DATE_LABELS: &[&str] = &[
    "sent", "date", "envoyé", "gesendet", "datum", "enviado", "fecha", "inviato", "data", "verzonden", "skickat", "sendt",
    "lähetetty", "wysłano", "wysłane", "отправлено", "дата", "tarih", "gönderildi", "送信日時", "日付", "发送时间", "日期",
    "寄件日期", "보낸 날짜", "odesláno", "envoyé le", "date d'envoi",
];

/// Header-block labels of the recipients and the subject.
pub const OTHER_LABELS: &[&str] = &[
    "to", "à", "a", "an", "aan", "para", "till", "til", "vastaanottaja", "do", "кому",
    "kime", "宛先", "收件人", "받는 사람", "komu", "subject", "objet", "betreff", "asunto", "oggetto", "onderwerp", "ämne",
    "emne", "aihe", "temat", "тема", "konu", "件名", "主题", "主旨", "제목", "předmět", "assunto", "cc",
];

/// Words of a dashed separator line ("-----Original Message-----",
/// "---------- Forwarded message ---------", "-----Ursprüngliche Nachricht-----").
pub const SEPARATOR_WORDS: &[&str] = &[
    "original", "forward", "message", "nachricht", "mensaje", "messaggio", "bericht", "meddel", "melding", "viesti",
    "wiadomo", "сообщение", "mensagem", "zpráva", "ileti", "wrote", "邮件", "郵件", "メッセージ", "메시지", "transf",
    "weitergeleitet", "reenviado", "inoltrato", "doorgestuurd", "vidarebefordra", "videresend", "välitetty", "przekaza",
    "пересылаемое", "encaminhada", "přeposlan", "iletilen", "reply",
];

/// Whole lines that start forwarded history (Apple Mail and its translations).
pub const FORWARD_LINES: &[&str] = &[
    "begin forwarded message:", "anfang der weitergeleiteten nachricht:", "début du message réexpédié :",
    "début du message réexpédié:", "inicio del mensaje reenviado:", "inizio messaggio inoltrato:", "begin doorgestuurd bericht:",
    "vidarebefordrat brev:", "videresendt besked:", "videresendt melding:", "välitetty viesti alkaa:",
    "początek przekazywanej wiadomości:", "начало переадресованного сообщения:", "início da mensagem reencaminhada:",
    "iletilen ileti başlangıcı:", "転送されたメッセージ:", "以下是转发的邮件：", "전달된 메시지:",
];

/// Beginnings of the one-line signatures mobile apps and webmail add.
pub const SENT_FROM_STARTS: &[&str] = &[
    "sent from ", "sent with ", "sent using ", "sent via ", "get outlook for ", "envoyé de mon ", "envoyé depuis ",
    "envoyé à partir de ", "von meinem ", "gesendet von ", "gesendet mit ", "enviado desde ", "enviado do meu ", "enviado de ",
    "inviato da ", "verzonden met ", "verstuurd vanaf ", "verzonden vanaf ", "skickat från ", "sendt fra ", "lähetetty ",
    "wysłane z ", "wysłano z ", "отправлено с ", "odesláno z ", "发自我的", "從我的", "从我的",
];

/// Beginnings that name the sender's own device ("my", "mon", "meinem"…):
/// a signature whatever follows.
pub const SENT_FROM_MY: &[&str] = &[
    "sent from my ", "envoyé de mon ", "von meinem ", "enviado desde mi ", "enviado do meu ", "发自我的", "從我的", "从我的",
];

/// Words of devices and mail apps: another "Sent from …" line is a signature
/// only when it names one ("Sent from Yahoo Mail", not "Sent from the warehouse").
pub const DEVICE_WORDS: &[&str] = &[
    "iphon", "ipad", "android", "samsung", "galaxy", "outlook", "yahoo", "mail", "proton", "blackberry", "windows",
    "mobile", "phone", "device", "tablet", "huawei", "xiaomi", "pixel", "sparrow", "spark", "airmail", "телефон",
    "móvil", "movil", "celular", "telefon", "puhelin", "cellulare", "smartphone",
];

/// Endings of the one-line signatures written verb last (tr, ja, ko).
pub const SENT_FROM_ENDS: &[&str] = &["gönderildi", "から送信", "에서 보냄"];
