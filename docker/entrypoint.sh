#!/bin/sh
# The image's entrypoint.
#   serve (default)  migrate the database (`lagesbild db upgrade`), then the web server
#   scheduler        the scheduled jobs in their own process (`lagesbild scheduler`)
#   migrate          only `lagesbild db upgrade`
#   anything else    run as given, e.g. `lagesbild users add …` or `sh`
set -eu
command="${1:-serve}"
[ $# -gt 0 ] && shift
case "$command" in
  serve)
    lagesbild db upgrade
    exec lagesbild serve "$@"
    ;;
  scheduler) exec lagesbild scheduler "$@" ;;
  migrate) exec lagesbild db upgrade "$@" ;;
  *) exec "$command" "$@" ;;
esac
