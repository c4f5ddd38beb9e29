"""An admin's own template: names we do not provide refused with the list, a malformed one with
the paragraph where it breaks; a good one used for a contract."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import insert, select

from crm_tui.domain.documents.making import make_document
from crm_tui.domain.documents.templates import add_template, check_template
from crm_tui.domain.errors import AccessDenied, InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import deals, document_templates
from tests.documents.support import fill_requisites
from tests.seed import Seeded


def _docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_unknown_names_are_refused_with_the_list() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_template(_docx("Договор с {{ client.name }}, ИНН {{ client.innn }}", "{{ discount }}"))
    line = str(refused.value)
    assert "client.innn, discount" in line and "client.inn" in line.split("known:")[1]


def test_loops_over_lines_and_filters_are_known() -> None:
    check_template(_docx("{% for line in lines %}{{ line.product }} {{ line.total }}{% endfor %}",
                         "{{ lines|length }} {{ total_words }} {{ company.vat }}"))  # fmt: skip


@pytest.mark.parametrize(
    ("paragraphs", "where"),
    [
        (("Вступление", "ИНН {{ client.inn ", "конец"), "paragraph 2 «ИНН {{ client.inn»"),
        (("Сумма {{ total | }}",), "paragraph 1"),
        (("{% for line in lines %}{{ line.product }}",), "the end of the document"),
    ],
)
def test_a_malformed_template_says_where_it_breaks(paragraphs: tuple[str, ...], where: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_template(_docx(*paragraphs))
    assert refused.value.code == "template.malformed"
    assert where in str(refused.value)


def test_a_file_that_is_no_docx_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a DOCX"):
        check_template(b"{{ client.inn }}")


def test_only_an_admin_adds_templates(workspace_for: Callable[[str], Workspace]) -> None:
    good = _docx("Договор № {{ doc.number }} с {{ client.full_name }}")
    with pytest.raises(AccessDenied):
        add_template(workspace_for("ivanova"), "my", "contract", good)
    added = add_template(workspace_for("admin"), "my", "contract", good)
    assert (added.name, added.kind, added.shipped) == ("my", "contract", False)
    with pytest.raises(InvalidInput, match="exists already"):
        add_template(workspace_for("admin"), "my", "contract", good)


PAYLOAD = (
    "{{ (doc.number.__class__.__mro__[1].__subclasses__()|selectattr('__name__','equalto',"
    "'_wrap_close')|first).__init__.__globals__['popen']('id > %s').read() }}"
)


def test_a_template_that_runs_commands_is_refused_and_never_runs(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    """The reviewer's payload: refused at ``template add`` naming the tag; one stored before the
    check (written straight into the base) is rendered in a sandbox and refused, nothing run."""
    admin = workspace_for("admin")
    witness = tmp_path / "ran"
    evil = _docx("Договор № {{ doc.number }}", PAYLOAD % witness)
    with pytest.raises(InvalidInput) as refused:
        add_template(admin, "evil", "contract", evil)
    assert refused.value.code == "template.unsafe"
    assert "__subclasses__" in str(refused.value) and "\n" not in str(refused.value)
    assert not witness.exists()
    with admin.write() as session:
        session.execute(
            insert(document_templates).values(
                kind="contract", name="evil", content=evil, created_at=admin.now(), created_by_id=None
            )
        )
    deal_id = seeded.deals["d_inv_vektor"]
    with admin.read() as session:
        client_id = session.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0
    fill_requisites(admin, client_id)
    with pytest.raises(InvalidInput) as at_render:
        make_document(admin, deal_id, "contract", template="evil")
    assert at_render.value.code == "template.unsafe"
    assert not witness.exists()
