#!/bin/bash
# stats_cli.sh: end-to-end checks of `healthgap stats` part A methods on
# small inline inputs (no shared data needed), plus PHEindicatormethods
# expected values when $SHARED is present. Exit 0 pass, 1 fail.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$HG" ] || { echo "skip: no binary at $HG"; exit 77; }
T=${TMPDIR:-/tmp}

# field NAME ROW FILE: value of column NAME on data row ROW (1-based)
field() {
	awk -F, -v name="$1" -v row="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
		NR == row + 1 { print $c }' "$3"
}
# close GOT WANT: relative difference within 1e-9
close() {
	awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w;
		exit !(d <= 1e-9 * a + 1e-300) }' || fail "got $1, want $2 ($3)"
}

# proportion, grouped, both levels
printf 'area,x,n\nA,1,100\nB,5,100\nA,1,100\n' >"$T/p.csv"
"$HG" stats proportion --group area --confidence 0.95,0.998 --input "$T/p.csv" --output "$T/p.out" ||
	fail "proportion exited $?"
head -1 "$T/p.out" | grep -qx 'area,x,n,value,lower95_0cl,upper95_0cl,lower99_8cl,upper99_8cl,confidence,statistic,method' ||
	fail "proportion header: $(head -1 "$T/p.out")"
[ "$(wc -l <"$T/p.out")" = 3 ] || fail "proportion: want 2 groups"
close "$(field value 1 "$T/p.out")" 0.01 "A value"
close "$(field lower95_0cl 1 "$T/p.out")" 0.002746658133544438 "A lower95"
close "$(field upper95_0cl 1 "$T/p.out")" 0.035721761716176796 "A upper95"
grep -q '^A,2,200,' "$T/p.out" || fail "A should sum to 2/200"

# rate from stdin to stdout, exact below 10
printf 'x,n\n1,100\n65,100\n' | "$HG" stats rate --multiplier 100 >"$T/r.out" || fail "rate exited"
close "$(field lowercl 1 "$T/r.out")" 0.025317807984289897 "rate exact lower"
close "$(field lowercl 2 "$T/r.out")" 50.163187710459454 "rate byars lower"
[ "$(field method 1 "$T/r.out")" = Exact ] || fail "method of x=1"
[ "$(field method 2 "$T/r.out")" = Byars ] || fail "method of x=65"

# mean
printf 'g,v\na,2\na,4\na,4\na,4\na,5\na,5\na,7\na,9\n' | "$HG" stats mean --x v --group g >"$T/m.out" || fail "mean exited"
close "$(field value 1 "$T/m.out")" 5 "mean"
close "$(field stdev 1 "$T/m.out")" 2.1380899352993952 "sd"

# dsr with ESP2013 by age band label; a group under 10 events is NA
{
	echo "area,band,count,pop"
	for a in big tiny; do
		for s in 0 5 10 15 20 25 30 35 40 45 50 55 60 65 70 75 80 85 90; do
			if [ $a = big ]; then c=20; else c=0; fi
			echo "$a,$s-$((s + 4)),$c,1000"
		done
	done
} >"$T/d.csv"
"$HG" stats dsr --x count --n pop --esp2013 --ageband band --group area --input "$T/d.csv" >"$T/d.out" ||
	fail "dsr exited"
close "$(field value 1 "$T/d.out")" 2000 "dsr value"
[ "$(field value 2 "$T/d.out")" = NA ] || fail "tiny dsr should be NA"
grep -q 'dsr NA for total count < 10' "$T/d.out" || fail "dsr statistic"

# errors name the line and column
printf 'x,n\n1,10\n12,10\n' >"$T/bad.csv"
"$HG" stats proportion --input "$T/bad.csv" >/dev/null 2>"$T/err" && fail "x > n accepted"
grep -q "line 3, column 'x'" "$T/err" || fail "error message: $(cat "$T/err")"
"$HG" stats proportion --nosuch 1 --input "$T/p.csv" >/dev/null 2>&1
[ $? = 2 ] || fail "unknown option should be a usage error"
"$HG" stats rate --confidence 0.95,0.98 --input "$T/p.csv" >/dev/null 2>&1 && fail "bad pair accepted"

# life expectancy on the package's df1 example
{
	echo "startage,pops,deaths"
	paste -d, <(printf '%s\n' 0 1 5 10 15 20 25 30 35 40 45 50 55 60 65 70 75 80 85 90) \
		<(printf '%s\n' 7060 35059 46974 48489 43219 38561 46009 57208 61435 55601 50209 56416 46411 39820 37978 37039 33288 23306 11936 11936) \
		<(printf '%s\n' 17 9 4 8 20 15 24 33 50 71 100 163 263 304 536 872 1390 1605 1936 1937)
} >"$T/le.csv"
"$HG" stats life-expectancy --population pops --le-age 0 --input "$T/le.csv" >"$T/le.out" || fail "le exited"
close "$(field value 1 "$T/le.out")" 80.16960813194838 "e0"
close "$(field lowercl 1 "$T/le.out")" 79.882690753927037 "e0 lower"
[ "$(field pops_used 1 "$T/le.out")" = 787954 ] || fail "pops_used"

# quantile
printf 'v\n1\n2\n3\n4\n' | "$HG" stats quantile --values v --nquantiles 2 >"$T/q.out" || fail "quantile exited"
[ "$(field quantile 1 "$T/q.out")" = 2 ] && [ "$(field quantile 4 "$T/q.out")" = 1 ] || fail "quantiles: $(cat "$T/q.out")"

# with the shared data: isratio of test_ISR_ownref (refvalue 100)
own="$SHARED/testdata/PHEindicatormethods/sysdata_csv/test_ISR_ownref.csv"
if [ -f "$own" ]; then
	"$HG" stats isratio --x count --n pop --x-ref refcount --n-ref refpop --group area \
		--refvalue 100 --input "$own" >"$T/i.out" || fail "isratio exited"
	close "$(field value 1 "$T/i.out")" 107.07232939020275 "SMR big"
	close "$(field expected 1 "$T/i.out")" 835.88356123117433 "expected"
else
	echo "note: shared data absent, isratio parity check not run"
fi
echo "stats_cli: all checks passed"
