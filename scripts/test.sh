#!/usr/bin/env bash
# Run respin's whole test suite on a fresh machine: creates .venv (Python 3.11+),
# installs respin with its test and benchmark extras, then runs pytest.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k cli`.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,bench]"
exec .venv/bin/python -m pytest "$@"
