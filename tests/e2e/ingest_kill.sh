#!/bin/bash
# A kill -9 during ingest (while parsing, and while the new snapshot's files
# are being written) leaves the previous snapshot current and verifiable, and
# the next ingest cleans up the abandoned temporary directory.
set -eu
cd "$TMPDIR"
awk 'BEGIN { print "person_id,date_of_birth,sex,ethnicity,lsoa,practice,registered_from,registered_to,date_of_death";
  for (i = 0; i < 100000; i++) printf "P%d,19%02d-0%d-1%d,%d,A,E0100%04d,A8%04d,2000-01-01,,\n", i, 20+i%80, 1+i%9, i%10, 1+i%2, i%9999, i%50 }' > persons.csv
awk 'BEGIN { srand(1); print "person_id,date,code,value,setting";
  for (i = 0; i < 2500000; i++) printf "P%d,20%02d-%02d-%02d,C%d,%d,gp\n", int(rand()*100000), 10+i%15, 1+i%12, 1+i%28, i%500, 100+i%60 }' > events.csv
$HG ingest --persons persons.csv --events events.csv --store store --no-progress > first.log
[ "$(cat store/CURRENT)" = snap-000001 ]
before=$($HG info store | grep '^events:')

# a second batch with more events
head -n 1500000 events.csv > events2.csv
for phase in parse write; do
	$HG ingest --persons persons.csv --events events2.csv --store store --no-progress > /dev/null 2>&1 &
	pid=$!
	if [ $phase = parse ]; then
		sleep 0.3
	else
		end=$((SECONDS + 120))
		while [ $SECONDS -lt $end ]; do
			compgen -G 'store/.tmp-*/event.offset.u64' > /dev/null && break
			kill -0 $pid 2>/dev/null || break
		done
	fi
	if ! kill -0 $pid 2>/dev/null; then
		echo "ingest finished before it could be killed in phase $phase"; exit 1
	fi
	kill -9 $pid
	wait $pid 2>/dev/null || true
	echo "killed during $phase: $(ls -a store | tr '\n' ' ')"
	[ "$(cat store/CURRENT)" = snap-000001 ] || { echo "CURRENT changed"; exit 1; }
	$HG verify store
	[ "$($HG info store | grep '^events:')" = "$before" ] || { echo "store content changed"; exit 1; }
done
[ $phase = write ] && compgen -G 'store/.tmp-*' > /dev/null || { echo "expected an abandoned temporary snapshot"; exit 1; }

# the next ingest completes, publishes snap-000002 and removes the stale temporary
$HG ingest --persons persons.csv --events events2.csv --store store --no-progress > last.log
[ "$(cat store/CURRENT)" = snap-000002 ]
! compgen -G 'store/.tmp-*' > /dev/null || { echo "stale temporary not removed"; exit 1; }
$HG verify store
$HG info store | grep -q '^events: *1499999 ' || { $HG info store; exit 1; }
echo "kill -9 during parse and during write left snap-000001 intact"
