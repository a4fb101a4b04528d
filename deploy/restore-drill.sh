#!/bin/sh
# Restore drill: load a backup into a scratch database and show it holds the data.
#
#   sudo -u sipas sh restore-drill.sh BACKUP_FILE SCRATCH_DATABASE_URL
#
# SCRATCH_DATABASE_URL names an empty database on the same server, made
# beforehand (createdb -O sipas sipas_drill) and dropped afterwards; the live
# database is never touched. Settings come from @ETC_DIR@/env (or
# $SIPAS_ENV_FILE) with DATABASE_URL replaced by the scratch one. Prints the
# responses per unit and service of the restored copy — compare them with
# `sipas responses count` on the live database at the time of the backup —
# then rebuilds the results cache in it, as after a real restore.
set -eu
if [ "$#" -ne 2 ]; then
  echo "usage: $0 BACKUP_FILE SCRATCH_DATABASE_URL" >&2
  exit 2
fi
backup=$1
scratch=$2
env_file=${SIPAS_ENV_FILE:-@ETC_DIR@/env}
# Each NAME=value line exported as it is written (no shell expansion: URLs hold & and ?).
while IFS= read -r line || [ -n "$line" ]; do
  case $line in ''|'#'*) continue ;; esac
  export "$line"
done < "$env_file"
export DATABASE_URL="$scratch"
sipas=@SIPAS_BIN@
echo "== restoring $backup into the scratch database"
"$sipas" restore "$backup" --yes
echo "== schema revision"
"$sipas" db current
echo "== responses in the restored copy"
"$sipas" responses count
echo "== rebuilding the results cache"
"$sipas" results rollup
echo "== restore drill passed"
