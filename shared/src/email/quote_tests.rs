use super::*;

fn visible(text: &str) -> Option<&str> {
    new_text(text)
}

#[test]
fn gmail_style_attribution_and_quote() {
    let text = "Found it, thanks!\n\nOn Sat, 21 Nov 2026 at 09:15, Mia Chen <mia@example.org> wrote:\n> Where is my order?\n> Thanks";
    assert_eq!(
        split(text),
        Some(Split {
            visible: "Found it, thanks!",
            fold: Fold::Quote
        })
    );
}

#[test]
fn wrapped_and_localized_attributions() {
    let wrapped =
        "Merci !\n\nOn Sat, 21 Nov 2026 at 09:15, Mia Chen <\nmia@example.org> wrote:\n> hi";
    assert_eq!(visible(wrapped), Some("Merci !"));
    let three = "Ok\n\nOn Sat, 21 Nov 2026 at 09:15,\nMia Chen from the shop <\nmia@example.org> wrote:\n> hi";
    assert_eq!(visible(three), Some("Ok"));
    for attribution in [
        "Le sam. 21 nov. 2026 à 09:15, Mia <mia@example.org> a écrit :",
        "Am 21.11.2026 um 09:15 schrieb Mia Chen <mia@example.org>:",
        "El sáb, 21 nov 2026 a las 09:15, Mia (<mia@example.org>) escribió:",
        "Il giorno sab 21 nov 2026 alle ore 09:15 Mia <mia@example.org> ha scritto:",
        "In data 21 novembre 2026 09:15, Mia <mia@example.org> ha scritto:",
        "Em sáb., 21 de nov. de 2026 às 09:15, Mia <mia@example.org> escreveu:",
        "Op 21 nov. 2026 om 09:15 heeft Mia <mia@example.org> het volgende geschreven:",
        "Op 13-02-2014 3:18 schreef Julius Caesar <pantheon@rome.com>:",
        "Den 21 nov. 2026 kl. 09:15 skrev Mia <mia@example.org>:",
        "Mia <mia@example.org> kirjoitti 21.11.2026 kello 9.15:",
        "W dniu 21.11.2026 o 09:15, Mia <mia@example.org> pisze:",
        "sob., 21 lis 2026 o 09:15 Mia Chen <mia@example.org> napisał(a):",
        "so 21. 11. 2026 v 9:15 odesílatel Mia <mia@example.org> napsal:",
        "21 нояб. 2026 г., в 09:15, Mia <mia@example.org> написал(а):",
        "Суббота, 21 ноября 2026, 9:15 +03:00 от Mia <mia@example.org>:",
        "21 Kas 2026 Cmt, saat 09:15 tarihinde Mia <mia@example.org> şunu yazdı:",
        "2026年11月21日(土) 9:15 Mia Chen <mia@example.org>:",
        "Mia Chen <mia@example.org> 于2026年11月21日周六 09:15写道：",
        "2026년 11월 21일 (토) 오전 9:15, Mia Chen <mia@example.org>님이 작성:",
        "2012-03-07 14:00 GMT+01:00, Mia <mia@example.org>:",
        "On Sat, 21 Nov 2026 at 09:15, Mia Chen <mia@example.org> wrote",
        "---- On Sat, 21 Nov 2026 09:15:00 +0000 Mia <mia@example.org> wrote ----",
    ] {
        let text = format!("Answer.\n\n{attribution}\n> quoted\n> more");
        assert_eq!(visible(&text), Some("Answer."), "{attribution}");
    }
}

#[test]
fn outlook_headers_in_many_languages() {
    let classic = "Sounds good.\n\n-----Original Message-----\nFrom: Support\nSent: Saturday\nSubject: Re: order";
    assert_eq!(visible(classic), Some("Sounds good."));
    let modern = "Yes please.\n\n________________________________\nFrom: Juniper & Pine <support@x>\nSent: 21 November 2026 10:00\nTo: Mia\nSubject: Re: order\n\nHello Mia";
    assert_eq!(visible(modern), Some("Yes please."));
    let bare = "Yes.\nFrom: Juniper & Pine\nDate: Sat, 21 Nov 2026\nSubject: x";
    assert_eq!(visible(bare), Some("Yes."));
    for block in [
        "De : Juniper <s@x.fr>\nEnvoyé : samedi 21 novembre 2026 10:00\nÀ : Mia\nObjet : commande",
        "Von: Juniper <s@x.de>\nGesendet: Samstag, 21. November 2026 10:00\nAn: Mia\nBetreff: Bestellung",
        "-----Ursprüngliche Nachricht-----\nVon: Juniper",
        "*From:* Juniper <s@x.com>\n*Sent:* Saturday, 21 November 2026 10:00\n*To:* Mia",
        "差出人: Juniper <s@x.jp>\n送信日時: 2026年11月21日 10:00\n宛先: Mia",
        "---------- Forwarded message ---------\nFrom: Juniper <s@x.com>",
        "Begin forwarded message:\n\nFrom: Juniper <s@x.com>",
    ] {
        let text = format!("Thanks.\n\n{block}\n\nThe old text.");
        assert_eq!(visible(&text), Some("Thanks."), "{block}");
    }
}

#[test]
fn trailing_quote_block_without_attribution() {
    assert_eq!(
        visible("Thanks!\n\n> earlier text\n>\n> more"),
        Some("Thanks!")
    );
}

