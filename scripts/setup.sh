#!/usr/bin/env bash
# Set up everything on a fresh machine: the sandbox tool (bubblewrap, when run as root) and a
# virtualenv in .venv with the project and its pinned dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing bubblewrap (the sandbox's isolation tool)"
    apt-get update -qq >/dev/null && apt-get install -y -qq bubblewrap >/dev/null
  else
    echo "setup: bubblewrap (bwrap) is not installed; grading still works but with weaker isolation (see 'grader doctor')" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# constraints.txt pins torch to the CPU wheel; pyproject.toml itself accepts a range.
.venv/bin/python -m pip install -q -c constraints.txt -e ".[dev]"
echo "setup: done (.venv ready)"
