/*
 * append.c: `healthgap ingest --append`: a batch of persons and events added
 * to a store's current snapshot as a new snapshot, without copying the
 * history (docs/data-model.md "Appending a batch").
 *
 * The batch goes through ingest's own validation and quarantine (persons.c,
 * events.c) against the parent's persons: a person of the batch whose
 * pseudonym the parent holds replaces that person's row, any other is added
 * after the parent's; events may name any person of either. The new snapshot
 * writes the person columns and the dictionaries again (parent's entries
 * first, ids unchanged, new ones after), hard-links the parent's event files
 * and unit tables (its event segments: store.h) and adds the batch's events as
 * one more segment, so its cost is the batch and the persons, not the events
 * already held. It is written unpublished, opened with every check of
 * hg_store_open, and only then made CURRENT (one atomic rename): a crash at
 * any point leaves the parent current and whole. The manifest's "lineage"
 * names the parent snapshot and its manifest hash, the batch's counts and the
 * files kept (info shows it; verify checks the chain).
 */
#include "ingest_int.h"

#include "core/fs.h"
#include "core/version.h"
#include "store/shard.h"

#include <assert.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIX_APPEND "append to a store made by `healthgap ingest` (same key and reference data)"

/* The parent's persons as the start of a person table, dictionaries in their order. */
static void persons_from_store(hg_persons *mp, const hg_store *st, size_t cap)
{
	memset(mp, 0, sizeof *mp);
	hg_dict_init(&mp->ids);
	hg_dict_init(&mp->raw_nhs);
	hg_dict_init(&mp->lsoas);
	hg_dict_init(&mp->practices);
	size_t n = st->n_persons;
	mp->cap = cap + 1;
#define COPY(f, src)                                                                               \
	do {                                                                                       \
		mp->f = hg_xcalloc(mp->cap, sizeof *mp->f);                                        \
		if (n)                                                                             \
			memcpy(mp->f, st->src, n * sizeof *mp->f);                                 \
	} while (0)
	COPY(dob, dob);
	COPY(reg_from, reg_from);
	COPY(reg_to, reg_to);
	COPY(dod, dod);
	COPY(dob_month_only, dob_month_only);
	COPY(sex, sex);
	COPY(eth_cat, eth_cat);
	COPY(eth_group, eth_group);
	COPY(decile, imd_decile);
	COPY(quintile, imd_quintile);
	COPY(lsoa, lsoa);
	COPY(practice, practice);
	COPY(flags, flags);
#undef COPY
	for (uint32_t i = 0; i < st->person_ids.n; i++) {
		const char *id = hg_strtab_get(&st->person_ids, i);
		hg_dict_intern(&mp->ids, id, strlen(id), NULL);
	}
	for (uint32_t i = 0; i < st->lsoas.n; i++) {
		const char *l = hg_strtab_get(&st->lsoas, i);
		hg_dict_intern(&mp->lsoas, l, strlen(l), NULL);
	}
	for (uint32_t i = 0; i < st->practices.n; i++) {
		const char *pr = hg_strtab_get(&st->practices, i);
		hg_dict_intern(&mp->practices, pr, strlen(pr), NULL);
	}
	mp->n = n;
	mp->n_flags = st->n_flags;
	memcpy(mp->flag_names, st->flag_names, sizeof mp->flag_names);
}

/* The bit of flag name in mp, added when new; -1 past the limit. */
static int flag_bit(hg_persons *mp, const char *name)
{
	for (uint32_t i = 0; i < mp->n_flags; i++)
		if (!strcmp(mp->flag_names[i], name))
			return (int)i;
	if (mp->n_flags >= HG_MAX_FLAGS)
		return -1;
	snprintf(mp->flag_names[mp->n_flags], sizeof mp->flag_names[0], "%s", name);
	return (int)mp->n_flags++;
}

static uint32_t remap(hg_dict *to, const hg_dict *from, uint32_t id)
{
	return id == HG_NONE32 ? HG_NONE32
	                       : hg_dict_intern(to, hg_dict_key(from, id), from->lens[id], NULL);
}

