"""The pages of `crm serve` that are ours: sign-in, upload, and the app's frame around
textual-serve's terminal. Plain HTML with its style inline: no script, font or picture from
anywhere else. Every value shown is escaped; the words come from the catalogue, in the
language of the page (``lang``), whatever language the server runs in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from crm_tui.domain.imports.uploads import MAX_BYTES, Upload
from crm_tui.i18n import LANGUAGES, N_, in_language

STYLE = """
body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#0c181f;
color:#e6edf3}
main{max-width:26rem;margin:12vh auto;padding:2rem;background:#12232d;border-radius:8px}
h1{font-size:1.3rem;margin:0 0 1.2rem}
label{display:block;margin:.8rem 0 .3rem}
input[type=text],input[type=password],input[type=file]{width:100%;box-sizing:border-box;padding:.55rem;
border:1px solid #3b5566;border-radius:4px;background:#0c181f;color:#e6edf3;font-size:1rem}
button{margin-top:1.2rem;padding:.6rem 1.4rem;border:0;border-radius:4px;background:#0178d4;color:#fff;
font-size:1rem;cursor:pointer}
.error{background:#5a1d1d;padding:.6rem;border-radius:4px}
.note{background:#1d3a2a;padding:.6rem;border-radius:4px}
.langs{margin-top:1.5rem;font-size:.9rem}
a{color:#79c0ff}
ul{padding-left:1.2rem}
"""

SIGN_IN_TITLE = N_("Sign in to the CRM")
LOGIN = N_("Login")
PASSWORD = N_("Password")
SIGN_IN = N_("Sign in")
WRONG = N_("Wrong login or password.")
LOCKED = N_("Too many wrong passwords: this login is locked until {time} (UTC).")
INACTIVE = N_("This login is switched off. Ask an admin.")
NO_APP = N_("This is an ops account: it runs the commands, not the app.")
SIGNED_OUT = N_("You have signed out.")
EXPIRED = N_("The session has ended. Sign in again.")
UPLOAD_TITLE = N_("Send a spreadsheet to the import")
UPLOAD_HINT = N_(
    "The file goes to your own upload folder on the server; the import wizard (Ctrl+P, Import clients) "
    "offers it. .xlsx, .xls, .ods or .csv, up to {megabytes} MB."
)
UPLOAD = N_("Upload")
UPLOADED = N_("Uploaded: {name}")
YOUR_FILES = N_("Your files")
NO_FILES = N_("No files yet.")
BACK_TO_APP = N_("Back to the app")
SIGN_OUT = N_("Sign out")
UPLOAD_LINK = N_("Upload a file")
REFUSED_REQUEST = N_("This request was refused: it did not come from this site's own page.")
NO_FILE = N_("Choose a file first.")
PASSWORD_TITLE = N_("Change your password")
CURRENT_PASSWORD = N_("Current password")
NEW_PASSWORD = N_("New password (at least 8 characters)")
NEW_AGAIN = N_("The new password again")
CHANGE = N_("Change")
WRONG_CURRENT = N_("The current password is wrong.")
LOCKED_NOW = N_("Too many wrong passwords: this login is locked for a while.")
DIFFER = N_("The two new passwords differ.")
CHANGED = N_("Your password is changed. Sign in with the new one.")
PASSWORD_LINK = N_("Password")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def worded(lang: str, msgid: str, params: Mapping[str, object]) -> str:
    """A domain refusal (its msgid and values) in ``lang``."""
    return in_language(lang, msgid).format_map(dict(params))


def _page(lang: str, title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def sign_in_page(lang: str, *, login: str = "", error: str = "", note: str = "") -> str:
    """The sign-in form; ``error``/``note`` already in ``lang``."""

    def t(msgid: str) -> str:
        return escape(in_language(lang, msgid))

    switch = " · ".join(
        f'<a href="/login?lang={code}">{LANGUAGE_NAMES[code]}</a>' for code in LANGUAGES if code != lang
    )
    body = (
        (f'<p class="error" role="alert">{escape(error)}</p>' if error else "")
        + (f'<p class="note">{escape(note)}</p>' if note else "")
        + '<form method="post" action="/login">'
        + f'<input type="hidden" name="lang" value="{lang}">'
        + f'<label for="login">{t(LOGIN)}</label>'
        + f'<input type="text" id="login" name="login" value="{escape(login)}" autocomplete="username" '
        + "autocapitalize=none autofocus required>"
        + f'<label for="password">{t(PASSWORD)}</label>'
        + '<input type="password" id="password" name="password" autocomplete="current-password" required>'
        + f'<button type="submit" id="sign-in">{t(SIGN_IN)}</button></form>'
        + f'<p class="langs">{switch}</p>'
    )
    return _page(lang, in_language(lang, SIGN_IN_TITLE), body)


def upload_page(lang: str, files: Iterable[Upload], tz: ZoneInfo, *, error: str = "", done: str = "") -> str:
    def t(msgid: str) -> str:
        return escape(in_language(lang, msgid))

    listed = "".join(
        f"<li>{escape(u.name)} <small>{datetime.fromtimestamp(u.modified, tz):%d.%m.%Y %H:%M}, "
        f"{max(u.size // 1024, 1)} KB</small></li>"
        for u in files
    )
    body = (
        (f'<p class="error" role="alert">{escape(error)}</p>' if error else "")
        + (f'<p class="note">{escape(in_language(lang, UPLOADED).format(name=done))}</p>' if done else "")
        + f"<p>{escape(in_language(lang, UPLOAD_HINT).format(megabytes=MAX_BYTES // (1024 * 1024)))}</p>"
        + '<form method="post" action="/upload" enctype="multipart/form-data">'
        + '<input type="file" id="file" name="file" accept=".xlsx,.xlsm,.xls,.ods,.csv" required>'
        + f'<button type="submit" id="upload">{t(UPLOAD)}</button></form>'
        + f"<h2>{t(YOUR_FILES)}</h2>"
        + (f"<ul>{listed}</ul>" if listed else f"<p>{t(NO_FILES)}</p>")
        + f'<p><a href="/" id="back">{t(BACK_TO_APP)}</a></p>'
    )
    return _page(lang, in_language(lang, UPLOAD_TITLE), body)


def password_page(lang: str, *, error: str = "") -> str:
    """The signed-in person's own password: the current one, the new one twice."""

    def t(msgid: str) -> str:
        return escape(in_language(lang, msgid))

    body = (
        (f'<p class="error" role="alert">{escape(error)}</p>' if error else "")
        + '<form method="post" action="/password">'
        + f'<label for="current">{t(CURRENT_PASSWORD)}</label>'
        + '<input type="password" id="current" name="current" autocomplete="current-password" required>'
        + f'<label for="new">{t(NEW_PASSWORD)}</label>'
        + '<input type="password" id="new" name="new" autocomplete="new-password" required>'
        + f'<label for="again">{t(NEW_AGAIN)}</label>'
        + '<input type="password" id="again" name="again" autocomplete="new-password" required>'
        + f'<button type="submit" id="change">{t(CHANGE)}</button></form>'
        + f'<p><a href="/" id="back">{t(BACK_TO_APP)}</a></p>'
    )
    return _page(lang, in_language(lang, PASSWORD_TITLE), body)


def refused_page(lang: str) -> str:
    return _page(lang, in_language(lang, REFUSED_REQUEST), "")


APP_STYLE = """
@font-face{font-family:'Roboto Mono';src:url('{static}fonts/RobotoMono-VariableFont_wght.ttf')}
html,body{margin:0;height:100%;background:#0c181f;overflow:hidden}
#bar{height:28px;display:flex;gap:1rem;align-items:center;justify-content:flex-end;padding:0 .8rem;
font:14px system-ui,sans-serif;color:#9fb3c0;background:#0c181f}
#bar a,#bar button{color:#79c0ff;background:none;border:0;font:inherit;cursor:pointer;padding:0}
#bar form{margin:0}
#terminal{width:100vw;height:calc(100vh - 28px)}
.closed{display:none;position:absolute;inset:28px 0 0 0;align-items:center;justify-content:center;
flex-direction:column;color:#e6edf3;font:16px system-ui,sans-serif;background:#0c181f;z-index:10}
body.-closed .closed{display:flex}
.closed button{margin-top:1rem;padding:.6rem 1.4rem;border:0;border-radius:4px;background:#0178d4;color:#fff;
font-size:1rem;cursor:pointer}
"""
SESSION_ENDED = N_("The app has closed.")
RESTART = N_("Open it again")


def app_page(lang: str, *, static: str, websocket: str, who: str, font_size: int = 16) -> str:
    """The page that holds the app: textual-serve's terminal (its script, its websocket) under a
    line with the person's name, the upload page and sign-out."""

    def t(msgid: str) -> str:
        return escape(in_language(lang, msgid))

    style = APP_STYLE.replace("{static}", escape(static))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>CRM · {escape(who)}</title>"
        f'<link rel="stylesheet" href="{escape(static)}css/xterm.css">'
        f'<script src="{escape(static)}js/textual.js"></script><style>{style}</style></head><body>'
        f'<div id="bar"><span id="who">{escape(who)}</span>'
        f'<a href="/upload" target="_blank" id="upload-link">{t(UPLOAD_LINK)}</a>'
        f'<a href="/password" target="_blank" id="password-link">{t(PASSWORD_LINK)}</a>'
        '<form method="post" action="/logout">'
        f'<button type="submit" id="sign-out">{t(SIGN_OUT)}</button></form>'
        "</div>"
        f'<div class="closed"><div>{t(SESSION_ENDED)}</div>'
        f'<button type="button" onclick="location.reload()">{t(RESTART)}</button></div>'
        f'<div id="terminal" class="textual-terminal" data-session-websocket-url="{escape(websocket)}" '
        f'data-font-size="{font_size}"></div></body></html>'
    )
