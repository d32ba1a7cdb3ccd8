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
# folders go), QED_LLM (the --set options of the datasets step: which models, which endpoints or
# fleet; by default a fleet of 8 vLLM servers of QED_MODEL), QED_TRAIN_COMMAND (what every
# trainer rank runs), QED_SUBMIT (the command line that runs one qed job; built from the
# cluster's defaults when unset).
# The LLM and train steps need their programs where the executors run: on Kubernetes the
# qed-vllm and qed-trainer images (docker/); on YARN, vLLM and PyTorch installed on the GPU nodes
# (train.py and qed_shards.py are shipped with --files, into each container's working folder).
set -euo pipefail

cluster="${1:?usage: refresh.sh yarn|k8s|local}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${QED_JAR:-jobs/target/qed-spark.jar}"
day="$(date -u +%Y-%m-%d)"
case "$cluster" in
  yarn)
    root="${QED_REFRESH_ROOT:-hdfs:///user/qed/refresh}/$day"
    conf=(--conf yarn.yaml)
    trainer="$here/../../docker/trainer"  # shipped with every job (two small files), used by train
    submit="${QED_SUBMIT:-spark-submit --master yarn --deploy-mode cluster --properties-file $here/yarn.spark-defaults.conf --files $here/yarn.yaml,$trainer/train.py,$trainer/qed_shards.py --class dev.qedspark.jobs.Qed $jar}"
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
model="${QED_MODEL:-lm-provers/QED-Nano}"
read -r -a llm <<< "${QED_LLM:---set llm.model=$model --set llm.fleet.servers=8}"
llm_image=()
trainer_image=()
case "$cluster" in
  yarn)
    train_command="${QED_TRAIN_COMMAND:-python3 train.py --model Qwen/Qwen3-4B-Thinking-2507}" ;;
  k8s)
    llm_image=(--conf spark.kubernetes.executor.container.image=qed-vllm:0.1.0)
    trainer_image=(--conf spark.kubernetes.executor.container.image=qed-trainer:0.1.0)
    train_command="${QED_TRAIN_COMMAND:-python3 /opt/qed/trainer/train.py --model Qwen/Qwen3-4B-Thinking-2507}" ;;
  *)
    llm=()
    train_command="${QED_TRAIN_COMMAND:-python3 docker/trainer/check_shard.py}" ;;
esac

# step [spark-submit options --] qed-command args...: one job.
step() {
  local options=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ] && [[ "$1" == --* ]]; do options+=("$1" "$2"); shift 2; done
  [ "${1:-}" = "--" ] && shift
  echo "refresh $day: $*" >&2
  # The spark-submit options go before the jar: right after spark-submit itself.
  # shellcheck disable=SC2086
  if [ "${#options[@]}" -gt 0 ] && [[ "$submit" == spark-submit* ]]; then
    ${submit%% *} "${options[@]}" ${submit#* } "$@" ${conf[@]+"${conf[@]}"}
  else
    $submit "$@" ${conf[@]+"${conf[@]}"}
  fi
}

step -- ingest --out "$root/ingest"
step -- curate --problems "$root/ingest/problems" --out "$root/curate"
step ${llm_image[@]+"${llm_image[@]}"} -- datasets --problems "$root/curate/curated" --out "$root/datasets" ${llm[@]+"${llm[@]}"}
step -- shards --input "$root/datasets/sft" --out "$root/shards" --mmap-files
step ${trainer_image[@]+"${trainer_image[@]}"} -- \
  train --shards "$root/shards" --out "$root/train" --command "$train_command"
echo "refresh $day: done, in $root" >&2
