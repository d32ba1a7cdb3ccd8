#!/usr/bin/env bash
# A scheduled dataset refresh: ingest -> curate -> datasets (FineProofs-SFT and -RL) -> shards ->
# train, each a spark-submit of the shaded jar, into one dated folder. Every step skips itself
# when its outputs are up to date, so a refresh that failed half-way resumes where it stopped
# when run again the same day.
#
#   refresh.sh yarn|k8s                      run it (cron: 0 3 * * 1 /opt/qed/conf/cluster/refresh.sh yarn)
#   QED_SUBMIT=echo refresh.sh yarn          print the commands only
#   QED_SUBMIT=./qed refresh.sh local        the same steps on this machine (Spark local[*])
#
# Environment: QED_JAR (default jobs/target/qed-spark.jar), QED_REFRESH_ROOT (where the dated
# folders go), QED_TRAIN_COMMAND (what every trainer rank runs), QED_SUBMIT (the command line that
# runs one qed job; built from the cluster's defaults when unset).
set -euo pipefail

cluster="${1:?usage: refresh.sh yarn|k8s|local}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${QED_JAR:-jobs/target/qed-spark.jar}"
day="$(date -u +%Y-%m-%d)"
case "$cluster" in
  yarn)
    root="${QED_REFRESH_ROOT:-hdfs:///user/qed/refresh}/$day"
    conf=(--conf yarn.yaml)
    submit="${QED_SUBMIT:-spark-submit --master yarn --deploy-mode cluster --properties-file $here/yarn.spark-defaults.conf --files $here/yarn.yaml --class dev.qedspark.jobs.Qed $jar}"
    ;;
  k8s)
    root="${QED_REFRESH_ROOT:-s3a://qed-data/refresh}/$day"
    conf=(--conf /opt/qed/conf/cluster/k8s.yaml)
    submit="${QED_SUBMIT:-spark-submit --master k8s://${K8S_API:-https://kubernetes.default.svc} --deploy-mode cluster --properties-file $here/k8s.spark-defaults.conf --class dev.qedspark.jobs.Qed local:///opt/qed/qed-spark.jar}"
    ;;
  local)
    root="${QED_REFRESH_ROOT:-runs/refresh}/$day"
    conf=()
    submit="${QED_SUBMIT:-./qed}"
    ;;
  *) echo "refresh.sh: unknown cluster '$cluster' (yarn, k8s or local)" >&2; exit 2 ;;
esac
train_command="${QED_TRAIN_COMMAND:-python3 /opt/qed/trainer/train.py --model Qwen/Qwen3-4B-Thinking-2507}"

step() {
  echo "refresh $day: $*" >&2
  # shellcheck disable=SC2086
  $submit "$@" ${conf[@]+"${conf[@]}"}
}

step ingest --out "$root/ingest"
step curate --problems "$root/ingest/problems" --out "$root/curate"
step datasets --problems "$root/curate/curated" --out "$root/datasets"
step shards --input "$root/datasets/sft" --out "$root/shards" --mmap-files
step train --shards "$root/shards" --out "$root/train" --command "$train_command"
echo "refresh $day: done, in $root" >&2
