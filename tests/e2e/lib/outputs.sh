# tests/e2e/lib/outputs.sh: sourced by the end-to-end scripts that compare two runs'
# published files (sharded, distributed and appended stores against one store).
# `same DIR_A DIR_B LABEL` fails (the script's fail()) unless each file of $files is
# non-empty in DIR_A and byte-identical in DIR_B; a diff's first lines say where.
files="indicators.csv indicators.json inequalities.csv inequalities.json monitoring.csv monitoring.json"
same() { # same DIR_A DIR_B LABEL
	for f in $files; do
		[ -s "$1/$f" ] || fail "$3: $1/$f missing or empty"
		cmp -s "$1/$f" "$2/$f" || fail "$3: $2/$f differs from $1/$f: $(diff "$1/$f" "$2/$f" | head -5)"
	done
}