/* The batch's persons into mp: a known pseudonym replaces its row, a new one is added. */
static int persons_merge(hg_persons *mp, hg_persons *bp, hg_ingest_result *res, hg_err *err)
{
	int bit[HG_MAX_FLAGS];
	for (uint32_t f = 0; f < bp->n_flags; f++)
		if ((bit[f] = flag_bit(mp, bp->flag_names[f])) < 0)
			return hg_err_set(
			    err, HG_EINPUT,
			    "flag_%s: the store and the batch have more than %d flags "
			    "between them",
			    bp->flag_names[f], HG_MAX_FLAGS);
	for (size_t i = 0; i < bp->n; i++) {
		int ins;
		uint32_t k = hg_dict_intern(&mp->ids, bp->ids.keys[i], bp->ids.lens[i], &ins);
		if (ins) {
			assert(k == mp->n && mp->n < mp->cap);
			mp->n++;
			res->persons_new++;
		} else {
			res->persons_updated++;
		}
		mp->dob[k] = bp->dob[i];
		mp->reg_from[k] = bp->reg_from[i];
		mp->reg_to[k] = bp->reg_to[i];
		mp->dod[k] = bp->dod[i];
		mp->dob_month_only[k] = bp->dob_month_only[i];
		mp->sex[k] = bp->sex[i];
		mp->eth_cat[k] = bp->eth_cat[i];
		mp->eth_group[k] = bp->eth_group[i];
		mp->decile[k] = bp->decile[i];
		mp->quintile[k] = bp->quintile[i];
		mp->lsoa[k] = remap(&mp->lsoas, &bp->lsoas, bp->lsoa[i]);
		mp->practice[k] = remap(&mp->practices, &bp->practices, bp->practice[i]);
		uint64_t fl = 0;
		for (uint32_t f = 0; f < bp->n_flags; f++)
			fl |= (bp->flags[i] >> f & 1) << bit[f];
		mp->flags[k] = fl;
	}
	/* the batch's own counts and quarantine describe this append */
	mp->counts = bp->counts;
	memcpy(mp->warn, bp->warn, sizeof mp->warn);
	mp->has_nhs = bp->has_nhs;
	return 0;
}

/* The parent and the batch must agree on what a pseudonym and a decile are. */
static int parent_agrees(const hg_store *st, const hg_persons *bp, const hg_reference *ref,
                         const hg_key *key, const hg_ingest_params *p, hg_err *err)
{
	json_t *ps = json_object_get(st->manifest, "pseudonymisation");
	const char *kid = json_string_value(json_object_get(ps, "key_id"));
	if (bp->n && bp->has_nhs != (kid != NULL))
		return hg_err_set(err, HG_EINPUT,
		                  "%s: the batch's persons are identified by %s but the store's by "
		                  "%s; " FIX_APPEND,
		                  p->persons_path, bp->has_nhs ? "NHS number" : "person_id",
		                  kid ? "NHS number" : "person_id");
	if (bp->n && kid && key && strcmp(kid, key->id))
		return hg_err_set(
		    err, HG_EINPUT,
		    "--key-file: key %s, but the store's pseudonyms were made with key "
		    "%s; " FIX_APPEND,
		    key->id, kid);
	if (strcmp(st->imd_version, "none") && strcmp(st->imd_version, ref->imd_version))
		return hg_err_set(err, HG_EINPUT,
		                  "the store's deprivation is %s but this batch's reference data "
		                  "gives %s: give the same reference data (--reference DIR, or "
		                  "reference/ beside %s)",
		                  st->imd_version, ref->imd_version, p->persons_path);
	if (p->extract_date < st->extract_date) {
		char a[11], b[11];
		return hg_err_set(
		    err, HG_EUSAGE,
		    "--extract-date %s is before the store's extract date %s: a batch "
		    "adds to the store, so its extract date is the later one",
		    hg_date_format(p->extract_date, a), hg_date_format(st->extract_date, b));
	}
	return 0;
}

