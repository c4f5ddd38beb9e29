"""`crm serve` over real loopback HTTP: nothing of the app without a session (page, scripts,
websocket), wrong passwords refused and locked out, the cookie's flags, sign-out, uploads."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from crm_tui.domain.imports.uploads import user_upload_folder
from crm_tui.storage.database import get_engine
from crm_tui.storage.models import users
from tests.web.front_server import PASSWORD, Front, running_front

PROTECTED = ["/", "/upload", "/static/js/textual.js", "/static/css/xterm.css", "/download/abc"]


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    with running_front(tmp_path_factory.mktemp("front")) as running:
        yield running


def client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def sign_in(http: aiohttp.ClientSession, front: Front, login: str, password: str = PASSWORD) -> int:
    async with http.post(
        f"{front.url}/login", data={"login": login, "password": password}, allow_redirects=False
    ) as response:
        return response.status


async def test_nothing_of_the_app_without_a_session(front: Front) -> None:
    async with client() as http:
        for path in PROTECTED:
            async with http.get(f"{front.url}{path}", allow_redirects=False) as response:
                assert response.status in (303, 401), path
                body = await response.text()
                assert "textual" not in body.lower(), path
                if response.status == 303:
                    assert response.headers["Location"] == "/login"
                # every answer, a redirect and a refusal too (they lacked them)
                assert response.headers["Cache-Control"] == "no-store", path
                assert response.headers["X-Frame-Options"] == "DENY", path
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"{front.url}/ws?width=80&height=24")
        assert refused.value.status == 401
        async with http.get(f"{front.url}/login") as response:
            page = await response.text()
            assert response.status == 200 and 'name="password"' in page
            assert "http://" not in page and "https://" not in page  # no asset from anywhere else


async def test_a_forged_cookie_opens_nothing(front: Front) -> None:
    async with client() as http:
        http.cookie_jar.update_cookies({"crm_session": "x" * 43})
        async with http.get(f"{front.url}/", allow_redirects=False) as response:
            assert response.status == 303
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await http.ws_connect(f"{front.url}/ws")


async def test_wrong_password_is_refused_in_the_pages_language(front: Front) -> None:
    async with client() as http:
        async with http.post(
            f"{front.url}/login", data={"login": "ivanova", "password": "nope", "lang": "ru"}
        ) as response:
            assert response.status == 401
            assert "Неверный логин или пароль" in await response.text()
        assert not [c for c in http.cookie_jar if c.key == "crm_session"]
        async with http.get(f"{front.url}/", allow_redirects=False) as response:
            assert response.status == 303


async def test_five_wrong_passwords_lock_the_login(front: Front) -> None:
    async with client() as http:
        statuses = [await sign_in(http, front, "petrov", f"guess-{n}") for n in range(5)]
        assert statuses == [401, 401, 401, 401, 429]
        assert await sign_in(http, front, "petrov") == 429  # even the right password, for a while
        async with http.get(f"{front.url}/", allow_redirects=False) as response:
            assert response.status == 303


async def test_logins_without_a_password_lock_alike_so_the_answers_name_no_one(front: Front) -> None:
    """Unknown logins (and so users with no browser password) answer five wrong tries exactly as
    a real login does (they answered 401 for ever, which told the real logins apart)."""
    async with client() as http:
        for login in ("nosuchuser", "Никто"):
            statuses = [await sign_in(http, front, login, f"guess-{n}") for n in range(6)]
            assert statuses == [401, 401, 401, 401, 429, 429], login


async def test_sign_in_sets_a_strict_http_only_cookie_and_opens_the_app(front: Front) -> None:
    async with client() as http:
        async with http.post(
            f"{front.url}/login", data={"login": "ivanova", "password": PASSWORD}, allow_redirects=False
        ) as response:
            assert response.status == 303
            cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
        async with http.get(f"{front.url}/") as response:
            page = await response.text()
            assert "Иванова Светлана" in page and "/ws" in page and 'id="sign-out"' in page
            assert response.headers["Cache-Control"] == "no-store"
        async with http.get(f"{front.url}/static/js/textual.js") as response:
            assert response.status == 200
        async with http.ws_connect(f"{front.url}/ws?width=100&height=30") as ws:
            drawn = b""  # the desk is drawn first, her name once the base is open
            while "Иванова Светлана".encode() not in drawn:
                message = await ws.receive(timeout=60)
                assert message.type == aiohttp.WSMsgType.BINARY, message
                drawn += message.data
            assert b"My sales" in drawn


async def test_a_post_or_websocket_from_another_site_is_refused(front: Front) -> None:
    async with client() as http:
        assert await sign_in(http, front, "ivanova") == 303
        evil = {"Origin": "https://evil.example"}
        async with http.post(f"{front.url}/logout", headers=evil, allow_redirects=False) as response:
            assert response.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"{front.url}/ws", headers=evil)
        assert refused.value.status == 403
        async with http.get(f"{front.url}/", allow_redirects=False) as response:
            assert response.status == 200  # still signed in


async def test_sign_out_ends_the_session_and_closes_its_app(front: Front) -> None:
    async with client() as http:
        assert await sign_in(http, front, "ivanova") == 303
        kept = {c.key: c.value for c in http.cookie_jar}
        async with http.ws_connect(f"{front.url}/ws?width=100&height=30") as ws:
            first = await ws.receive(timeout=60)
            assert first.type == aiohttp.WSMsgType.BINARY
            async with http.post(f"{front.url}/logout", allow_redirects=False) as response:
                assert response.status == 303 and response.headers["Location"].startswith("/login")
            while True:  # the app's output until the server closes it
                message = await ws.receive(timeout=30)
                if message.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.CLOSING,
                ):
                    break
        async with http.post(f"{front.url}/logout", allow_redirects=False) as again:  # no session: no harm
            assert again.status == 303
    async with client() as replay:  # the old cookie, kept by somebody, opens nothing any more
        replay.cookie_jar.update_cookies(kept)
        async with replay.get(f"{front.url}/", allow_redirects=False) as response:
            assert response.status == 303
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await replay.ws_connect(f"{front.url}/ws")


async def test_upload_lands_in_the_users_private_folder(front: Front) -> None:
    async with client() as http:
        assert await sign_in(http, front, "smirnov") == 303
        form = aiohttp.FormData(quote_fields=False)  # as a browser sends it
        form.add_field("file", b"name;inn\n\xd0\x90;7707083893\n", filename="../../клиенты.csv")
        async with http.post(f"{front.url}/upload", data=form) as response:
            assert response.status == 200
            assert "клиенты.csv" in await response.text()
        bad = aiohttp.FormData()
        bad.add_field("file", b"MZ", filename="tool.exe")
        async with http.post(f"{front.url}/upload", data=bad) as response:
            assert response.status == 400
            assert "not a spreadsheet" in await response.text()
    with get_engine(front.database).connect() as conn:
        user_id = conn.scalar(select(users.c.id).where(users.c.login == "smirnov"))
    assert user_id is not None
    folder = user_upload_folder(front.data_dir, int(user_id))
    kept = folder / "клиенты.csv"
    assert kept.read_bytes().startswith(b"name;inn")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == ["клиенты.csv"]
    assert not any(Path(front.data_dir).rglob("tool.exe"))


async def test_behind_https_the_cookie_is_secure(tmp_path: Path) -> None:
    with running_front(tmp_path, "--public-url", "https://crm.example.com") as front:
        async with (
            client() as http,
            http.post(
                f"{front.url}/login",
                data={"login": "ivanova", "password": PASSWORD},
                headers={"Origin": "https://crm.example.com"},
                allow_redirects=False,
            ) as response,
        ):
            assert response.status == 303
            assert "Secure" in response.headers["Set-Cookie"]


async def test_a_person_changes_their_own_password_and_is_signed_out(front: Front) -> None:
    new = "Лето-2027-пароль"
    async with client() as http:
        assert await sign_in(http, front, "admin") == 303
        kept = {c.key: c.value for c in http.cookie_jar}
        wrong = {"current": "not-mine", "new": new, "again": new}
        async with http.post(f"{front.url}/password", data=wrong) as response:
            assert response.status == 400 and "The current password is wrong." in await response.text()
        short = {"current": PASSWORD, "new": "short", "again": "short"}
        async with http.post(f"{front.url}/password", data=short) as response:
            assert response.status == 400 and "too short" in await response.text()
        good = {"current": PASSWORD, "new": new, "again": new}
        async with http.post(f"{front.url}/password", data=good, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"].startswith("/login?why=password")
    async with client() as replay:
        replay.cookie_jar.update_cookies(kept)
        async with replay.get(f"{front.url}/", allow_redirects=False) as response:
            assert response.status == 303  # the session it was changed in is over too
        assert await sign_in(replay, front, "admin") == 401
        assert await sign_in(replay, front, "admin", new) == 303
