#!/bin/bash
# An activation comparison split over a Slurm job array: task i runs the trials whose plan index mod N is i.
#
#   sbatch deploy/slurm-array.sh                       # 4 tasks (see --array below)
#   sbatch --dependency=afterok:<JOBID> --wrap "actkit report results --html report.html"
#
# All tasks write into the same results folder (one file per trial, written atomically). A task that fails or is
# preempted can simply be resubmitted (sbatch --array=<i> deploy/slurm-array.sh): it skips its finished trials.
# Keep every compare option identical across tasks; the results folder refuses a different configuration.
#SBATCH --job-name=actkit-compare
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=01:00:00
#SBATCH --output=actkit-compare-%A_%a.log
set -euo pipefail

SHARDS="${SLURM_ARRAY_TASK_COUNT:-4}"
INDEX="${SLURM_ARRAY_TASK_ID:?run this through sbatch (SLURM_ARRAY_TASK_ID is not set)}"
RESULTS="${RESULTS:-results}"

exec actkit compare \
  --data fashion-mnist --samples 20000 \
  --activations relu,leaky_relu,elu,gelu,silu,mish,tanh,sigmoid \
  --hidden 128,64 --seeds 5 --epochs 10 --batch 64 --lr 0.001 --target 0.85 \
  --threads "${SLURM_CPUS_PER_TASK:-2}" \
  --shard "${INDEX}/${SHARDS}" \
  --out "${RESULTS}"
