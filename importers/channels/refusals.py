"""Why an inbound payload is refused, as the receiver answers it: nothing is written for any.

``Unsigned`` is a payload whose signature or token does not check (HTTP 401); ``Malformed`` one
that cannot be read as its sender documents it (HTTP 400, with the one line that says where).
"""

from __future__ import annotations


class Refused(Exception):
    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unsigned(Refused):
    status = 401


class Malformed(Refused):
    status = 400
