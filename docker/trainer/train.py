"""Supervised fine-tuning on the token files of `./qed shards --mmap-files`, launched on every rank by `./qed train`.

Every rank runs this same command. It joins one process group from the launcher's variables (NCCL
on GPUs, gloo on CPUs), reads its own token files and trains a Hugging Face causal LM with
DistributedDataParallel (or FullyShardedDataParallel with --fsdp):

  - packed examples never see each other: position_ids restart at each example, and attention is
    block-diagonal causal: flash-attention-2's variable-length path (position_ids only) when
    flash_attn is installed on a GPU, otherwise sdpa or eager with a 4D block-diagonal mask;
  - the loss covers the tokens whose loss_mask is 1 (the assistant turns) and whose input token is
    in the same example (no prediction across an example boundary), averaged over every trained
    token of the optimizer step, all micro-batches and all ranks together;
  - AdamW, linear warm-up then cosine decay, gradient accumulation and clipping; bf16 autocast on
    GPUs (fp32 master weights), fp32 on CPUs;
  - checkpoints in OUT/checkpoints/step-NNNNNNNN (safetensors weights, optimizer, scheduler, RNG,
    state.json), resumed from by default; the final model in OUT/model (save_pretrained, with the
    tokenizer); one JSON object per line on rank 0's stdout and in OUT/train-log.jsonl.

Environment (set by ./qed train; without RANK the script runs alone as rank 0 of 1):
  MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK   the rendezvous (torchrun's names)
  QED_TOKEN_FILES   this rank's token files, comma separated (written by ./qed shards --mmap-files)
  QED_SEQ_LEN       their sequence length (checked against the files when set)
  QED_TRAIN_DIR     the launch's output folder, the default of --out
  QED_SHARDS        this rank's Parquet shards: not read here
"""
import argparse
import bisect
import contextlib
import functools
import importlib.util
import json
import math
import os
import random
import re
import shutil
import socket
import sys
import time
import traceback
from datetime import datetime, timezone

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

from qed_shards import rank_token_files

CHECKPOINT = re.compile(r"^step-(\d{8})$")
# The additive mask value for a blocked query/key pair: bfloat16's lowest finite number, exact in
# float32 too, so the mask means the same whether attention runs in float32 or under bf16 autocast.
BLOCKED = torch.finfo(torch.bfloat16).min


class TrainError(Exception):
    """A failure with a message that says it all: printed without a traceback."""


# ---------------------------------------------------------------------------------------- data

def sequence_layout(f, i):
    """(positions, segments, in_example) of sequence i of token file f, as int64/bool tensors of seq_len.

    Segments number the spans of the sequence 1, 2, ...: each packed example is one span, and so is
    each run of padding between or after them, so every token attends at least to itself and
    position_ids restart at 0 at every span (which is also how flash-attention's varlen path finds
    the boundaries). in_example is False on padding."""
    n = f.seq_len
    start, end = i * n, (i + 1) * n
    spans, at = [], 0
    k = bisect.bisect_left(f.starts, start)  # examples are stored in token order
    while k < f.examples and f.starts[k] < end:
        a = f.starts[k] - start
        length = min(f.lengths[k], n - a)
        if a > at:
            spans.append((at, a - at, False))
        spans.append((a, length, True))
        at = a + length
        k += 1
    if at < n:
        spans.append((at, n - at, False))
    positions = torch.empty(n, dtype=torch.long)
    segments = torch.empty(n, dtype=torch.long)
    in_example = torch.empty(n, dtype=torch.bool)
    for segment, (a, length, real) in enumerate(spans, 1):
        positions[a:a + length] = torch.arange(length)
        segments[a:a + length] = segment
        in_example[a:a + length] = real
    return positions, segments, in_example


class RankData:
    """This rank's packed sequences over all its token files, addressed 0 .. len-1."""

    def __init__(self, files):
        self.files = files
        lengths = {f.seq_len for f in files}
        if len(lengths) != 1:
            raise TrainError(f"token files of one rank have different sequence lengths: {sorted(lengths)}")
        self.seq_len = lengths.pop()
        self.index = [(k, i) for k, f in enumerate(files) for i in range(f.sequences)]
        self.examples = sum(f.examples for f in files)

    def __len__(self):
        return len(self.index)

    def sequence(self, j):
        """(input_ids, loss_mask, positions, segments, in_example) of sequence j, on the CPU."""
        f = self.files[self.index[j][0]]
        i = self.index[j][1]
        ids, mask = f.sequence(i)
        ids = torch.from_numpy(np.frombuffer(ids, dtype="<u4").astype(np.int64))
        mask = torch.from_numpy(np.frombuffer(mask, dtype=np.uint8) != 0)
        return (ids, mask) + sequence_layout(f, i)


