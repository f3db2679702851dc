"""History retention: old history goes to compressed files and is deleted, and comes back on restore."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from plans.models import Objective
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

HistoricalObjective = Objective.history.model


@pytest.fixture
def old_and_new():
    """Two objectives: one whose history is two years old, one changed today."""
    old, new = ObjectiveFactory(title="Old objective"), ObjectiveFactory(title="New objective")
    two_years_ago = timezone.now() - dt.timedelta(days=730)
    HistoricalObjective.objects.filter(id=old.pk).update(history_date=two_years_ago)
    return old, new


def _history_rows(objective_id):
    return list(HistoricalObjective.objects.filter(id=objective_id).order_by("history_id").values())


def test_history_older_than_the_cut_off_is_written_to_a_compressed_file_and_deleted(old_and_new, tmp_path):
    old, new = old_and_new
    call_command("history_archive", "--older-than", "365", "--out", str(tmp_path))
    assert _history_rows(old.pk) == []
    assert len(_history_rows(new.pk)) == 1
    [archive] = tmp_path.glob("plans.historicalobjective.*.jsonl.gz")
    with gzip.open(archive, "rt") as file:
        header, *rows = [json.loads(line) for line in file]
    assert header["model"] == "plans.historicalobjective"
    assert [row["title"] for row in rows if row["id"] == old.pk] == ["Old objective"]


def test_restore_puts_back_exactly_the_archived_rows(old_and_new, tmp_path):
    old, _new = old_and_new
    before = _history_rows(old.pk)
    call_command("history_archive", "--older-than", "365", "--out", str(tmp_path))
    call_command("history_restore", *map(str, tmp_path.glob("*.jsonl.gz")))
    assert _history_rows(old.pk) == before


def test_restoring_twice_adds_nothing(old_and_new, tmp_path):
    old, _new = old_and_new
    call_command("history_archive", "--older-than", "365", "--out", str(tmp_path))
    files = list(map(str, tmp_path.glob("*.jsonl.gz")))
    call_command("history_restore", *files)
    call_command("history_restore", *files)
    assert len(_history_rows(old.pk)) == 1


def test_a_dry_run_counts_and_keeps_everything(old_and_new, tmp_path):
    old, _new = old_and_new
    call_command("history_archive", "--older-than", "365", "--out", str(tmp_path), "--dry-run")
    assert len(_history_rows(old.pk)) == 1
    assert list(tmp_path.glob("*.gz")) == []


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    stray = tmp_path / "stray.jsonl.gz"
    with gzip.open(stray, "wt") as file:
        file.write('{"hello": 1}\n')
    with pytest.raises(CommandError, match="not a history archive"):
        call_command("history_restore", str(stray))
