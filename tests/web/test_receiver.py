"""`crm inbound serve` over real HTTP on loopback (issue 23): each source checked as its vendor
documents, each event done once, 200 only after commit, and every refusal writes nothing."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import aiohttp
import pytest
from sqlalchemy import select

from crm_tui.domain.access.extensions import set_extension
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.inbound.sources import add_source
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import inbound_events, interactions, lead_addresses, leads
from tests.seed import Seeded
from tests.web.support import counts, fixture, mango_form, on_hooks_day, receiver, zadarma_signature

Open = Callable[[str], Workspace]
ROMASHKA = "+74951112233"


async def test_a_form_becomes_a_request_once_however_often_the_site_retries(workspace_for: Open) -> None:
    admin = workspace_for("admin")
    token = add_source(admin, "site", "form").source.secret
    body = fixture("form.json")
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        first = await http.post(f"{base}/hooks/form/site?token={token}", json=body)
        assert first.status == 200 and (await first.json())["outcome"] == "new"
        again = await http.post(f"{base}/hooks/form/site?token={token}", json=body)
        assert again.status == 200 and (await again.json()) == {
            "ok": True,
            "success": True,
            "outcome": "new",
            "again": True,
        }
    with admin.read() as session:
        found = session.execute(select(leads).where(leads.c.channel == "web_form")).all()
        assert len(found) == 1
        lead = found[0]
        assert (lead.person_name, lead.company_name, lead.utm_source, lead.utm_campaign) == (
            "Андрей Котов", "ООО «СтройДвор»", "yandex", "krovlya-dec",
        )  # fmt: skip
        assert lead.message == "Пришлите прайс на кровлю" and lead.line == "site"
        addresses = set(
            session.scalars(select(lead_addresses.c.value).where(lead_addresses.c.lead_id == lead.id))
        )
        assert addresses == {"+79165550404", "kotov@stroidvor.ru"}


async def test_a_signed_form_encoded_post_and_every_refusal_writing_nothing(workspace_for: Open) -> None:
    admin = workspace_for("admin")
    secret = add_source(admin, "landing", "form").source.secret
    add_source(admin, "slow", "form", per_minute=2)
    form = "name=%D0%9E%D0%BB%D0%B5%D0%B3&phone=89165550505&utm_source=vk"
    signature = "sha256=" + hmac.new(secret.encode(), form.encode(), hashlib.sha256).hexdigest()
    encoded = {"Content-Type": "application/x-www-form-urlencoded"}
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        before = counts(admin)
        refused = {
            "bad signature": await http.post(f"{base}/hooks/form/landing", data=form,
                                             headers={**encoded, "X-Signature": "sha256=00"}),
            "no token": await http.post(f"{base}/hooks/form/landing", data=form, headers=encoded),
            "too big": await http.post(f"{base}/hooks/form/landing?token={secret}",
                                       data="name=" + "x" * 70_000, headers=encoded),
            "not json": await http.post(f"{base}/hooks/form/landing?token={secret}", data="{name:",
                                        headers={"Content-Type": "application/json"}),
            "no address": await http.post(f"{base}/hooks/form/landing?token={secret}", json={"name": "Олег"}),
            "no source": await http.post(f"{base}/hooks/form/nowhere?token={secret}", json={"phone": "1"}),
            "a PBX's name": await http.post(f"{base}/hooks/zadarma/landing", data="event=NOTIFY_END"),
        }  # fmt: skip
        statuses = {why: r.status for why, r in refused.items()}
        assert statuses == {"bad signature": 401, "no token": 401, "too big": 413, "not json": 400,
                            "no address": 400, "no source": 404, "a PBX's name": 404}  # fmt: skip
        line = await refused["not json"].text()
        assert line.count("\n") == 1 and "not JSON" in line
        assert "phone, an e-mail or a messenger" in await refused["no address"].text()
        assert counts(admin) == before
        signed = await http.post(
            f"{base}/hooks/form/landing", data=form, headers={**encoded, "X-Signature": signature}
        )
        assert signed.status == 200 and (await signed.json())["outcome"] == "new"
        page = aiohttp.FormData({"name": "Ника", "phone": "8 916 555-06-06", "comment": "Перезвоните"})
        page.add_field("file", b"%PDF", filename="brief.pdf")  # a file in a page's form is left out
        multipart = await http.post(f"{base}/hooks/form/landing?token={secret}", data=page)
        assert multipart.status == 200 and (await multipart.json())["outcome"] == "new"
        slow = [await http.post(f"{base}/hooks/form/slow?token=x", json={}) for _ in range(3)]
        assert [r.status for r in slow] == [401, 401, 401]  # a failed check is no event of the source
    with admin.read() as session:
        lead = session.execute(select(leads).where(leads.c.utm_source == "vk")).one()
        assert lead.person_name == "Олег"
        page_lead = session.execute(select(leads).where(leads.c.person_name == "Ника")).one()
        assert page_lead.message == "Перезвоните"


async def test_zadarma_echo_signature_and_call_end_logged_once(workspace_for: Open, seeded: Seeded) -> None:
    admin = on_hooks_day(workspace_for("admin"))
    set_extension(admin, "ivanova", "101")
    add_source(admin, "zadarma", "zadarma", secret="zd-api-secret", tz="Europe/Moscow")
    events = fixture("zadarma.json")
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        echo = await http.get(f"{base}/hooks/zadarma/zadarma?zd_echo=a1b2c3")
        assert echo.status == 200 and await echo.text() == "a1b2c3"
        assert echo.headers["X-Content-Type-Options"] == "nosniff"  # an echo is never sniffed into a page
        answers = []
        for name in ("NOTIFY_START", "NOTIFY_END", "NOTIFY_END", "NOTIFY_OUT_END"):
            fields = events[name]
            response = await http.post(
                f"{base}/hooks/zadarma/zadarma", data=fields,
                headers={"Signature": zadarma_signature(fields, "zd-api-secret")},
            )  # fmt: skip
            answers.append((response.status, (await response.json())["outcome"]))
        assert answers == [(200, "ignored"), (200, "new request"), (200, "new request"), (200, "client")]
        guessed = {"Signature": zadarma_signature(events["NOTIFY_END"], "guess")}
        forged = await http.post(f"{base}/hooks/zadarma/zadarma", data=events["NOTIFY_END"], headers=guessed)
        assert forged.status == 401
    with admin.read() as session:
        calls = session.execute(
            select(interactions.c.external_id, interactions.c.client_id, interactions.c.summary)
            .where(interactions.c.external_id.like("zadarma:%"))
            .order_by(interactions.c.external_id)
        ).all()
    assert [c.external_id for c in calls] == [
        "zadarma:in_5e4f8d2c9b1a7e3f6d0c",
        "zadarma:out_a81c3f0d2e7b9c44e1f2",
    ]
    assert calls[1].client_id == seeded.clients["romashka"] and "zadarma:1733296503.4521" in calls[0].summary


async def test_mango_sipuni_and_uis_each_log_their_call(workspace_for: Open, seeded: Seeded) -> None:
    admin = on_hooks_day(workspace_for("admin"))
    set_extension(admin, "ivanova", "101")
    add_source(admin, "mango", "mango", secret="salt-123", api_key="vpbx-key")
    sipuni_token = add_source(admin, "sipuni", "sipuni").source.secret
    uis_token = add_source(admin, "uis", "uis").source.secret
    summary = mango_form(fixture("mango_summary.json"), "vpbx-key", "salt-123")
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        ringing = await http.post(f"{base}/hooks/mango/mango/events/call", data=summary)
        assert (await ringing.json())["outcome"] == "ignored"
        logged = await http.post(f"{base}/hooks/mango/mango/events/summary", data=summary)
        assert (await logged.json())["outcome"] == "new request"
        forged = await http.post(
            f"{base}/hooks/mango/mango/events/summary", data={**summary, "sign": "0" * 64}
        )
        assert forged.status == 401
        hangup = await http.get(f"{base}/hooks/sipuni/sipuni/{sipuni_token}?{fixture('sipuni_hangup.txt')}")
        assert hangup.status == 200 and (await hangup.json())["outcome"] == "new request"
        wrong = await http.get(f"{base}/hooks/sipuni/sipuni/guess?{fixture('sipuni_hangup.txt')}")
        assert wrong.status == 401
        lost = await http.post(f"{base}/hooks/uis/uis/{uis_token}", json=fixture("uis_call_end.json"))
        assert lost.status == 200 and (await lost.json())["outcome"] == "client"
    with admin.read() as session:
        rows = {
            r.external_id: r
            for r in session.execute(
                select(interactions.c.external_id, interactions.c.duration_s, interactions.c.summary,
                       interactions.c.client_id, interactions.c.user_id)
                .where(interactions.c.kind == "call", interactions.c.external_id.is_not(None))
            )
        }  # fmt: skip
    assert "3:00" in rows["mango:MjE4NjQ2NzA0NjoxMzE="].summary  # a stranger's call: a request's touch
    sipuni = rows["sipuni:1733307000.8812"].summary
    assert "2:53" in sipuni and "https://sipuni.com/api/crm/record?id=1733307000.8812" in sipuni
    uis = rows["uis:3019843231"]
    assert uis.client_id == seeded.clients["romashka"] and uis.duration_s == 0


async def test_a_sipuni_outgoing_call_lands_on_the_dialled_clients_timeline(
    workspace_for: Open, seeded: Seeded
) -> None:
    """Sipuni's hangup of an outgoing call names no number (captured shape): the start, kept
    by the receiver, gives it the number dialled and the extension, so the call lands on the
    client's timeline as a call out by the manager (before: a nameless inbound call)."""
    admin = workspace_for("admin")
    set_extension(admin, "ivanova", "201")
    token = add_source(admin, "sipuni", "sipuni").source.secret
    start = fixture("sipuni_outbound_start.txt").replace("79161230087", ROMASHKA.lstrip("+"))
    hangup = fixture("sipuni_outbound_hangup_bare.txt")
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        outcomes = []
        for query in (start, start, hangup, hangup):
            answer = await http.get(f"{base}/hooks/sipuni/sipuni/{token}?{query}")
            assert answer.status == 200
            outcomes.append(((await answer.json())["outcome"], (await answer.json())["again"]))
        assert outcomes == [("started", False), ("started", True), ("client", False), ("client", True)]
    with admin.read() as session:
        [call] = session.execute(
            select(interactions.c.client_id, interactions.c.direction, interactions.c.user_id,
                   interactions.c.duration_s)
            .where(interactions.c.external_id == "sipuni:1774372584.533596")
        ).all()  # fmt: skip
    assert (call.client_id, call.direction, call.duration_s) == (seeded.clients["romashka"], "outbound", 8)
    assert call.user_id == seeded.users["ivanova"]
    with admin.read() as session:  # the start's number is not kept once the call is logged
        assert session.scalars(select(inbound_events.c.detail)).all() == [None, None]


