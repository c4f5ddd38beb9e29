from collections.abc import Callable

from crm_tui.domain.desk import load_desk
from crm_tui.domain.workspace import Workspace


def test_seeded_manager_sees_her_desk(workspace_for: Callable[[str], Workspace]) -> None:
    desk = load_desk(workspace_for("ivanova"))
    assert [t.title for t in desk.tasks if t.overdue] == ["Позвонить по КП", "Напомнить об оплате счёта"]
