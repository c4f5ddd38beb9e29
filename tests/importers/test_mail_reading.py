"""Mail as Russian mailboxes hold it, read into what the CRM keeps (issue 23, the reader):
every usual encoding, the quoted history and the signature left out, robots told apart."""

from __future__ import annotations

from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage

from crm_tui.importers.channels.mail.message import read_mail, what_was_written

KOI8_REPLY = (
    f"From: {Header('Петрова Алла', 'koi8-r').encode()} <Petrova@Tekhnovektor12.RU>\r\n"
    f"To: sales@our-firm.ru, {Header('Иванов', 'windows-1251').encode()} <ivanov@our-firm.ru>\r\n"
    f"Subject: {Header('Re: Счёт 17 за котлы', 'koi8-r').encode()}\r\n"
    "Date: Fri, 04 Dec 2026 10:15:03 +0300\r\n"
    "Message-ID: <a1b2c3@tekhnovektor12.ru>\r\n"
    "In-Reply-To: <kp-17@our-firm.ru>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=koi8-r\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n"
).encode("ascii") + (
    "Добрый день!\nСчёт получили, оплатим в понедельник.\n\n-- \nПетрова Алла\nснабжение\n"
    "\n> Высылаем счёт 17\n"
).encode("koi8-r")


def test_a_koi8_reply_reads_in_russian_without_its_signature_and_quote() -> None:
    mail = read_mail(KOI8_REPLY)
    assert mail.sender == "petrova@tekhnovektor12.ru" and mail.sender_name == "Петрова Алла"
    assert mail.recipients == ("sales@our-firm.ru", "ivanov@our-firm.ru")
    assert mail.subject == "Re: Счёт 17 за котлы"
    assert mail.text == "Добрый день!\nСчёт получили, оплатим в понедельник."
    assert mail.message_id == "a1b2c3@tekhnovektor12.ru" and mail.in_reply_to == "kp-17@our-firm.ru"
    assert mail.sent_at == datetime(2026, 12, 4, 7, 15, 3, tzinfo=UTC)
    assert mail.robot is None and mail.attachments == ()


def _letter(**headers: str) -> EmailMessage:
    message = EmailMessage()
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


def test_a_cp1251_letter_with_a_cyrillic_attachment_and_an_outlook_quote() -> None:
    message = _letter(
        From="Кварц Ко <info@kvartsko.com>",
        To="sales@our-firm.ru",
        Subject="Заявка на 12 котлов",
        Message_ID="<q1@k.com>",
    )
    message.set_content(
        "Прошу выставить счёт.\r\n\r\n-----Original Message-----\r\nFrom: sales", charset="cp1251"
    )
    message.add_attachment(b"x" * 1234, maintype="application", subtype="pdf", filename="Реквизиты ООО.pdf")
    mail = read_mail(message.as_bytes())
    assert mail.subject == "Заявка на 12 котлов" and mail.text == "Прошу выставить счёт."
    assert [(a.name, a.size) for a in mail.attachments] == [("Реквизиты ООО.pdf", 1234)]


def test_html_only_mail_reads_as_text_and_markup_and_escapes_stay_inert() -> None:
    message = _letter(From="site@form.ru", To="sales@our-firm.ru", Subject="\x1b[31mзаявка[/red]")
    html = "<html><body><p>Нужен <b>котёл</b></p><script>alert(1)</script><p>Тел: 8 916</p></body></html>"
    message.set_content(html, subtype="html")
    mail = read_mail(message.as_bytes())
    assert "\x1b" not in mail.subject and "[/red]" in mail.subject  # kept literally, shown by `literal`
    assert (
        "Нужен" in mail.text and "котёл" in mail.text and "alert" not in mail.text and "<b>" not in mail.text
    )


def test_robots_are_told_apart_from_people() -> None:
    def robot(**headers: str) -> str | None:
        message = _letter(From=headers.pop("From", "a@b.ru"), To="sales@our-firm.ru", Subject="Re", **headers)
        message.set_content("Я в отпуске до 10 декабря.")
        return read_mail(message.as_bytes()).robot

    assert robot(Auto_Submitted="auto-replied") == "auto-submitted: auto-replied"
    assert robot(X_Autoreply="yes") == "auto-reply"
    assert robot(Precedence="bulk") == "precedence: bulk"
    assert robot(List_Unsubscribe="<mailto:u@list.ru>") == "mailing list"
    assert robot(From="MAILER-DAEMON@mx.our-firm.ru") == "robot sender"
    assert robot(Auto_Submitted="no") is None
    bounce = _letter(From="a@b.ru", To="sales@our-firm.ru", Subject="Undelivered")
    bounce.set_content("x")
    bounce.make_mixed()
    bounce.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; boundary="b"')
    assert read_mail(bounce.as_bytes()).robot == "delivery report"


def test_a_mail_without_a_message_id_gets_the_same_identity_each_time() -> None:
    message = _letter(
        From="a@b.ru", To="sales@our-firm.ru", Subject="Цена", Date="Fri, 04 Dec 2026 10:15:03 +0300"
    )
    message.set_content("Сколько стоит?")
    first, again = read_mail(message.as_bytes()), read_mail(message.as_bytes())
    assert first.message_id == again.message_id and first.message_id.startswith("sha256-")


def test_what_was_written_stops_at_russian_quote_heads_and_phone_signatures() -> None:
    assert (
        what_was_written(
            "Да, подходит.\n\nВ пт, 4 дек. 2026 г. в 10:15, Иванов <i@x.ru> написал(а):\n> вопрос"
        )
        == "Да, подходит."
    )
    assert what_was_written("Ок\nОтправлено с iPhone") == "Ок"
    assert what_was_written("Берём.\nОт: Иванов\nТема: счёт") == "Берём."
