"""`respin review`: decide about each finding of a file interactively, then save.

The pieces, each in its own module:

- `session`: the decision model of one document (decisions, undo/redo, navigation
  under a category filter, the summary, rebasing after a save). Pure: no Textual, no I/O.
- `store`: resume data kept between runs, one JSON file per file content hash.
- `disk`: reading a file together with the fingerprint of its bytes, saving through
  `fixer.apply` and the atomic writer, and telling whether a file changed on disk.
- `layout`, `excerpts`: pure text helpers for the screen (wrapped rows, the sentence and
  paragraph around a finding).
- `palette`: highlight colours by category, intensity by confidence.
- `messages`, `widgets`, `screens`, `app`: the Textual application, built by
  `app.make_app(documents, checker)`.
- `background`, `deep_process`: the deep tier (`--deep`: the language model reads each
  document after its fast findings are on screen), from a daemon thread that waits on a
  child process.

Only `app`, `widgets`, `screens`, `messages`, `background` and `palette` import Textual; the command line
imports them when `review` runs, so `check` does not pay for it.
"""
