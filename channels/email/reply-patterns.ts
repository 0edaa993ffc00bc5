/**
 * The words mail clients write around quoted history, per language: the one place to add a client or a language.
 * Turkish first, then English and the others (de, nl, pl, pt, ru, uk, it, es, sv, no, da, fr, zh, ja, and fi, cs,
 * ko, hu, ro, el, ca, ar). reply-lines.ts turns these lists into the line tests; docs/email.md lists the shapes
 * they cover.
 */

/**
 * Verbs that end an attribution ("… wrote:", "… schrieb am <date>:", "… şunu yazdı:"). Written as regex sources;
 * matched case-insensitively and never inside a longer word.
 */
export const ATTRIBUTION_VERBS = [
  'şunu yazdı', 'şunları yazdı', 'yazdı', 'yazmış', // tr
  'wrote', 'writes', 'has written', 'sent', // en
  'schrieb', 'schreibt', 'hat geschrieben', // de
  'schreef', 'heeft geschreven', 'geschreven', // nl
  'napisał\\(a\\)', 'napisała', 'napisał', 'pisze', 'napisana przez', // pl (the last: Apple Mail)
  'escreveu', // pt
  'escribió', 'escribio', 'escribieron', // es (the last: iCloud)
  'ha escrit', 'va escriure', // ca
  'ha scritto', 'scritto', // it
  'a écrit', 'a ecrit', 'écrit', // fr
  'skrev', // sv, no, da
  'kirjoitti', // fi
  'napsal\\(a\\)', 'napsala', 'napsal', // cs
  'írta', // hu
  'a scris', // ro
  'đã viết', 'viết', // vi
  'написал\\(а\\)', 'написала', 'написал', 'пишет', // ru
  'написав\\(-?ла\\)', 'написала', 'написав', 'пише', // uk
  'έγραψε', // el
  '写道', '寫道', // zh
  'のメッセージ', 'のメール', 'さんは書きました', '書きました', // ja
  '작성', // ko
];

/**
 * Words that open an attribution before its date: "On <date>, <name> wrote:", "Le <date>, …", "Am <date> schrieb …".
 * An intro only counts when a number (day, year or time) follows within three words.
 */
export const ATTRIBUTION_INTROS = [
  'On', 'At', 'Le', 'Am', 'El', 'Em', 'No dia', 'Il giorno', 'Il', 'In data', 'Op', 'W dniu', 'Dnia', 'Den', 'På',
  'Dne', 'Dana', 'В', 'У', 'Le jour', 'Vào', 'Στις', '在', '於', '于',
];

/**
 * One-line separators that start quoted or forwarded history, drawn with dashes, underscores, `=` or `*` around them
 * (or ending in a colon, like Apple Mail's "Begin forwarded message:").
 */
