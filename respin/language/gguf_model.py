"""Read a Llama-architecture GGUF file (SmolLM2's) with the `gguf` package: config, float32 weights, tokenizer.

`read_gguf(path)` returns what `respin.language.lm` needs to build `respin.language.llama.LlamaScorer`
and to tokenize, in Hugging Face's terms, without transformers:

* `config`: a `config.json` dictionary (the keys `LlamaConfig.from_dict` reads,
  named as transformers names them) from the `llama.*` metadata;
* `weights`: float32 tensors under Hugging Face's names
  (`model.layers.0.self_attn.q_proj.weight`, ...), de-quantized with gguf's own
  `dequantize`. llama.cpp's converter permutes the rows of the query and key
  projections so that its rotary embedding rotates adjacent pairs of a head's
  dimensions; Hugging Face's Llama rotates its first half against its second
  half ("rotate half"), so `unpermute` undoes that permutation, exactly as
  transformers' GGUF loader does (`LlamaTensorProcessor._reverse_permute_weights`
  in transformers 5.24, with the key-value head count for the keys);
* `tokenizer`: a `tokenizers.Tokenizer` rebuilt from `tokenizer.ggml.*`: byte-level
  BPE over the file's vocabulary and merges, GPT-2's byte-level pre-tokenizer
  (no prefix space), the control tokens (`<|endoftext|>`, `<|im_start|>`, ...) as
  special added tokens. It is the tokenizer transformers builds from the same file
  (its `tokenizer.json` is identical), so token ids do not change.

Only what SmolLM2 uses is supported: architecture `llama`, tokenizer model `gpt2`
with a GPT-2-style pre-tokenizer, no rope scaling; anything else raises
`GgufError`. `tests/test_lm.py` compares the result with transformers' reading of
the same file (`fixtures/lm-reference.json`). Reading costs 10-12 s on two cores
(gguf parses the 98,000 strings of the vocabulary and merges one by one, then
de-quantizes 135M weights with numpy), so `respin.language.lm` caches the result.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

#: GGUF names of a Llama block's tensors -> Hugging Face's (under `model.layers.N.`).
BLOCK_TENSORS = {
    "attn_norm": "input_layernorm",
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_norm": "post_attention_layernorm",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}
#: The tensors outside the blocks.
MODEL_TENSORS = {"token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head"}
#: `tokenizer.ggml.pre` values that mean GPT-2's byte-level pre-tokenizer. llama.cpp splits digits one
#: by one first for "smollm"; SmolLM2's merges never join two digits, so the tokens are the same.
GPT2_PRE_TOKENIZERS = frozenset({"smollm", "gpt-2", "default"})
#: `tokenizer.ggml.token_type` values (llama.cpp's `LLAMA_TOKEN_TYPE_*`).
CONTROL, USER_DEFINED = 3, 4
#: Special token ids in config.json <- their GGUF keys.
SPECIAL_TOKEN_IDS = {
    "bos_token_id": "tokenizer.ggml.bos_token_id",
    "eos_token_id": "tokenizer.ggml.eos_token_id",
    "pad_token_id": "tokenizer.ggml.padding_token_id",
    "unk_token_id": "tokenizer.ggml.unknown_token_id",
}

_BLOCK_NAME = re.compile(r"blk\.(\d+)\.(\w+)\.(weight|bias)")


class GgufError(ValueError):
    """The GGUF file is not one respin can read (another architecture, tokenizer or layout), or is damaged."""


@dataclass
class GgufModel:
    """A GGUF file's model, in Hugging Face's terms."""

    config: dict[str, Any]
    weights: dict[str, Any]  # name -> float32 torch.Tensor
    tokenizer: Any  # tokenizers.Tokenizer


def unpermute(weights: np.ndarray, heads: int) -> np.ndarray:
    """Undo llama.cpp's permutation of a query or key projection's rows (`heads`: its head count).

    llama.cpp's `LlamaModel.permute` turns each head's rows [first half; second half] into the
    interleaved pairs (x0, x_{d/2}), (x1, x_{d/2+1}), ...: `reshape(heads, 2, d/2, ...).swapaxes(1, 2)`.
    This is its inverse: `reshape(heads, d/2, 2, ...).swapaxes(1, 2)`.
    """
    rows = weights.shape[0]
    if rows % (2 * heads):
        raise GgufError(f"a projection of {rows} rows cannot hold {heads} heads of an even size")
    half = rows // heads // 2
    return weights.reshape(heads, half, 2, *weights.shape[1:]).swapaxes(1, 2).reshape(weights.shape)


def hf_tensor_name(name: str) -> str:
    """A llama GGUF tensor's Hugging Face name: `blk.3.attn_q.weight` -> `model.layers.3.self_attn.q_proj.weight`."""
    match = _BLOCK_NAME.fullmatch(name)
    if match and match[2] in BLOCK_TENSORS:
        return f"model.layers.{match[1]}.{BLOCK_TENSORS[match[2]]}.{match[3]}"
    base, _, suffix = name.rpartition(".")
    if base in MODEL_TENSORS and suffix in {"weight", "bias"}:
        return f"{MODEL_TENSORS[base]}.{suffix}"
    raise GgufError(f"unexpected tensor {name!r} for a Llama model")