class Batch:
    """A micro-batch of packed sequences as model inputs and next-token targets.

    flat=False: one row per sequence (for a 4D attention mask). flat=True: all sequences in one row,
    as flash-attention's varlen path needs (it reads the example boundaries from position_ids and
    accepts only batch size 1). `weights[r, t]` is 1 where the token after t is trained: its
    loss_mask is 1 and it belongs to the same example as t."""

    def __init__(self, sequences, flat):
        ids, mask, positions, segments, in_example = (torch.stack(x) for x in zip(*sequences))
        weights = torch.zeros_like(mask)
        weights[:, :-1] = mask[:, 1:] & (segments[:, :-1] == segments[:, 1:]) & in_example[:, 1:]
        targets = torch.zeros_like(ids)
        targets[:, :-1] = ids[:, 1:]
        if flat:
            # Segment numbers must stay distinct across the concatenated sequences.
            segments = segments + segments.amax(1, keepdim=True).cumsum(0) - segments.amax(1, keepdim=True)
            ids, positions, segments, targets, weights = (x.reshape(1, -1) for x in (ids, positions, segments, targets, weights))
        self.ids, self.positions, self.segments, self.targets, self.weights = ids, positions, segments, targets, weights
        self.tokens = int(in_example.sum())
        self.trained = int(weights.sum())

    def to(self, device):
        for name in ("ids", "positions", "segments", "targets", "weights"):
            setattr(self, name, getattr(self, name).to(device, non_blocking=True))
        return self


def block_causal_mask(segments, dtype=torch.float32):
    """A 4D additive mask [rows, 1, T, T]: token q sees key k when k <= q and both are in one segment."""
    t = segments.shape[-1]
    causal = torch.ones(t, t, dtype=torch.bool, device=segments.device).tril()
    allowed = (segments[:, :, None] == segments[:, None, :]) & causal
    mask = torch.zeros(allowed.shape, dtype=dtype, device=segments.device)
    mask.masked_fill_(~allowed, BLOCKED)
    return mask[:, None]


def forward_logits(model, batch, attention, keep=0, mask_dtype=torch.float32):
    """The model's logits [rows, K, vocab] at positions `keep` (0: all) of a packed batch."""
    if attention == "flash_attention_2":
        # transformers' varlen path: batch size 1, no attention_mask, boundaries where position_ids restart.
        return model(input_ids=batch.ids, position_ids=batch.positions, logits_to_keep=keep, use_cache=False).logits
    mask = block_causal_mask(batch.segments, mask_dtype)
    return model(input_ids=batch.ids, position_ids=batch.positions, attention_mask=mask,
                 logits_to_keep=keep, use_cache=False).logits


def micro_batches_for_step(step, steps_per_epoch, size, grad_accum, micro_batch, seed):
    """The sequence indices of each micro-batch of optimizer step `step` (0-based): a pure function
    of the step, so a resumed run reads exactly what the uninterrupted run would have."""
    epoch, within = divmod(step, steps_per_epoch)
    order = torch.randperm(size, generator=torch.Generator().manual_seed(seed * 1_000_003 + epoch)).tolist()
    first = within * grad_accum
    return [order[m * micro_batch:(m + 1) * micro_batch] for m in range(first, first + grad_accum)]


# ------------------------------------------------------------------------------------ schedule

def lr_factor(step, warmup, total, min_ratio):
    """Linear warm-up over `warmup` steps (the first step already has lr/warmup), then cosine to min_ratio."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def warmup_steps(args, total):
    if args.warmup_steps is not None:
        return args.warmup_steps
    return math.ceil(args.warmup_ratio * total)


# --------------------------------------------------------------------------------------- model

def transformers_dtype_kwarg():
    """from_pretrained's dtype argument: `dtype` since transformers 4.56, `torch_dtype` before."""
    import transformers
    major, minor = (int(x) for x in transformers.__version__.split(".")[:2])
    return "dtype" if (major, minor) >= (4, 56) else "torch_dtype"


def choose_attention(requested, device):
    if requested == "auto":
        if device.type == "cuda" and importlib.util.find_spec("flash_attn") is not None:
            return "flash_attention_2"
        return "sdpa"
    if requested == "flash_attention_2" and device.type != "cuda":
        raise TrainError("--attention flash_attention_2 needs a GPU; use sdpa or eager on CPUs")
    return requested


