"""The weekly dataset refresh as an Airflow DAG: the same five spark-submits as refresh.sh,
one task each, so a failed step is retried alone and the ones before it are not run again (each
qed step also skips itself when its outputs are up to date).

Copy this file into the DAGs folder; it needs apache-airflow and spark-submit on the worker, and
vLLM and PyTorch on the cluster's GPU nodes (train.py is shipped with --files).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

SUBMIT = ("spark-submit --master yarn --deploy-mode cluster"
          " --properties-file /opt/qed/conf/cluster/yarn.spark-defaults.conf"
          " --files /opt/qed/conf/cluster/yarn.yaml,/opt/qed/trainer/train.py,/opt/qed/trainer/qed_shards.py"
          " --class dev.qedspark.jobs.Qed /opt/qed/qed-spark.jar")
# Which models the LLM steps use: here a fleet of 8 vLLM servers of QED-Nano on the GPU executors.
LLM = "--set llm.model=lm-provers/QED-Nano --set llm.fleet.servers=8"
ROOT = "hdfs:///user/qed/refresh/{{ ds }}"
STEPS = [
    ("ingest", f"ingest --out {ROOT}/ingest"),
    ("curate", f"curate --problems {ROOT}/ingest/problems --out {ROOT}/curate"),
    ("datasets", f"datasets --problems {ROOT}/curate/curated --out {ROOT}/datasets {LLM}"),
    ("shards", f"shards --input {ROOT}/datasets/sft --out {ROOT}/shards --mmap-files"),
    ("train", f"train --shards {ROOT}/shards --out {ROOT}/train"
              " --command 'python3 train.py --model Qwen/Qwen3-4B-Thinking-2507'"),
]

with DAG(
    dag_id="qed_refresh",
    schedule="0 3 * * 1",
    start_date=datetime(2026, 12, 1),
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
) as dag:
    previous = None
    for name, args in STEPS:
        task = BashOperator(task_id=name, bash_command=f"{SUBMIT} {args} --conf yarn.yaml")
        if previous is not None:
            previous >> task
        previous = task
