"""Writes a tiny random Qwen3 causal LM, for running docker/trainer/train.py end to end on a CPU.

  python3 tiny_qwen3.py OUT_DIR [--tokenizer DIR] [--seed S]

The model has Qwen3's architecture and full vocabulary (151,936 ids, so the real token files of
`./qed shards` feed it as they are) but only two decoder layers of width 64: about 19.5M
parameters, nearly all of them in the embedding and output matrices. Its weights are random and
depend on --seed alone, so two runs with one seed write the same safetensors. The tokenizer files
(tokenizer.json, tokenizer_config.json with Qwen3's chat template) are copied from --tokenizer, by
default the repository's data/tokenizers/qwen3, so AutoTokenizer and AutoModelForCausalLM both load
OUT_DIR offline. The script checks both before it exits.
"""
import argparse
import shutil
import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, Qwen3Config, Qwen3ForCausalLM

REPO = Path(__file__).resolve().parents[4]  # pipelines/src/test/python/tiny_qwen3.py -> the repository
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")

# Qwen3's special tokens (tokenizer_config.json): <|endoftext|> pads, <|im_end|> ends a turn.
ENDOFTEXT, IM_END = 151643, 151645


def tiny_config():
    return Qwen3Config(vocab_size=151936, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                       num_attention_heads=4, num_key_value_heads=2, head_dim=16, tie_word_embeddings=False,
                       bos_token_id=ENDOFTEXT, eos_token_id=IM_END, pad_token_id=ENDOFTEXT)


def tiny_model(seed=0):
    """The tiny Qwen3, in float32, with weights drawn from `seed` alone."""
    torch.manual_seed(seed)
    return Qwen3ForCausalLM(tiny_config()).float()


def write(out, tokenizer=None, seed=0):
    out = Path(out)
    tokenizer = Path(tokenizer) if tokenizer else REPO / "data" / "tokenizers" / "qwen3"
    missing = [name for name in TOKENIZER_FILES if not (tokenizer / name).is_file()]
    if missing:
        raise SystemExit(f"{tokenizer} lacks {', '.join(missing)} (./qed fetches Qwen3's tokenizer into "
                         f"data/tokenizers/qwen3 on its first run; or pass --tokenizer DIR)")
    out.mkdir(parents=True, exist_ok=True)
    tiny_model(seed).save_pretrained(out, safe_serialization=True)
    for name in TOKENIZER_FILES:
        shutil.copyfile(tokenizer / name, out / name)
    return out


def check(out):
    """Loads OUT_DIR back as the trainer will and renders a conversation with its chat template."""
    tok = AutoTokenizer.from_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(out)
    messages = [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}]
    text = tok.apply_chat_template(messages, tokenize=False)
    if "<|im_start|>assistant" not in text or not text.rstrip().endswith("<|im_end|>"):
        raise SystemExit(f"the chat template of {out} rendered an unexpected text: {text!r}")
    ids = tok(text, return_tensors="pt").input_ids
    with torch.no_grad():
        logits = model(input_ids=ids).logits
    if logits.shape != (1, ids.shape[1], model.config.vocab_size):
        raise SystemExit(f"unexpected logits shape {tuple(logits.shape)}")
    params = sum(p.numel() for p in model.parameters())
    return params, text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="folder to write (created if missing)")
    parser.add_argument("--tokenizer", help="folder with tokenizer.json and tokenizer_config.json "
                                            "(default: the repository's data/tokenizers/qwen3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights (default 0)")
    args = parser.parse_args()
    out = write(args.out, args.tokenizer, args.seed)
    params, text = check(out)
    print(f"wrote a tiny Qwen3 ({params:,} parameters, seed {args.seed}) to {out}; "
          f"AutoTokenizer loads it and its chat template renders {len(text)} characters", file=sys.stderr)


if __name__ == "__main__":
    main()
