#!/bin/bash
# reidentify.sh: governed re-identification (docs/security.md "Worklists and
# re-identification"). Two practices make key pairs; ingest seals each NHS
# number to its own practice's public key and keeps no number in clear; a
# practice's worklist carries tokens; `healthgap reidentify` with that
# practice's secret key gives back exactly the NHS numbers of the input, and
# is audited in the practice's log; another practice's key, an altered token,
# a list of another practice and a key file readable by others are refused
# with nothing written; tokens of one number differ between two ingests (no
# linking); the store, the worklist and the logs hold no NHS number in clear.
# Exit 0 pass, 1 fail, 77 skip.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$HG" ] || { echo "skip: no binary at $HG"; exit 77; }
command -v python3 > /dev/null || { echo "skip: python3 not installed"; exit 77; }
root=$(cd "$(dirname "$0")/../.." && pwd)
T=${TMPDIR:-/tmp}/reid.$$
mkdir -p "$T/keys" "$T/pub"
has() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$1 lacks: $2"; }; }

# six valid NHS numbers (Modulus 11), three per practice
python3 - "$T" <<'EOF'
import sys
t = sys.argv[1]
nums, n = [], 400000000
while len(nums) < 6:
    n += 7
    d = str(n).zfill(9)
    c = 11 - sum(int(x) * (10 - i) for i, x in enumerate(d)) % 11
    c = 0 if c == 11 else c
    if c != 10:
        nums.append(d + str(c))
with open(t + "/persons.csv", "w") as f:
    f.write("nhs_number,date_of_birth,sex,lsoa,practice,registered_from\n")
    for i, x in enumerate(nums):
        f.write(f"{x},1950-01-0{i+1},1,E01000001,{'A00001' if i < 3 else 'A00002'},2010-01-01\n")
with open(t + "/events.csv", "w") as f:
    f.write("nhs_number,date,code,value,setting\n")
    for x in nums:
        f.write(f"{x},2015-01-01,1000002,,gp\n")
with open(t + "/numbers.txt", "w") as f:
    f.write("\n".join(nums) + "\n")
EOF
"$HG" keygen --out "$T/pseudo.key" > /dev/null || fail "keygen"
for p in A00001 A00002; do
	"$HG" keygen --reid --practice $p --out "$T/keys" > /dev/null || fail "keygen --reid $p"
	cp "$T/keys/$p.pub" "$T/pub/"
done
[ "$(stat -c %a "$T/keys/A00001.key")" = 600 ] || fail "secret key mode"
"$HG" keygen --reid --practice A00001 --out "$T/keys" > "$T/kg.log" 2>&1 && fail "a key overwritten"
has "$T/kg.log" "refusing to overwrite"
ingest() {
	"$HG" ingest --persons "$T/persons.csv" --events "$T/events.csv" --store "$1" \
		--key-file "$T/pseudo.key" --reid-keys "$T/pub" --reference "$root/tests/lang/reference" \
		--no-progress --extract-date 2026-12-31 > "$T/ingest.log" 2>&1 || { cat "$T/ingest.log"; fail "ingest"; }
}
ingest "$T/store"
cat > "$T/pack.hg" <<'EOF'
periods range from 2023-01-01 to 2023-12-31
codelist hyp = codes("1000002")
worklist HYP "Hypertension"
  who: registered and exists(hyp)
EOF
printf 'pw12345678901\npw12345678901\n' | "$HG" user add --data-dir "$T/sde" --role admin a1 > /dev/null 2>&1 ||
	fail "user add"
wl() { "$HG" worklist "$T/pack.hg" --store "$1" --practice "$2" --data-dir "$T/sde" --as-at 2023-12-31 \
	--out "$3" > /dev/null 2>&1 || fail "worklist $2"; }
wl "$T/store" A00001 "$T/wl1.csv"
wl "$T/store" A00002 "$T/wl2.csv"

# nothing in clear: store files, worklists, the server's log
while read -r n; do
	! grep -rqF "$n" "$T/store" "$T/wl1.csv" "$T/wl2.csv" "$T/sde" || fail "an NHS number in clear"
done < "$T/numbers.txt"
[ "$(tail -n +2 "$T/wl1.csv" | awk -F, '{print $NF}' | grep -c '^[A-Za-z0-9_-]\{78\}$')" = 3 ] ||
	{ cat "$T/wl1.csv"; fail "three tokens on A00001's list"; }