def load_model(source, attention, dtype, device=None):
    """AutoModelForCausalLM from a local folder or hub id, in train mode, without a KV cache."""
    from transformers import AutoModelForCausalLM
    if str(source).startswith(("/", "./", "../", "~")) and not os.path.isdir(os.path.expanduser(source)):
        raise TrainError(f"--model {source}: no such folder")
    kwargs = {transformers_dtype_kwarg(): dtype, "attn_implementation": attention}
    model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
    model.config.use_cache = False
    if device is not None:
        model.to(device)
    return model


def decoder_layer_classes(model):
    """The classes FSDP wraps one by one: the model's _no_split_modules (its decoder layers)."""
    names = set(getattr(model, "_no_split_modules", None) or [])
    classes = {type(m) for m in model.modules() if type(m).__name__ in names}
    if not classes:
        raise TrainError(f"--fsdp: {type(model).__name__} names no decoder layer class (_no_split_modules) to wrap")
    return classes


def original_dtype(source):
    """The dtype the model's config.json declares (what OUT/model is saved in), or None."""
    from transformers import AutoConfig
    config = AutoConfig.from_pretrained(source)
    value = getattr(config, "dtype", None) or getattr(config, "torch_dtype", None)
    if isinstance(value, str):
        value = getattr(torch, value, None)
    return value if isinstance(value, torch.dtype) else None


# -------------------------------------------------------------------------------- distributed

def join_process_group(device_type):
    if "RANK" not in os.environ:  # run alone: a group of one on a free local port
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), WORLD_SIZE="1", RANK="0")
    if device_type == "cuda":
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
        dist.init_process_group("nccl", init_method="env://", device_id=torch.device("cuda", torch.cuda.current_device()))
    else:
        dist.init_process_group("gloo", init_method="env://")


def agree(ok, message):
    """Fails on every rank at once when any rank is not ok, with the first failing rank's message
    (so no rank is left waiting in a collective for one that gave up)."""
    verdicts = gather(None if ok else message)
    failed = [(rank, verdict) for rank, verdict in enumerate(verdicts) if verdict is not None]
    if failed:
        rank, verdict = failed[0]
        if len(failed) == len(verdicts) and len({v for _, v in failed}) == 1:
            raise TrainError(verdict)  # every rank says the same
        raise TrainError(f"rank {rank}: {verdict}")


def gather(value):
    values = [None] * dist.get_world_size()
    dist.all_gather_object(values, value)
    return values


def broadcast(value):
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


# -------------------------------------------------------------------------------------- output

def output_folder(args):
    out = args.out or os.environ.get("QED_TRAIN_DIR")
    if not out:
        raise TrainError("no output folder: pass --out DIR or set QED_TRAIN_DIR (./qed train sets it)")
    if out.startswith("file://"):
        out = out[len("file://"):]
    elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", out):
        raise TrainError(f"--out {out} is a URI: the trainer writes with plain file operations and needs a local "
                         f"or shared-mount path (mount the store, or copy OUT there after training)")
    return os.path.abspath(out)


class Log:
    """Rank 0's JSON lines: stdout (one object per line, nothing else there) and OUT/train-log.jsonl."""

    def __init__(self, out, enabled, report_to, run_name, config):
        self.enabled, self.path, self.report_to = enabled, os.path.join(out, "train-log.jsonl"), report_to
        self.tracker = None
        if enabled and report_to == "wandb":
            import wandb
            self.tracker = wandb
            wandb.init(project=os.environ.get("WANDB_PROJECT", "qed-spark"), name=run_name, config=config)
        elif enabled and report_to == "mlflow":
            import mlflow
            self.tracker = mlflow
            mlflow.start_run(run_name=run_name)
            mlflow.log_params({k: str(v)[:500] for k, v in config.items()})

    def line(self, record):
        if not self.enabled:
            return
        text = json.dumps(record, separators=(",", ":"))
        print(text, flush=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(text + "\n")
        if self.tracker is not None and record.get("event") == "step":
            metrics = {k: v for k, v in record.items() if k != "event" and k != "step" and isinstance(v, (int, float))}
            if self.report_to == "wandb":
                self.tracker.log(metrics, step=record["step"])
            else:
                self.tracker.log_metrics(metrics, step=record["step"])

    def close(self):
        if self.tracker is not None:
            self.tracker.finish() if self.report_to == "wandb" else self.tracker.end_run()


def fsync_tree(folder):
    for root, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(root, name), "rb") as f:
                os.fsync(f.fileno())


def publish(tmp, final):
    """Renames a fully written folder into place, so a folder under its final name is always complete."""
    fsync_tree(tmp)
    if os.path.exists(final):
        shutil.rmtree(final)
    os.rename(tmp, final)


