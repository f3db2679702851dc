"""Backup and restore of the database (pg_dump -Fc / pg_restore) and the media folder (tar.gz).

    python scripts/backup.py backup --out backups
        -> backups/<UTC stamp>/{database.dump,media.tar.gz,manifest.json}
    python scripts/backup.py restore backups/<UTC stamp>
        -> replaces the database's contents and the media folder

The database and media folder are those of the Django settings (DATABASE_URL, CSP_MEDIA_ROOT).
`make backup` and `make restore BACKUP=...` run this script; tests/csp/test_backup.py runs it too.
pg_dump must be at least the server's major version (checked before dumping).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings.dev")


def _database() -> tuple[list[str], dict[str, str], str]:
    """Connection arguments for the PostgreSQL tools, their environment and the database name."""
    import django
    from django.conf import settings

    django.setup()
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        sys.exit("backup/restore needs PostgreSQL: set DATABASE_URL")
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432), "--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return args, env, db["NAME"]


def _major(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    if not match:
        raise SystemExit(f"cannot read a version from {text!r}")
    return int(match.group(1))


def _check_versions(args: list[str], env: dict[str, str], name: str) -> dict[str, int]:
    client = _major(subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=True).stdout)
    server = _major(
        subprocess.run(
            ["psql", *args, "--dbname", name, "--tuples-only", "--no-align", "--command", "SHOW server_version"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
    )
    if client < server:
        sys.exit(f"pg_dump {client} is older than the server ({server}): install the PostgreSQL {server} client")
    return {"pg_dump": client, "server": server}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(out: Path) -> Path:
    """Write a dated backup folder and return it."""
    from django.conf import settings

    args, env, name = _database()
    versions = _check_versions(args, env, name)
    target = out / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target.mkdir(parents=True)
    dump = target / "database.dump"
    subprocess.run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(dump), name], env=env, check=True)
    media_root = Path(settings.MEDIA_ROOT)
    media = target / "media.tar.gz"
    with tarfile.open(media, "w:gz") as tar:
        if media_root.is_dir():
            tar.add(media_root, arcname=".")
    manifest = {
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "database": name,
        "versions": versions,
        "files": {p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)} for p in (dump, media)},
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    print(f"backup: {target} (database {dump.stat().st_size:,} bytes, media {media.stat().st_size:,} bytes)")
    return target


def restore(source: Path) -> None:
    """Replace the database's contents and the media folder with those of a backup folder."""
    from django.conf import settings

    manifest = json.loads((source / "manifest.json").read_text())
    for filename, expected in manifest["files"].items():
        if _sha256(source / filename) != expected["sha256"]:
            sys.exit(f"{source / filename} does not match its checksum: not restoring")
    args, env, name = _database()
    subprocess.run(
        [
            "pg_restore",
            *args,
            "--dbname",
            name,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(source / "database.dump"),
        ],
        env=env,
        check=True,
    )
    from csp.content_version import bump

    bump(everything=True)  # pg_restore wrote behind Django's back: no kept page may outlive it
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Unpack beside the media folder, then swap, so a failure leaves the old files in place.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    with tarfile.open(source / "media.tar.gz", "r:gz") as tar:
        tar.extractall(staging, filter="data")
    if media_root.exists():
        shutil.rmtree(media_root)
    staging.rename(media_root)
    print(f"restore: {source} into database {name} and {media_root}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup").add_argument("--out", type=Path, default=Path("backups"))
    commands.add_parser("restore").add_argument("source", type=Path)
    options = parser.parse_args()
    if options.command == "backup":
        backup(options.out)
    else:
        restore(options.source)


if __name__ == "__main__":
    main()