# the practice's own key opens its own list: exactly its three numbers
"$HG" reidentify --secret-key "$T/keys/A00001.key" --data-dir "$T/gp1" "$T/wl1.csv" \
	--out "$T/named1.csv" > "$T/r1.log" 2>&1 || { cat "$T/r1.log"; fail "reidentify"; }
has "$T/r1.log" "3 rows of practice A00001"
got=$(tail -n +2 "$T/named1.csv" | cut -d, -f5 | sort)
want=$(head -3 "$T/numbers.txt" | sort)
[ "$got" = "$want" ] || { echo "got: $got"; echo "want: $want"; fail "the NHS numbers"; }
head -1 "$T/named1.csv" | grep -q '^Worklist,Priority,Priority group,Patient (pseudonym),NHS number,' ||
	fail "NHS number column after the pseudonym"
[ "$(stat -c %a "$T/named1.csv")" = 600 ] || fail "named list mode"
"$HG" audit list --data-dir "$T/gp1" > "$T/a1.txt"
has "$T/a1.txt" "reidentify"
has "$T/a1.txt" "practice A00001: 3 rows (0 without a sealed number)"
"$HG" audit verify --data-dir "$T/gp1" > /dev/null || fail "practice audit chain"

# refused whole, nothing written: another practice's key, another practice's list,
# an altered token, a key readable by others
"$HG" reidentify --secret-key "$T/keys/A00002.key" --data-dir "$T/gp2" "$T/wl1.csv" \
	--out "$T/x1.csv" > "$T/x1.log" 2>&1 && fail "A00002's key opened A00001's list"
has "$T/x1.log" "this key re-identifies practice A00002's patients only"
sed '2s/,A00001,/,A00002,/' "$T/wl1.csv" > "$T/forged.csv"
"$HG" reidentify --secret-key "$T/keys/A00002.key" --data-dir "$T/gp2" "$T/forged.csv" \
	--out "$T/x2.csv" > "$T/x2.log" 2>&1 && fail "a token of A00001 opened with A00002's key"
has "$T/x2.log" "does not open with practice A00002's key"
python3 - "$T/wl1.csv" "$T/altered.csv" <<'EOF'
import sys
rows = open(sys.argv[1]).read().split("\n")
f = rows[1].split(",")
t = f[-1]
f[-1] = t[:10] + ("A" if t[10] != "A" else "B") + t[11:]
rows[1] = ",".join(f)
open(sys.argv[2], "w").write("\n".join(rows))
EOF
"$HG" reidentify --secret-key "$T/keys/A00001.key" --data-dir "$T/gp1" "$T/altered.csv" \
	--out "$T/x3.csv" > "$T/x3.log" 2>&1 && fail "an altered token opened"
has "$T/x3.log" "does not open"
cp "$T/keys/A00001.key" "$T/loose.key" && chmod 644 "$T/loose.key"
"$HG" reidentify --secret-key "$T/loose.key" --data-dir "$T/gp1" "$T/wl1.csv" \
	--out "$T/x4.csv" > "$T/x4.log" 2>&1 && fail "a key readable by others was used"
has "$T/x4.log" "chmod 600"
for f in x1 x2 x3 x4; do [ ! -e "$T/$f.csv" ] || fail "$f.csv written"; done
n=$("$HG" audit list --data-dir "$T/gp1" | grep -c reidentify)
[ "$n" = 1 ] || fail "refused runs were audited as re-identifications ($n)"

# without the secret key nobody can reverse it: a second ingest seals afresh (tokens differ)
ingest "$T/store2"
wl "$T/store2" A00001 "$T/wl1b.csv"
a=$(tail -n +2 "$T/wl1.csv" | awk -F, '{print $NF}' | sort)
b=$(tail -n +2 "$T/wl1b.csv" | awk -F, '{print $NF}' | sort)
[ -n "$a" ] && [ "$a" != "$b" ] || fail "tokens repeat across ingests (linkable)"
"$HG" reidentify --secret-key "$T/keys/A00001.key" --data-dir "$T/gp1" "$T/wl1b.csv" \
	--out "$T/named1b.csv" > /dev/null 2>&1 || fail "reidentify the second ingest"
[ "$(tail -n +2 "$T/named1b.csv" | cut -d, -f5 | sort)" = "$want" ] || fail "second ingest's numbers"
rm -rf "$T"
echo "reidentify: ok"