export const ORIGINAL_MESSAGE_PHRASES = [
  // tr
  'Orijinal ileti', 'Orijinal mesaj', 'Özgün ileti', 'Özgün mesaj', 'İletilen ileti', 'İletilen mesaj', 'İletilmiş ileti',
  'Yönlendirilen ileti', 'Yönlendirilen mesaj', 'Yönlendirilmiş ileti', 'Yönlendirilmiş mesaj', 'Asıl ileti',
  'İletilen ileti başlangıcı', 'Yönlendirilen ileti başlangıcı',
  // en
  'Original Message', 'Forwarded message', 'Forwarded Message', 'Reply message', 'Begin forwarded message',
  'Original e-mail', 'Original email', 'Message forwarded',
  // de
  'Ursprüngliche Nachricht', 'Original-Nachricht', 'Originalnachricht', 'Weitergeleitete Nachricht',
  'Anfang der weitergeleiteten Nachricht', 'Antwort Nachricht', 'Ursprüngliche E-Mail',
  // nl
  'Oorspronkelijk bericht', 'Origineel bericht', 'Doorgestuurd bericht', 'Begin doorgestuurd bericht',
  // pl
  'Wiadomość oryginalna', 'Oryginalna wiadomość', 'Przekazana wiadomość', 'Wiadomość przekazana dalej',
  'Początek przekazywanej wiadomości',
  // pt
  'Mensagem original', 'Mensagem encaminhada', 'Mensagem reencaminhada', 'Início da mensagem reencaminhada',
  'Começo da mensagem encaminhada',
  // es
  'Mensaje original', 'Mensaje reenviado', 'Inicio del mensaje reenviado', 'Correo original',
  // ru
  'Исходное сообщение', 'Пересылаемое сообщение', 'Пересланное сообщение', 'Оригинальное сообщение',
  'Начало переадресованного сообщения', 'Перенаправленное сообщение',
  // uk
  'Оригінальне повідомлення', 'Початкове повідомлення', 'Переслане повідомлення', 'Пересланий лист',
  'Вихідне повідомлення',
  // it
  'Messaggio originale', 'Messaggio inoltrato', 'Inizio messaggio inoltrato',
  // fr
  "Message d'origine", 'Message d’origine', 'Message original', 'Message transféré', 'Début du message réexpédié',
  'Début du message transféré', 'Courriel original', "Message d'origine ",
  // sv
  'Ursprungligt meddelande', 'Originalmeddelande', 'Vidarebefordrat meddelande', 'Vidarebefordrat brev',
  'Början på vidarebefordrat brev',
  // no, da
  'Opprinnelig melding', 'Videresendt melding', 'Original melding', 'Oprindelig meddelelse', 'Videresendt meddelelse',
  'Original meddelelse', 'Oprindelig besked', 'Videresendt besked', 'Start på videresendt besked',
  // fi, cs, hu, ro
  'Alkuperäinen viesti', 'Välitetty viesti', 'Edelleenlähetetty viesti', 'Původní zpráva', 'Přeposlaná zpráva',
  'Eredeti üzenet', 'Továbbított üzenet', 'Mesaj original', 'Mesaj redirecționat',
  // zh, ja, ko
  '原始邮件', '原始郵件', '原邮件', '转发邮件', '转发的邮件', '轉寄郵件', '已转发邮件', '回复的原邮件',
  '元のメッセージ', '転送メッセージ', '転送されたメッセージ', 'オリジナルメッセージ', '원본 메시지', '전달된 메시지',
];

/** Header names that open a quoted header block ("From:" in each language). */
export const HEADER_FROM_KEYS = [
  'Kimden', 'Gönderen', // tr
  'From', // en
  'Von', 'Van', 'Od', 'Nadawca', 'De', 'Da', 'Fra', 'Från', 'От', 'Від', 'Lähettäjä', 'Odesílatel', 'Feladó',
  'Expéditeur', 'Remitente', '发件人', '發件人', '寄件者', '寄件人', '差出人', '보낸 사람',
  'من', // ar (Outlook)
];

/** The other header names of such a block (sent, date, to, subject, cc), in the same languages. */
export const HEADER_OTHER_KEYS = [
  'Gönderildi', 'Gönderilme', 'Gönderme tarihi', 'Gönderim tarihi', 'Tarih', 'Kime', 'Alıcı', 'Konu', 'Bilgi', 'Cc',
  'Sent', 'Date', 'To', 'Subject', 'Bcc', 'Reply-To',
  'Gesendet', 'Datum', 'An', 'Betreff', 'Kopie', 'Antwort an',
  'Verzonden', 'Aan', 'Onderwerp',
  'Wysłano', 'Wysłane', 'Data', 'Do', 'Temat', 'DW', 'Adresat',
  'Enviado', 'Enviada', 'Enviado el', 'Enviado em', 'Para', 'Assunto', 'Asunto', 'Fecha', 'CC', 'CCO',
  'Отправлено', 'Дата', 'Кому', 'Тема', 'Копия',
  'Надіслано', 'Копія',
  'Inviato', 'A', 'Oggetto',
  'Envoyé', 'À', 'Objet', 'Sujet', 'Copie à', 'Message du', // the last three: Orange / La Poste webmail
  'Skickat', 'Till', 'Ämne', 'Kopia',
  'Sendt', 'Til', 'Emne', 'Kopi', 'Dato',
  'Lähetetty', 'Vastaanottaja', 'Aihe', 'Päivämäärä', 'Odesláno', 'Komu', 'Předmět', 'Elküldve', 'Címzett', 'Tárgy',
  '发送时间', '發送時間', '日期', '收件人', '主题', '主題', '抄送', '寄件日期', '收件者', '主旨', '副本',
  '送信日時', '宛先', '件名', '日付', '보낸 날짜', '받는 사람', '제목',
  'تم الإرسال', 'إلى', 'الموضوع', 'التاريخ', // ar (Outlook)
];

/**
 * Footers mobile apps and mail clients append to the reply ("Sent from my iPhone" and its cousins). A footer line
 * is only dropped where it ends the reply (nothing but quoted history after it).
 */