/* Link file name of the parent into w (recording the parent's entry); count it. */
static int link_file(hg_store_writer *w, const hg_store *st, const char *name, json_t *linked,
                     hg_err *err)
{
	json_t *entry = json_object_get(json_object_get(st->manifest, "files"), name);
	if (hg_store_link(w, st->snapdir, name, entry, err))
		return -1;
	json_array_append_new(linked, json_string(name));
	return 0;
}

/* Segment k of event columns data (offsets over np persons, n events) written. */
static int put_segment(hg_store_writer *w, int k, const void *const data[5], uint64_t np,
                       uint64_t n, hg_err *err)
{
	char f[96];
	for (int c = HG_COL_EV_OFFSET; c <= HG_COL_EV_SETTING; c++) {
		uint64_t rows = c == HG_COL_EV_OFFSET ? np + 1 : n;
		hg_store_seg_file(c, k, f, sizeof f);
		if (hg_store_put(w, f, hg_store_cols[c].type, rows, data[c - HG_COL_EV_OFFSET],
		                 (size_t)rows * hg_store_cols[c].elem, err))
			return -1;
	}
	return 0;
}

/* The parent's event segments linked (or, compacting, its events as merged at open written
 * as one segment), the batch's events the next one. */
static int write_events(hg_store_writer *w, const hg_store *st, const hg_events *ev, uint64_t np,
                        int compact, json_t *linked, hg_err *err)
{
	char f[96];
	if (compact) {
		const void *const old[] = {st->ev_off, st->ev_date, st->ev_code, st->ev_value,
		                           st->ev_setting};
		if (put_segment(w, 0, old, st->n_persons, st->n_events, err))
			return -1;
	}
	for (int k = 0; k < st->n_segments && !compact; k++)
		for (int c = HG_COL_EV_OFFSET; c <= HG_COL_EV_SETTING; c++) {
			hg_store_seg_file(c, k, f, sizeof f);
			if (link_file(w, st, f, linked, err))
				return -1;
		}
	const void *const data[] = {ev->off, ev->date, ev->code, ev->value, ev->setting};
	return put_segment(w, compact ? 1 : st->n_segments, data, np, ev->n, err);
}

/* The parent's per-person table of schema columns c0 .. c1 - 1 (c0 its offsets): linked,
 * but for the offsets when persons were added (the last value repeated: new persons have
 * no rows). */
static int link_table(hg_store_writer *w, const hg_store *st, int c0, int c1, const uint64_t *old,
                      uint64_t np, json_t *linked, hg_err *err)
{
	for (int c = c0; c < c1; c++) {
		const char *f = hg_store_cols[c].file;
		if (c != c0 || np == st->n_persons) {
			if (link_file(w, st, f, linked, err))
				return -1;
			continue;
		}
		uint64_t *off = hg_xcalloc(np + 1, sizeof *off);
		memcpy(off, old, (st->n_persons + 1) * sizeof *off);
		for (uint64_t q = st->n_persons + 1; q <= np; q++)
			off[q] = old[st->n_persons];
		int r = hg_store_put(w, f, hg_store_cols[c].type, np + 1, off,
		                     (np + 1) * sizeof *off, err);
		free(off);
		if (r)
			return -1;
	}
	return 0;
}

/* The unit tables (pathways, appointments) and the histories (registration and address
 * periods) of the parent, when it has them; a batch adds none. */
static int write_tables(hg_store_writer *w, const hg_store *st, uint64_t np, json_t *linked,
                        hg_err *err)
{
	if (st->has_units &&
	    (link_table(w, st, HG_COL_PW_OFFSET, HG_COL_AP_OFFSET, st->pw_off, np, linked, err) ||
	     link_table(w, st, HG_COL_AP_OFFSET, HG_COL_AP_OUTCOME + 1, st->ap_off, np, linked,
	                err) ||
	     link_file(w, st, hg_store_strs[HG_STR_SPECIALTY], linked, err) ||
	     link_file(w, st, hg_store_strs[HG_STR_PROVIDER], linked, err)))
		return -1;
	if (st->has_history &&
	    (link_table(w, st, HG_COL_RG_OFFSET, HG_COL_AD_OFFSET, st->rg_off, np, linked, err) ||
	     link_table(w, st, HG_COL_AD_OFFSET, HG_COL_AD_LSOA + 1, st->ad_off, np, linked, err)))
		return -1;
	return 0;
}

