#!/bin/bash
# bench/stats/run.sh [BUILD] [GROUPS]: directly standardised rates (19 ESP2013
# age bands per group) and Wilson proportion intervals for GROUPS groups
# (default 100000), computed by `healthgap stats` and by base R (Rscript, no
# packages) in the same run, both reading and writing CSV. Prints a table of
# wall times, the R/healthgap ratio, and the largest relative difference
# between the two programs' values and limits.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
groups=${2:-100000}
hg="$build/healthgap"
[ -x "$hg" ] || { echo "no binary $hg (make first)"; exit 1; }
command -v Rscript >/dev/null || { echo "Rscript not found (apt-get install r-base-core)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# inputs: deterministic pseudo-random counts and populations
awk -v g="$groups" 'BEGIN {
	print "area,band,count,pop"; s = 12345
	for (i = 1; i <= g; i++) for (b = 0; b < 19; b++) {
		s = (s * 1103515245 + 12345) % 2147483648; pop = 500 + s % 5000
		s = (s * 1103515245 + 12345) % 2147483648; cnt = s % 40
		printf "A%06d,%d-%d,%d,%d\n", i, b * 5, b * 5 + 4, cnt, pop
	} }' >"$work/dsr.csv"
awk -v g="$groups" 'BEGIN {
	print "area,x,n"; s = 777
	for (i = 1; i <= g; i++) {
		s = (s * 1103515245 + 12345) % 2147483648; n = 100 + s % 100000
		s = (s * 1103515245 + 12345) % 2147483648; x = s % (n + 1)
		printf "A%06d,%d,%d\n", i, x, n
	} }' >"$work/prop.csv"

cat >"$work/bench.R" <<'REOF'
args <- commandArgs(TRUE)
esp <- c(5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000,
         5500, 5000, 4000, 2500, 1500, 1000)
byl <- function(o, z) o * (1 - 1/(9*o) - z/(3*sqrt(o)))^3
byu <- function(o, z) (o+1) * (1 - 1/(9*(o+1)) + z/(3*sqrt(o+1)))^3
t0 <- Sys.time()
d <- read.csv(args[1], colClasses = c("character", "character", "numeric", "numeric"))
w <- esp[as.integer(sub("^\\D*(\\d+).*", "\\1", d$band)) %/% 5 + 1]
g <- factor(d$area, levels = unique(d$area))
O <- rowsum(d$count, g)[, 1]
value <- rowsum(d$count * w / d$pop, g)[, 1] / rowsum(w, g)[, 1] * 1e5
v <- rowsum(d$count * (w / d$pop)^2, g)[, 1] / rowsum(w, g)[, 1]^2
z <- qnorm(0.975)
lo <- value + sqrt(v / O) * (byl(O, z) - O) * 1e5
hi <- value + sqrt(v / O) * (byu(O, z) - O) * 1e5
small <- O < 10
value[small] <- NA; lo[small] <- NA; hi[small] <- NA
write.csv(data.frame(area = levels(g), total_count = O, value = value, lowercl = lo,
                     uppercl = hi), args[2], row.names = FALSE)
t1 <- Sys.time()
p <- read.csv(args[3], colClasses = c("character", "numeric", "numeric"))
x <- p$x; n <- p$n
root <- z * sqrt(z^2 + 4 * x * (1 - x / n))
write.csv(data.frame(area = p$area, value = x / n, lowercl = (2*x + z^2 - root) / (2*(n + z^2)),
                     uppercl = (2*x + z^2 + root) / (2*(n + z^2))), args[4], row.names = FALSE)
t2 <- Sys.time()
cat(format(as.numeric(t1 - t0, units = "secs"), digits = 6), " ",
    format(as.numeric(t2 - t1, units = "secs"), digits = 6), "\n", sep = "")
REOF

now() { date +%s.%N; }
t0=$(now)
"$hg" stats dsr --x count --n pop --esp2013 --ageband band --group area \
	--input "$work/dsr.csv" --output "$work/hg_dsr.csv"
t1=$(now)
"$hg" stats proportion --input "$work/prop.csv" --output "$work/hg_prop.csv"
t2=$(now)
read -r r_dsr r_prop < <(Rscript "$work/bench.R" "$work/dsr.csv" "$work/r_dsr.csv" \
	"$work/prop.csv" "$work/r_prop.csv")

# largest relative difference of value/lowercl/uppercl between the outputs
maxdiff() {
	awk -F, -v cols="$3" 'NR == FNR { if (FNR == 1) { for (i = 1; i <= NF; i++) h[$i] = i; next }
		a[FNR] = $0; next }
		FNR == 1 { gsub(/"/, ""); for (i = 1; i <= NF; i++) r[$i] = i; n = split(cols, c, " "); next }
		{ gsub(/"/, ""); split(a[FNR], x, ",")
		  for (k = 1; k <= n; k++) { u = x[h[c[k]]]; v = $(r[c[k]])
			if (u == "NA" || v == "NA") { if (u != v) bad++; continue }
			d = u - v; if (d < 0) d = -d; m = v < 0 ? -v : v
			if (m > 0 && d / m > worst) worst = d / m } }
		END { printf "%.2g%s", worst, bad ? " (NA mismatches: " bad ")" : "" }' "$1" "$2"
}
d_dsr=$(maxdiff "$work/hg_dsr.csv" "$work/r_dsr.csv" "value lowercl uppercl")
d_prop=$(maxdiff "$work/hg_prop.csv" "$work/r_prop.csv" "value lowercl uppercl")

awk -v g="$groups" -v hd="$(echo "$t1 - $t0" | bc)" -v hp="$(echo "$t2 - $t1" | bc)" \
	-v rd="$r_dsr" -v rp="$r_prop" -v dd="$d_dsr" -v dp="$d_prop" 'BEGIN {
	printf "%-34s %12s %12s %9s  %s\n", "task (" g " groups)", "healthgap s", "R s", "R/hg", "max rel diff"
	printf "%-34s %12.3f %12.3f %8.1fx  %s\n", "DSR, 19 ESP2013 bands, Dobson CI", hd, rd, rd / hd, dd
	printf "%-34s %12.3f %12.3f %8.1fx  %s\n", "Wilson proportion CI", hp, rp, rp / hp, dp
	printf "%-34s %12.3f %12.3f %8.1fx\n", "total", hd + hp, rd + rp, (rd + rp) / (hd + hp) }'
