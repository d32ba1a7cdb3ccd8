"""Trainer entry point for the shards of `./qed shards`, launched on every rank by `./qed train`.

Joins the process group from the launcher's variables (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK;
NCCL on GPUs, gloo on CPUs), reads this rank's token files (QED_TOKEN_FILES) and trains with the
loss on assistant tokens only (loss_mask) and next-token targets that never cross from one packed
example into the next.

  --model tiny      a token-bigram model (embedding + output layer, no attention) that predicts the
                    next token's id modulo --buckets, for checking the handoff end to end on CPU:
                    the tests run it on 2 ranks with gloo.
  --model NAME      a Hugging Face causal LM (transformers), fed position_ids that restart per
                    example and a block-diagonal causal attention mask built from the example
                    boundaries, so no token attends to another example.

After each step the gradients are all-reduced (averaged) across ranks; with --check-allreduce every
rank also compares a checksum of the averaged gradients with the others'.
"""
import argparse
import os

import torch
import torch.distributed as dist

from qed_shards import rank_token_files


def batches(files, device):
    for f in files:
        example = 0  # examples are stored in sequence order: walk them with one pointer
        for i in range(f.sequences):
            ids, mask = f.sequence(i)
            ids = torch.tensor(ids.tolist(), dtype=torch.long, device=device)
            mask = torch.tensor(mask.tolist(), dtype=torch.bool, device=device)
            start, end = i * f.seq_len, (i + 1) * f.seq_len
            positions = torch.zeros_like(ids)
            segments = torch.zeros_like(ids)  # 1, 2, ... per example; 0 is padding
            same_example = torch.zeros_like(mask)  # token t and t+1 belong to the same example
            segment = 0
            while example < f.examples and f.starts[example] < end:
                a, n = f.starts[example] - start, f.lengths[example]
                segment += 1
                positions[a:a + n] = torch.arange(n, device=device)
                segments[a:a + n] = segment
                same_example[a:a + n - 1] = True
                example += 1
            yield ids, mask, positions, segments, same_example


def block_causal_mask(segments, dtype):
    """A 4D additive attention mask: causal, and only within one packed example (padding sees itself alone, so no row is empty)."""
    same = (segments[:, None] == segments[None, :]) & (segments[:, None] > 0)
    allowed = (same & torch.ones_like(same).tril()) | torch.eye(len(segments), dtype=torch.bool, device=segments.device)
    mask = torch.zeros(allowed.shape, dtype=dtype, device=segments.device)
    mask.masked_fill_(~allowed, torch.finfo(dtype).min)
    return mask[None, None]


def tiny_model(vocab, buckets):
    return torch.nn.Sequential(torch.nn.Embedding(vocab, 16), torch.nn.Linear(16, buckets))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="tiny")
    parser.add_argument("--vocab", type=int, default=151936, help="vocabulary of the tiny model (Qwen3's)")
    parser.add_argument("--buckets", type=int, default=1024, help="outputs of the tiny model: it predicts the token id modulo this")
    parser.add_argument("--steps", type=int, default=1)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--check-allreduce", action="store_true")
    args = parser.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo", init_method="env://")
    rank, world = dist.get_rank(), dist.get_world_size()
    # ./qed train gives each rank its own GPUs (CUDA_VISIBLE_DEVICES) and LOCAL_RANK 0.
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if cuda else "cpu")
    torch.manual_seed(0)  # every rank starts from the same weights
    if args.model == "tiny":
        model = tiny_model(args.vocab, args.buckets).to(device)
    else:
        from transformers import AutoModelForCausalLM
        model = AutoModelForCausalLM.from_pretrained(args.model, torch_dtype=torch.bfloat16, attn_implementation="sdpa").to(device)
        model.config.use_cache = False
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)

    data = batches(rank_token_files(), device)
    for step in range(args.steps):
        batch = next(data, None)
        if batch is None:  # this rank's shard is used up: it still takes part in the all-reduce, with zero gradients
            print(f"step {step}: no sequence left in this rank's shards", flush=True)
            ids = torch.zeros(2, dtype=torch.long, device=device)
            mask = same_example = torch.zeros(2, dtype=torch.bool, device=device)
            positions = segments = torch.zeros_like(ids)
        else:
            ids, mask, positions, segments, same_example = batch
        targets_ok = mask[1:] & same_example[:-1]  # predict token t+1 from t within one example, on assistant tokens
        if args.model == "tiny":
            logits, targets = model(ids[:-1]), ids[1:] % args.buckets
        else:
            attention = block_causal_mask(segments[:-1], torch.bfloat16)
            logits = model(input_ids=ids[None, :-1], position_ids=positions[None, :-1], attention_mask=attention, use_cache=False).logits[0]
            targets = ids[1:]
        losses = torch.nn.functional.cross_entropy(logits.float(), targets, reduction="none")
        loss = (losses * targets_ok).sum() / targets_ok.sum().clamp(min=1)
        optimizer.zero_grad()
        loss.backward()
        for p in model.parameters():
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad /= world
        checksum = torch.stack([p.grad.double().abs().sum() for p in model.parameters()]).sum()
        optimizer.step()
        print(f"step {step}: loss {loss.item():.4f} on {int(targets_ok.sum())} trained tokens, "
              f"averaged gradient checksum {checksum.item():.10e}", flush=True)
        if args.check_allreduce:
            sums = [torch.zeros_like(checksum) for _ in range(world)]
            dist.all_gather(sums, checksum)
            if any(not torch.isclose(s, checksum, rtol=1e-9) for s in sums):
                raise SystemExit(f"rank {rank}: averaged gradients differ between ranks: {[s.item() for s in sums]}")
            print(f"all-reduced gradients agree across {world} ranks", flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