/* The merged code table: the parent's codes (ids unchanged), then the batch's new ones;
 * the batch's events recoded. */
static void codes_merge(hg_dict *codes, const hg_store *st, hg_events *ev)
{
	hg_dict_init(codes);
	for (uint32_t i = 0; i < st->codes.n; i++) {
		const char *c = hg_strtab_get(&st->codes, i);
		hg_dict_intern(codes, c, strlen(c), NULL);
	}
	uint32_t *to = hg_xcalloc(ev->codes.n + 1, sizeof *to);
	for (uint32_t i = 0; i < ev->codes.n; i++)
		to[i] = hg_dict_intern(codes, ev->codes.keys[i], ev->codes.lens[i], NULL);
	for (uint64_t e = 0; e < ev->n; e++)
		ev->code[e] = to[ev->code[e]];
	free(to);
}

static void set_count(json_t *counts, const char *key, uint64_t v)
{
	json_object_set_new(counts, key, json_integer((json_int_t)v));
}

/* The new manifest: the parent's, with the counts, dates, completeness, flags, sources
 * and ingest counts of the whole, the segments and the lineage. */
static json_t *append_manifest(const hg_ingest_params *p, const hg_store *st, const hg_persons *mp,
                               const hg_persons *bp, const hg_events *ev, uint32_t ncodes,
                               const hg_ingest_result *res, int compact, json_t *linked,
                               hg_err *err)
{
	json_t *s1 = hg_ingest_source_json("persons", p->persons_path, err);
	json_t *s2 = s1 ? hg_ingest_source_json("events", p->events_path, err) : NULL;
	if (!s2) {
		json_decref(s1);
		return NULL;
	}
	json_t *m = json_deep_copy(st->manifest);
	json_object_del(m, "files");
	char d[11], ts[32];
	time_t now = time(NULL);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_object_set_new(m, "created", json_string(ts));
	json_object_set_new(m, "software_version", json_string("healthgap " HG_VERSION));
	json_object_set_new(m, "extract_date", json_string(hg_date_format(p->extract_date, d)));
	if (p->area_name)
		json_object_set_new(m, "area_name", json_string(p->area_name));
	json_t *counts = json_object_get(m, "counts");
	set_count(counts, "persons", mp->n);
	set_count(counts, "events", st->n_events + ev->n);
	set_count(counts, "codes", ncodes);
	set_count(counts, "lsoas", mp->lsoas.n);
	set_count(counts, "practices", mp->practices.n);
	json_t *bys = json_object_get(counts, "events_by_setting");
	for (int i = 0; i < HG_SET_N && bys; i++) {
		json_int_t v = json_integer_value(json_object_get(bys, hg_setting_names[i]));
		json_object_set_new(bys, hg_setting_names[i],
		                    json_integer(v + (json_int_t)ev->by_setting[i]));
	}
	json_t *range = json_object_get(m, "date_range");
	const char *f0 = json_string_value(json_object_get(range, "first_event"));
	const char *f1 = json_string_value(json_object_get(range, "last_event"));
	if (ev->n && range) {
		if (!f0 || strcmp(hg_date_format(ev->min_date, d), f0) < 0)
			json_object_set_new(range, "first_event", json_string(d));
		if (!f1 || strcmp(hg_date_format(ev->max_date, d), f1) > 0)
			json_object_set_new(range, "last_event", json_string(d));
	}
	json_object_set_new(m, "completeness", hg_completeness(mp));
	json_t *flags = json_array();
	for (uint32_t i = 0; i < mp->n_flags; i++)
		json_array_append_new(flags, json_string(mp->flag_names[i]));
	json_object_set_new(m, "flags", flags);
	json_t *sources = json_array();
	json_array_append_new(sources, s1);
	json_array_append_new(sources, s2);
	json_object_set_new(m, "sources", sources);
	json_t *ing = json_object_get(m, "ingest");
	if (!json_is_object(ing))
		json_object_set_new(m, "ingest", ing = json_object());
	json_object_set_new(ing, "persons",
	                    hg_ingest_counts_json(&bp->counts, &bp->quar, bp->warn, HG_WARN_N));
	json_object_set_new(ing, "events", hg_ingest_counts_json(&ev->counts, &ev->quar, NULL, 0));
	json_object_set_new(ing, "max_reject_rate", json_real(p->max_reject_rate));
	json_t *segs =
	    compact ? NULL : json_deep_copy(json_object_get(st->manifest, "event_segments"));
	if (!segs) { /* one segment (or compacted into one) */
		segs = json_array();
		json_t *s0 = json_object();
		set_count(s0, "persons", st->n_persons);
		set_count(s0, "events", st->n_events);
		json_array_append_new(segs, s0);
	}
	json_t *sn = json_object();
	set_count(sn, "persons", mp->n);
	set_count(sn, "events", ev->n);
	json_array_append_new(segs, sn);
	json_object_set_new(m, "event_segments", segs);
	json_t *lin = json_object(), *app = json_object();
	json_object_set_new(lin, "parent", json_string(st->snapshot));
	json_object_set_new(lin, "parent_manifest", json_string(st->manifest_hash));
	set_count(app, "persons_new", res->persons_new);
	set_count(app, "persons_updated", res->persons_updated);
	set_count(app, "events", ev->n);
	json_object_set_new(lin, "appended", app);
	json_object_set(lin, "linked_files", linked);
	if (compact) /* the parent's events written again as one segment */
		json_object_set_new(lin, "compacted_segments", json_integer(st->n_segments));
	json_object_set_new(m, "lineage", lin);
	return m;
}

