"""pandas peer for bench/ingest: read persons.csv and events.csv with
pandas.read_csv (dates parsed, as healthgap does) and report wall time and
row counts as JSON."""
import json
import sys
import time

import pandas as pd

persons, events = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
p = pd.read_csv(persons, dtype={"person_id": str, "ethnicity": str, "lsoa": str, "practice": str},
                parse_dates=["registered_from", "registered_to", "date_of_death"])
e = pd.read_csv(events, dtype={"person_id": str, "code": str, "setting": "category"},
                parse_dates=["date"])
t1 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "persons": len(p), "events": len(e)}))
