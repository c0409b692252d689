#!/usr/bin/env bash
# Set up everything on a fresh machine: the sandbox tool (bubblewrap, when run as root) and a
# virtualenv in .venv with the project and its pinned dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: bubblewrap (the sandbox's isolation tool); chromium, chromium-driver and
# fonts-noto-cjk (the tests that open the report pages, Chinese ones too, in headless Chromium).
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck) # tests/test_ci.py: workflow scripts
# fonts-noto-cjk: Chinese pages must render in Chromium (tests/test_reports.py checks every glyph).
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    case " ${missing[*]} " in *" bubblewrap "*)
      echo "setup: bubblewrap (bwrap) is not installed; grading still works but with weaker isolation (see 'grader doctor')" >&2 ;;
    esac
    case " ${missing[*]} " in *" chromium"*)
      echo "setup: chromium and chromium-driver are not installed; tests/test_reports.py needs them (apt-get install chromium chromium-driver)" >&2 ;;
    esac
  fi
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# constraints.txt pins torch to the CPU wheel; pyproject.toml itself accepts a range.
.venv/bin/python -m pip install -q -c constraints.txt -e ".[dev]"
echo "setup: done (.venv ready)"
