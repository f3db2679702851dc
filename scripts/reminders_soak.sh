#!/usr/bin/env bash
# 6,000 reminders through a 50 ms-per-message SMTP sink and real Celery workers on Redis, one worker
# killed with SIGKILL mid-way; prints the total time. Needs DATABASE_URL (PostgreSQL) and REDIS_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
CSP_REMINDERS_KILL_COUNT="${COUNT:-6000}" .venv/bin/pytest tests/plans/test_reminders_killed.py -q -s -p no:randomly \
  | grep -E "reminders sent in|passed|failed|Error"
