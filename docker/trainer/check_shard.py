"""Checks what a rank was handed, with the standard library alone: the rendezvous variables and its
token files. `./qed demo` launches it on every rank to show the handoff without PyTorch.

Exits non-zero when a variable is missing, a file is malformed, or an example runs past its
sequence.
"""
import os
import sys

from qed_shards import rank_token_files

NEEDED = ["MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "RANK", "LOCAL_RANK", "NODE_RANK"]


def main():
    missing = [v for v in NEEDED if v not in os.environ]
    if missing:
        sys.exit(f"missing rendezvous variables: {missing}")
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    sequences = tokens = trained = examples = 0
    for f in rank_token_files():
        for i in range(f.sequences):
            ids, mask = f.sequence(i)
            trained += sum(mask)
        for start, length in zip(f.starts, f.lengths):
            if length < 1 or start // f.seq_len != (start + length - 1) // f.seq_len:
                sys.exit(f"{f.path}: an example at token {start} ({length} tokens) crosses a sequence boundary")
            tokens += length
        sequences += f.sequences
        examples += f.examples
    print(f"rank {rank}/{world} (master {os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}): "
          f"{sequences} sequences, {examples} examples, {tokens} tokens, {trained} trained")


if __name__ == "__main__":
    main()
