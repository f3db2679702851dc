"""History retention: move history rows older than a cut-off to compressed files, and bring them back.

Every simple-history table (and the tables of its many-to-many history) is written as JSON lines,
gzip-compressed, one file per table: a header line naming the model and the cut-off, then one row
per line. Rows are deleted only after their file has been written and closed; a restore inserts
them again and skips rows already present, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

CHUNK = 5_000
FORMAT = "csp-history-archive/1"


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeps only milliseconds; a restore must give back the exact times."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


@dataclass(frozen=True)
class HistoryTable:
    """A history model and how to find its rows by age: its own history_date, or its parent's."""

    model: type[models.Model]
    date_path: str
    is_child: bool


def history_tables() -> list[HistoryTable]:
    """Every simple-history table: main history models first, their many-to-many history after."""
    tables = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "history_date" in names and "history_type" in names:
            tables.append(HistoryTable(model, "history_date", False))
        elif "m2m_history_id" in names and "history" in names:
            tables.append(HistoryTable(model, "history__history_date", True))
    return sorted(tables, key=lambda t: (t.is_child, t.model._meta.label))


def _old_rows(table: HistoryTable, cutoff: dt.datetime) -> models.QuerySet:
    return table.model._default_manager.filter(**{f"{table.date_path}__lt": cutoff}).order_by("pk")


def _rows(queryset: models.QuerySet) -> Iterator[dict]:
    last = None
    while True:
        chunk = queryset if last is None else queryset.filter(pk__gt=last)
        page = list(chunk.values()[:CHUNK])
        if not page:
            return
        yield from page
        last = page[-1][queryset.model._meta.pk.attname]


def history_archive(*, older_than: dt.timedelta, out: Path, dry_run: bool = False) -> dict[str, int]:
    """Write history rows older than `older_than` to `out` (one .jsonl.gz per table) and delete them."""
    cutoff = dt.datetime.now(dt.UTC) - older_than
    out.mkdir(parents=True, exist_ok=True)
    stamp = cutoff.strftime("%Y%m%dT%H%M%SZ")
    counts: dict[str, int] = {}
    # Children first: deleting a main history row would take its many-to-many history rows with it.
    for table in sorted(history_tables(), key=lambda t: not t.is_child):
        queryset = _old_rows(table, cutoff)
        if not queryset.exists():
            continue
        label = table.model._meta.label_lower
        if dry_run:
            counts[label] = queryset.count()
            continue
        path = out / f"{label}.{stamp}.jsonl.gz"
        pks = []
        with gzip.open(path, "wt", encoding="utf-8") as file:
            header = {"format": FORMAT, "model": label, "cutoff": cutoff.isoformat(), "child": table.is_child}
            file.write(json.dumps(header) + "\n")
            for row in _rows(queryset):
                file.write(json.dumps(row, cls=_Encoder) + "\n")
                pks.append(row[table.model._meta.pk.attname])
        with transaction.atomic():
            for i in range(0, len(pks), CHUNK):
                table.model._default_manager.filter(pk__in=pks[i : i + CHUNK])._raw_delete(using="default")
        counts[label] = len(pks)
    return counts


def _read(path: Path) -> tuple[dict, Iterator[dict]]:
    file = gzip.open(path, "rt", encoding="utf-8")  # noqa: SIM115 (closed by rows() or on a bad header)
    header = json.loads(file.readline())
    if header.get("format") != FORMAT:
        file.close()
        raise ValueError(f"{path} is not a history archive")

    def rows() -> Iterator[dict]:
        with file:
            for line in file:
                yield json.loads(line)

    return header, rows()


def history_restore(*, paths: list[Path]) -> dict[str, int]:
    """Insert the rows of archive files again (main history before its many-to-many history)."""
    opened = [(path, *_read(path)) for path in paths]
    counts: dict[str, int] = {}
    with transaction.atomic():
        for _path, header, rows in sorted(opened, key=lambda item: item[1]["child"]):
            model = apps.get_model(header["model"])
            fields = {f.attname: f for f in model._meta.concrete_fields}
            batch, total = [], 0
            for row in rows:
                batch.append(model(**{name: fields[name].to_python(value) for name, value in row.items()}))
                if len(batch) == CHUNK:
                    total += len(model._default_manager.bulk_create(batch, ignore_conflicts=True))
                    batch = []
            total += len(model._default_manager.bulk_create(batch, ignore_conflicts=True))
            counts[header["model"]] = counts.get(header["model"], 0) + total
    return counts
