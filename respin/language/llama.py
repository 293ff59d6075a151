"""A Llama-architecture causal language model that only scores: the deep tier's forward pass.

`respin.language.lm` reads SmolLM2's GGUF file (`respin.language.gguf_model`) and caches the
float32 weights (safetensors, Hugging Face names and layout) with `config.json`
and `tokenizer.json`; this module runs the model from them with torch alone
(transformers is not needed): token embeddings, per
layer RMSNorm, grouped-query self-attention with rotary position embeddings
(Hugging Face's "rotate half" convention) and a SiLU-gated MLP, a final RMSNorm
and the output projection (tied to the embeddings when the config says so).
`tests/test_lm.py` checks its logits against transformers' (recorded in fixtures/lm-reference.json).

Only what scoring needs is here: no generation, no dropout; the keys and values of a
text can be kept so that continuations after any of its prefixes are scored cheaply. Texts
are right-padded: with a causal mask a real token never attends to a padding
token (they all come after it), so no padding mask is needed and the outputs at
padded positions are simply ignored by the caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class LlamaConfig:
    """The few numbers of a Hugging Face `config.json` the forward pass needs."""

    hidden_size: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab_size: int
    rms_norm_eps: float
    rope_theta: float
    tied_embeddings: bool

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> LlamaConfig:
        if config.get("model_type") != "llama":
            raise ValueError(f"not a Llama model: model_type {config.get('model_type')!r}")
        rope = config.get("rope_parameters") or {}
        if (rope.get("rope_type") or "default") != "default" or config.get("rope_scaling"):
            raise ValueError("rope scaling is not supported")
        if config.get("attention_bias") or config.get("mlp_bias"):
            raise ValueError("attention or MLP biases are not supported")
        heads = int(config["num_attention_heads"])
        return cls(
            hidden_size=int(config["hidden_size"]),
            layers=int(config["num_hidden_layers"]),
            heads=heads,
            kv_heads=int(config.get("num_key_value_heads", heads)),
            head_dim=int(config.get("head_dim") or config["hidden_size"] // heads),
            vocab_size=int(config["vocab_size"]),
            rms_norm_eps=float(config["rms_norm_eps"]),
            rope_theta=float(rope.get("rope_theta", config.get("rope_theta", 10000.0))),
            tied_embeddings=bool(config.get("tie_word_embeddings", False)),
        )

    @classmethod
    def from_file(cls, path: Path) -> LlamaConfig:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


class LlamaScorer:
    """Logits of a Llama model for a batch of right-padded token sequences."""

    def __init__(self, config: LlamaConfig, weights: dict[str, torch.Tensor]) -> None:
        self.config = config

        def take(name: str) -> torch.Tensor:
            key = f"model.{name}" if f"model.{name}" in weights else name
            if key not in weights:
                raise ValueError(f"the weights have no {name!r}")
            return weights[key].float()

        if config.tied_embeddings and not {"embed_tokens.weight", "model.embed_tokens.weight"} & weights.keys():
            self.embed = take("lm_head.weight")  # a tied pair is saved once, under either name
        else:
            self.embed = take("embed_tokens.weight")
        self.output = self.embed if config.tied_embeddings else take("lm_head.weight")
        self.norm = take("norm.weight")
        self.blocks = [
            {part: take(f"layers.{i}.{part}.weight") for part in (
                "input_layernorm", "post_attention_layernorm", "self_attn.q_proj", "self_attn.k_proj",
                "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj",
            )}
            for i in range(config.layers)
        ]
        half = torch.arange(0, config.head_dim, 2, dtype=torch.int64).float() / config.head_dim
        self.inverse_frequencies = 1.0 / (config.rope_theta ** half)

    @classmethod
    def from_folder(cls, folder: Path) -> LlamaScorer:
        """Load `config.json` and `model.safetensors` from a Hugging Face model folder."""
        from safetensors.torch import load_file

        return cls(LlamaConfig.from_file(folder / "config.json"), load_file(str(folder / "model.safetensors")))

    def _rms_norm(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        variance = x.pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(variance + self.config.rms_norm_eps))

    @staticmethod
    def _rotate_half(x: torch.Tensor) -> torch.Tensor:
        first, second = x.chunk(2, dim=-1)
        return torch.cat((-second, first), dim=-1)

    def _rope(self, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """cos and sin of the rotary angles for (length,) or (batch, length) positions, shaped to broadcast."""
        angles = positions.float()[..., None] * self.inverse_frequencies
        angles = torch.cat((angles, angles), dim=-1)
        if angles.dim() == 2:
            return angles.cos()[None, None], angles.sin()[None, None]
        return angles.cos()[:, None], angles.sin()[:, None]

    def _mlp(self, x: torch.Tensor, block: dict[str, torch.Tensor]) -> torch.Tensor:
        h = self._rms_norm(x, block["post_attention_layernorm"])
        return F.linear(F.silu(F.linear(h, block["mlp.gate_proj"])) * F.linear(h, block["mlp.up_proj"]),
                        block["mlp.down_proj"])

    def _qkv(self, x: torch.Tensor, block: dict[str, torch.Tensor], cos: torch.Tensor,
             sin: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Queries (batch, heads, length, dim), keys and values (batch, kv_heads, length, dim), rotated."""
        config = self.config
        batch, length = x.shape[:2]
        h = self._rms_norm(x, block["input_layernorm"])
        q = F.linear(h, block["self_attn.q_proj"]).view(batch, length, config.heads, config.head_dim)
        k = F.linear(h, block["self_attn.k_proj"]).view(batch, length, config.kv_heads, config.head_dim)
        v = F.linear(h, block["self_attn.v_proj"]).view(batch, length, config.kv_heads, config.head_dim)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        return q * cos + self._rotate_half(q) * sin, k * cos + self._rotate_half(k) * sin, v

    def hidden_states(self, input_ids: torch.Tensor, keep_cache: bool = False
                      ) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]] | None]:
        """(batch, length) token ids -> the final normed hidden states (batch, length, hidden).

        With `keep_cache`, also every layer's rotated keys and values, which
        `continuation_states` reads so that a text's continuations need not
        recompute its prefix.
        """
        config = self.config
        batch, length = input_ids.shape
        cos, sin = self._rope(torch.arange(length))
        repeat = config.heads // config.kv_heads
        cache: list[tuple[torch.Tensor, torch.Tensor]] | None = [] if keep_cache else None
        x = F.embedding(input_ids, self.embed)
        for block in self.blocks:
            q, k, v = self._qkv(x, block, cos, sin)
            if cache is not None:
                cache.append((k, v))
            if repeat > 1:
                k = k.repeat_interleave(repeat, dim=1)
                v = v.repeat_interleave(repeat, dim=1)
            attended = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            attended = attended.transpose(1, 2).reshape(batch, length, config.heads * config.head_dim)
            x = x + F.linear(attended, block["self_attn.o_proj"])
            x = x + self._mlp(x, block)
        return self._rms_norm(x, self.norm), cache

    @staticmethod
    def _packing(sequences: Sequence[Sequence[int]]) -> tuple[list[int], torch.Tensor, torch.Tensor, torch.Tensor]:
        """Sequences packed end to end: their lengths, each token's sequence and its offset in it, and the
        (T, T) mask that lets each token see the earlier tokens of its own sequence only."""
        lengths = [len(tokens) for tokens in sequences]
        segment = torch.repeat_interleave(torch.arange(len(lengths)), torch.tensor(lengths))
        index = torch.arange(len(segment))
        offset = index - torch.tensor([0, *lengths[:-1]]).cumsum(0)[segment]
        own = (segment[None, :] == segment[:, None]) & (index[None, :] <= index[:, None])
        return lengths, segment, offset, own

    def _read_packed(self, sequences: Sequence[Sequence[int]], lengths: list[int], positions: torch.Tensor,
                     allowed: torch.Tensor, prefixes: Iterator[tuple[torch.Tensor, torch.Tensor]] | None = None
                     ) -> list[torch.Tensor]:
        """One pass over packed sequences; `allowed` (T, K + T) says which keys each token sees.

        `prefixes` gives, layer by layer, K keys and values (1, kv_heads, K, dim) put before the
        packed tokens' own (none: K = 0).
        """
        config = self.config
        total = sum(lengths)
        repeat = config.heads // config.kv_heads
        cos, sin = self._rope(positions)
        x = F.embedding(torch.tensor([t for tokens in sequences for t in tokens])[None], self.embed)
        for block in self.blocks:
            q, k, v = self._qkv(x, block, cos, sin)
            if prefixes is not None:
                prefix_k, prefix_v = next(prefixes)
                k, v = torch.cat((prefix_k, k), dim=2), torch.cat((prefix_v, v), dim=2)
            if repeat > 1:
                k = k.repeat_interleave(repeat, dim=1)
                v = v.repeat_interleave(repeat, dim=1)
            attended = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
            attended = attended.transpose(1, 2).reshape(1, total, config.heads * config.head_dim)
            x = x + F.linear(attended, block["self_attn.o_proj"])
            x = x + self._mlp(x, block)
        return list(self._rms_norm(x, self.norm)[0].split(lengths))

    def packed_hidden_states(self, sequences: Sequence[Sequence[int]]) -> list[torch.Tensor]:
        """The final normed hidden states of several token sequences read in one pass, one tensor each.

        The sequences are packed end to end into one row; positions restart at
        each, and an attention mask keeps each to its own earlier tokens, so each
        reads exactly as if alone, and no padding is computed. (The mask costs
        attention over the whole pack: keep packs to a few hundred tokens.)
        """
        lengths, _, offset, own = self._packing(sequences)
        return self._read_packed(sequences, lengths, offset, own)

    def continuation_states(self, cache: list[tuple[torch.Tensor, torch.Tensor]], rows: torch.Tensor,
                            prefix_lengths: torch.Tensor, continuations: Sequence[Sequence[int]]
                            ) -> list[torch.Tensor]:
        """Hidden states of continuations of cached texts, each after its own prefix of its own text.

        `cache` comes from `hidden_states(..., keep_cache=True)`. Continuation i
        (token ids) reads as if it followed the first `prefix_lengths[i]` tokens
        of text `rows[i]` of that batch: it attends to their cached keys and
        values and to its own earlier tokens, never to anything else. Returns
        one (len(continuation i), hidden) tensor per continuation.

        The continuations are packed end to end into one sequence, with an
        attention mask that keeps each to its own prefix and its own tokens: no
        padding is computed, and the weights are read once for all of them (a
        small batch costs about as much as reading the weights).
        """
        lengths, segment, offset, own = self._packing(continuations)
        prefix = prefix_lengths[segment]
        batch, groups, cached_length, dim = cache[0][0].shape
        key_row = torch.arange(batch * cached_length) // cached_length
        key_position = torch.arange(batch * cached_length) % cached_length
        allowed = torch.cat((
            (key_row[None, :] == rows[segment][:, None]) & (key_position[None, :] < prefix[:, None]), own,
        ), dim=1)  # (T, batch * L + T): True where a token may attend
        prefixes = ((k.transpose(0, 1).reshape(1, groups, batch * cached_length, dim),
                     v.transpose(0, 1).reshape(1, groups, batch * cached_length, dim)) for k, v in cache)
        return self._read_packed(continuations, lengths, prefix + offset, allowed, prefixes)

    def token_logprobs(self, states: torch.Tensor, targets: Sequence[int]) -> torch.Tensor:
        """log p(targets[i] | the text that gave states[i]): one output projection for every row at once.

        Projecting a few rows costs nearly as much as projecting hundreds (the
        49k-row output matrix is read from memory either way), so callers gather
        their rows first. logsumexp - logit, without a log-softmax copy of the logits.
        """
        logits = F.linear(states, self.output)
        picked = logits.gather(1, torch.tensor(list(targets))[:, None])[:, 0]
        return picked - logits.logsumexp(dim=-1)

    def logits(self, input_ids: torch.Tensor) -> torch.Tensor:
        """(batch, length) token ids -> (batch, length, vocabulary) float32 logits."""
        return F.linear(self.hidden_states(input_ids)[0], self.output)
