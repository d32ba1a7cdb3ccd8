"""Checks that packed examples cannot see each other in docker/trainer/train.py's forward pass.

  python3 check_packed_attention.py [--model DIR] [--attention sdpa,eager]

Two chat conversations, tokenized with the model's chat template, are packed into one sequence
(then padding) and run through train.py's own inputs (Batch: position_ids restarting per example)
and forward pass (forward_logits: the 4D block-diagonal causal mask, or flash-attention's varlen
path). The logits at every position of each example must equal, within --atol, those of the
example run alone. As a control, the same packed sequence with a plain causal mask (one segment)
must differ from it in the second example: this proves the comparison would see attention across
examples, so a mask that the model silently ignored could not pass.

Without --model it writes tiny_qwen3's model (random weights, Qwen3's tokenizer) to a temporary
folder. Exit status 0 when every check passes; 1 with a message otherwise.
"""
import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[3] / "docker" / "trainer"))
sys.path.insert(0, str(HERE))
import train  # noqa: E402  (docker/trainer/train.py)
import tiny_qwen3  # noqa: E402

CONVERSATIONS = [
    [{"role": "user", "content": "What is 12 times 11?"},
     {"role": "assistant", "content": "<think>\n12 * 11 = 120 + 12\n</think>\n\n132"}],
    [{"role": "system", "content": "Answer briefly."},
     {"role": "user", "content": "Is 91 prime?"},
     {"role": "assistant", "content": "No: 91 = 7 * 13."}],
]


def packed_sequence(examples, seq_len, pad_id):
    """One packed sequence as RankData.sequence() returns it: examples back to back, then padding."""
    starts, at = [], 0
    for ids in examples:
        starts.append(at)
        at += len(ids)
    if at > seq_len:
        raise ValueError(f"{at} tokens do not fit in {seq_len}")
    ids = torch.full((seq_len,), pad_id, dtype=torch.long)
    mask = torch.zeros(seq_len, dtype=torch.bool)
    for start, example in zip(starts, examples):
        ids[start:start + len(example)] = torch.tensor(example)
        mask[start:start + len(example)] = True  # every token trained: the check is about attention
    index = SimpleNamespace(seq_len=seq_len, starts=starts, lengths=[len(e) for e in examples], examples=len(examples))
    return (ids, mask) + train.sequence_layout(index, 0)


def logits(model, sequences, attention, flat, one_segment=False):
    batch = train.Batch(sequences, flat).to(model.device)
    if one_segment:  # the control: a plain causal mask over the whole row
        batch.segments = torch.ones_like(batch.segments)
    with torch.no_grad():
        return train.forward_logits(model, batch, attention).float()


def check(model, tokenizer, attention, atol):
    """Returns failure messages (none when the packed logits match the separate ones)."""
    examples = [tokenizer.apply_chat_template(c, tokenize=True, return_dict=False) for c in CONVERSATIONS]
    examples = [list(e["input_ids"]) if isinstance(e, dict) else list(e) for e in examples]
    lengths = [len(e) for e in examples]
    seq_len = sum(lengths) + 7  # a padding run at the end as well
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    flat = attention == "flash_attention_2"
    packed = packed_sequence(examples, seq_len, pad)
    reversed_ = packed_sequence(examples[::-1], seq_len, pad)
    alone = [packed_sequence([e], len(e), pad) for e in examples]
    failures, report = [], []

    def compare(what, got, want):
        diff = (got - want).abs().max().item()
        report.append(f"{attention}: {what}: max |difference| {diff:.2e} (logits up to {want.abs().max().item():.2f})")
        if not diff <= atol:
            failures.append(f"{attention}: {what} differ by {diff:.2e} > {atol:g}")

    separate = [logits(model, [s], attention, flat)[0] for s in alone]
    # One micro-batch of two packed sequences (the examples in both orders), as the trainer runs it.
    both = logits(model, [packed, reversed_], attention, flat).reshape(2, seq_len, -1)
    a, b = lengths
    compare("first example packed vs alone", both[0, :a], separate[0])
    compare("second example packed vs alone", both[0, a:a + b], separate[1])
    compare("second sequence, its first example vs alone", both[1, :b], separate[1])
    compare("second sequence, its second example vs alone", both[1, b:b + a], separate[0])
    if not flat:
        control = logits(model, [packed], attention, flat, one_segment=True)[0]
        leak = (control[a:a + b] - separate[1]).abs().max().item()
        report.append(f"{attention}: control, plain causal mask: second example differs by {leak:.2e}")
        if leak <= 100 * atol:
            failures.append(f"{attention}: the control did not change the second example's logits ({leak:.2e}): "
                            f"the model seems to ignore the 4D attention mask, so the check proves nothing")
        # Not a pass/fail: does this transformers build the packed mask from position_ids alone?
        row = train.Batch([packed], False).to(model.device)
        with torch.no_grad():
            implicit = model(input_ids=row.ids, position_ids=row.positions, use_cache=False).logits[0].float()
        diff = (implicit[a:a + b] - separate[1]).abs().max().item()
        report.append(f"{attention}: note: no mask, restarting position_ids only: second example differs by {diff:.2e} "
                      f"({'transformers builds the packed mask itself' if diff <= atol else 'no implicit packed mask'})")
    return failures, report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="a model folder with a tokenizer (default: tiny_qwen3's, written to a temporary folder)")
    parser.add_argument("--attention", help="comma-separated implementations (default: sdpa,eager and, on a GPU with "
                                            "flash_attn, flash_attention_2)")
    parser.add_argument("--atol", type=float, default=1e-5, help="largest allowed logit difference (default 1e-5, float32)")
    args = parser.parse_args()
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if args.attention:
        attentions = args.attention.split(",")
    else:
        attentions = ["sdpa", "eager"]
        if device.type == "cuda" and importlib.util.find_spec("flash_attn") is not None:
            attentions.append("flash_attention_2")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.model or str(tiny_qwen3.write(Path(tmp) / "tiny-qwen3"))
        tokenizer = AutoTokenizer.from_pretrained(folder)
        failures = []
        for attention in attentions:
            # flash-attention kernels need half precision; the others are checked in float32.
            dtype = torch.bfloat16 if attention == "flash_attention_2" else torch.float32
            model = train.load_model(folder, attention, dtype, device).eval()
            found, report = check(model, tokenizer, attention, args.atol if dtype == torch.float32 else max(args.atol, 2e-2))
            print("\n".join(report))
            failures += found
    if failures:
        print("FAILED: packed examples see each other or the check cannot tell:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print(f"ok: packed logits equal the separate examples' logits ({', '.join(attentions)}; transformers "
          f"{__import__('transformers').__version__}, torch {torch.__version__})")


if __name__ == "__main__":
    main()
