#!/bin/bash
# percentile_r.sh: percentiles (docs/language.md "Percentiles") against R on random inputs.
# `healthgap stats percentile` (the functions a `percentile` indicator uses) and R's
# quantile(type = 7) must agree to 1e-9 for 60 random samples (sizes 1 to 400, continuous
# values and tied whole weeks, percentiles 50, 92, 5, 99.9 and 33.3), and the limits must be
# the same order statistics as R's pbinom gives: the largest rank l with
# pbinom(l - 1, n, p) <= a/2 and the smallest u with pbinom(u - 1, n, p) >= 1 - a/2.
set -u
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
command -v Rscript > /dev/null || { echo "SKIP: Rscript not installed (r-base-core)"; exit 77; }
python3 - << 'PY'
import random
r = random.Random(16)
with open("values.csv", "w") as f:
    f.write("group,x\n")
    for g in range(60):
        n = r.choice([1, 2, 3, 5, 6, 7, 10, 25, 60, 150, 400])
        for _ in range(n):
            if g % 3 == 0:  # tied whole-week waits in days / 7
                v = r.randrange(0, 800) / 7
            elif g % 3 == 1:
                v = r.lognormvariate(2.5, 1.0)
            else:
                v = r.uniform(-50, 50)
            f.write("g%02d,%.17g\n" % (g, v))
PY
for p in 50 92 5 99.9 33.3; do
	"$HG" stats percentile --input values.csv --group group --percentile $p \
		--confidence 0.95,0.998 > "hg_$p.csv" || fail "healthgap stats percentile --percentile $p"
done
cat > ref.R << 'R'
d <- read.csv("values.csv", colClasses = c("character", "numeric"))
rank_lo <- function(n, p, a2) { k <- which(pbinom(0:(n - 1), n, p) <= a2); if (length(k)) max(k) else NA }
rank_hi <- function(n, p, a2) { k <- which(pbinom(0:(n - 1), n, p) >= 1 - a2); if (length(k)) min(k) else NA }
os <- function(x, k) if (is.na(k)) NA else x[k]  # order statistic k, NA when none
bad <- 0
for (pc in c(50, 92, 5, 99.9, 33.3)) {
  h <- read.csv(sprintf("hg_%s.csv", format(pc)), colClasses = c(group = "character"))
  for (g in unique(d$group)) {
    x <- sort(d$x[d$group == g]); n <- length(x); p <- pc / 100
    row <- h[h$group == g, ]
    want <- c(quantile(x, p, type = 7, names = FALSE),
              os(x, rank_lo(n, p, 0.025)), os(x, rank_hi(n, p, 0.025)),
              os(x, rank_lo(n, p, 0.001)), os(x, rank_hi(n, p, 0.001)))
    got <- c(row$value, row$lower95_0cl, row$upper95_0cl, row$lower99_8cl, row$upper99_8cl)
    stopifnot(length(want) == 5)
    same <- (is.na(want) & is.na(got)) | (!is.na(want) & !is.na(got) & abs(want - got) <= 1e-9)
    if (row$value_count != n || !all(same)) {
      bad <- bad + 1
      if (bad <= 10) cat(sprintf("percentile %s, %s (n = %d): want %s, got %s\n", format(pc), g, n,
                  paste(want, collapse = " "), paste(got, collapse = " ")))
    }
  }
}
cat(sprintf("%d differences\n", bad))
quit(status = if (bad) 1 else 0)
R
Rscript ref.R > ref.out 2>&1 || { cat ref.out; fail "healthgap's percentiles differ from R's"; }
echo "percentile_r: ok (60 samples x 5 percentiles: value and 95%/99.8% limits as R to 1e-9)"