#[test]
fn inline_answers_and_plain_mail_are_left_whole() {
    let inline = "> Do you ship to Norway?\nYes, we do.\n> And Sweden?\nAlso yes.";
    assert_eq!(visible(inline), None, "interleaved answers are not history");
    assert_eq!(
        visible("Hello,\nFrom: the docs I read, From: lines are fine.\n"),
        None
    );
    assert_eq!(visible("Just a note."), None);
    assert_eq!(
        visible("As I wrote:\nthe tin is dented."),
        None,
        "a sentence ending in a verb is not an attribution"
    );
    assert_eq!(
        visible("My order of 12 May:\nthe tin is dented.\n--- Order summary ---\n1 tin"),
        None
    );
}

#[test]
fn a_bottom_posted_answer_is_never_hidden() {
    let text = format!("{}Thanks!", "> earlier\n".repeat(4));
    assert_eq!(
        visible(&text),
        None,
        "a quote block followed by an answer is not trailing history"
    );
    let below = "Hi,\n\nOn Sat, 21 Nov 2026 at 09:15, Mia <mia@example.org> wrote:\n> Where is it?\n\nIt shipped today.";
    assert_eq!(visible(below), None);
    let interleaved = "On Sat, 21 Nov 2026 at 09:15, Mia <mia@example.org> wrote:\n> One?\nYes.\n> Two?\nNo.\n\n-- \nSam";
    assert_eq!(
        split(interleaved).map(|s| (s.visible.ends_with("No."), s.fold)),
        Some((true, Fold::Signature))
    );
}

#[test]
fn signatures_fold_as_signatures() {
    assert_eq!(
        split("Thanks!\n\n-- \nSam\nJuniper & Pine"),
        Some(Split {
            visible: "Thanks!",
            fold: Fold::Signature
        })
    );
    assert_eq!(
        split("Thanks!\n\nSent from my iPhone"),
        Some(Split {
            visible: "Thanks!",
            fold: Fold::Signature
        })
    );
    assert_eq!(
        visible("Danke\n\nVon meinem iPhone gesendet"),
        Some("Danke")
    );
    assert_eq!(visible("ありがとう\n\niPhoneから送信"), Some("ありがとう"));
    let both = "Thanks!\n\nSent from my iPhone\n\nOn Sat, 21 Nov 2026 at 09:15, Mia <mia@example.org> wrote:\n> hi";
    assert_eq!(
        split(both),
        Some(Split {
            visible: "Thanks!",
            fold: Fold::QuoteAndSignature
        })
    );
    assert_eq!(
        visible("Hi\n\nSent from my desk, is much easier then my mobile phone."),
        None
    );
    assert_eq!(
        visible("The tin is on its way.\n\nSent from the warehouse this morning"),
        None,
        "no device named: text"
    );
    assert_eq!(
        visible("Thanks\n\nSent from Yahoo Mail for iPhone"),
        Some("Thanks")
    );
    assert_eq!(visible("a -- b\nc"), None, "a delimiter mid-line is text");
    let long = format!("Hi\n--\n{}", "line\n".repeat(MAX_SIGNATURE_LINES + 1));
    assert_eq!(
        visible(&long),
        None,
        "a long text under -- is not a signature"
    );
}

#[test]
fn quotes_to_end_and_next_nonblank() {
    let tail = Tail::of(&["a", ">", "", " > b", "c"], 5);
    assert_eq!(tail.quotes_to_end[..5], [false, false, false, false, false]);
    let tail = Tail::of(&["a", ">", "", " > b", "c"], 4);
    assert_eq!(
        tail.quotes_to_end[..5],
        [false, true, true, true, true],
        "a trailer counts as blank"
    );
    let tail = Tail::of(&["a", ">", "", " > b"], 4);
    assert_eq!(tail.quotes_to_end[..4], [false, true, true, true]);
    assert_eq!(tail.next_nonblank[..4], [0, 1, 3, 3]);
}

#[test]
fn a_reply_that_is_all_quote_is_kept_whole() {
    assert_eq!(visible("\nOn Sat, Mia wrote:\n> hello"), None);
}

#[test]
fn a_quote_followed_only_by_a_trailer_still_ends_the_text() {
    let footer = "Thanks!\n\nOn Sat, 21 Nov 2026 at 09:15, Mia <mia@example.org> wrote:\n> hi\n\n_______________________________________________\nlist mailing list\nlist@lists.example.org";
    assert_eq!(visible(footer), Some("Thanks!"));
    let signed =
        "Thanks!\n\nOn Sat, 21 Nov 2026 at 09:15, Mia <mia@example.org> wrote:\n> hi\n\n-- \nSam";
    assert_eq!(visible(signed), Some("Thanks!"));
    assert_eq!(
        visible("Hi\n\n_______________________________________________\nlist mailing list"),
        None,
        "a footer alone is shown"
    );
}

#[test]
fn a_reply_on_the_attributions_line_and_a_date_first_block() {
    assert_eq!(
        visible("reply On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:\n> Hi"),
        Some("reply")
    );
    assert_eq!(
        visible("reply--- On Wed, Apr 4, 2012 at 3:59 PM, me@domain.com wrote:\n> Hi"),
        Some("reply")
    );
    assert_eq!(
        visible("Blah\n\nDate: Wed, 16 May 2012 00:15:02 -0600\nTo: klizhentas@example.com"),
        Some("Blah")
    );
    let yahoo = "Thanks\n\nOn Saturday, November 21, 2026, 09:15:00 AM GMT, Mia <mia@example.org> wrote:\n\nold";
    assert_eq!(
        visible(yahoo),
        Some("Thanks"),
        "'AM' inside the line is no second attribution"
    );
}
