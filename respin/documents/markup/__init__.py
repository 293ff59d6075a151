"""Scanners that tell prose from markup in Markdown, HTML and reStructuredText (used by `respin.documents.formats`)."""
