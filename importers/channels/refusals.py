"""Why an inbound payload is refused, as the receiver answers it: nothing is written for any.

``Unsigned`` is a payload whose signature or token does not check (HTTP 401); ``Malformed`` one
that cannot be read as its sender documents it (HTTP 400, with the one line that says where).
Raised as every domain error is, with a code and a msgid, worded when shown.
"""

from __future__ import annotations

from crm_tui.domain.errors import DomainError


class Refused(DomainError):
    default_code = "inbound.refused"
    status = 400


class Unsigned(Refused):
    default_code = "inbound.unsigned"
    status = 401


class Malformed(Refused):
    default_code = "inbound.malformed"
    status = 400
