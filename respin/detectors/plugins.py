"""Detectors from other packages: the entry-point group `respin.detectors`.

A package that ships detectors declares them in its metadata, as flake8 and
pytest plugins do::

    [project.entry-points."respin.detectors"]
    shouting = "respin_shouting:DETECTORS"

Each entry point names a `respin.detectors.base.Detector`, a sequence of them,
or a function returning either. Installed beside respin, they run by default,
are listed by `respin check --help`, can be turned off with `--disable NAME`,
and their findings carry their name.

Discovery reads the `entry_points.txt` of each installed distribution on
`sys.path` directly: `importlib.metadata` answers the same but costs 60-90 ms of
start-up on every run (importing it and building an object per distribution),
where this costs about a millisecond. `tests/test_plugins.py` checks that both
find the same entry points. A plugin that cannot be imported, or that does not
give detectors, is a `PluginError` naming its entry point and package.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache

from respin.detectors.base import Detector, FindFunction
from respin.finding import Finding
from respin.language.lexicon import Lexicon
from respin.textview import TextView

GROUP = "respin.detectors"


class PluginError(Exception):
    """A plugin that cannot be loaded or gives something that is not a detector; the message names it."""


@dataclass(frozen=True)
class EntryPoint:
    """One `name = module:attribute` line of a distribution's `respin.detectors` group."""

    name: str
    value: str
    distribution: str

    def load(self) -> object:
        module_name, _, attribute = self.value.partition(":")
        module = importlib.import_module(module_name.strip())
        target: object = module
        for part in filter(None, attribute.strip().split(".")):
            target = getattr(target, part)
        return target


def entry_points(path: Iterable[str] | None = None) -> list[EntryPoint]:
    """The `respin.detectors` entry points of the distributions installed on `path` (default `sys.path`).

    A distribution found twice (on two path entries) counts once, from the first, as Python imports it.
    """
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for entry in sys.path if path is None else path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:  # not a folder (a zip file), or gone
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            distribution = name.rsplit("-", 1)[0] if name.endswith(".dist-info") else name[: -len(".egg-info")]
            distribution = distribution.split("-")[0].lower().replace("_", "-")
            if distribution in seen:
                continue
            seen.add(distribution)
            try:
                with open(os.path.join(entry or ".", name, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            if f"[{GROUP}]" in text:
                found.extend(EntryPoint(key, value, distribution) for key, value in _group(text))
    return found


def _group(text: str) -> Iterator[tuple[str, str]]:
    """`name = value` pairs of the `respin.detectors` section of an entry_points.txt (INI syntax)."""
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            inside = line == f"[{GROUP}]"
        elif inside and "=" in line:
            key, value = line.split("=", 1)
            yield key.strip(), value.strip()


@cache
def plugin_detectors() -> tuple[Detector, ...]:
    """Every detector installed plugins give, in the order of their packages and entry points."""
    detectors: list[Detector] = []
    for point in entry_points():
        where = f"plugin {point.name!r} (package {point.distribution}, {point.value})"
        try:
            given = point.load()
            if callable(given) and not isinstance(given, Detector):
                given = given()
        except Exception as error:  # any failure of a plugin's code is reported the same way
            raise PluginError(f"{where} cannot be loaded: {type(error).__name__}: {error}") from error
        items = [given] if isinstance(given, Detector) else list(given) if isinstance(given, Iterable) else [given]
        for item in items:
            if not isinstance(item, Detector):
                raise PluginError(f"{where} gives {type(item).__name__}, not a respin.detectors.base.Detector")
            detectors.append(replace(item, find=_labelled(item.name, item.find)))
    return tuple(detectors)


def _labelled(name: str, find: FindFunction) -> FindFunction:
    """`find`, its findings carrying the detector's name whatever the plugin wrote in them."""
    def labelled(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
        for finding in find(view, lexicon):
            yield finding if finding.rule == name else replace(finding, rule=name)

    return labelled
