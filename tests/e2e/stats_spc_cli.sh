#!/bin/bash
# stats_spc_cli.sh: `healthgap stats spc` and `healthgap stats sii` end to end.
# SPC: the NHSRplotthedots vignette "deviations" series (1,2,1,2,10,1,...):
# mean 1.9444, screened limits -0.7156/4.6044, only the 10 is special cause;
# the summary file carries the icons. SII: a five-quintile linear gradient
# (SII = 4 exactly) with a fixed seed gives identical output twice.
# Needs only $HG; the shared data is not used.
set -u
: "${HG:?}" "${TMPDIR:?}"
fail() {
	echo "FAIL: $*"
	exit 1
}
in=$TMPDIR/spc.csv
{
	echo "date,value,area"
	i=0
	for v in 1 2 1 2 10 1 2 1 2 1 2 1 2 1 2 1 2 1; do
		printf '2021-04-%02d,%s,A\n' $((i + 1)) "$v"
		i=$((i + 1))
	done
} >"$in"
"$HG" stats spc --input "$in" --date date --value value --facet area --target 5 \
	--summary "$TMPDIR/sum.csv" --output "$TMPDIR/out.csv" || fail "spc exited $?"
head -1 "$TMPDIR/out.csv" | grep -q '^f,x,y,rebase_group,short_group_warning,fix_y,mean_col,lpl,upl,outside_limits,relative_to_mean,close_to_limits,special_cause_type,special_cause_flag,point_type,target$' ||
	fail "spc header: $(head -1 "$TMPDIR/out.csv")"
[ "$(wc -l <"$TMPDIR/out.csv")" = 19 ] || fail "spc rows"
awk -F, 'NR > 1 {
	if ($7 - 1.9444444444444444 > 1e-12 || 1.9444444444444444 - $7 > 1e-12) bad = "mean " $7
	if ($9 - 4.6044444444444448 > 1e-12 || 4.6044444444444448 - $9 > 1e-12) bad = "upl " $9
	if ($8 + 0.71555555555555572 > 1e-12 || -0.71555555555555572 - $8 > 1e-12) bad = "lpl " $8
	flag = ($3 == 10) ? "TRUE" : "FALSE"
	if ($14 != flag) bad = "flag at y=" $3
	if ($3 == 10 && ($13 != "Above UCL" || $15 != "special_cause_improvement")) bad = "type " $13
}
END { if (bad != "") { print bad; exit 1 } }' "$TMPDIR/out.csv" || fail "spc values"
sed -n 2p "$TMPDIR/sum.csv" | grep -q '^A,0,18,.*,common_cause,consistent_fail$' ||
	fail "summary: $(cat "$TMPDIR/sum.csv")"
# Unscreened limits differ (vignette: UPL 6.9515).
"$HG" stats spc --input "$in" --date date --value value --screen-outliers false |
	awk -F, 'NR == 2 { if ($9 < 6.9515 || $9 > 6.9516) { print "upl " $9; exit 1 } }' ||
	fail "unscreened"
# A repeated date is an error naming the line.
sed '3s/2021-04-02/2021-04-01/' "$in" >"$TMPDIR/dup.csv"
"$HG" stats spc --input "$TMPDIR/dup.csv" --date date 2>"$TMPDIR/err" && fail "duplicate date accepted"
grep -q "line" "$TMPDIR/err" || fail "error message: $(cat "$TMPDIR/err")"

sii=$TMPDIR/sii.csv
printf 'q,pop,val,se\n1,100,10.222222222222222,0.5\n2,200,10.888888888888889,0.5\n3,300,12,0.5\n4,200,13.111111111111111,0.5\n5,100,13.777777777777779,0.5\n' >"$sii"
"$HG" stats sii --input "$sii" --quantile q --population pop --value val --se se --rii \
	--intercept --repetitions 2000 --seed 42 >"$TMPDIR/s1.csv" || fail "sii exited $?"
"$HG" stats sii --input "$sii" --quantile q --population pop --value val --se se --rii \
	--intercept --repetitions 2000 --seed 42 >"$TMPDIR/s2.csv" || fail "sii exited $?"
cmp -s "$TMPDIR/s1.csv" "$TMPDIR/s2.csv" || fail "sii not deterministic for a seed"
head -1 "$TMPDIR/s1.csv" | grep -q '^sii,rii,sii_lower95_0cl,sii_upper95_0cl,rii_lower95_0cl,rii_upper95_0cl,intercept,indicator_type,multiplier,transform,CI_confidence,CI_method$' ||
	fail "sii header: $(head -1 "$TMPDIR/s1.csv")"
awk -F, 'NR == 2 { d = $1 - 4; if (d < 0) d = -d; if (d > 1e-9 || $3 >= 4 || $4 <= 4) exit 1 }' \
	"$TMPDIR/s1.csv" || fail "sii values: $(cat "$TMPDIR/s1.csv")"
"$HG" stats sii --input "$sii" --quantile q --population pop --value val --se se \
	--repetitions 10 2>"$TMPDIR/err" && fail "repetitions < 1000 accepted"
grep -q "1000 or greater" "$TMPDIR/err" || fail "sii error: $(cat "$TMPDIR/err")"
echo "ok"
