"""The whole capability table, role by role, through the domain and through `crm`.

For every capability, every role (manager, head, admin, ops) and every kind of target (own, the
viewer's region, another region, an unowned lead of the region), the expected answer is read
from ``capabilities.TABLE`` and the action is really tried: a permission must go through, a
refusal must be refused with the table's one line (or "not found" for what the viewer may not
see). The cells come from the table itself, so a capability added without a probe here, or a
rule changed in one place only, fails. One seeded database per leg; each cell makes its own
fresh target, so no cell depends on another.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from crm_tui.domain.access.capabilities import TABLE, Capability, Rule, can, table_markdown
from crm_tui.domain.errors import DomainError
from crm_tui.storage.database import dispose_engines
from crm_tui.storage.models import Role
from tests.cli_support import crm
from tests.conftest import drop_schema, new_schema, schema_url
from tests.unit.access_base import VIEWERS, Base, Cell, seeded_base
from tests.unit.access_probes import PROBES, CliCall

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def domain_base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    tmp = tmp_path_factory.mktemp("matrix")
    if request.param == "sqlite":
        yield seeded_base(f"sqlite:///{tmp}/crm.db", tmp)
        dispose_engines()
        return
    server: Engine = request.getfixturevalue("postgres_server")
    schema = new_schema(server)
    yield seeded_base(schema_url(server, schema), tmp)
    dispose_engines()
    drop_schema(server, schema)


@pytest.fixture(scope="module")
def cli_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    """`crm` runs on a SQLite file, as the CLI tests do; the domain half covers PostgreSQL."""
    tmp = tmp_path_factory.mktemp("matrix-cli")
    yield seeded_base(str(tmp / "crm.db"), tmp)
    dispose_engines()


def cells(base: Base, login: str, *, through_cli: bool) -> Iterator[tuple[Capability, Cell]]:
    for capability, probe in PROBES.items():
        if through_cli and isinstance(probe.cli, str):
            continue
        for kind in probe.kinds or (None,):
            yield capability, Cell(base, login, kind)


def expected(capability: Capability, cell: Cell) -> bool:
    return can(cell.base.viewer(cell.login), capability, cell.target())


def _pattern(template: str) -> str:
    return ".+".join(re.escape(part) for part in re.split(r"\{[^}]*\}", template))


def is_refusal(rule: Rule, message: str) -> bool:
    """The table's own line for this capability, or "... not found" (what one may not see is
    not named)."""
    if message.endswith(" not found"):
        return True
    return any(re.fullmatch(_pattern(template), message) for template in (rule.refused, rule.outside))


def test_every_capability_has_a_probe_through_the_domain_and_the_cli() -> None:
    assert list(PROBES) == list(Capability), "a capability without probes, or probes in another order"
    for capability, probe in PROBES.items():
        rule = TABLE[capability]
        assert (probe.kinds is not None) == rule.targeted, capability
        assert rule.targeted or set(rule.grants.values()) <= {"all"}, capability
        if isinstance(probe.cli, str):
            assert probe.cli.strip(), f"{capability}: say why no command is tried"


@pytest.mark.parametrize("role", list(Role))
def test_the_domain_grants_exactly_what_the_table_says(domain_base: Base, role: Role) -> None:
    wrong = []
    for capability, cell in cells(domain_base, VIEWERS[role], through_cli=False):
        try:
            got = PROBES[capability].domain(cell)
        except DomainError as exc:
            assert is_refusal(TABLE[capability], str(exc)), (capability, cell.kind, str(exc))
            got = False
        if got != expected(capability, cell):
            wrong.append(f"{capability} on {cell.kind}: the table says {not got}, the domain {got}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", list(Role))
def test_the_cli_grants_exactly_what_the_table_says(cli_base: Base, role: Role) -> None:
    wrong = []
    for capability, cell in cells(cli_base, VIEWERS[role], through_cli=True):
        call = PROBES[capability].cli
        assert not isinstance(call, str)
        made: CliCall = call(cell)
        result = crm("--db", cli_base.url, *made.args, user=made.user or cell.login)
        if result.returncode == 0:
            got = made.seen(result.stdout) if made.seen else True
        else:
            lines = [ln for ln in result.stderr.splitlines() if ln and not ln.startswith("TEXTUAL_LOADED")]
            assert result.returncode == 2 and len(lines) == 1, (capability, cell.kind, result.stderr)
            message = lines[0].removeprefix("crm: error: ")
            assert is_refusal(TABLE[capability], message), (capability, cell.kind, message)
            got = False
        if got != expected(capability, cell):
            wrong.append(f"{capability} on {cell.kind}: the table says {not got}, `crm` {got}")
    assert not wrong, "\n".join(wrong)


def test_the_readme_shows_the_table() -> None:
    assert table_markdown() in (REPOSITORY / "README.md").read_text(encoding="utf-8")


ROLE_DECISION = re.compile(r"\bRole\.(MANAGER|HEAD|ADMIN|OPS)\b|\bviewer\.role\b")


def test_no_role_is_decided_outside_the_table() -> None:
    """Only ``crm_tui/domain/access`` names a role to decide something; screens, widgets and the
    app do not name roles at all (they ask ``can``)."""
    found = []
    for folder in ("crm_tui/cli", "crm_tui/domain", "importers", "scheduling", "screens", "widgets"):
        for path in sorted((REPOSITORY / folder).rglob("*.py")):
            relative = path.relative_to(REPOSITORY).as_posix()
            if relative.startswith("crm_tui/domain/access/"):
                continue
            source = path.read_text(encoding="utf-8")
            if ROLE_DECISION.search(source) or (
                folder in ("screens", "widgets") and re.search(r"\bRole\b", source)
            ):
                found.append(relative)
    for path in sorted((REPOSITORY / "crm_tui/app").glob("*.py")):  # the app: its modes and its keys
        if re.search(r"\bRole\b|\.role\b", path.read_text(encoding="utf-8")):
            found.append(str(path.relative_to(REPOSITORY)))
    assert not found, found
