"""`crm import clients`: files in, one client base out, every run a batch that can be undone.

Rows go to the database in chunks, one short transaction each. Provenance is unique per file
content hash, sheet and row, so a second run of the same file skips every row it already
loaded: re-importing changes nothing, and a run killed midway is finished by running it again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from crm_tui.domain.access.capabilities import Capability, can, person, require
from crm_tui.domain.deals.pipelines import ensure_default_pipeline, stages_of
from crm_tui.domain.imports.batches import ImportOptions, ImportSummary
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.imports.mapping import ColumnMap, portrait_key, unusable_mapping
from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.portrait.fields import portrait_fields, portrait_targets
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message
from crm_tui.importers.batch_run import BatchRun, Progress, check_files, stored_path
from crm_tui.importers.clients.chunk_result import ChunkResult
from crm_tui.importers.clients.chunk_writes import LoadContext
from crm_tui.importers.clients.file_memory import (
    already_loaded,
    file_sha256,
    imported_before,
    remember_mapping,
    remembered_mapping,
)
from crm_tui.importers.clients.loader import HELD, write_chunk
from crm_tui.importers.clients.owners import OwnerResolver
from crm_tui.importers.clients.parse_process import ParsingProcess, parsed_chunks
from crm_tui.importers.clients.rows import Table, open_table
from crm_tui.importers.files.error_file import RejectedRow
from crm_tui.importers.files.mapping import suggest_mapping
from crm_tui.storage.checkpoints import background_checkpoints
from crm_tui.storage.search_index import background_search_merges, merge_step

IMPORTED_TO_LOOK_AT = Message("row.imported_to_look_at", N_("imported, to look at"))
"""The reason the error file gives for a row that was imported but has warnings or conflicts."""


def _add(summary: ImportSummary, result: ChunkResult) -> None:
    summary.created += result.created
    summary.enriched += result.enriched
    summary.unchanged += result.unchanged
    summary.merged += result.merged
    summary.conflicts += len(result.conflicts)
    for conflict in result.conflicts:
        summary.note(conflict)


OWNER_OUTSIDE = N_("owner {owner}: clients may not be given to them by you; the client is yours")


def _refuse_owner(row: ParsedRow, owners: OwnerResolver) -> None:
    """A row naming an owner the importer may not give clients to is the importer's, with a
    warning naming the owner (counted, listed and kept in the error file as the others)."""
    refused = owners.refused(row.owner) if row.rejection is None else None
    if refused is not None:
        row.warnings = (*row.warnings, Message("row.owner_outside", OWNER_OUTSIDE, owner=refused))


def _keep_flagged(
    run: BatchRun[ImportSummary], file: str, rows: list[ParsedRow], result: ChunkResult
) -> None:
    """Rows with warnings or conflicts go to the error file too, each once with all of them; a
    row held back (its INN is another company's) has that conflict for its reason."""
    conflicts: dict[int, list[Message]] = {}
    for row, problem in result.flagged:
        conflicts.setdefault(id(row), []).append(problem)
    for row in rows:
        found = conflicts.get(id(row), [])
        if not (row.warnings or found):
            continue
        held = [m for m in found if m.code == HELD]
        reason = held[0] if held else IMPORTED_TO_LOOK_AT
        notes = (*row.warnings, *(m for m in found if m.code != HELD))
        run.keep(RejectedRow(file, row.source.sheet, row.source.row, reason, dict(row.cells), notes))


def import_clients(
    ws: Workspace, files: Sequence[Path], options: ImportOptions, progress: Progress | None = None
) -> ImportSummary:
    """Import ``files``; raises ``ImportFileError`` before writing anything for a bad file.

    A batch that stops on any error after it was opened ends "failed" with the reason; one whose
    process is killed is continued by the next import of the same files (``BatchRun.resume``).
    """
    require(ws.viewer, Capability.IMPORT_CLIENTS)
    check_files(files)
    with ws.read() as session:
        default_owner = ws.viewer.user_id
        owners = OwnerResolver.load(session, default_owner)
        owners.outside = {
            user_id
            for user_id, region in owners.regions.items()
            if not can(ws.viewer, Capability.GIVE_CLIENTS, person(user_id, region, owners.names[user_id]))
        }
        if options.owner_login is not None:
            found = owners.exact.get(options.owner_login.casefold())
            if found is None:
                raise ImportFileError(
                    options.owner_login, "unknown_owner", N_("{file}: no such user for --owner")
                )
            require(
                ws.viewer, Capability.GIVE_CLIENTS, person(found, owners.regions[found], options.owner_login)
            )
            owners.default_id = found
    with ExitStack() as children:
        run = BatchRun(ws, "clients", options, ImportSummary(batch=None), progress)
        try:
            return _import_tables(run, files, options, owners, children)
        except BaseException as exc:
            run.fail(exc)
            raise


def _import_tables(
    run: BatchRun[ImportSummary],
    files: Sequence[Path],
    options: ImportOptions,
    owners: OwnerResolver,
    children: ExitStack,
) -> ImportSummary:
    ws, now, summary = run.ws, run.now, run.summary
    tables = []
    portrait_ids: dict[str, int] = {}
    for number, path in enumerate(files):
        # A big file is read by its parsing process alone, which sends the header here. Only
        # the first file's: a child holds its whole sheet in memory until its turn comes.
        child = ParsingProcess.start(path, options.sheet) if number == 0 else None
        if child is not None:
            children.enter_context(child)
        table = child.table() if child is not None else open_table(path, options.sheet)
        with ws.read() as session:
            remembered = remembered_mapping(session, table.header.labels)
            portrait = portrait_targets(session)
            portrait_ids = {f.key: f.id for f in portrait_fields(session)}
        # A remembered mapping may name a portrait field removed since: that entry is dropped;
        # what the person asks for now (--map) is checked.
        keys = {t.key for t in portrait}
        kept = {h: f for h, f in remembered.items() if portrait_key(f) in (None, *keys)}
        columns = suggest_mapping(table.header.labels, {**kept, **options.explicit}, portrait=portrait)
        refused = unusable_mapping(table.file, table.sheet, columns)
        if refused is not None:
            raise refused
        tables.append((path, table, columns, child))
    # Every file's content hash and sheet are on the batch from the start: they are what an
    # import of the same files after a kill recognises the batch by.
    progress: list[dict[str, object]] = [
        {"file": stored_path(path), "sha256": file_sha256(path), "sheet": table.sheet}
        for path, table, _, _ in tables
    ]
    with ws.write() as session:
        pipeline_id = ensure_default_pipeline(session)
        first_stage = stages_of(session, pipeline_id)[0].id
        batch_id = run.resume(progress, session) or run.open(progress, session)
    if run.resumed is not None:
        progress = run.resumed
        summary.note(
            Message(
                "batch.continued",
                N_("continues batch {batch}, which was interrupted; rows it loaded are not loaded again"),
                batch=batch_id,
            )
        )
    if not options.dry_run:
        children.enter_context(background_checkpoints(ws.engine))
        children.enter_context(background_search_merges(ws.engine))
    for index, (path, table, columns, child) in enumerate(tables):
        summary.mappings[table.file] = columns.as_dict()
        stats = progress[index]
        sha = str(stats["sha256"])
        earlier = imported_before(ws, sha, table.sheet)
        if earlier is not None:
            # Every row of this very file is in the base already: nothing to parse or check.
            stats.update(
                rows=earlier.get("rows", 0), loaded=earlier.get("loaded", 0), same_as_batch=earlier["batch"]
            )
            summary.rows += int(earlier.get("rows", 0))
            summary.already_imported += int(earlier.get("loaded", 0))
            summary.note(
                Message(
                    "file.imported_before",
                    N_("{file}: imported before by batch {batch}; nothing to do"),
                    file=table.file,
                    batch=earlier["batch"],
                )
            )
            with run.chunk() as (session, _):
                run.count(
                    session,
                    {"rows": int(earlier.get("rows", 0)), "unchanged": int(earlier.get("loaded", 0))},
                    progress,
                )
            continue
        _import_table(
            run,
            path,
            table,
            columns,
            child,
            stats,
            progress,
            owners,
            pipeline_id,
            first_stage,
            options.chunk_rows,
            portrait_ids,
        )
        if not options.dry_run:
            with ws.write() as session:
                remember_mapping(session, table.header.labels, columns, ws.viewer.user_id, now)
    if not options.dry_run:
        _merge_search_segments(ws)
    summary.unmatched_owners = sorted(owners.unmatched)
    run.write_errors(files[0])
    run.close(
        progress,
        None,
        {
            "files": [stored_path(f.name) for f in files],
            "rows": summary.rows,
            "created": summary.created,
            "enriched": summary.enriched,
            "rejected": summary.rejected,
        },
    )
    return summary


def _merge_search_segments(ws: Workspace) -> None:
    """The search index's segments the chunks wrote, merged once, a short write at a time
    (``search_index.merge_step``): searches read as few segments after the import as before."""
    while True:
        with ws.write() as session:
            if not merge_step(session.connection()):
                return


def _import_table(
    run: BatchRun[ImportSummary],
    path: Path,
    table: Table,
    columns: ColumnMap,
    child: ParsingProcess | None,
    stats: dict[str, object],
    progress: list[dict[str, object]],
    owners: OwnerResolver,
    pipeline_id: int,
    first_stage: int,
    chunk_rows: int,
    portrait_ids: dict[str, int],
) -> None:
    """One file's rows, chunk by chunk. Each chunk's write transaction also adds its counts to
    the batch and notes the last row it did (``done_row``): a run that continues the batch
    after a kill leaves the rows up to there alone (they are counted and loaded already) and
    only reads them again for the errors file."""
    ws, summary = run.ws, run.summary
    file_name = stored_path(path.name)
    done_before = int(str(stats.get("done_row", 0)))
    rows_before, rejected_before = summary.rows, summary.rejected
    ctx = LoadContext(
        batch_id=summary.batch or 0,
        user_id=ws.viewer.user_id,
        now=run.now,
        tz=ws.tz,
        file_name=file_name,
        file_sha256=str(stats["sha256"]),
        pipeline_id=pipeline_id,
        first_stage_id=first_stage,
        owners=owners,
        portrait_ids=portrait_ids,
    )
    for chunk in parsed_chunks(path, table, columns, chunk_rows, child):
        summary.rows += len(chunk)
        counts: Counter[str] = Counter()
        good = []
        for row in chunk:
            fresh = row.source.row > done_before
            counts["rows"] += fresh
            _refuse_owner(row, owners)
            summary.warnings += len(row.warnings)
            for warning in row.warnings:
                summary.note(
                    Message(warning.code, N_("{where}: {warning}"), where=row.source.where(), warning=warning)
                )
            if row.rejection:
                counts["rejected"] += fresh
                run.reject(
                    RejectedRow(
                        file_name,
                        row.source.sheet,
                        row.source.row,
                        row.rejection,
                        dict(row.cells),
                        row.warnings,
                    ),
                    Message(
                        row.rejection.code,
                        N_("{where}: rejected: {reason}"),
                        where=row.source.where(),
                        reason=row.rejection,
                    ),
                )
            elif fresh:
                good.append(row)
            else:  # loaded by this batch before it was interrupted
                summary.already_imported += 1
                if row.warnings:
                    run.keep(
                        RejectedRow(
                            file_name,
                            row.source.sheet,
                            row.source.row,
                            IMPORTED_TO_LOOK_AT,
                            dict(row.cells),
                            row.warnings,
                        )
                    )
        result = _load(run, ctx, good, summary, counts, stats, progress, chunk[-1].source.row)
        if good:
            _keep_flagged(run, file_name, good, result)
        run.advance(len(chunk))
    stats.update(
        rows=summary.rows - rows_before,
        loaded=summary.rows - rows_before - (summary.rejected - rejected_before),
    )


def _load(
    run: BatchRun[ImportSummary],
    ctx: LoadContext,
    rows: list[ParsedRow],
    summary: ImportSummary,
    counts: Counter[str],
    stats: dict[str, object],
    progress: list[dict[str, object]],
    last_row: int,
) -> ChunkResult:
    """One chunk in one transaction: its new rows loaded (the loader checks the few rows it
    points to but did not create, ``chunk_references``), its counts and progress on the batch."""
    result = ChunkResult()
    with run.chunk(bulk=True) as (session, batch_id):
        if batch_id != ctx.batch_id:  # a dry run's throw-away batch
            ctx = replace(ctx, batch_id=batch_id)
        already = 0
        if rows:
            loaded = already_loaded(session, ctx.file_sha256, rows)
            fresh = [r for r in rows if (r.source.sheet, r.source.row) not in loaded]
            already = len(rows) - len(fresh)
            if fresh:
                result = write_chunk(session, ctx, fresh)
        counts.update(
            created=result.created,
            enriched=result.enriched,
            unchanged=result.unchanged + already,
            conflicts=len(result.conflicts),
        )
        done_row = max(last_row, int(str(stats.get("done_row", 0))))
        stats.update(done_row=done_row, already=int(str(stats.get("already", 0))) + already)
        run.count(session, counts, progress)
    summary.already_imported += already
    _add(summary, result)
    return result