export const CLIENT_FOOTERS: RegExp[] = [
  // "<sent> <from|with|via> <device or app>" in most languages
  new RegExp(
    '^(?:sent|envoyé|envoye|enviado|enviada|gesendet|verzonden|verstuurd|skickat|sendt|inviato|wysłane|wysłano|odesláno|' +
      'odeslano|trimis|elküldve|отправлено|надіслано|відправлено|изпратено|poslano)\\s+' +
      '(?:from|with|via|using|on|by|de|depuis|à partir de|a partir de|desde|do|da|dal|dalla|von|mit|vanaf|vanuit|met|från|fra|' +
      'med|z|ze|из|с|со|з|від|iz|de pe|от|din|az)\\s' +
      // a device or an app, not a sentence ("Sent from my desk, is much easier…", "Sent from a magnificent torch…"),
      // with the apology some add ("Sent from my cell, please excuse any typos.")
      '(?!(?:a|an)\\s)[^,;!?]{1,90}?(?:[,.;]?\\s+(?:please\\s+)?(?:excuse|pardon|sorry for)\\s[^,;!?]{1,40})?$',
    'iu',
  ),
  /^lähetetty\s+\S.{0,60}$/iu, // fi: "Lähetetty iPhonesta"
  /^von meine[mr]?\s.{1,60}\sgesendet\.?$/iu, // de: "Von meinem iPhone gesendet"
  /^diese nachricht wurde von meine[mr]?\s.{1,60}\sgesendet\.?$/iu, // de: K-9 Mail
  /^(?:\(|<<)\s*(?:sent|envoyé|gesendet|enviado)\s+(?:from|with|via|by|de|depuis|von|mit|desde)\s[^()<>]{1,40}(?:\)|>>)$/iu, // "(sent from a phone)"
  /^(?:get|download) outlook for .{1,40}$/iu,
  /^(?:holen sie sich|outlook für) .{0,40}(?:outlook für .{1,20}|beziehen|herunterladen)$/iu,
  /^(?:télécharger|telecharger|obtenir) outlook pour .{1,40}$/iu,
  /^(?:obtener|descargar|obter|baixar|transferir)(?: o)? outlook para .{1,40}$/iu,
  /^(?:scarica|ottieni) outlook per .{1,40}$/iu,
  /^outlook voor .{1,30} (?:downloaden|ophalen|gebruiken)$/iu,
  /^(?:hämta|skaffa|få|hent) outlook (?:för|for|til) .{1,40}$/iu,
  /^pobierz (?:aplikację )?outlook dla .{1,40}$/iu,
  /^(?:получить|скачать|загрузите|отримати|завантажте|завантажити) outlook для .{1,40}$/iu,
  /^.{1,20} için outlook(?:['’]u)? (?:edinin|indirin|alın)\.?$/iu, // tr: "iOS için Outlook'u edinin"
  // tr: "iPhone'umdan gönderildi", "Samsung Galaxy akıllı telefonumdan gönderildi", "Windows 10 için Posta'dan gönderildi"
  // (the lookahead first: most lines do not end in "gönderildi", and then the device words are never tried)
  /^(?=.*gönderildi\.?$).{0,60}(?:iphone|ipad|ipod|android|outlook|cihaz|telefon|mobil|posta|mail|yandex|samsung|galaxy|huawei|xiaomi|tablet|blackberry).{0,40}\sgönderildi\.?$/iu,
  /^(?=.*küldve$).{1,40}(?:ról|ről) küldve$|^küldve .{1,40}(?:ról|ről)$/iu, // hu: "Az iPhone-omról küldve"
  /^.{1,40}(?:から送信|より送信)$/u, // ja
  /^(?:发自|發自|寄自)(?:我的)?\s?.{1,40}$/u, // zh: "发自我的iPhone"
  /^(?:从|從|来自|來自)我的\s?.{1,30}$/u, // zh: "從我的 iPhone 傳送"
  /^.{1,40}에서 (?:보냄|보낸 메일)$/u, // ko
];

/**
 * Signature delimiters: RFC 3676 "-- " (often without its space, or as "--=20" when a gateway left the body
 * quoted-printable) and short rules some clients draw.
 */
export const SIGNATURE_DELIMITERS: RegExp[] = [/^-- ?$/, /^--\s*$/, /^--=20$/, /^_{2,4}\s*$/];