def complete_checkpoints(out):
    folder = os.path.join(out, "checkpoints")
    if not os.path.isdir(folder):
        return []
    found = []
    for name in os.listdir(folder):
        m = CHECKPOINT.match(name)
        if m and os.path.isfile(os.path.join(folder, name, "state.json")):
            found.append((int(m.group(1)), os.path.join(folder, name)))
    return sorted(found)


# ------------------------------------------------------------------------------------- trainer

class Trainer:
    def __init__(self, args):
        self.args = args
        self.started = time.time()
        self.device = torch.device("cuda", torch.cuda.current_device()) if torch.cuda.is_available() else torch.device("cpu")
        self.rank, self.world = dist.get_rank(), dist.get_world_size()
        self.cuda = self.device.type == "cuda"
        if args.bf16_weights and not self.cuda:
            raise TrainError("--bf16-weights is for GPUs; on CPUs the trainer runs in float32")
        self.weights_dtype = torch.bfloat16 if args.bf16_weights else torch.float32
        self.autocast = self.cuda and not args.bf16_weights  # bf16 compute over fp32 master weights
        self.attention = choose_attention(args.attention, self.device)
        self.out = output_folder(args)

    # -- setup -------------------------------------------------------------------------------

    def read_data(self):
        data, error = None, None
        try:
            data = RankData(rank_token_files())
            expected = os.environ.get("QED_SEQ_LEN")
            if expected and int(expected) != data.seq_len:
                error = f"QED_SEQ_LEN is {expected} but the token files hold sequences of {data.seq_len}"
        except (OSError, ValueError, TrainError, SystemExit) as e:  # unreadable or foreign files, none given
            error = str(e)
        agree(error is None, error)  # every rank stops, naming the one whose files are wrong
        self.data = data
        args = self.args
        local = math.ceil(len(data) / args.micro_batch)
        self.sequences = gather(len(data))
        self.examples = gather(data.examples)
        self.seq_lens = gather(data.seq_len)
        agree(len(set(self.seq_lens)) == 1, f"ranks hold different sequence lengths: {self.seq_lens}")
        # Every rank takes the same number of optimizer steps: as many as the smallest shard allows.
        available = torch.tensor(local, device=self.device)  # NCCL reduces GPU tensors only
        dist.all_reduce(available, op=dist.ReduceOp.MIN)
        self.micro_batches_per_epoch = int(available)
        self.steps_per_epoch = self.micro_batches_per_epoch // args.grad_accum
        agree(self.steps_per_epoch > 0,
              f"the smallest shard has {min(self.sequences)} sequences, {self.micro_batches_per_epoch} micro-batches of "
              f"{args.micro_batch}: too few for one optimizer step of --grad-accum {args.grad_accum}")
        self.total_steps = args.steps if args.steps is not None else args.epochs * self.steps_per_epoch
        self.warmup = warmup_steps(args, self.total_steps)

    def build(self, weights_from):
        args = self.args
        self.model_dtype = original_dtype(args.model) if self.rank == 0 else None
        model = load_model(weights_from, self.attention, self.weights_dtype)
        if args.gradient_checkpointing:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.train()
        self.unwrapped = model
        # No weight decay on norms and biases (1-D). Decided before wrapping: FSDP keeps the parameter
        # objects but turns them into flat 1-D shards.
        decayed = {id(p) for p in model.parameters() if p.ndim >= 2}
        if args.fsdp:
            from torch.distributed.fsdp import FullyShardedDataParallel as FSDP, MixedPrecision
            from torch.distributed.fsdp.wrap import transformer_auto_wrap_policy
            policy = functools.partial(transformer_auto_wrap_policy, transformer_layer_cls=decoder_layer_classes(model))
            mixed = MixedPrecision(param_dtype=torch.bfloat16, reduce_dtype=torch.float32) if self.autocast else None
            self.model = FSDP(model, auto_wrap_policy=policy, device_id=self.device, use_orig_params=True,
                              mixed_precision=mixed, limit_all_gathers=True)
        else:
            from torch.nn.parallel import DistributedDataParallel as DDP
            model.to(self.device)
            self.model = DDP(model, device_ids=[self.device.index] if self.cuda else None)
        params = [p for p in self.model.parameters() if p.requires_grad]
        groups = [{"params": [p for p in params if id(p) in decayed], "weight_decay": args.weight_decay},
                  {"params": [p for p in params if id(p) not in decayed], "weight_decay": 0.0}]
        groups = [g for g in groups if g["params"]]  # torch's optimizer state dicts mishandle empty groups
        self.optimizer = torch.optim.AdamW(groups, lr=args.lr, betas=(args.adam_beta1, args.adam_beta2))
        factor = functools.partial(lr_factor, warmup=self.warmup, total=self.total_steps, min_ratio=args.min_lr_ratio)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, factor)

    # -- checkpoints -------------------------------------------------------------------------

    def data_order(self):
        """What fixes which sequences each step reads: a checkpoint from other values cannot be continued."""
        a = self.args
        return {"world_size": self.world, "micro_batch": a.micro_batch, "grad_accum": a.grad_accum, "seed": a.seed,
                "seq_len": self.data.seq_len, "sequences_per_rank": self.sequences, "examples_per_rank": self.examples}

    def schedule(self):
        a = self.args
        return {"total_steps": self.total_steps, "lr": a.lr, "min_lr_ratio": a.min_lr_ratio, "warmup_steps": self.warmup,
                "weight_decay": a.weight_decay, "adam_betas": [a.adam_beta1, a.adam_beta2]}

    def full_state(self):
        """Full (unsharded) model and optimizer state dicts; on GPUs gathered to rank 0's CPU memory only.
        (On CPUs, cpu_offload=True crashes torch 2.13's gloo FSDP gather, and is not needed there.)"""
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict, get_optimizer_state_dict
        options = StateDictOptions(full_state_dict=True, cpu_offload=self.cuda)
        return get_model_state_dict(self.model, options=options), get_optimizer_state_dict(self.model, self.optimizer, options=options)

    def save_weights(self, folder, state_dict, dtype=None):
        if dtype is not None:
            state_dict = {k: v.to(dtype) if v.is_floating_point() else v for k, v in state_dict.items()}
        self.unwrapped.save_pretrained(folder, state_dict=state_dict, safe_serialization=True)

    def save_checkpoint(self, step, tokens_seen, trained_seen):
        began = time.time()
        weights, optimizer = self.full_state()
        rng = gather({"python": random.getstate(), "torch": torch.get_rng_state(),
                      "cuda": torch.cuda.get_rng_state() if self.cuda else None})
        folder = os.path.join(self.out, "checkpoints")
        final = os.path.join(folder, f"step-{step:08d}")
        if self.rank == 0:
            tmp = os.path.join(folder, f".step-{step:08d}.tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            os.makedirs(tmp)
            self.save_weights(tmp, weights)
            torch.save(optimizer, os.path.join(tmp, "optimizer.pt"))
            torch.save(self.scheduler.state_dict(), os.path.join(tmp, "scheduler.pt"))
            torch.save(rng, os.path.join(tmp, "rng.pt"))
            epoch, within = divmod(step, self.steps_per_epoch)
            state = {"step": step, "epoch": epoch, "step_in_epoch": within,
                     "next_micro_batch_in_epoch": within * self.args.grad_accum,
                     "next_sequence_in_epoch": within * self.args.grad_accum * self.args.micro_batch,
                     "steps_per_epoch": self.steps_per_epoch, "tokens_seen": tokens_seen, "trained_tokens_seen": trained_seen,
                     "data_order": self.data_order(), "schedule": self.schedule(), "args": vars(self.args),
                     "saved": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            with open(os.path.join(tmp, "state.json"), "w", encoding="utf-8") as f:
                json.dump(state, f, indent=1)  # last: a folder with state.json holds everything
            publish(tmp, final)
            for _, old in complete_checkpoints(self.out)[:-self.args.keep_checkpoints]:
                shutil.rmtree(old, ignore_errors=True)
            self.log.line({"event": "checkpoint", "step": step, "path": final, "seconds": round(time.time() - began, 2)})
        dist.barrier()

    def find_resume_point(self):
        """Rank 0 picks the latest complete checkpoint; every rank checks it can read it and that it fits."""
        found = complete_checkpoints(self.out) if self.rank == 0 else None
        if self.args.resume == "never":
            # Starting over beside an earlier run's checkpoints would mix the two (and prune the new ones).
            agree(not broadcast(found), f"{self.out}/checkpoints holds an earlier run's checkpoints: with --resume never, "
                                        "move them away (or choose another --out) to start over")
            return None, None
        path = broadcast(found[-1][1] if found else None)
        if path is None:
            return None, None
        agree(os.path.isfile(os.path.join(path, "state.json")),
              f"cannot see {path}, which rank 0 resumes from: OUT must be one shared folder for all ranks to resume")
        with open(os.path.join(path, "state.json"), encoding="utf-8") as f:
            state = json.load(f)
        for what, now, hint in (("data order", self.data_order(), "they decide which sequences each step reads"),
                                ("schedule", self.schedule(), "they shape the learning rate of the remaining steps")):
            then = state[what.replace(" ", "_")]
            changed = {k: {"checkpoint": then.get(k), "now": v} for k, v in now.items() if then.get(k) != v}
            agree(not changed, f"{path} cannot be continued: its {what} differs from this run's ({hint}): "
                               f"{json.dumps(changed)}; rerun with the checkpoint's settings, or pass --resume never "
                               f"or another --out to start over")
        return path, state

    def restore(self, path):
        from torch.distributed.checkpoint.state_dict import StateDictOptions, set_optimizer_state_dict
        # Weights: every rank built the model from the checkpoint folder (see run). Optimizer: rank 0
        # reads it and torch broadcasts (and for FSDP shards) it to the others.
        optimizer = torch.load(os.path.join(path, "optimizer.pt"), map_location="cpu") if self.rank == 0 else {}
        set_optimizer_state_dict(self.model, self.optimizer, optimizer,
                                 options=StateDictOptions(full_state_dict=True, broadcast_from_rank0=True))
        self.scheduler.load_state_dict(torch.load(os.path.join(path, "scheduler.pt")))
        rng = broadcast(torch.load(os.path.join(path, "rng.pt")) if self.rank == 0 else None)[self.rank]
        random.setstate(rng["python"])
        torch.set_rng_state(rng["torch"])
        if self.cuda and rng["cuda"] is not None:
            torch.cuda.set_rng_state(rng["cuda"])

    def save_model(self, tokenizer, reason):
        """OUT/model: the final weights in the model's own dtype, its config and the tokenizer."""
        weights, _ = self.full_state()
        final = os.path.join(self.out, "model")
        if self.rank == 0:
            tmp = os.path.join(self.out, ".model.tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            dtype = self.model_dtype if self.model_dtype in (torch.float32, torch.bfloat16, torch.float16) else None
            if dtype is not None:
                setattr(self.unwrapped.config, transformers_dtype_kwarg(), dtype)  # config.json says what the files hold
            self.save_weights(tmp, weights, dtype)
            if tokenizer is not None:
                tokenizer.save_pretrained(tmp)
            publish(tmp, final)
            self.log.line({"event": "model", "path": final, "dtype": str(dtype or self.weights_dtype).replace("torch.", ""),
                           "tokenizer": tokenizer is not None, **({} if tokenizer is not None else {"tokenizer_note": reason})})
        dist.barrier()

    def load_tokenizer(self):
        """The tokenizer saved with OUT/model, loaded by rank 0 before training: --tokenizer (which must
        load), else --model's when it has one. Returns (tokenizer or None, why none)."""
        from transformers import AutoTokenizer
        tokenizer, note, error = None, None, None
        if self.rank == 0:
            try:
                tokenizer = AutoTokenizer.from_pretrained(self.args.tokenizer or self.args.model)
            except Exception as e:
                if self.args.tokenizer:
                    error = f"--tokenizer {self.args.tokenizer} does not load: {type(e).__name__}: {e}"
                else:  # a weights-only folder: the model is still saved, without a tokenizer
                    note = f"no tokenizer loads from --model ({type(e).__name__}); pass --tokenizer DIR"
        agree(error is None, error)
        return tokenizer, note

    # -- training ----------------------------------------------------------------------------

    def train_step(self, step):
        """One optimizer step over grad_accum micro-batches; returns this step's global metrics."""
        args = self.args
        flat = self.attention == "flash_attention_2"
        batches = [Batch([self.data.sequence(j) for j in seqs], flat)
                   for seqs in micro_batches_for_step(step, self.steps_per_epoch, len(self.data), args.grad_accum,
                                                      args.micro_batch, args.seed)]
        counts = torch.tensor([sum(b.trained for b in batches), sum(b.tokens for b in batches)], dtype=torch.float64,
                              device=self.device)
        dist.all_reduce(counts)
        trained, tokens = counts.tolist()
        # Each rank's backward of sum(loss) * world / trained: DDP and FSDP average gradients over the
        # ranks, which makes the gradient that of the mean loss over every trained token of the step.
        scale = self.world / max(trained, 1.0)
        loss_sum = torch.zeros((), dtype=torch.float64, device=self.device)
        self.optimizer.zero_grad(set_to_none=True)
        for m, batch in enumerate(batches):
            batch.to(self.device)
            keep = batch.weights.any(0).nonzero().squeeze(1)
            if keep.numel() == 0:  # nothing trained here: still take part in the gradient reduction
                keep = torch.zeros(1, dtype=torch.long, device=self.device)
            last = m == len(batches) - 1
            sync = self.model.no_sync() if (not last and not args.fsdp) else contextlib.nullcontext()
            with sync, torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.autocast):
                logits = forward_logits(self.model, batch, self.attention, keep, self.weights_dtype)
                targets, weights = batch.targets[:, keep].reshape(-1), batch.weights[:, keep].reshape(-1).float()
                losses = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), targets, reduction="none")
                summed = (losses * weights).sum()
                (summed * scale).backward()
            loss_sum += summed.detach().double()
            del logits, losses
        max_norm = args.max_grad_norm if args.max_grad_norm > 0 else float("inf")
        if args.fsdp:
            grad_norm = self.model.clip_grad_norm_(max_norm)
        else:
            grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), max_norm)
        lr = self.scheduler.get_last_lr()[0]
        self.optimizer.step()
        self.scheduler.step()
        dist.all_reduce(loss_sum)
        loss = loss_sum.item() / max(trained, 1.0)
        grad_norm = float(grad_norm)
        agree(math.isfinite(loss) and math.isfinite(grad_norm),
              f"step {step + 1}: loss {loss} or gradient norm {grad_norm} is not finite (lower --lr?)")
        return {"loss": loss, "lr": lr, "grad_norm": grad_norm, "tokens": int(tokens), "trained_tokens": int(trained)}

    def run(self):
        args = self.args
        self.read_data()
        if self.rank == 0:
            os.makedirs(os.path.join(self.out, "checkpoints"), exist_ok=True)
            for name in os.listdir(os.path.join(self.out, "checkpoints")):
                if name.startswith(".step-") and name.endswith(".tmp"):
                    shutil.rmtree(os.path.join(self.out, "checkpoints", name), ignore_errors=True)  # a killed save
        dist.barrier()
        resume, state = self.find_resume_point()
        tokenizer, tokenizer_note = self.load_tokenizer()
        self.build(resume or args.model)
        self.log = Log(self.out, self.rank == 0, args.report_to, args.run_name or os.path.basename(self.out), vars(args))
        step, tokens_seen, trained_seen = 0, 0, 0
        if resume:
            self.restore(resume)
            step, tokens_seen, trained_seen = state["step"], state["tokens_seen"], state["trained_tokens_seen"]
        self.log.line({"event": "start", "model": args.model, "ranks": self.world, "device": self.device_name(),
                       "dtype": "bf16 autocast, fp32 weights" if self.autocast else str(self.weights_dtype).replace("torch.", ""),
                       "attention": self.attention, "parallel": "fsdp" if args.fsdp else "ddp",
                       "steps": self.total_steps, "steps_per_epoch": self.steps_per_epoch, "warmup_steps": self.warmup,
                       "micro_batch": args.micro_batch, "grad_accum": args.grad_accum, "seq_len": self.data.seq_len,
                       "sequences_per_rank": self.sequences, "resume_from": resume, "resume_step": step, "out": self.out})
        began = time.time()
        while step < self.total_steps:
            t0 = time.time()
            metrics = self.train_step(step)
            step += 1
            seconds = time.time() - t0
            tokens_seen += metrics["tokens"]
            trained_seen += metrics["trained_tokens"]
            self.log.line({"event": "step", "step": step, "epoch": round(step / self.steps_per_epoch, 4), **metrics,
                           "tokens_seen": tokens_seen, "tokens_per_second": round(metrics["tokens"] / seconds, 1),
                           "step_seconds": round(seconds, 3), "elapsed": round(time.time() - self.started, 2)})
            if step == self.total_steps or (args.save_every > 0 and step % args.save_every == 0):
                self.save_checkpoint(step, tokens_seen, trained_seen)
        # A finished run relaunched has nothing left to do (rank 0 looks: OUT may be its own disk).
        finished = resume and state["step"] >= self.total_steps and broadcast(os.path.isdir(os.path.join(self.out, "model")))
        if not finished:
            self.save_model(tokenizer, tokenizer_note)
        self.log.line({"event": "end", "step": step, "tokens_seen": tokens_seen, "trained_tokens_seen": trained_seen,
                       "train_seconds": round(time.time() - began, 2), "elapsed": round(time.time() - self.started, 2),
                       "model": os.path.join(self.out, "model")})
        self.log.close()

    def device_name(self):
        if self.cuda:
            return f"{torch.cuda.get_device_name(self.device)} x{self.world}"
        return f"cpu x{self.world} ({torch.get_num_threads()} threads per rank)"


