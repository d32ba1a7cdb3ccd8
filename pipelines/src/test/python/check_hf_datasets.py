"""Checks the datasets of a `./qed datasets` run as Hugging Face `datasets` and TRL users read them.

  python check_hf_datasets.py OUT PUBLISHED README TINY_MODEL

OUT is the chain's output folder, PUBLISHED a folder holding `./qed publish` copies of OUT/sft and
OUT/rl (PUBLISHED/sft, PUBLISHED/rl), README the project's README.md and TINY_MODEL a folder with a
small causal LM and Qwen3's tokenizer. Checks, each failing with a message:
  1. every dataset folder under OUT (one with .manifest.json) loads with
     load_dataset("parquet", data_dir=D, split="train") with the manifest's row count;
  2. OUT/sft and OUT/rl load by their cards' configs (default and all), the configs share one
     Arrow schema (nullability included), and FineProofs' int64 columns are int64, so the rows
     concatenate with a dataset typed as the published ones;
  3. the cards' YAML front matter names licence, configs and files; the body holds the lineage;
  4. the published folders hold only the card, lineage.json and Parquet shards, and load the same;
  5. the README's TRL blocks (marked <!-- ci: ... -->) run unchanged, in a folder where
     runs/datasets is OUT and the model id they name is TINY_MODEL.
Exits 0 when all hold.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import yaml
from datasets import Dataset, Features, List, Value, concatenate_datasets, load_dataset

CHECKED = []


def check(condition, message):
    if not condition:
        raise SystemExit("FAILED: " + message)
    CHECKED.append(message)


def manifest(folder):
    return json.loads((folder / ".manifest.json").read_text())


def loadable_datasets(out):
    for m in sorted(out.rglob(".manifest.json")):
        if not any(part.startswith(".") for part in m.parent.relative_to(out).parts):
            yield m.parent


def check_data_dirs(out):
    empty = []
    for folder in loadable_datasets(out):
        rows = manifest(folder)["rows"]
        shards = sorted(folder.glob("*.parquet"))
        check(all(pq.read_metadata(s).num_rows > 0 for s in shards) or rows == 0, f"{folder}: no empty shard file")
        if rows == 0:
            check(len(shards) == 1, f"{folder}: a dataset without rows keeps one empty shard, not {len(shards)}")
            empty.append(str(folder.relative_to(out)))
            continue
        ds = load_dataset("parquet", data_dir=str(folder), split="train")
        check(ds.num_rows == rows, f"{folder}: load_dataset(data_dir) reads {ds.num_rows} rows, the manifest says {rows}")
    print(f"data_dir loads: every dataset with rows; datasets without rows (Hugging Face has no empty split): {empty}")


def front_matter(card):
    text = card.read_text()
    check(text.startswith("---\n"), f"{card} starts with YAML front matter")
    return yaml.safe_load(text[4:text.index("\n---\n", 4)]), text


def check_card_folder(folder, published):
    meta, text = front_matter(folder / "README.md")
    names = [c["config_name"] for c in meta["configs"]]
    check(names == ["default", "all"], f"{folder}: configs default and all, got {names}")
    check(meta.get("license"), f"{folder}: the card states a licence")
    for needle in ["## Sources and licences", "## How it was made", "fingerprint", "sha256", "qed-spark"]:
        check(needle in text, f"{folder}: the card says {needle!r}")
    schemas = {}
    for config in meta["configs"]:
        path = config["data_files"][0]["path"]
        files = sorted(folder.glob(path))
        check(files, f"{folder}: config {config['config_name']} has files at {path}")
        schemas[config["config_name"]] = pq.read_schema(files[0]).remove_metadata()
        ds = load_dataset(str(folder), config["config_name"], split="train")
        rows = sum(pq.read_metadata(f).num_rows for f in files)
        check(ds.num_rows == rows, f"{folder}: load_dataset(folder, {config['config_name']!r}) reads its {rows} rows, not another config's")
        for f in files:
            check(pq.read_schema(f).remove_metadata().equals(schemas[config["config_name"]]), f"{f}: one schema per config")
    check(schemas["default"].equals(schemas["all"]), f"{folder}: default and all share one Arrow schema, nullability included")
    default = load_dataset(str(folder), split="train")
    check(default.num_rows == load_dataset(str(folder), "default", split="train").num_rows, f"{folder}: no config named loads default")
    if published:
        allowed = {"README.md", "lineage.json"} | {c["data_files"][0]["path"].split("/")[0] for c in meta["configs"]}
        extra = [p.name for p in folder.iterdir() if p.name not in allowed]
        check(not extra, f"{folder}: a published folder holds only the card, lineage.json and the configs' folders, not {extra}")
        stray = [str(p) for p in folder.rglob("*") if p.is_file() and p.name not in ("README.md", "lineage.json") and p.suffix != ".parquet"]
        check(not stray, f"{folder}: only Parquet files in the configs' folders, not {stray}")
    return default


def check_published_types(sft, rl):
    grade = "gemini-3-pro-grade"
    check(sft.features[grade] == Value("int64"), f"SFT {grade} is int64 as FineProofs-SFT publishes it: {sft.features[grade]}")
    check(rl.features["scores"] == List(Value("int64")), f"RL scores are list<int64>: {rl.features['scores']}")
    check(rl.features["num_rewards"] == Value("int64"), f"RL num_rewards is int64: {rl.features['num_rewards']}")
    published = Features({"problem": Value("string"), "source": Value("string"), "rubrics": Value("string"),
                          "scores": List(Value("int64")), "rewards": List(Value("float64")), "num_rewards": Value("int64"),
                          "reward_mean": Value("float64"), "reward_std": Value("float64")})
    row = {"problem": ["p"], "source": ["s"], "rubrics": ["r"], "scores": [[7]], "rewards": [[1.0]], "num_rewards": [1],
           "reward_mean": [1.0], "reward_std": [0.0]}
    both = concatenate_datasets([Dataset.from_dict(row, features=published), rl.select_columns(list(published))])
    check(both.num_rows == rl.num_rows + 1, "RL rows concatenate with a dataset typed as FineProofs-RL")
    prompt = rl[0]["prompt"]
    check(isinstance(prompt, list) and prompt[-1]["role"] == "user" and set(prompt[-1]) == {"role", "content"},
          f"RL prompt is TRL's conversational form: {prompt}")
    for column in ["problem_id", "rubrics", "solution", "answer"]:
        check(column in rl.column_names, f"RL rows carry {column} for reward functions")
    message = sft[0]["completion"][0]
    check(message["role"] == "assistant" and "</think>" not in message["content"] and "<think>" not in message["content"],
          f"SFT completion holds the proof without think tags: {message['content'][:80]!r}")
    check(message["reasoning_content"], "SFT completion carries the reasoning in reasoning_content")
    for r in sft:
        check(r["generation_status"] == "ok" and r["grade_status"] == "ok" and r[grade] >= 7, f"SFT default holds finished, graded proofs: {r}")


def run_readme_blocks(readme, out, model):
    blocks = re.findall(r"<!-- ci: ([a-z-]+) -->\n```python\n(.*?)```", readme.read_text(), re.S)
    check(len(blocks) >= 2, f"the README marks its TRL blocks for CI (found {[b[0] for b in blocks]})")
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        (work / "runs").mkdir()
        (work / "runs" / "datasets").symlink_to(out)
        for name, code in blocks:
            ids = set(re.findall(r'model="([^"]+)"', code))
            for model_id in ids:
                (work / model_id).parent.mkdir(parents=True, exist_ok=True)
                if not (work / model_id).exists():
                    (work / model_id).symlink_to(model)  # the hub id the README names is this folder here: nothing is downloaded
            print(f"--- README block {name}: {len(code.splitlines())} lines, model {sorted(ids)}", flush=True)
            result = subprocess.run([sys.executable, "-c", code], cwd=work, text=True, capture_output=True, timeout=900)
            tail = (result.stdout + result.stderr)[-3000:]
            check(result.returncode == 0, f"README block {name} runs unchanged (exit {result.returncode}):\n{tail}")
            outputs = re.findall(r'output_dir="([^"]+)"', code)
            check(len(outputs) == 1, f"README block {name} names one output_dir")
            saved = sorted((work / outputs[0]).rglob("*.safetensors"))
            check(saved, f"README block {name} trained and saved a model in {outputs[0]}")
            print(f"README block {name}: trained and saved {saved[-1].relative_to(work)}", flush=True)


def main():
    out, published, readme, model = (Path(a).resolve() for a in sys.argv[1:5])
    check_data_dirs(out)
    sft = check_card_folder(out / "sft", published=False)
    rl = check_card_folder(out / "rl", published=False)
    check(sft.num_rows > 0 and rl.num_rows > 0, f"the test run has rows to train on (sft {sft.num_rows}, rl {rl.num_rows})")
    check_published_types(sft, rl)
    for name, ds in [("sft", sft), ("rl", rl)]:
        copy = check_card_folder(published / name, published=True)
        check(copy.num_rows == ds.num_rows, f"published {name} loads the same rows")
    run_readme_blocks(readme, out, model)
    print(f"ok: {len(CHECKED)} checks")


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    main()