@lru_cache(maxsize=1)
def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte-level alphabet: each byte as a printable character (as in transformers and tokenizers)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [byte for byte in range(256) if byte not in printable]
    characters = [*printable, *(256 + n for n in range(len(others)))]
    return dict(zip([*printable, *others], map(chr, characters)))


def build_tokenizer(
    tokens: list[str],
    merges: list[str],
    token_types: list[int] | None = None,
    *,
    model: str = "gpt2",
    pre_tokenizer: str | None = "smollm",
) -> Any:
    """A `tokenizers.Tokenizer` from a GGUF file's tokenizer metadata (byte-level BPE only)."""
    from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
    from tokenizers.models import BPE

    if model != "gpt2":
        raise GgufError(f"tokenizer model {model!r} is not supported (only byte-level BPE, 'gpt2')")
    if (pre_tokenizer or "default") not in GPT2_PRE_TOKENIZERS:
        raise GgufError(f"pre-tokenizer {pre_tokenizer!r} is not supported (only GPT-2's: "
                        f"{', '.join(sorted(GPT2_PRE_TOKENIZERS))})")
    if token_types is not None and len(token_types) != len(tokens):
        raise GgufError(f"{len(token_types)} token types for {len(tokens)} tokens")
    spelling = bytes_to_unicode()
    alphabet = set(spelling.values())
    # A token the file spells outside the byte alphabet is re-spelled byte by byte (none in SmolLM2's file).
    vocabulary = {
        token if set(token) <= alphabet else "".join(spelling[byte] for byte in token.encode("utf-8")): index
        for index, token in enumerate(tokens)
    }
    if len(vocabulary) != len(tokens):
        raise GgufError("the vocabulary has duplicate tokens")
    pairs = []
    for merge in merges:
        parts = merge.split(" ")
        if len(parts) != 2:
            raise GgufError(f"malformed merge {merge!r}")
        pairs.append((parts[0], parts[1]))
    tokenizer = Tokenizer(BPE(vocab=vocabulary, merges=pairs, dropout=None, continuing_subword_prefix="",
                              end_of_word_suffix="", fuse_unk=False))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.TemplateProcessing(single="$A", pair="$A:0 $B:1")
    types = token_types or [1] * len(tokens)
    # Control tokens stay whole (special); a control token spelled outside the byte alphabet is a mislabel.
    tokenizer.add_special_tokens([
        AddedToken(token, normalized=False, special=True)
        for token, kind in zip(tokens, types) if kind == CONTROL and set(token) <= alphabet
    ])
    tokenizer.add_tokens([
        AddedToken(token, normalized=False, special=False)
        for token, kind in zip(tokens, types) if kind == USER_DEFINED and token in vocabulary
    ])
    return tokenizer