async def test_telegram_messages_a_request_then_its_touches(
    workspace_for: Open, caplog: pytest.LogCaptureFixture
) -> None:
    admin = workspace_for("admin")
    secret = add_source(admin, "bot", "telegram").source.secret
    update = fixture("telegram_message.json")
    more = {**update["message"], "message_id": 82, "text": "И доставку до Химок"}
    follow_up = {**update, "update_id": update["update_id"] + 1, "message": more}
    edited = {"update_id": update["update_id"] + 2, "edited_message": update["message"]}
    file_only = {key: value for key, value in update["message"].items() if key != "text"}
    a_file = {**file_only, "message_id": 83, "document": {"file_id": "BQAC", "file_name": "прайс.pdf"}}
    with_file = {**update, "update_id": update["update_id"] + 3, "message": a_file}
    header = {"X-Telegram-Bot-Api-Secret-Token": secret}
    caplog.set_level(logging.INFO, logger="crm_tui.web.inbound")
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        outcomes = []
        for body in (update, update, follow_up, edited, with_file):
            response = await http.post(f"{base}/hooks/telegram/bot", json=body, headers=header)
            outcomes.append((await response.json())["outcome"])
        assert outcomes == ["new", "new", "request", "ignored", "request"]
        forged = await http.post(f"{base}/hooks/telegram/bot", json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})  # fmt: skip
        assert forged.status == 401
    with admin.read() as session:
        lead = session.execute(select(leads).where(leads.c.channel == "messenger")).one()
        touches = session.scalars(
            select(interactions.c.summary)
            .where(interactions.c.lead_id == lead.id)
            .order_by(interactions.c.id)
        ).all()
    assert lead.person_name == "Ольга Сергеева (@olga_s)"
    assert touches == [
        "Здравствуйте! Нужен счёт на утеплитель, 40 упаковок",
        "И доставку до Химок",
        "[file] прайс.pdf",  # a file without a caption was an empty touch («сообщение ←: »)
    ]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "source=bot kind=telegram status=200 outcome=new" in logged
    assert "status=401" in logged
    assert "Ольга" not in logged and "5120093311" not in logged and "утеплитель" not in logged


