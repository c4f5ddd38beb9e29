"""Why a server could not be reached, in the interface's language: the mailboxes' IMAP and the
senders' SMTP fail the same few ways (refused, no answer, no such name, TLS), and the system's
own words for them ("[Errno 111] Connection refused") are English and say nothing of what to do.
What a server answered itself (an IMAP NO, an SMTP 535) is its own text and kept as it is.
"""

from __future__ import annotations

import socket
import ssl

from crm_tui.i18n import _


def network_reason(exc: BaseException) -> str:
    """One line on what went wrong with a connection."""
    if isinstance(exc, ConnectionRefusedError):
        return _("the server refuses the connection (is it running, is the port right?)")
    if isinstance(exc, TimeoutError | socket.timeout):
        return _("the server did not answer in time")
    if isinstance(exc, socket.gaierror):
        return _("no server by that name")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _("the server's TLS certificate is not trusted: {detail}").format(
            detail=exc.verify_message or exc.reason
        )
    if isinstance(exc, ssl.SSLError):
        return _("TLS failed: {detail}").format(detail=exc.reason or exc)
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return _("the server closed the connection")
    if isinstance(exc, OSError):
        return _("the network failed: {detail}").format(detail=exc.strerror or exc)
    return str(exc)
