"""`crm dedup`: find duplicate clients, merge them, undo a merge, mark pairs as two companies."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json, say
from crm_tui.i18n import _, ngettext

if TYPE_CHECKING:
    from crm_tui.domain.clients.merges import MergeResult

app = typer.Typer(help="Find, merge and unmerge duplicate clients.", no_args_is_help=True)


def _on_terminal(as_json: bool) -> bool:
    return not as_json and sys.stderr.isatty()


@app.command("scan")
def scan(
    ctx: typer.Context,
    min_score: Annotated[
        int | None,
        typer.Option(
            "--min-score",
            min=0,
            max=100,
            help="Only pairs scoring this or more (default: the team's threshold; 0 shows every pair).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of pairs.")] = False,
) -> None:
    """Pairs of clients that look like one company, best first, with the reasons."""
    from crm_tui.cli.collector import collector_paused
    from crm_tui.domain.duplicates.reasons import reasons_text
    from crm_tui.importers.dedup.service import scan as run_scan

    ws = open_ws(ctx)
    with collector_paused():
        if _on_terminal(as_json):
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task(_("scanning"), total=None)
                pairs = run_scan(
                    ws, min_score=min_score, progress=lambda stage, done, total: bar.update(
                        task, description=stage, completed=done, total=total
                    )
                )  # fmt: skip
        else:
            pairs = run_scan(ws, min_score=min_score)
    if as_json:
        print_json([p.as_json() for p in pairs])
        return
    for p in pairs:
        verdict = _("sure") if p.sure else _("review")
        say(f"{p.left:>8} {p.right:>8}  {p.score:>3}  {verdict}  {reasons_text(p.reasons)}")
    sure = sum(1 for p in pairs if p.sure)
    say(
        _("{pairs} pairs: {sure} sure, {review} to review").format(
            pairs=len(pairs), sure=sure, review=len(pairs) - sure
        )
    )


def _result_json(result: MergeResult) -> dict[str, object]:
    return {
        "merge": result.merge_id,
        "survivor": result.survivor_id,
        "merged": list(result.merged_ids),
        "moved": result.moved,
        "kept_values": result.kept_values,
    }


def _parse_take(values: list[str]) -> dict[str, int]:
    take: dict[str, int] = {}
    for value in values:
        name, sep, client = value.partition("=")
        if not sep or not client.strip().isdigit():
            fail(_("--take {value!r}: write FIELD=CLIENT_ID, e.g. --take city=123").format(value=value))
        take[name.strip()] = int(client)
    return take


@app.command("merge")
def merge(
    ctx: typer.Context,
    ids: Annotated[
        list[int] | None, typer.Argument(help="SURVIVOR OTHER...: merge the others into the first.")
    ] = None,
    auto: Annotated[bool, typer.Option("--auto", help="Merge every group of sure duplicates.")] = False,
    take: Annotated[
        list[str] | None,
        typer.Option("--take", help="Keep a field from another record: --take city=123 (repeat)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was merged as JSON.")] = False,
) -> None:
    """Merge duplicates: `--auto` for the sure ones, or SURVIVOR OTHER... chosen by a person."""
    from crm_tui.cli.collector import collector_paused
    from crm_tui.importers.dedup.service import find_sure, merge_sure
    from crm_tui.importers.dedup.service import merge as merge_one

    ws = open_ws(ctx)
    if auto:
        if ids:
            fail(_("give either --auto or client ids, not both"))
        with collector_paused():  # the scan; not the merges, each its own transaction
            found = find_sure(ws)
        outcome = merge_sure(ws, found=found)
        if as_json:
            print_json(
                {
                    "merges": [_result_json(m) for m in outcome.merges],
                    "left_for_review": outcome.left_for_review,
                }
            )
            return
        for m in outcome.merges:
            say(_merged(m))
        say(
            _("{merges} merges; {review} pairs left for review").format(
                merges=len(outcome.merges), review=outcome.left_for_review
            )
        )
        return
    if not ids or len(ids) < 2:
        fail(_("name the survivor and at least one other client (or use --auto)"))
    result = merge_one(ws, ids[0], ids[1:], _parse_take(take or []))
    if as_json:
        print_json(_result_json(result))
        return
    say(_merged(result) + " " + _("(undo: {command})").format(command=f"crm dedup undo {result.merge_id}"))


def _merged(result: MergeResult) -> str:
    return _("merge {merge}: {merged} -> {survivor}").format(
        merge=result.merge_id, merged=", ".join(map(str, result.merged_ids)), survivor=result.survivor_id
    )


@app.command("undo")
def undo(
    ctx: typer.Context,
    merge_id: Annotated[int, typer.Argument(metavar="MERGE", help="The merge number.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Restore the merged clients exactly as they were, with everything that was theirs."""
    from crm_tui.domain.clients.merges import undo_merge

    ws = open_ws(ctx)
    with ws.write() as session:
        result = undo_merge(session, ws.viewer, ws.now(), merge_id)
    if as_json:
        print_json({"merge": merge_id, "survivor": result.survivor_id, "restored": list(result.restored_ids)})
        return
    say(
        ngettext(
            "merge {merge} undone: {count} client restored: {clients}",
            "merge {merge} undone: {count} clients restored: {clients}",
            len(result.restored_ids),
        ).format(
            merge=merge_id, count=len(result.restored_ids), clients=", ".join(map(str, result.restored_ids))
        )
    )


@app.command("not-duplicate")
def not_duplicate(
    ctx: typer.Context,
    a: Annotated[int, typer.Argument(help="A client id.")],
    b: Annotated[int, typer.Argument(help="Another client id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Remember that two clients are two companies; the pair is never proposed again."""
    from crm_tui.domain.clients.merges import mark_not_duplicate

    ws = open_ws(ctx)
    with ws.write() as session:
        added = mark_not_duplicate(session, ws.viewer, ws.now(), a, b)
    if as_json:
        print_json({"left": min(a, b), "right": max(a, b), "new": added})
        return
    said = (
        _("clients {a} and {b}: remembered as two companies")
        if added
        else _("clients {a} and {b}: already marked two companies")
    )
    say(said.format(a=a, b=b))


@app.command("threshold")
def threshold(
    ctx: typer.Context,
    score: Annotated[
        str | None, typer.Argument(help="The lowest score the review shows (0-100), or 'default'.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the threshold as JSON.")] = False,
) -> None:
    """Show or set the score below which the duplicate review stays quiet (heads and admins)."""
    from crm_tui.domain.duplicates.threshold import DEFAULT_THRESHOLD, proposal_threshold, set_threshold

    ws = open_ws(ctx)
    if score is None:
        value = proposal_threshold(ws)
    elif score.strip().lower() == "default":
        value = set_threshold(ws, None)
    elif score.strip().isdigit():
        value = set_threshold(ws, int(score))
    else:
        fail(_("threshold: {score!r} is not a score from 0 to 100 or 'default'").format(score=score))
    if as_json:
        print_json({"threshold": value, "default": DEFAULT_THRESHOLD})
        return
    say(
        _("duplicate review threshold: {score} (default {default})").format(
            score=value, default=DEFAULT_THRESHOLD
        )
    )
