"""The detectors: what finds spins in a text. Each reads a `TextView` and returns findings; none does I/O
of its own except `grammar` (a LanguageTool server), whose findings the engine takes in as `extra`.

Resources come from `respin.language`; detectors never import the command line, the review app,
the document readers or the reports (`tests/test_layout.py` holds that wall).
"""
