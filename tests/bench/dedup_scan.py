"""The duplicate scan on a big base: wall time, peak memory, pairs found.

Two bases: the large demo (``bench-data/large.db``, 100,000 clients, built by ``run.py``) or a
synthetic one of ``--synthetic N`` clients written straight into a fresh SQLite file, with one
client in 50 planted as a second record of another (a typo, a transliterated name, the INN
kept or dropped, the phone kept or changed). For the synthetic base the planted pairs are the
truth, and the scan's recall of them is printed. Nothing is asserted.

``--shape`` plants the keys that hurt a blocking scan (issue 29) in the synthetic base:
``inn`` gives 10,000 clients one INN with a KPP each (a bank's branches), ``phone`` 5,000 one
switchboard number, ``mailbox`` 5,000 their own addresses at one public mail domain.

    .venv/bin/python tests/bench/dedup_scan.py                       # the large demo base
    .venv/bin/python tests/bench/dedup_scan.py --synthetic 1000000   # 1M clients (built once)
    .venv/bin/python tests/bench/dedup_scan.py --synthetic 100000 --shape inn
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WORDS = [
    "альфа", "вектор", "гранит", "дельта", "зенит", "квант", "лидер", "меридиан", "нова", "олимп",
    "полюс", "ресурс", "сигма", "техно", "урал", "феникс", "холдинг", "центр", "эталон", "юпитер",
    "строй", "торг", "снаб", "сервис", "трейд", "пром", "инвест", "логистик", "маркет", "групп",
]  # fmt: skip
CITIES = ["Москва", "Санкт-Петербург", "Казань", "Липецк", "Тверь", "Новосибирск", "Екатеринбург", "Самара"]


def _inn(body: int) -> str:
    from crm_tui.domain.values.requisites import inn_check_digits

    text = f"{body:09d}"
    return text + inn_check_digits(text)


def _typo(name: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(name))
    return name[:i] + rng.choice("аоеи") + name[i + 1 :]


SHAPES = {"inn": 10_000, "phone": 5_000, "mailbox": 5_000}
"""How many clients each shape gives its one shared key."""


def build_synthetic(
    path: Path, count: int, seed: int = 3, shape: str | None = None, shared: int | None = None
) -> set[tuple[int, int]]:
    """``count`` clients (2% planted doubles) in a fresh base; returns the planted pairs."""
    from crm_tui.domain.clients.search_keys import derived_keys
    from crm_tui.domain.workspace import prepare_database
    from crm_tui.storage.bulk import insert_rows
    from crm_tui.storage.database import write_session
    from crm_tui.storage.models import channels, clients

    rng = random.Random(seed)
    engine = prepare_database(str(path))
    now = datetime(2026, 11, 20, tzinfo=UTC)
    planted: set[tuple[int, int]] = set()
    chunk = 50_000
    made: list[tuple[str, str | None, str, str]] = []
    for start in range(1, count + 1, chunk):
        client_rows, channel_rows = [], []
        for client_id in range(start, min(start + chunk, count + 1)):
            if made and rng.random() < 0.02:
                original = rng.randrange(len(made))
                name, inn, city, phone = made[original]
                name = _typo(name, rng) if rng.random() < 0.5 else name
                inn = inn if rng.random() < 0.5 else None
                phone = phone if rng.random() < 0.7 else f"+7999{rng.randrange(10**7):07d}"
                planted.add((original + 1, client_id))
            else:
                name = " ".join(rng.sample(WORDS, 2)) + f" {rng.randrange(10_000)}"
                inn = _inn(100_000_000 + client_id) if rng.random() < 0.8 else None
                city = rng.choice(CITIES)
                phone = f"+7{rng.randrange(900, 999)}{rng.randrange(10**7):07d}"
            made.append((name, inn, city, phone))
            shaped = shape is not None and client_id <= (shared or SHAPES[shape])
            kpp = f"77{client_id:07d}" if shaped and shape == "inn" else None
            inn = _inn(770_708_389) if shaped and shape == "inn" else inn
            phone = "+74957770000" if shaped and shape == "phone" else phone
            if shaped and shape == "mailbox":
                mail = f"client{client_id}@mail.ru"
                channel_rows.append({
                    "client_id": client_id, "contact_id": None, "kind": "email", "value": mail, "raw": mail,
                    "extension": None,
                })  # fmt: skip
            name_key, text = derived_keys(name, "ООО", inn, city, [phone], [])
            client_rows.append({
                "id": client_id, "kind": "company", "name": name, "legal_form": "ООО", "inn": inn,
                "kpp": kpp, "ogrn": None, "city": city, "region": city, "owner_id": None, "status": "lead",
                "name_key": name_key, "search_text": text, "created_at": now, "updated_at": now, "version": 1,
            })  # fmt: skip
            channel_rows.append({
                "client_id": client_id, "contact_id": None, "kind": "phone", "value": phone, "raw": phone,
                "extension": None,
            })  # fmt: skip
        with write_session(engine) as session:
            insert_rows(session, clients, client_rows)
            insert_rows(session, channels, channel_rows)
        print(f"  {min(start + chunk - 1, count):,} clients written", flush=True)
    return planted


def main() -> None:
    from crm_tui.cli.collector import collector_paused
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.importers.dedup.service import scan
    from crm_tui.storage.database import dispose_engines

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=ROOT / "bench-data" / "large.db")
    parser.add_argument("--synthetic", type=int, help="scan a synthetic base of this many clients")
    parser.add_argument("--user", default="admin", help="scan as this user (default admin: every client)")
    parser.add_argument("--shape", choices=sorted(SHAPES), help="plant one shared key (synthetic base)")
    parser.add_argument("--shared", type=int, help="how many clients share the shape's key")
    args = parser.parse_args()
    planted: set[tuple[int, int]] | None = None
    database = args.db
    if args.synthetic:
        suffix = f"-{args.shape}{args.shared or ''}" if args.shape else ""
        database = ROOT / "bench-data" / f"dedup-{args.synthetic}{suffix}.db"
        truth = database.with_suffix(".truth")
        if not database.exists():
            started = time.perf_counter()
            planted = build_synthetic(database, args.synthetic, shape=args.shape, shared=args.shared)
            truth.write_text("\n".join(f"{a} {b}" for a, b in sorted(planted)))
            print(f"built {database.name} in {time.perf_counter() - started:.0f} s")
        else:
            planted = {(int(a), int(b)) for a, b in (ln.split() for ln in truth.read_text().splitlines())}
        login = "root"
    else:
        login = args.user
    ws = open_workspace(str(database), login)
    started = time.perf_counter()
    with collector_paused():  # as `crm dedup scan` runs it
        pairs = scan(ws)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sure = sum(1 for p in pairs if p.sure)
    families = sum(1 for p in pairs if p.family)
    print(
        f"scan: {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB, {len(pairs):,} pairs ({sure:,} sure, "
        f"{families:,} families of branches)"
    )
    if planted is not None:
        found = {(p.left, p.right) for p in pairs}
        hit = len(planted & found)
        print(f"planted doubles found: {hit:,} of {len(planted):,} ({hit / max(len(planted), 1):.1%})")
    dispose_engines()


if __name__ == "__main__":
    main()