/* Open the written snapshot with every check, then make it CURRENT. */
static int check_and_publish(const hg_ingest_params *p, const char *snap, int publish, hg_err *err)
{
	char dir[HG_PATH_MAX], cur[HG_PATH_MAX];
	snprintf(dir, sizeof dir, "%s/%s", p->store_dir, snap);
	hg_store chk;
	if (hg_store_open(&chk, dir, err)) {
		hg_err_wrap(err,
		            "the appended snapshot %s fails its checks and was not made current",
		            snap);
		return -1;
	}
	hg_store_close(&chk);
	if (!publish)
		return 0;
	char line[80];
	int len = snprintf(line, sizeof line, "%s\n", snap);
	snprintf(cur, sizeof cur, "%s/CURRENT", p->store_dir);
	return hg_write_file_atomic(cur, line, (size_t)len, err);
}

static int append_write(const hg_ingest_params *p, const hg_reference *ref, const hg_store *st,
                        const hg_persons *mp, const hg_persons *bp, hg_events *ev, int publish,
                        hg_ingest_result *res, hg_err *err)
{
	/* a snapshot holds at most HG_MAX_SEGMENTS: at the limit the parent's are compacted */
	int compact = p->compact || st->n_segments >= HG_MAX_SEGMENTS;
	hg_dict codes;
	codes_merge(&codes, st, ev);
	json_t *linked = json_array(), *m = NULL;
	hg_store_writer w;
	int rc = hg_store_begin(&w, p->store_dir, err);
	if (rc == 0 &&
	    (hg_ingest_write_persons(&w, mp, err) ||
	     write_events(&w, st, ev, mp->n, compact, linked, err) ||
	     hg_store_put_strings(&w, hg_store_strs[HG_STR_CODE], codes.keys, codes.n, err) ||
	     hg_ingest_write_dicts(&w, mp, ref, err) || write_tables(&w, st, mp->n, linked, err) ||
	     hg_ingest_write_quarantine(&w, "quarantine_persons.csv", &bp->quar, err) ||
	     hg_ingest_write_quarantine(&w, "quarantine_events.csv", &ev->quar, err) ||
	     !(m = append_manifest(p, st, mp, bp, ev, codes.n, res, compact, linked, err)) ||
	     hg_store_commit(&w, m, 0, res->snapshot, err))) {
		hg_store_abort(&w);
		rc = -1;
	}
	res->files_linked = (int)json_array_size(linked);
	json_decref(m);
	json_decref(linked);
	hg_dict_free(&codes);
	return rc ? rc : check_and_publish(p, res->snapshot, publish, err);
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

int hg_append_run(const hg_ingest_params *p, const hg_reference *ref, const hg_key *key,
                  hg_progress *prog, hg_ingest_result *res, hg_err *err)
{
	if (hg_shards_is(p->store_dir)) /* one ingest --shards made takes it (cmd_ingest.c) */
		return hg_err_set(
		    err, HG_EUSAGE,
		    "--append: %s is a sharded store (shards.json) without its source store "
		    "(%s/" HG_SHARDS_SOURCE ", kept by ingest --shards): its shards cannot take a "
		    "batch one by one (shard k holds persons floor(n k / N) to floor(n (k + 1) / "
		    "N) "
		    "of the source, and new persons move every boundary). Append the batch to the "
		    "store it was split from, then split that again into a new directory: "
		    "healthgap shard SOURCE --shards N --out NEWDIR (docs/scale.md \"Appending to "
		    "a "
		    "sharded store\")",
		    p->store_dir, p->store_dir);
	hg_store st;
	if (hg_store_open(&st, p->store_dir, err)) {
		hg_err_wrap(err, "--append adds to a store's current snapshot");
		return -1;
	}
	if (p->registrations_path || p->addresses_path || p->pathways_path ||
	    p->appointments_path || p->ethnicity_codelist) {
		hg_store_close(&st);
		return hg_err_set(
		    err, HG_EUSAGE,
		    "--append adds persons and events only: registrations, addresses, "
		    "pathways, appointments and --ethnicity-codelist need a full ingest");
	}
	if (st.reid) {
		hg_store_close(&st);
		return hg_err_set(err, HG_EUSAGE,
		                  "%s: the store seals NHS numbers for re-identification; --append "
		                  "cannot add to it yet: re-ingest the whole extract",
		                  p->store_dir);
	}
	hg_persons bp, mp;
	hg_events ev;
	memset(&ev, 0, sizeof ev);
	memset(&mp, 0, sizeof mp);
	int rc = hg_persons_load(&bp, p, ref, key, NULL, prog, err);
	if (!rc)
		rc = parent_agrees(&st, &bp, ref, key, p, err);
	if (!rc) {
		persons_from_store(&mp, &st, st.n_persons + bp.n);
		rc = persons_merge(&mp, &bp, res, err);
	}
	if (!rc) {
		atomic_store(&prog->done, 0);
		prog->last_pct = -1;
		rc = hg_events_load(&ev, &mp, p, prog, err);
	}
	if (!rc) {
		res->persons = bp.counts;
		res->events = ev.counts;
		double lim = 100.0 * p->max_reject_rate;
		int over = pct(bp.counts.quarantined, bp.counts.read) > lim ||
		           pct(ev.counts.quarantined, ev.counts.read) > lim;
		rc = append_write(p, ref, &st, &mp, &bp, &ev, !over && !p->no_publish, res, err);
		if (!rc && !p->quiet) {
			hg_datefmt df;
			hg_datefmt_init(&df, p->date_format, NULL);
			hg_ingest_print_counts("persons", p->persons_path, &bp.counts, &bp.quar,
			                       bp.warn, HG_WARN_N, &df);
			hg_ingest_print_counts("events", p->events_path, &ev.counts, &ev.quar, NULL,
			                       0, &df);
			printf(
			    "appended to %s: %llu new persons, %llu updated, %llu events; %d files "
			    "of %s kept (hard links), not copied\n",
			    st.snapshot, (unsigned long long)res->persons_new,
			    (unsigned long long)res->persons_updated, (unsigned long long)ev.n,
			    res->files_linked, st.snapshot);
		}
		if (!rc)
			rc = hg_ingest_verdict(res, over, p->max_reject_rate, err);
	}
	hg_persons_free(&bp);
	hg_persons_free(&mp);
	hg_events_free(&ev);
	hg_store_close(&st);
	return rc;
}
