"""`make backup` / `make restore` round trip: the same script, a scratch PostgreSQL database, a media folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from plans.models import Objective
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.services

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "backup.py"


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _admin():
    db = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"], port=db["PORT"] or 5432
    )
    admin.autocommit = True
    return admin


def _run(*args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _url(database), "CSP_MEDIA_ROOT": str(media)}
    env["DJANGO_SETTINGS_MODULE"] = "csp.settings.dev"
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, check=True)


@pytest.fixture
def scratch_database(postgres):
    name = f"csp_restore_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL client tools not installed")
def test_a_backup_restored_into_another_database_has_the_same_rows_and_files(
    transactional_db, scratch_database, tmp_path
):
    objective = ObjectiveFactory(title="Reduce repeat victimisation")
    media = tmp_path / "media"
    (media / "reports" / "1").mkdir(parents=True)
    (media / "reports" / "1" / "board.pdf").write_bytes(b"%PDF-1.7 board report")

    _run("backup", "--out", str(tmp_path / "backups"), database=connection.settings_dict["NAME"], media=media)
    [backup] = (tmp_path / "backups").iterdir()
    restored_media = tmp_path / "restored-media"
    _run("restore", str(backup), database=scratch_database, media=restored_media)

    with psycopg2.connect(_url(scratch_database)) as restored, restored.cursor() as cursor:
        cursor.execute(f"SELECT id, title FROM {Objective._meta.db_table} ORDER BY id")
        assert cursor.fetchall() == [(objective.pk, "Reduce repeat victimisation")]
        cursor.execute(f"SELECT count(*) FROM {Objective.history.model._meta.db_table}")
        assert cursor.fetchone()[0] == Objective.history.count()
    assert (restored_media / "reports" / "1" / "board.pdf").read_bytes() == b"%PDF-1.7 board report"


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL client tools not installed")
def test_a_backup_whose_files_were_altered_is_not_restored(transactional_db, scratch_database, tmp_path):
    ObjectiveFactory()
    media = tmp_path / "media"
    _run("backup", "--out", str(tmp_path / "backups"), database=connection.settings_dict["NAME"], media=media)
    [backup] = (tmp_path / "backups").iterdir()
    with (backup / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _run("restore", str(backup), database=scratch_database, media=tmp_path / "restored")
    assert "does not match its checksum" in failed.value.stderr