async def test_requests_with_a_wrong_token_do_not_use_up_the_sources_quota(workspace_for: Open) -> None:
    """Five POSTs with a bad token used up a quota of five: the site's genuine form got 429. Now
    only checked requests count, and the admin sees the refusals on the source."""
    from crm_tui.domain.inbound.sources import list_sources

    admin = workspace_for("admin")
    token = add_source(admin, "site2", "form", per_minute=5).source.secret
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        bad = [await http.post(f"{base}/hooks/form/site2?token=bad", json={}) for _ in range(5)]
        assert [r.status for r in bad] == [401] * 5
        genuine = [
            await http.post(f"{base}/hooks/form/site2?token={token}", json={"phone": f"8916555070{n}"})
            for n in range(6)
        ]
        assert [r.status for r in genuine] == [200] * 5 + [429]
    (line,) = list_sources(admin)
    assert (line.events, line.refused, line.refused_status, line.refused_code) == (5, 6, 429, "rate")
    assert line.refused_at is not None


async def test_the_receivers_answers_are_in_russian_and_a_bad_date_is_a_400(workspace_for: Open) -> None:
    from crm_tui import i18n

    admin = workspace_for("admin")
    token = add_source(admin, "one", "form", per_minute=1).source.secret
    secret = add_source(admin, "bot", "telegram").source.secret
    update = fixture("telegram_message.json")
    far = {**update, "message": {**update["message"], "date": 99999999999999}}
    before = i18n.current_locale()
    i18n.set_locale("ru")
    try:
        async with receiver(admin) as base, aiohttp.ClientSession() as http:
            nowhere = await http.post(f"{base}/hooks/form/nowhere", json={})
            big = await http.post(f"{base}/hooks/form/one?token={token}", data="x" * 70_000)
            await http.post(f"{base}/hooks/form/one?token={token}", json={"phone": "89165550801"})
            rate = await http.post(f"{base}/hooks/form/one?token={token}", json={"phone": "89165550802"})
            dated = await http.post(f"{base}/hooks/telegram/bot", json=far,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": secret})  # fmt: skip
            answers = {r.status: await r.text() for r in (nowhere, big, rate, dated)}
    finally:
        i18n.set_locale(before)
    assert set(answers) == {404, 413, 429, 400}
    assert all(text.count("\n") == 1 for text in answers.values())
    assert "источника" in answers[404] and "64 КБ" in answers[413] and "слишком" in answers[429]
    assert "99999999999999" in answers[400] and "Traceback" not in answers[400]


def test_the_receiver_acts_only_for_an_account_that_may_receive(workspace_for: Open) -> None:
    from crm_tui.domain.errors import AccessDenied
    from crm_tui.domain.interactions.calls import log_calls

    with pytest.raises(AccessDenied):
        log_calls(workspace_for("ivanova"), [])
    with pytest.raises(AccessDenied):
        add_source(workspace_for("ivanova"), "site", "form")


async def test_a_call_of_a_hundred_years_or_from_2030_is_a_400_naming_the_field(workspace_for: Open) -> None:
    """A reviewer's finding: duration=99999999999 was logged, and reports showed 27777821:35:19 of
    talk time."""
    admin = workspace_for("admin")
    add_source(admin, "zadarma", "zadarma", secret="zd-api-secret", tz="Europe/Moscow")
    end = fixture("zadarma.json")["NOTIFY_END"]
    long = {**end, "duration": "99999999999", "pbx_call_id": "in_long"}
    ahead = {**end, "call_start": "2030-01-01 10:00:00", "pbx_call_id": "in_ahead"}
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        answers = []
        for fields in (long, ahead):
            response = await http.post(
                f"{base}/hooks/zadarma/zadarma", data=fields,
                headers={"Signature": zadarma_signature(fields, "zd-api-secret")},
            )  # fmt: skip
            answers.append((response.status, await response.text()))
    assert answers == [
        (400, "talk time 27777777:46:39: not a call's (longer than 24 hours)\n"),
        (400, "start 2030-01-01 07:00:00 UTC: more than a day from now\n"),
    ]
    with admin.read() as session:
        assert (
            session.execute(
                select(interactions.c.id).where(interactions.c.external_id.like("zadarma:%"))
            ).all()
            == []
        )


async def test_a_call_s_start_is_ahead_by_the_app_s_clock_not_the_machine_s(workspace_for: Open) -> None:
    """A start more than a day from now was checked against the machine's clock: with the app's
    clock on 20 November a call of the 21st's evening was taken, and with the app's clock in 2099
    its own calls were refused."""
    admin = workspace_for("admin")  # 20 November 2026, 12:30 in Moscow
    add_source(admin, "zadarma", "zadarma", secret="zd-api-secret", tz="Europe/Moscow")
    end = fixture("zadarma.json")["NOTIFY_END"]

    async def post(ws: Workspace, start: str, call_id: str) -> tuple[int, str]:
        fields = {**end, "call_start": start, "pbx_call_id": call_id}
        async with receiver(ws) as base, aiohttp.ClientSession() as http:
            response = await http.post(
                f"{base}/hooks/zadarma/zadarma", data=fields,
                headers={"Signature": zadarma_signature(fields, "zd-api-secret")},
            )  # fmt: skip
            return response.status, await response.text()

    within = await post(admin, "2026-11-21 12:00:00", "in_within_a_day")
    assert within[0] == 200
    assert await post(admin, "2026-11-21 13:00:00", "in_over_a_day") == (
        400,
        "start 2026-11-21 10:00:00 UTC: more than a day from now\n",
    )
    later = replace(admin, clock=fixed_clock(datetime(2099, 1, 1, 9, 0, tzinfo=UTC)))
    status, _text = await post(later, "2099-01-01 12:30:00", "in_2099")
    assert status == 200


async def test_mango_and_uis_answer_broken_json_with_their_own_line_not_python_s(workspace_for: Open) -> None:
    """Mango's and UIS's refusals quoted Python's JSON error ("Expecting property name enclosed
    in double quotes: line 1 column 2 (char 1)"): English in a Russian interface and a detail of
    our parser. They say what is wrong and where, as the form's and Telegram's hooks do."""
    from crm_tui import i18n

    admin = workspace_for("admin")
    add_source(admin, "mango", "mango", secret="salt-123", api_key="vpbx-key")
    uis_token = add_source(admin, "uis", "uis").source.secret
    text = '{"entry_id": '
    sign = hashlib.sha256(f"vpbx-key{text}salt-123".encode()).hexdigest()
    broken_mango = {"vpbx_api_key": "vpbx-key", "sign": sign, "json": text}
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        before = counts(admin)
        answers = [
            await http.post(f"{base}/hooks/mango/mango/events/summary", data=broken_mango),
            await http.post(f"{base}/hooks/uis/uis/{uis_token}", data=b'{"call_session_id": 1,}'),
            await http.post(f"{base}/hooks/uis/uis/{uis_token}", data=b'{"x": "\xff"}'),
        ]
        lines = [(r.status, await r.text()) for r in answers]
        i18n.set_locale("ru")
        try:
            russian = [
                (r.status, await r.text())
                for r in [
                    await http.post(f"{base}/hooks/mango/mango/events/summary", data=broken_mango),
                    await http.post(f"{base}/hooks/uis/uis/{uis_token}", data=b'{"call_session_id": 1,}'),
                ]
            ]
        finally:
            i18n.set_locale("en")
        assert counts(admin) == before
    assert lines == [
        (400, "mango: the json field is not JSON (it breaks at character 14)\n"),
        (400, "uis: the body is not JSON (it breaks at character 23)\n"),
        (400, "uis: the body is not UTF-8\n"),
    ]
    assert russian == [
        (400, "mango: поле json — не JSON (ошибка на символе 14)\n"),
        (400, "uis: тело запроса — не JSON (ошибка на символе 23)\n"),
    ]


async def test_a_recording_link_that_is_no_http_link_is_a_400_naming_it(workspace_for: Open) -> None:
    """UIS's ``file_link`` and Sipuni's ``call_record_link`` were kept as they came: a
    ``javascript:`` or ``file:`` link became the call's recording on a client's timeline."""
    admin = on_hooks_day(workspace_for("admin"))
    uis_token = add_source(admin, "uis", "uis").source.secret
    sipuni_token = add_source(admin, "sipuni", "sipuni").source.secret
    hangup = fixture("sipuni_hangup.txt").replace(
        "call_record_link=https%3A%2F%2Fsipuni.com", "call_record_link=file%3A%2F%2F%2Fetc%2Fpasswd%23"
    )
    async with receiver(admin) as base, aiohttp.ClientSession() as http:
        before = counts(admin)
        uis_body = {**fixture("uis_call_end.json"), "file_link": "javascript:alert(document.cookie)"}
        uis_answer = await http.post(f"{base}/hooks/uis/uis/{uis_token}", json=uis_body)
        sipuni_answer = await http.get(f"{base}/hooks/sipuni/sipuni/{sipuni_token}?{hangup}")
        answers = [
            (uis_answer.status, await uis_answer.text()),
            (sipuni_answer.status, await sipuni_answer.text()),
        ]
        assert counts(admin) == before
        good = await http.post(
            f"{base}/hooks/uis/uis/{uis_token}",
            json={**fixture("uis_call_end.json"), "file_link": "https://app.uiscom.ru/rec/3019843231.mp3"},
        )
        assert good.status == 200
    assert answers[0] == (400, "recording 'javascript:alert(document.cookie)': not an http or https link\n")
    assert answers[1][0] == 400 and answers[1][1].startswith("recording 'file:///etc/passwd#")
