"""Regenerate docs/review.svg, the README's screenshot of `respin review` on the example article.

Run from the repository root::

    python scripts/review_screenshot.py

The app runs headless at a fixed size over a copy of fixtures/spun-news-syria.txt
(opened by its bare name, with a throw-away resume store), a few decisions are
made with the keyboard, and Textual saves the screen as SVG.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "spun-news-syria.txt"
OUTPUT = ROOT / "docs" / "review.svg"
SIZE = (110, 34)
#: accept, accept, reject, accept suggestion 1, then move on twice: a bit of every look on screen.
KEYS = ("a", "a", "r", "1", "n", "n")


async def shoot(workdir: Path) -> str:
    from respin.engine import Checker
    from respin.review.app import make_app
    from respin.review.disk import open_document
    from respin.review.store import ResumeStore

    app = make_app([open_document(EXAMPLE.name)], Checker(jobs=1), store=ResumeStore(workdir / "cache"))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*KEYS)
        await pilot.pause()
        return app.export_screenshot(title="respin review")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="respin-screenshot-") as tmp:
        workdir = Path(tmp)
        shutil.copy(EXAMPLE, workdir / EXAMPLE.name)
        os.chdir(workdir)
        svg = asyncio.run(shoot(workdir))
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(svg, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
