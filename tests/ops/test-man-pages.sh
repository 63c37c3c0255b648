#!/bin/sh
# test-man-pages.sh PAGE... — every manual page renders with man -l and
# groff without a warning, and has the sections a reader looks for.
set -u
if ! command -v man >/dev/null 2>&1 || ! command -v groff >/dev/null 2>&1; then
  echo "man or groff is not installed" >&2
  exit 77
fi
status=0
for page in "$@"; do
  warnings=$(MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    echo "FAIL: man -l $page: $warnings" >&2
    status=1
  fi
  warnings=$(LC_ALL=C.UTF-8 groff -man -ww -z "$page" 2>&1)
  if [ -n "$warnings" ]; then
    echo "FAIL: groff -man -ww -z $page: $warnings" >&2
    status=1
  fi
  # the literal check operators run: no "warn" anywhere in man's output
  if MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$page" 2>&1 | grep -qi warn; then
    echo "FAIL: MANWIDTH=80 man -l $page 2>&1 | grep -i warn is not empty" >&2
    status=1
  fi
  text=$(MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$page" 2>/dev/null)
  for section in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
    if ! printf '%s\n' "$text" | grep -q "^$section"; then
      echo "FAIL: $page has no $section section" >&2
      status=1
    fi
  done
  width=$(printf '%s\n' "$text" | LC_ALL=C.UTF-8 wc -L)
  if [ "$width" -gt 80 ]; then
    echo "FAIL: $page renders lines $width columns wide at MANWIDTH=80" >&2
    status=1
  fi
  [ $status -eq 0 ] && echo "ok: $page"
done
exit $status