# ---------------------------------------------------------------------------------------- main

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_argument_group("model")
    g.add_argument("--model", required=True, help="a local folder or hub id for AutoModelForCausalLM.from_pretrained")
    g.add_argument("--tokenizer", help="tokenizer folder saved with OUT/model (default: --model's, when it has one)")
    g.add_argument("--attention", choices=["auto", "flash_attention_2", "sdpa", "eager"], default="auto",
                   help="auto: flash_attention_2 on GPUs with flash_attn installed, else sdpa (default auto)")
    g.add_argument("--bf16-weights", action="store_true",
                   help="GPUs: load and update the weights in bf16 (default: fp32 weights under bf16 autocast)")
    g.add_argument("--fsdp", action="store_true",
                   help="FullyShardedDataParallel, one unit per decoder layer (default: DistributedDataParallel)")
    g.add_argument("--gradient-checkpointing", action="store_true", help="recompute activations in backward")
    g = p.add_argument_group("optimization")
    g.add_argument("--lr", type=float, default=1e-5, help="peak learning rate of AdamW (default 1e-5)")
    g.add_argument("--min-lr-ratio", type=float, default=0.1, help="the cosine decays to this fraction of --lr (default 0.1)")
    w = g.add_mutually_exclusive_group()
    w.add_argument("--warmup-steps", type=int, help="linear warm-up steps (default: --warmup-ratio)")
    w.add_argument("--warmup-ratio", type=float, default=0.03, help="warm-up as a fraction of all steps, rounded up (default 0.03)")
    g.add_argument("--weight-decay", type=float, default=0.0, help="AdamW weight decay, not on norms and biases (default 0)")
    g.add_argument("--adam-beta1", type=float, default=0.9, help="(default 0.9)")
    g.add_argument("--adam-beta2", type=float, default=0.999, help="(default 0.999)")
    g.add_argument("--max-grad-norm", type=float, default=1.0, help="clip the global gradient norm; 0: no clipping (default 1.0)")
    g.add_argument("--micro-batch", type=int, default=1, help="packed sequences per rank per forward pass (default 1)")
    g.add_argument("--grad-accum", type=int, default=1, help="micro-batches per optimizer step (default 1)")
    g.add_argument("--steps", type=int, help="optimizer steps (default: --epochs over the data)")
    g.add_argument("--epochs", type=int, default=1,
                   help="passes over the data when --steps is not given; an epoch is as many steps as the smallest "
                        "rank's shard fills (default 1)")
    g.add_argument("--seed", type=int, default=0, help="seed of the data order, one permutation per epoch (default 0)")
    g = p.add_argument_group("output")
    g.add_argument("--out", help="output folder, local or a shared mount (default: $QED_TRAIN_DIR)")
    g.add_argument("--save-every", type=int, default=500, help="checkpoint every N steps, and always at the end; 0: only at the end (default 500)")
    g.add_argument("--keep-checkpoints", type=int, default=2, help="how many of the latest checkpoints to keep (default 2)")
    g.add_argument("--resume", choices=["auto", "never"], default="auto",
                   help="auto: continue from OUT's latest complete checkpoint; never: start over, in an OUT without checkpoints (default auto)")
    g.add_argument("--report-to", choices=["none", "wandb", "mlflow"], default="none", help="also log the step metrics there (default none)")
    g.add_argument("--run-name", help="run name for --report-to (default: OUT's folder name)")
    args = p.parse_args(argv)
    for name in ("micro_batch", "grad_accum", "keep_checkpoints"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.steps is not None and args.steps < 1 or args.epochs < 1:
        p.error("--steps and --epochs must be at least 1")
    if args.report_to != "none" and importlib.util.find_spec(args.report_to) is None:
        p.error(f"--report-to {args.report_to}: the package {args.report_to} is not installed (pip install {args.report_to})")
    return args


def main(argv=None):
    args = parse_args(argv)
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()  # stdout is for JSON lines; keep stderr readable too
    rank = os.environ.get("RANK", "0")
    try:
        join_process_group("cuda" if torch.cuda.is_available() else "cpu")
        Trainer(args).run()
        dist.barrier()
        dist.destroy_process_group()
    except BaseException as e:  # noqa: BLE001 - every failure ends this rank with a clear line
        if isinstance(e, TrainError):
            # Collective failures (agree) name the rank they came from; ./qed train prefixes each line with its rank.
            print(f"train.py: {e}", file=sys.stderr, flush=True)
        elif isinstance(e, KeyboardInterrupt):
            print(f"train.py rank {rank}: interrupted", file=sys.stderr, flush=True)
        else:
            traceback.print_exc()
            print(f"train.py rank {rank} failed: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        sys.stdout.flush()
        # Leave at once: a normal interpreter exit can hang on a process group whose peers are stuck
        # in a collective; the launcher stops the other ranks when this one exits non-zero.
        os._exit(1)


if __name__ == "__main__":
    main()
