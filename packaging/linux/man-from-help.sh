#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes a man page from a program's --help: usage: man-from-help.sh PROGRAM TITLE VERSION
# SUMMARY INCLUDE OUT. Help texts in QCommandLineParser's layout ("Options:" and two-space
# columns) go through help2man; any other layout (clwb-run's) is kept verbatim, one section per
# "heading:" line, since help2man would re-flow its aligned columns. INCLUDE holds help2man-style
# "[SECTION]" blocks (DESCRIPTION, FILES, ...), used by both paths.
set -euo pipefail
program=$1 title=$2 version=$3 summary=$4 include=$5 out=$6
help=$("$program" --help 2>/dev/null)

if grep -q '^Options:$' <<<"$help"; then
  exec help2man --no-info --no-discard-stderr --version-string="$version" --name="$summary" \
    --include="$include" --output="$out" "$program"
fi

# Roff-escape one verbatim line: backslashes, then minus signs (options must stay ASCII
# hyphen-minus), then a leading control character.
esc() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
upper=$(tr '[:lower:]' '[:upper:]' <<<"$title")
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" '+%B %Y')
{
  echo ".TH $upper 1 \"$date\" \"$title $version\" \"User Commands\""
  echo ".SH NAME"
  echo "$(esc <<<"$title") \\- $summary"
  # The include's DESCRIPTION first, the help text's sections next, the other sections after.
  awk '/^\[/{ on = ($0 == "[DESCRIPTION]") } on' "$include" | sed 's/^\[\(.*\)\]$/.SH \1/'
  in_block=0
  while IFS= read -r line; do
    if [[ $line =~ ^([A-Za-z][A-Za-z\ ]*):$ ]]; then
      [ $in_block -eq 1 ] && echo ".fi"
      echo ".SH $(tr '[:lower:]' '[:upper:]' <<<"${BASH_REMATCH[1]}")"
      echo ".nf"
      in_block=1
    elif [ -n "$line" ]; then
      [ $in_block -eq 0 ] && echo ".nf" && in_block=1
      # The section indent already indents; drop the help text's own two leading spaces.
      esc <<<"${line#  }"
    else
      echo ""
    fi
  done <<<"$help"
  [ $in_block -eq 1 ] && echo ".fi"
  awk '/^\[/{ on = ($0 != "[DESCRIPTION]") } on' "$include" | sed 's/^\[\(.*\)\]$/.SH \1/'
} >"$out"