def _field(fields: dict[str, Any], key: str, default: Any = None) -> Any:
    field = fields.get(key)
    return default if field is None else field.contents()


def hf_config(fields: dict[str, Any], tensor_names: set[str], vocabulary_size: int) -> dict[str, Any]:
    """A Hugging Face `config.json` dictionary from a llama GGUF file's metadata (as transformers maps it)."""
    architecture = _field(fields, "general.architecture")
    if architecture != "llama":
        raise GgufError(f"architecture {architecture!r} is not supported (only 'llama')")

    def number(key: str, kind: type = int, default: Any = None) -> Any:
        value = _field(fields, f"llama.{key}", default)
        if value is None:
            raise GgufError(f"the file has no 'llama.{key}'")
        return kind(value)

    scaling = _field(fields, "llama.rope.scaling.type")
    if scaling not in (None, "none"):
        raise GgufError(f"rope scaling {scaling!r} is not supported")
    heads = number("attention.head_count")
    hidden = number("embedding_length")
    return {
        "model_type": "llama",
        "architectures": ["LlamaForCausalLM"],
        "hidden_size": hidden,
        "intermediate_size": number("feed_forward_length"),
        "num_hidden_layers": number("block_count"),
        "num_attention_heads": heads,
        "num_key_value_heads": number("attention.head_count_kv", int, heads),
        "head_dim": number("rope.dimension_count", int, hidden // heads),
        "max_position_embeddings": number("context_length"),
        "rms_norm_eps": number("attention.layer_norm_rms_epsilon", float),
        "rope_parameters": {"rope_theta": number("rope.freq_base", float, 10000.0), "rope_type": "default"},
        "vocab_size": number("vocab_size", int, vocabulary_size),
        # transformers' rule: the output projection is tied to the embeddings when the file has none.
        "tie_word_embeddings": "output.weight" not in tensor_names,
        "attention_bias": False,
        "mlp_bias": False,
        "hidden_act": "silu",
        **{name: int(value) for name, key in SPECIAL_TOKEN_IDS.items() if (value := _field(fields, key)) is not None},
    }


def read_gguf(path: str | os.PathLike[str]) -> GgufModel:
    """The model in a llama GGUF file: config, float32 weights under Hugging Face names, and tokenizer."""
    import torch
    from gguf import GGUFReader, dequantize

    try:
        reader = GGUFReader(path)
    except (ValueError, KeyError, IndexError, TypeError, AssertionError) as error:
        raise GgufError(f"not a readable GGUF file ({error})") from error
    fields = reader.fields
    tokens = _field(fields, "tokenizer.ggml.tokens")
    merges = _field(fields, "tokenizer.ggml.merges")
    if not tokens or merges is None:
        raise GgufError("the file carries no byte-level BPE tokenizer (tokens and merges)")
    tokenizer = build_tokenizer(
        list(tokens), list(merges), _field(fields, "tokenizer.ggml.token_type"),
        model=_field(fields, "tokenizer.ggml.model", "gpt2"), pre_tokenizer=_field(fields, "tokenizer.ggml.pre"),
    )
    config = hf_config(fields, {tensor.name for tensor in reader.tensors}, len(tokens))
    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]
    weights: dict[str, Any] = {}
    for tensor in reader.tensors:
        name = hf_tensor_name(tensor.name)
        try:
            array = dequantize(tensor.data, tensor.tensor_type)
        except (NotImplementedError, ValueError) as error:
            raise GgufError(f"cannot de-quantize {tensor.name} ({tensor.tensor_type.name}): {error}") from error
        if ".attn_q." in tensor.name:
            array = unpermute(array, heads)
        elif ".attn_k." in tensor.name:
            array = unpermute(array, kv_heads)
        # F32 tensors come as read-only views of the memory-mapped file: copy those.
        array = np.ascontiguousarray(array, dtype=np.float32)
        if not array.flags.writeable:
            array = array.copy()
        weights[name] = torch.from_numpy(array)
    return GgufModel(config=config, weights=weights, tokenizer=tokenizer)
