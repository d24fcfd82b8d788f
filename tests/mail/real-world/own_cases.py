#!/usr/bin/env python3
"""Writes Parley's own real-world cases (tests/mail/real-world/own/): the
languages and clients the imported suites lack, each built from what the
client writes around a quote, so the expected visible text is known by
construction. `python3 tests/mail/real-world/own_cases.py` rewrites them."""
import base64, json, os, quopri

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "own")
ADDR = "mia@example.org"
QUOTE = "Where is my order 1042? It was due on Monday."


def write(name, eml: bytes, claims: dict):
    os.makedirs(HERE, exist_ok=True)
    with open(os.path.join(HERE, name + ".eml"), "wb") as f:
        f.write(eml)
    claims = dict(claims, source=claims.get("source", "Parley (own case)"))
    with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
        json.dump(claims, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


def eml(name, body, content_type="text/plain; charset=utf-8", extra="", subject=None, sender="Sam Doe <sam@example.com>", cte="8bit"):
    subject = subject or f"Re: {name}"
    head = (f"From: {sender}\nTo: support@juniper.inbound.example.com\nSubject: {subject}\n"
            f"Date: Sat, 21 Nov 2026 10:00:00 +0000\nMessage-ID: <own-{name}@real-world.example>\n{extra}"
            f"MIME-Version: 1.0\nContent-Type: {content_type}\nContent-Transfer-Encoding: {cte}\n\n")
    return head.encode() + (body if isinstance(body, bytes) else body.encode())


# (language, answer, Gmail attribution, Outlook header block, mobile signature)
LANGS = [
    ("en", "Thanks, that helps.", f"On Sat, 21 Nov 2026 at 09:15, Mia Chen <{ADDR}> wrote:",
     f"From: Mia Chen <{ADDR}>\nSent: Saturday, November 21, 2026 9:15 AM\nTo: Support <support@example.com>\nSubject: Order 1042", "Sent from my iPhone"),
    ("fr", "Merci, c'est parfait.", f"Le sam. 21 nov. 2026 à 09:15, Mia Chen <{ADDR}> a écrit :",
     f"De : Mia Chen <{ADDR}>\nEnvoyé : samedi 21 novembre 2026 09:15\nÀ : Support <support@example.com>\nObjet : Commande 1042", "Envoyé de mon iPhone"),
    ("de", "Danke, das hilft.", f"Am Sa., 21. Nov. 2026 um 09:15 Uhr schrieb Mia Chen <{ADDR}>:",
     f"Von: Mia Chen <{ADDR}>\nGesendet: Samstag, 21. November 2026 09:15\nAn: Support <support@example.com>\nBetreff: Bestellung 1042", "Von meinem iPhone gesendet"),
    ("es", "Gracias, me sirve.", f"El sáb, 21 nov 2026 a las 9:15, Mia Chen (<{ADDR}>) escribió:",
     f"De: Mia Chen <{ADDR}>\nEnviado: sábado, 21 de noviembre de 2026 9:15\nPara: Support <support@example.com>\nAsunto: Pedido 1042", "Enviado desde mi iPhone"),
    ("it", "Grazie, perfetto.", f"Il giorno sab 21 nov 2026 alle ore 09:15 Mia Chen <{ADDR}> ha scritto:",
     f"Da: Mia Chen <{ADDR}>\nInviato: sabato 21 novembre 2026 09:15\nA: Support <support@example.com>\nOggetto: Ordine 1042", "Inviato da iPhone"),
    ("pt", "Obrigado, ajudou.", f"Em sáb., 21 de nov. de 2026 às 09:15, Mia Chen <{ADDR}> escreveu:",
     f"De: Mia Chen <{ADDR}>\nEnviado: sábado, 21 de novembro de 2026 09:15\nPara: Support <support@example.com>\nAssunto: Pedido 1042", "Enviado do meu iPhone"),
    ("nl", "Bedankt, dat helpt.", f"Op za 21 nov. 2026 om 09:15 schreef Mia Chen <{ADDR}>:",
     f"Van: Mia Chen <{ADDR}>\nVerzonden: zaterdag 21 november 2026 09:15\nAan: Support <support@example.com>\nOnderwerp: Bestelling 1042", "Verzonden met mijn iPhone"),
    ("sv", "Tack, det hjälper.", f"Den lör 21 nov. 2026 kl 09:15 skrev Mia Chen <{ADDR}>:",
     f"Från: Mia Chen <{ADDR}>\nSkickat: den 21 november 2026 09:15\nTill: Support <support@example.com>\nÄmne: Beställning 1042", "Skickat från min iPhone"),
    ("da", "Tak, det hjælper.", f"Den lør. 21. nov. 2026 kl. 09.15 skrev Mia Chen <{ADDR}>:",
     f"Fra: Mia Chen <{ADDR}>\nSendt: 21. november 2026 09:15\nTil: Support <support@example.com>\nEmne: Ordre 1042", "Sendt fra min iPhone"),
    ("no", "Takk, det hjelper.", f"lør. 21. nov. 2026 kl. 09:15 skrev Mia Chen <{ADDR}>:",
     f"Fra: Mia Chen <{ADDR}>\nSendt: lørdag 21. november 2026 09:15\nTil: Support <support@example.com>\nEmne: Ordre 1042", "Sendt fra min iPhone"),
    ("fi", "Kiitos, tämä auttaa.", f"la 21. marrask. 2026 klo 9.15 Mia Chen ({ADDR}) kirjoitti:",
     f"Lähettäjä: Mia Chen <{ADDR}>\nLähetetty: lauantai 21. marraskuuta 2026 9.15\nVastaanottaja: Support <support@example.com>\nAihe: Tilaus 1042", "Lähetetty iPhonesta"),
    ("pl", "Dzięki, to pomaga.", f"sob., 21 lis 2026 o 09:15 Mia Chen <{ADDR}> napisał(a):",
     f"Od: Mia Chen <{ADDR}>\nWysłano: sobota, 21 listopada 2026 09:15\nDo: Support <support@example.com>\nTemat: Zamówienie 1042", "Wysłane z iPhone'a"),
    ("cs", "Díky, to pomohlo.", f"so 21. 11. 2026 v 9:15 odesílatel Mia Chen <{ADDR}> napsal:",
     f"Od: Mia Chen <{ADDR}>\nOdesláno: sobota 21. listopadu 2026 9:15\nKomu: Support <support@example.com>\nPředmět: Objednávka 1042", "Odesláno z iPhonu"),
    ("ru", "Спасибо, это помогло.", f"сб, 21 нояб. 2026 г. в 09:15, Mia Chen <{ADDR}>:",
     f"От: Mia Chen <{ADDR}>\nОтправлено: 21 ноября 2026 г. 9:15\nКому: Support <support@example.com>\nТема: Заказ 1042", "Отправлено с iPhone"),
    ("tr", "Teşekkürler, işe yaradı.", f"21 Kas 2026 Cmt, saat 09:15 tarihinde Mia Chen <{ADDR}> şunu yazdı:",
     f"Kimden: Mia Chen <{ADDR}>\nGönderildi: 21 Kasım 2026 Cumartesi 09:15\nKime: Support <support@example.com>\nKonu: Sipariş 1042", "iPhone'umdan gönderildi"),
    ("ja", "ありがとうございます。助かりました。", f"2026年11月21日(土) 9:15 Mia Chen <{ADDR}>:",
     f"差出人: Mia Chen <{ADDR}>\n送信日時: 2026年11月21日 9:15\n宛先: Support <support@example.com>\n件名: 注文 1042", "iPhoneから送信"),
    ("zh", "谢谢，问题解决了。", f"Mia Chen <{ADDR}> 于2026年11月21日周六 09:15写道：",
     f"发件人: Mia Chen <{ADDR}>\n发送时间: 2026年11月21日 9:15\n收件人: Support <support@example.com>\n主题: 订单 1042", "发自我的iPhone"),
    ("ko", "감사합니다. 해결되었습니다.", f"2026년 11월 21일 (토) 오전 9:15, Mia Chen <{ADDR}>님이 작성:",
     f"보낸 사람: Mia Chen <{ADDR}>\n보낸 날짜: 2026년 11월 21일 토요일 오전 9:15\n받는 사람: Support <support@example.com>\n제목: 주문 1042", "iPhone에서 보냄"),
]


def quoted(text):
    return "\n".join("> " + l if l else ">" for l in text.split("\n"))


def languages():
    for lang, answer, attribution, block, sent in LANGS:
        write(f"gmail-{lang}", eml(f"gmail-{lang}", f"{answer}\n\n{attribution}\n\n{quoted(QUOTE)}\n"),
              {"body": answer, "folded": "quote", "folded_away": [QUOTE.split('?')[0]], "language": lang, "client": "Gmail"})
        write(f"outlook-{lang}", eml(f"outlook-{lang}", f"{answer}\n\n________________________________\n{block}\n\n{QUOTE}\n"),
              {"body": answer, "folded": "quote", "folded_away": [QUOTE], "language": lang, "client": "Outlook"})
        write(f"mobile-{lang}", eml(f"mobile-{lang}", f"{answer}\n\n{sent}\n\n{attribution}\n\n{quoted(QUOTE)}\n"),
              {"body": answer, "folded": "quote_and_signature", "folded_away": [sent, QUOTE.split('?')[0]], "language": lang, "client": "iOS Mail"})


CLIENTS = [
    ("yahoo", "Yahoo Mail", f"On Saturday, November 21, 2026, 09:15:00 AM GMT, Mia Chen <{ADDR}> wrote:\n\n\n{QUOTE}"),
    ("zoho", "Zoho Mail", f"---- On Sat, 21 Nov 2026 09:15:00 +0000 Mia Chen <{ADDR}> wrote ----\n\n{quoted(QUOTE)}"),
    ("proton", "Proton Mail", f"------- Original Message -------\nOn Saturday, November 21st, 2026 at 09:15, Mia Chen <{ADDR}> wrote:\n\n{quoted(QUOTE)}"),
    ("fastmail", "Fastmail", f"On Sat, 21 Nov 2026, at 09:15, Mia Chen wrote:\n{quoted(QUOTE)}"),
    ("thunderbird", "Thunderbird", f"On 21/11/2026 09:15, Mia Chen wrote:\n{quoted(QUOTE)}"),
    ("thunderbird-original", "Thunderbird (forward)", f"-------- Original Message --------\nSubject: \tOrder 1042\nDate: \tSat, 21 Nov 2026 09:15:00 +0000\nFrom: \tMia Chen <{ADDR}>\n\n{QUOTE}"),
    ("samsung", "Samsung Email", f"-------- Original message --------\nFrom: Mia Chen <{ADDR}>\nDate: 21/11/2026 09:15 (GMT+00:00)\nTo: Support <support@example.com>\nSubject: Order 1042\n\n{QUOTE}"),
    ("outlook-mobile", "Outlook for iOS", f"Get Outlook for iOS\n________________________________\nFrom: Mia Chen <{ADDR}>\nSent: Saturday, November 21, 2026 9:15:00 AM\nTo: Support <support@example.com>\nSubject: Order 1042\n\n{QUOTE}"),
    ("outlook-bold", "Outlook (rich text as plain)", f"*From:* Mia Chen <{ADDR}>\n*Sent:* Saturday, November 21, 2026 9:15 AM\n*To:* Support\n*Subject:* Order 1042\n\n{QUOTE}"),
    ("outlook-de-original", "Outlook (German, classic)", f"-----Ursprüngliche Nachricht-----\nVon: Mia Chen <{ADDR}>\nGesendet: Samstag, 21. November 2026 09:15\nAn: Support\nBetreff: Bestellung\n\n{QUOTE}"),
    ("outlook-fr-original", "Outlook (French, classic)", f"-----Message d'origine-----\nDe : Mia Chen <{ADDR}>\nEnvoyé : samedi 21 novembre 2026 09:15\nÀ : Support\nObjet : Commande\n\n{QUOTE}"),
    ("yandex", "Yandex Mail", f"21.11.2026, 09:15, \"Mia Chen\" <{ADDR}>:\n{quoted(QUOTE)}"),
    ("mailru", "Mail.ru", f"Суббота, 21 ноября 2026, 9:15 +03:00 от Mia Chen <{ADDR}>:\n\n{quoted(QUOTE)}"),
    ("apple-de-wrapped", "Apple Mail (German, wrapped)", f"Am 21.11.2026 um 09:15 schrieb Mia Chen\n<{ADDR}>:\n\n{quoted(QUOTE)}"),
    ("gmail-nl-wrapped", "Gmail (Dutch, address on the next line)", f"Op za 21 nov. 2026 om 09:15 schreef Mia Chen <\n{ADDR}>:\n\n{quoted(QUOTE)}"),
    ("gmail-three-lines", "Gmail (wrapped over three lines)", f"On Sat, 21 Nov 2026 at 09:15, Mia Chen of the\nJuniper and Pine customer service team <\n{ADDR}> wrote:\n\n{quoted(QUOTE)}"),
    ("gmail-no-colon", "A client that drops the colon", f"On Sat, 21 Nov 2026 at 09:15, Mia Chen <{ADDR}> wrote\n{quoted(QUOTE)}"),
    ("date-first", "Gmail (date first)", f"2026-11-21 9:15 GMT+01:00, Mia Chen <{ADDR}>:\n{quoted(QUOTE)}"),
    ("gmail-forward", "Gmail (forward)", f"---------- Forwarded message ---------\nFrom: Mia Chen <{ADDR}>\nDate: Sat, 21 Nov 2026 at 09:15\nSubject: Order 1042\nTo: <support@example.com>\n\n\n{QUOTE}"),
    ("apple-forward", "Apple Mail (forward)", f"Begin forwarded message:\n\nFrom: Mia Chen <{ADDR}>\nSubject: Order 1042\nDate: 21 November 2026 at 09:15:00 GMT\nTo: support@example.com\n\n{QUOTE}"),
    ("signature-dashes", "RFC 3676 signature", None),
]


def clients():
    answer = "Thanks, it arrived this morning."
    for name, client, history in CLIENTS:
        if history is None:
            write(name, eml(name, f"{answer}\n\n-- \nSam Doe\nJuniper & Pine fan club\n"),
                  {"body": answer, "folded": "signature", "folded_away": ["Juniper & Pine fan club"], "client": client})
            continue
        folded = "quote_and_signature" if name == "outlook-mobile" else "quote"  # "Get Outlook for iOS" is a signature
        write(name, eml(name, f"{answer}\n\n{history}\n"),
              {"body": answer, "folded": folded, "folded_away": [QUOTE.split('?')[0]], "client": client})


HTML_QUOTE = "<p>Where is my order 1042? It was due on Monday.</p>"
HTMLS = [
    ("html-gmail", "Gmail", f'<div dir="ltr">Thanks, it arrived.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Sat, 21 Nov 2026 at 09:15, Mia Chen &lt;{ADDR}&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex">{HTML_QUOTE}</blockquote></div>'),
    ("html-apple", "Apple Mail", f'<div>Thanks, it arrived.</div><div><br><blockquote type="cite"><div>On 21 Nov 2026, at 09:15, Mia Chen &lt;{ADDR}&gt; wrote:</div><br><div>{HTML_QUOTE}</div></blockquote></div>'),
    ("html-outlook-desktop", "Outlook desktop", f'<div class="WordSection1"><p class="MsoNormal">Thanks, it arrived.</p><div id="divRplyFwdMsg" dir="ltr"><hr><b>From:</b> Mia Chen &lt;{ADDR}&gt;<br><b>Sent:</b> Saturday, November 21, 2026 9:15 AM<br><b>To:</b> Support</div><div>{HTML_QUOTE}</div></div>'),
    ("html-outlook-com", "Outlook.com", f'<div style="font-family:Calibri">Thanks, it arrived.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><font><b>From:</b> Mia Chen<br><b>Sent:</b> Saturday, November 21, 2026 9:15 AM</font></div><div>{HTML_QUOTE}</div>'),
    ("html-outlook-header", "Outlook 2003 (OutlookMessageHeader)", f'<div>Thanks, it arrived.</div><div class="OutlookMessageHeader" lang="en-us"><hr><font><b>From:</b> Mia Chen [mailto:{ADDR}]<br><b>Sent:</b> Saturday, November 21, 2026 9:15 AM</font></div>{HTML_QUOTE}'),
    ("html-yahoo", "Yahoo Mail", f'<div class="ydp1"><div>Thanks, it arrived.</div></div><div id="yahoo_quoted_123" class="yahoo_quoted"><div>On Saturday, November 21, 2026, 09:15:00 AM GMT, Mia Chen &lt;{ADDR}&gt; wrote:</div><div>{HTML_QUOTE}</div></div>'),
    ("html-thunderbird", "Thunderbird", f'<p>Thanks, it arrived.</p><div class="moz-cite-prefix">On 21/11/2026 09:15, Mia Chen wrote:<br></div><blockquote type="cite" cite="mid:x@example.org">{HTML_QUOTE}</blockquote>'),
    ("html-proton", "Proton Mail", f'<div>Thanks, it arrived.</div><div class="protonmail_quote">------- Original Message -------<br>On Saturday, November 21st, 2026 at 09:15, Mia Chen &lt;{ADDR}&gt; wrote:<br><blockquote class="protonmail_quote" type="cite">{HTML_QUOTE}</blockquote></div>'),
    ("html-zoho", "Zoho Mail", f'<div>Thanks, it arrived.</div><div class="zmail_extra"><div>---- On Sat, 21 Nov 2026 09:15:00 +0000 <b>Mia Chen &lt;{ADDR}&gt;</b> wrote ----</div><blockquote>{HTML_QUOTE}</blockquote></div>'),
    ("html-hotmail", "Hotmail", f'<div dir="ltr">Thanks, it arrived.</div><hr id="stopSpelling">Date: Sat, 21 Nov 2026 09:15:00 +0000<br>From: {ADDR}<br><br>{HTML_QUOTE}'),
    ("html-yandex", "Yandex Mail", f'<div>Thanks, it arrived.</div><div><br></div><div>21.11.2026, 09:15, "Mia Chen" &lt;{ADDR}&gt;:</div><blockquote>{HTML_QUOTE}</blockquote>'),
    ("html-mailru", "Mail.ru", f'<div>Thanks, it arrived.</div><div>Суббота, 21 ноября 2026, 9:15 +03:00 от Mia Chen &lt;{ADDR}&gt;:<br><blockquote style="border-left:1px solid #0857A6">{HTML_QUOTE}</blockquote></div>'),
    ("html-windows-mail", "Windows Mail (a plain header block)", f'<div>Thanks, it arrived.</div><div style="border-top:1px solid #e5e5e5"><b>From:</b> Mia Chen<br><b>Sent:</b> Saturday, November 21, 2026 9:15 AM<br><b>To:</b> Support</div><div>{HTML_QUOTE}</div>'),
    ("html-outlook-fr", "Outlook desktop (French header block)", f'<div class="WordSection1"><p>Merci, bien reçu.</p><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p><b>De :</b> Mia Chen &lt;{ADDR}&gt;<br><b>Envoyé :</b> samedi 21 novembre 2026 09:15<br><b>À :</b> Support<br><b>Objet :</b> Commande</p></div>{HTML_QUOTE}</div>'),
]


def htmls():
    for name, client, html in HTMLS:
        answer = "Merci, bien reçu." if name.endswith("-fr") else "Thanks, it arrived."
        header = "Envoyé" if name.endswith("-fr") else ADDR if name == "html-hotmail" else "Mia"
        write(name, eml(name, f"<html><body>{html}</body></html>", "text/html; charset=utf-8"),
              {"body": answer, "folded": "quote", "folded_away": ["Where is my order 1042"], "client": client,
               "html_shown": [answer], "html_folded_away": ["Where is my order 1042", header], "html_folded": "Show quoted text"})


def never_hidden():
    attribution = f"On Sat, 21 Nov 2026 at 09:15, Mia Chen <{ADDR}> wrote:"
    cases = {
        "bottom-posted": (f"Hi,\n\n{attribution}\n{quoted(QUOTE)}\n\nIt left our warehouse today; tracking follows.\n", ["Hi,", "It left our warehouse today"], None),
        "bottom-posted-fr": (f"Bonjour,\n\nLe sam. 21 nov. 2026 à 09:15, Mia <{ADDR}> a écrit :\n{quoted(QUOTE)}\n\nElle part aujourd'hui.\n", ["Bonjour,", "Elle part aujourd'hui."], None),
        "interleaved": (f"{attribution}\n> Where is my order 1042?\nIt shipped today.\n> It was due on Monday.\nSorry for the delay.\n", ["It shipped today.", "Sorry for the delay.", "> Where is my order 1042?"], None),
        "interleaved-de": (f"Am 21.11.2026 um 09:15 schrieb Mia <{ADDR}>:\n> Wo ist meine Bestellung?\nSie ist unterwegs.\n> Wann kommt sie?\nMorgen.\n", ["Sie ist unterwegs.", "Morgen."], None),
        "bottom-posted-signature": (f"{attribution}\n{quoted(QUOTE)}\n\nIt shipped today.\n\n-- \nSam\n", ["It shipped today.", "Where is my order"], "signature"),
        "answer-below-outlook-rule": (f"Please see below.\n\n> {QUOTE}\n\nOur answer: it shipped today.\n", ["Please see below.", "Our answer: it shipped today."], None),
    }
    for name, (body, shown, folded) in cases.items():
        write(name, eml(name, body), {"shown": shown, "folded": folded, "client": "bottom-posting and interleaving: every unquoted line stays"})
    html = f'<div>Hi,</div><blockquote type="cite">On Sat, Mia wrote:<br>{HTML_QUOTE}</blockquote><div>It shipped today.</div>'
    write("html-bottom-posted", eml("html-bottom-posted", f"<html><body>{html}</body></html>", "text/html; charset=utf-8"),
          {"shown": ["Hi,", "It shipped today.", "Where is my order 1042"], "folded": None, "client": "HTML, answer under the quote",
           "html_shown": ["Hi,", "Where is my order 1042", "It shipped today."], "html_folded_away": [], "html_folded": None})
    html = (f'<div>On Sat, Mia wrote:</div><blockquote type="cite">Where is my order 1042?</blockquote><div>It shipped today.</div>'
            f'<blockquote type="cite">It was due on Monday.</blockquote><div>Sorry for the delay.</div>')
    write("html-interleaved", eml("html-interleaved", f"<html><body>{html}</body></html>", "text/html; charset=utf-8"),
          {"shown": ["It shipped today.", "Sorry for the delay."], "folded": None, "client": "HTML, answers between quotes",
           "html_shown": ["Where is my order 1042", "It shipped today.", "It was due on Monday.", "Sorry for the delay."],
           "html_folded_away": [], "html_folded": None})


def alternative(name, text, html):
    """A multipart/alternative reply: its text part and its HTML part."""
    body = (f"--alt\nContent-Type: text/plain; charset=utf-8\n\n{text}\n--alt\nContent-Type: text/html; charset=utf-8\n\n"
            f"<html><body>{html}</body></html>\n--alt--\n")
    return eml(name, body, 'multipart/alternative; boundary="alt"')


def formatted():
    """Multipart replies whose formatted view (the HTML) folds like their text."""
    attribution = f"On Sat, 21 Nov 2026 at 09:15, Mia Chen <{ADDR}> wrote:"
    text = f"See you on Tuesday.\n\n-- \nSam Doe\nJuniper Tea\n\n{attribution}\n{quoted(QUOTE)}\n"
    html = (f'<div dir="ltr">See you on Tuesday.<br clear="all"><div><br></div>-- <br><div dir="ltr" class="gmail_signature" '
            f'data-smartmail="gmail_signature"><div>Sam Doe</div><div>Juniper Tea</div></div></div><br><div class="gmail_quote">'
            f'<div dir="ltr" class="gmail_attr">On Sat, 21 Nov 2026 at 09:15, Mia Chen &lt;{ADDR}&gt; wrote:<br></div>'
            f'<blockquote class="gmail_quote" style="margin:0 0 0 .8ex">{HTML_QUOTE}</blockquote></div>')
    write("html-gmail-multipart", alternative("html-gmail-multipart", text, html),
          {"body": "See you on Tuesday.", "folded": "signature", "folded_away": ["Juniper Tea", "Where is my order 1042"],
           "differs": "The text names its fold a signature: quote::split reads the quote under '-- ' as part of the signature's trailer.",
           "client": "Gmail, text and HTML, with a signature", "html_shown": ["See you on Tuesday."],
           "html_folded_away": ["Juniper Tea", "Mia Chen", "Where is my order 1042"], "html_folded": "Show signature and quoted text"})
    header = f"From: Mia Chen <{ADDR}>\nSent: Saturday, November 21, 2026 9:15 AM\nTo: Support\nSubject: Order 1042"
    html = (f'<div class="WordSection1"><p class="MsoNormal">Yes, it left today.</p><p class="MsoNormal">&nbsp;</p>'
            f'<div><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>From:</b> Mia Chen &lt;{ADDR}&gt;<br>'
            f'<b>Sent:</b> Saturday, November 21, 2026 9:15 AM<br><b>To:</b> Support<br><b>Subject:</b> Order 1042</p></div></div>'
            f'<p class="MsoNormal">&nbsp;</p>{HTML_QUOTE}</div>')
    write("html-outlook-multipart", alternative("html-outlook-multipart", f"Yes, it left today.\n\n{header}\n\n{QUOTE}\n", html),
          {"body": "Yes, it left today.", "folded": "quote", "folded_away": ["Where is my order 1042"],
           "client": "Outlook desktop, text and HTML (a plain header block)", "html_shown": ["Yes, it left today."],
           "html_folded_away": ["Sent: Saturday", "Where is my order 1042"], "html_folded": "Show quoted text"})
    html = (f'<div dir="ltr"><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>'
            f'From: Mia Chen &lt;{ADDR}&gt;<br></div>{HTML_QUOTE}</div></div>')
    write("html-forward-only", alternative("html-forward-only", f"---------- Forwarded message ---------\nFrom: Mia Chen <{ADDR}>\n\n{QUOTE}\n", html),
          {"shown": ["Where is my order 1042"], "folded": None, "client": "Gmail, a forward with nothing written above it",
           "html_shown": ["Forwarded message", "Where is my order 1042"], "html_folded_away": [], "html_folded": None})


def decoding():
    latin1 = lambda s: s.encode("latin-1")
    head = (b"From: J\xf6rg M\xfcller <sam@example.com>\nTo: support@juniper.inbound.example.com\nSubject: Fr\xf6sche und K\xe4se\n"
            b"Date: Sat, 21 Nov 2026 10:00:00 +0000\nMessage-ID: <own-latin1-headers@real-world.example>\nMIME-Version: 1.0\n"
            b"Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n")
    write("latin1-raw-headers-and-body", head + latin1("Die Frösche sind da. Grüße\n"),
          {"body": "Die Frösche sind da. Grüße", "subject": "Frösche und Käse", "from_name": "Jörg Müller", "folded": None,
           "client": "8-bit ISO-8859-1 headers and an undeclared 8-bit body"})
    write("cp1252-smart-quotes", eml("cp1252-smart-quotes", b"\x93Quoted\x94 \x96 it costs \x8050.\n", "text/plain"),
          {"body": "“Quoted” – it costs €50.", "client": "Windows-1252 bytes, no charset"})
    write("utf8-with-stray-latin1", eml("utf8-with-stray-latin1", "Café and ".encode() + b"caf\xe9\n", "text/plain; charset=utf-8"),
          {"body": "Café and café", "client": "UTF-8 declared, one Latin-1 byte"})
    write("us-ascii-8bit", eml("us-ascii-8bit", b"Gr\xfc\xdfe aus K\xf6ln\n", "text/plain; charset=us-ascii"),
          {"body": "Grüße aus Köln", "client": "us-ascii declared, 8-bit sent"})
    write("iso-8859-1-qp", eml("iso-8859-1-qp", quopri.encodestring(latin1("Voilà, ça marche.\n")), "text/plain; charset=iso-8859-1", cte="quoted-printable"),
          {"body": "Voilà, ça marche.", "client": "ISO-8859-1 quoted-printable"})
    write("utf-7", eml("utf-7", b"Hi Mom -+Jjo--!\n", "text/plain; charset=utf-7", cte="7bit"),
          {"body": "Hi Mom -☺-!", "client": "UTF-7"})
    write("shift-jis", eml("shift-jis", "ありがとうございます。\n".encode("shift_jis"), "text/plain; charset=shift_jis"),
          {"body": "ありがとうございます。", "client": "Shift_JIS"})
    write("iso-2022-jp", eml("iso-2022-jp", "注文の件、了解しました。\n".encode("iso2022_jp"), "text/plain; charset=iso-2022-jp", cte="7bit"),
          {"body": "注文の件、了解しました。", "client": "ISO-2022-JP"})
    write("gb2312-base64", eml("gb2312-base64", base64.encodebytes("谢谢，收到了。\n".encode("gb2312")), "text/plain; charset=gb2312", cte="base64"),
          {"body": "谢谢，收到了。", "client": "GB2312 in base64"})
    write("koi8-r", eml("koi8-r", "Спасибо, получили.\n".encode("koi8_r"), "text/plain; charset=koi8-r"),
          {"body": "Спасибо, получили.", "client": "KOI8-R"})
    write("euc-kr", eml("euc-kr", "감사합니다.\n".encode("euc_kr"), "text/plain; charset=euc-kr"),
          {"body": "감사합니다.", "client": "EUC-KR"})
    write("big5", eml("big5", "謝謝，收到了。\n".encode("big5"), "text/plain; charset=big5"),
          {"body": "謝謝，收到了。", "client": "Big5"})


def headers_and_files():
    two = (f"From: Sam Doe <sam@example.com>\nFrom: Mallory <mallory@evil.example>\nTo: support@juniper.inbound.example.com\n"
           f"Subject: Two senders\nMessage-ID: <own-two-from@real-world.example>\nContent-Type: text/plain; charset=utf-8\n\nWho sent this?\n")
    write("two-from-headers", two.encode(), {"body": "Who sent this?", "from_email": "sam@example.com", "from_name": "Sam Doe",
                                             "flags": ["sender_unverified"], "client": "two From headers: the first counts, and the mail is flagged"})
    uu = "Here is the file.\n\nbegin 644 hello.txt\n.2&5L;&\\L('=O<FQD(0H`\n`\nend\n\nSam\n"
    write("uuencode", eml("uuencode", uu), {"body": "Here is the file.\n\n\nSam", "attachments": [{"filename": "hello.txt", "size": 14}],
                                          "client": "a uuencoded attachment (begin 644)"})

    head = (b"From: Sam Doe <sam@example.com>\nTo: support@juniper.inbound.example.com\nSubject: Files\n"
            b"Message-ID: <own-8bit-file-names@real-world.example>\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"mix\"\n\n")
    part = lambda headers, body: b"--mix\n" + headers + b"\n\n" + body + b"\n"
    files = (part(b"Content-Type: text/plain; charset=utf-8", "Here are the files.".encode())
             + part(b'Content-Type: application/pdf; name="Fr\xf6sche.pdf"\nContent-Disposition: attachment; filename="Fr\xf6sche.pdf"\n'
                    b"Content-Transfer-Encoding: base64", base64.b64encode(b"%PDF-1.4\n"))
             + part(b'Content-Type: text/plain\nContent-Disposition: attachment; filename="Preis \x80 9.txt"', b"9 EUR")
             + part(b'Content-Type: text/plain\nContent-Disposition: attachment; filename="' + "ñandú.txt".encode() + b'"', b"bird")
             + b"--mix--\n")
    write("8bit-file-names", head + files, {"body": "Here are the files.", "client": "raw 8-bit file names in MIME parts (Latin-1, Windows-1252, UTF-8)",
                                            "attachments": [{"filename": "Frösche.pdf", "size": 9}, {"filename": "Preis € 9.txt", "size": 5},
                                                            {"filename": "ñandú.txt", "size": 4}]})


if __name__ == "__main__":
    languages(); clients(); htmls(); never_hidden(); formatted(); decoding(); headers_and_files()
    print(len([f for f in os.listdir(HERE) if f.endswith(".eml")]), "own cases")
