/*
 * events.c: reading and validating events.csv, then ordering events by
 * person and date.
 *
 * When the file holds no quote character at all (the usual case for event
 * extracts) it is split at line boundaries into one chunk per core and the
 * chunks are parsed in parallel, each with its own code dictionary and
 * quarantine buffer; the results are merged in file order, so the output is
 * identical to a sequential parse. Events are then placed by a counting sort
 * on person and sorted by date within each person (stable).
 *
 * The line count also checks that the bytes are UTF-8, chunk by chunk; and
 * before the parallel parse, the first HG_EARLY_ROWS rows are tried on their
 * own, so a file whose every row fails one rule (a date format, a setting
 * spelled differently) stops ingest at once with the first failing value.
 */
#include "core/thread.h"
#include "ingest_int.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct {
	int id, nhs, date, code, value, setting;
	size_t ncols;
} hg_ecols;

typedef struct hg_echunk {
	size_t begin, end;
	uint64_t first_line;
	uint32_t *person;
	hg_date *date;
	uint32_t *code;
	float *value;
	uint8_t *setting;
	size_t n, cap;
	hg_dict codes;
	hg_quarantine quar;
	uint64_t read;
	hg_date min_date, max_date;
	int quoted;          /* the chunk holds a quote character */
	size_t bad_utf8;     /* offset in the chunk of its first byte that is not UTF-8 ... */
	uint64_t bad_line;   /* ... and its line in the chunk (1-based); SIZE_MAX / 0: none */
	hg_person_memo memo; /* the previous row's person */
} hg_echunk;

typedef struct {
	const char *data;
	const char *path;
	const hg_persons *ps;
	hg_ecols ec;
	hg_date lo, hi;
	const hg_datefmt *df;
	char delim;
	int check_utf8; /* the input was not converted: check it is UTF-8 */
	int mapped;     /* the input is a file mapping, whose parsed pages may be released */
	hg_echunk *chunks;
	hg_progress *prog;
} hg_ectx;

/* Resize every array of the chunk to hold c events. */
static void echunk_resize(hg_echunk *k, size_t c)
{
	k->person = hg_xrealloc(k->person, c * sizeof *k->person);
	k->date = hg_xrealloc(k->date, c * sizeof *k->date);
	k->code = hg_xrealloc(k->code, c * sizeof *k->code);
	k->value = hg_xrealloc(k->value, c * sizeof *k->value);
	k->setting = hg_xrealloc(k->setting, c * sizeof *k->setting);
	k->cap = c;
}

static void echunk_grow(hg_echunk *k)
{
	if (k->n == k->cap)
		echunk_resize(k, k->cap ? k->cap * 2 : 65536);
}

/* Give back the unused tail of the chunk's arrays (they grow by doubling). */
static void echunk_shrink(hg_echunk *k)
{
	echunk_resize(k, k->n ? k->n : 1);
}

static void echunk_free(hg_echunk *k)
{
	free(k->person);
	free(k->date);
	free(k->code);
	free(k->value);
	free(k->setting);
	hg_dict_free(&k->codes);
	hg_buf_free(&k->quar.csv);
}

static int event_code_ok(hg_sv s)
{
	if (!s.n || s.n > 64)
		return 0;
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] <= ' ' || s.p[i] == ',' || s.p[i] == '"')
			return 0;
	return 1;
}

/* A setting in any case ("GP", "Apc"): the names are lower case. */
static int setting_nocase(hg_sv s)
{
	char low[16];
	if (s.n >= sizeof low)
		return -1;
	for (size_t i = 0; i < s.n; i++)
		low[i] = (char)tolower((unsigned char)s.p[i]);
	return hg_setting_parse(low, s.n);
}

/* Validate one event row; returns the rejection (HG_REJ_N when accepted), with the
 * failing value in *value when it may be shown (p NULL otherwise). */
static enum hg_reject event_row(const hg_ectx *x, hg_echunk *k, const hg_csv *c, const char **field,
                                char *detail, size_t dcap, hg_sv *value)
{
	const hg_persons *ps = x->ps;
	const hg_ecols *ec = &x->ec;
	*value = (hg_sv){NULL, 0}; /* identifiers are never shown */
	uint32_t p;
	enum hg_reject why =
	    hg_persons_row(ps, c, ec->ncols, ec->nhs, ec->id, HG_REJ_UNKNOWN_PERSON, &k->memo, &p,
	                   field, detail, dcap);
	if (why != HG_REJ_N)
		return why;
	*field = "date";
	hg_sv ds = hg_sv_trim(hg_csv_field(c, ec->date));
	*value = ds;
	hg_date d;
	if (hg_datefmt_read(x->df, ds, 0, &d, NULL)) {
		snprintf(detail, dcap, "'%.*s' is not %s", (int)(ds.n > 40 ? 40 : ds.n), ds.p,
		         x->df->name);
		return HG_REJ_DATE_INVALID;
	}
	if (d < x->lo || d > x->hi)
		return HG_REJ_DATE_RANGE;
	if (ps->dod[p] != HG_DATE_NONE && d > ps->dod[p])
		return HG_REJ_AFTER_DEATH;
	if (d < ps->dob[p])
		return HG_REJ_BEFORE_BIRTH;
	*field = "code";
	hg_sv code = hg_sv_trim(hg_csv_field(c, ec->code));
	*value = code;
	if (!event_code_ok(code))
		return HG_REJ_CODE;
	*field = "value";
	float num = NAN;
	hg_sv vs = hg_sv_trim(hg_csv_field(c, ec->value));
	*value = vs;
	if (vs.n) {
		double v;
		if (hg_parse_double(vs, &v) || fabs(v) > 3.0e38)
			return HG_REJ_VALUE;
		num = (float)v;
	}
	*field = "setting";
	hg_sv ss = hg_sv_trim(hg_csv_field(c, ec->setting));
	*value = ss;
	int setting = hg_setting_parse(ss.p, ss.n);
	if (setting < 0 && (setting = setting_nocase(ss)) < 0)
		return HG_REJ_SETTING;
	echunk_grow(k);
	k->person[k->n] = p;
	k->date[k->n] = d;
	k->code[k->n] = hg_dict_intern(&k->codes, code.p, code.n, NULL);
	k->value[k->n] = num;
	k->setting[k->n] = (uint8_t)setting;
	k->n++;
	if (d < k->min_date)
		k->min_date = d;
	if (d > k->max_date)
		k->max_date = d;
	return HG_REJ_N;
}

/* Tell the kernel the parsed part of the mapped input is no longer needed,
 * so resident memory does not grow with the size of the file. */
static void release_input(const char *p, size_t n)
{
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)4095;
	if (b > a)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

/* Parse and validate one row into chunk k (or its quarantine); the reason, or HG_REJ_N. */
static enum hg_reject event_one(const hg_ectx *x, hg_echunk *k, const hg_csv *c)
{
	const char *field;
	char detail[160] = "";
	hg_sv value;
	enum hg_reject why = event_row(x, k, c, &field, detail, sizeof detail, &value);
	if (why == HG_REJ_N)
		return why;
	hg_quarantine_first(&k->quar, why, c->line, field, value, 0);
	if (x->ec.nhs >= 0)
		hg_quarantine_add_masked(&k->quar, c, x->ec.nhs, field, why,
		                         detail[0] ? detail : NULL);
	else
		hg_quarantine_add(&k->quar, c->line, field, why, detail[0] ? detail : NULL, c->rec,
		                  c->rec_len);
	return why;
}

static void echunk_parse(void *ctx, size_t begin, size_t end, int tid)
{
	hg_ectx *x = ctx;
	for (size_t ci = begin; ci < end; ci++) {
		hg_echunk *k = &x->chunks[ci];
		hg_csv c;
		hg_csv_open_mem(&c, x->path, x->data + k->begin, k->end - k->begin, k->first_line);
		c.pos = 0; /* a chunk never starts with a BOM */
		c.delim = x->delim;
		size_t last = 0;
		while (hg_csv_next(&c)) {
			k->read++;
			event_one(x, k, &c);
			if (c.pos - last > (4 << 20)) {
				hg_progress_tick(x->prog, c.pos - last, tid == 0);
				if (x->mapped)
					release_input(x->data + k->begin + last, c.pos - last);
				last = c.pos;
			}
		}
		hg_progress_tick(x->prog, c.pos - last, tid == 0);
		hg_csv_close(&c);
		echunk_shrink(k);
	}
}

static const char *const event_cols[] = {"person_id", "nhs_number", "date", "code",
                                         "value",     "setting",    NULL};

static int ecols_find(hg_ecols *ec, const hg_csv *c, const hg_persons *ps, const char *path,
                      hg_err *err)
{
	ec->id = hg_csv_col(c, "person_id");
	ec->nhs = hg_csv_col(c, "nhs_number");
	ec->date = hg_csv_col(c, "date");
	ec->code = hg_csv_col(c, "code");
	ec->value = hg_csv_col(c, "value");
	ec->setting = hg_csv_col(c, "setting");
	ec->ncols = c->nfields;
	if (ec->id < 0 && ec->nhs < 0)
		return hg_header_missing(c, "neither person_id nor nhs_number", "person_id",
		                         event_cols, err);
	if (ec->nhs >= 0 && !ps->has_nhs)
		return hg_err_set(err, HG_EINPUT,
		                  "%s:1: events are keyed by nhs_number but persons by person_id",
		                  path);
	if (ec->nhs < 0 && ps->has_nhs)
		ec->nhs = -1; /* events keyed by pseudonym: allowed */
	const char *need[] = {"date", "code", "setting"};
	int idx[] = {ec->date, ec->code, ec->setting};
	char what[64];
	for (int i = 0; i < 3; i++)
		if (idx[i] < 0) {
			snprintf(what, sizeof what, "no %s column", need[i]);
			return hg_header_missing(c, what, need[i], event_cols, err);
		}
	return 0;
}

/* Split data[start..size) into n chunks at line ends; returns the chunk count. */
static size_t split_lines(const char *data, size_t start, size_t size, size_t n, hg_echunk *chunks)
{
	size_t made = 0, pos = start;
	for (size_t i = 0; i < n && pos < size; i++) {
		size_t end = i == n - 1 ? size : start + (size - start) * (i + 1) / n;
		if (end < pos)
			end = pos;
		if (end < size) {
			const char *nl = memchr(data + end, '\n', size - end);
			end = nl ? (size_t)(nl - data) + 1 : size;
		}
		chunks[made].begin = pos;
		chunks[made].end = end;
		made++;
		pos = end;
	}
	return made;
}

static void count_lines(void *ctx, size_t begin, size_t end, int tid)
{
	hg_ectx *x = ctx;
	for (size_t ci = begin; ci < end; ci++) {
		hg_echunk *k = &x->chunks[ci];
		uint64_t n = 0;
		const char *p = x->data + k->begin, *e = x->data + k->end;
		while ((p = memchr(p, '\n', (size_t)(e - p)))) {
			n++;
			p++;
		}
		k->first_line = n; /* temporarily: newlines inside the chunk */
		k->quoted = memchr(x->data + k->begin, '"', k->end - k->begin) != NULL;
		k->bad_utf8 = SIZE_MAX;
		if (x->check_utf8)
			hg_csv_utf8_check(x->data + k->begin, k->end - k->begin, &k->bad_utf8,
			                  &k->bad_line);
		if (x->mapped)
			release_input(x->data + k->begin, k->end - k->begin);
	}
}

typedef struct {
	hg_events *ev;
} hg_sortctx;

static void sort_person_ranges(void *ctx, size_t begin, size_t end, int tid)
{
	hg_events *ev = ((hg_sortctx *)ctx)->ev;
	for (size_t p = begin; p < end; p++) {
		uint64_t a = ev->off[p], b = ev->off[p + 1];
		for (uint64_t i = a + 1; i < b; i++) { /* stable insertion sort by date */
			hg_date d = ev->date[i];
			if (ev->date[i - 1] <= d)
				continue;
			uint32_t cd = ev->code[i];
			float v = ev->value[i];
			uint8_t s = ev->setting[i];
			uint64_t j = i;
			while (j > a && ev->date[j - 1] > d) {
				ev->date[j] = ev->date[j - 1];
				ev->code[j] = ev->code[j - 1];
				ev->value[j] = ev->value[j - 1];
				ev->setting[j] = ev->setting[j - 1];
				j--;
			}
			ev->date[j] = d;
			ev->code[j] = cd;
			ev->value[j] = v;
			ev->setting[j] = s;
		}
	}
}

enum { HG_ECOL_DATE, HG_ECOL_CODE, HG_ECOL_VALUE, HG_ECOL_SETTING, HG_ECOL_N };

/*
 * Place one column of every chunk at its sorted position (counting sort by
 * person, file order kept within a person), then free that column of the
 * chunks. Going column by column keeps peak memory near one copy of the
 * events plus one column, instead of two full copies.
 */
static void scatter_col(hg_events *ev, hg_echunk *chunks, size_t nchunks, size_t npersons,
                        uint64_t *fill, int col)
{
	size_t n = ev->n ? ev->n : 1;
	memcpy(fill, ev->off, (npersons + 1) * sizeof *fill);
	if (col == HG_ECOL_DATE)
		ev->date = hg_xmalloc(n * sizeof *ev->date);
	else if (col == HG_ECOL_CODE)
		ev->code = hg_xmalloc(n * sizeof *ev->code);
	else if (col == HG_ECOL_VALUE)
		ev->value = hg_xmalloc(n * sizeof *ev->value);
	else
		ev->setting = hg_xmalloc(n * sizeof *ev->setting);
	for (size_t i = 0; i < nchunks; i++) {
		hg_echunk *k = &chunks[i];
		const uint32_t *pp = k->person;
		switch (col) {
		case HG_ECOL_DATE:
			for (size_t j = 0; j < k->n; j++)
				ev->date[fill[pp[j]]++] = k->date[j];
			free(k->date);
			k->date = NULL;
			break;
		case HG_ECOL_CODE: {
			uint32_t *remap = hg_xmalloc((k->codes.n + 1) * sizeof *remap);
			for (uint32_t c = 0; c < k->codes.n; c++)
				remap[c] = hg_dict_intern(&ev->codes, k->codes.keys[c],
				                          k->codes.lens[c], NULL);
			for (size_t j = 0; j < k->n; j++)
				ev->code[fill[pp[j]]++] = remap[k->code[j]];
			free(remap);
			free(k->code);
			k->code = NULL;
			break;
		}
		case HG_ECOL_VALUE:
			for (size_t j = 0; j < k->n; j++)
				ev->value[fill[pp[j]]++] = k->value[j];
			free(k->value);
			k->value = NULL;
			break;
		default:
			for (size_t j = 0; j < k->n; j++) {
				ev->setting[fill[pp[j]]++] = k->setting[j];
				ev->by_setting[k->setting[j]]++;
			}
			free(k->setting);
			k->setting = NULL;
		}
	}
}

/* Merge chunks in file order: global codes, quarantine, counting sort by person. */
static void events_merge(hg_events *ev, hg_echunk *chunks, size_t nchunks, size_t npersons,
                         int threads)
{
	uint64_t total = 0;
	for (size_t i = 0; i < nchunks; i++)
		total += chunks[i].n;
	ev->n = total;
	ev->off = hg_xcalloc(npersons + 1, sizeof *ev->off);
	ev->min_date = HG_DATE_NONE;
	ev->max_date = INT32_MIN;
	for (size_t i = 0; i < nchunks; i++) {
		hg_echunk *k = &chunks[i];
		for (size_t j = 0; j < k->n; j++)
			ev->off[k->person[j] + 1]++;
		hg_buf_put(&ev->quar.csv, k->quar.csv.p, k->quar.csv.n);
		hg_quarantine_merge_firsts(&ev->quar, &k->quar); /* before the counts: file order */
		ev->quar.n += k->quar.n;
		for (int r = 0; r < HG_REJ_N; r++)
			ev->quar.by_reason[r] += k->quar.by_reason[r];
		ev->counts.read += k->read;
		if (k->n && k->min_date < ev->min_date)
			ev->min_date = k->min_date;
		if (k->n && k->max_date > ev->max_date)
			ev->max_date = k->max_date;
	}
	for (size_t p = 0; p < npersons; p++)
		ev->off[p + 1] += ev->off[p];
	uint64_t *fill = hg_xmalloc((npersons + 1) * sizeof *fill);
	for (int col = 0; col < HG_ECOL_N; col++)
		scatter_col(ev, chunks, nchunks, npersons, fill, col);
	for (size_t i = 0; i < nchunks; i++)
		echunk_free(&chunks[i]);
	free(fill);
	hg_sortctx sc = {ev};
	hg_parallel_for(threads, npersons, sort_person_ranges, &sc);
	ev->counts.accepted = total;
	ev->counts.quarantined = ev->quar.n;
}

/* Try the first HG_EARLY_ROWS rows on their own: when all fail one rule, nothing more
 * is read and the error says which rule, where, and what was expected. */
static int events_probe(const hg_ectx *x, size_t body, size_t size, uint64_t line, hg_err *err)
{
	hg_echunk k = {.min_date = HG_DATE_NONE, .max_date = INT32_MIN};
	hg_dict_init(&k.codes);
	hg_csv c;
	hg_csv_open_mem(&c, x->path, x->data + body, size - body, line);
	c.pos = 0;
	c.delim = x->delim;
	uint64_t rows = 0, same = 0;
	enum hg_reject why = HG_REJ_N;
	while (rows < HG_EARLY_ROWS && hg_csv_next(&c)) {
		enum hg_reject r = event_one(x, &k, &c);
		if (r != HG_REJ_N && same == rows && (same == 0 || r == why)) {
			same++;
			why = r;
		}
		rows++;
	}
	int rc = same && same == rows ? hg_early_stop(x->path, rows, &k.quar, why, x->df, err) : 0;
	hg_csv_close(&c);
	echunk_free(&k);
	return rc;
}

/* Open events.csv at its header, find its columns and say how it is read. */
static int events_open(hg_ectx *x, hg_csv *c, const hg_persons *ps, const hg_ingest_params *p,
                       hg_err *err)
{
	int kind = hg_encoding_kind(p->encoding, err);
	if (kind < 0 || hg_source_open(c, p->events_path, p->encoding, 0, err))
		return -1;
	if (!hg_csv_next(c))
		return hg_err_set(err, HG_EINPUT, "%s: empty file (no header row)", p->events_path);
	if (ecols_find(&x->ec, c, ps, p->events_path, err))
		return -1;
	x->data = c->data;
	x->delim = c->delim;
	x->check_utf8 = kind == 0;
	x->mapped = c->owns == 1;
	hg_source_say(c, p->encoding, x->df, x->ec.date, p->quiet);
	if (x->ec.value < 0)
		hg_say_missing_column(c, "value", event_cols,
		                      "events carry no values (conditions on a value never hold)",
		                      0, p->quiet);
	return 0;
}

/* Split the body into chunks (*nchunks), count their lines and check their bytes. */
static int events_chunks(hg_ectx *x, const hg_csv *c, int threads, size_t *nchunks, hg_err *err)
{
	size_t body = c->pos;
	/* Count lines and look for quotes chunk by chunk, releasing the pages as
	 * we go; a quote anywhere means one sequential chunk, since a quoted
	 * field may hold a newline that a split would cut. */
	size_t want = c->size - body < (1 << 20) ? 1 : (size_t)threads * 4;
	hg_echunk *chunks = x->chunks = hg_xcalloc(want, sizeof *chunks);
	size_t n = split_lines(c->data, body, c->size, want, chunks);
	hg_parallel_for(threads, n, count_lines, x);
	int quoted = 0;
	for (size_t i = 0; i < n; i++)
		quoted |= chunks[i].quoted;
	uint64_t line = c->next_line;
	for (size_t i = 0; i < n; i++) {
		if (chunks[i].bad_utf8 != SIZE_MAX)
			return hg_source_bad_utf8(x->path, c->data + chunks[i].begin,
			                          chunks[i].bad_utf8, line + chunks[i].bad_line - 1,
			                          err);
		uint64_t nl = chunks[i].first_line;
		chunks[i].first_line = line;
		line += nl;
	}
	if (quoted && n > 1) {
		chunks[0].end = chunks[n - 1].end;
		n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		hg_dict_init(&chunks[i].codes);
		chunks[i].min_date = HG_DATE_NONE;
		chunks[i].max_date = INT32_MIN;
	}
	*nchunks = n;
	return 0;
}

int hg_events_load(hg_events *ev, const hg_persons *ps, const hg_ingest_params *p,
                   hg_progress *prog, hg_err *err)
{
	memset(ev, 0, sizeof *ev);
	hg_dict_init(&ev->codes);
	hg_datefmt df;
	if (hg_datefmt_init(&df, p->date_format, err))
		return -1;
	hg_ectx x = {.path = p->events_path, .ps = ps, .prog = prog, .df = &df};
	x.lo = hg_date_from_ymd(1900, 1, 1);
	x.hi = p->extract_date;
	hg_csv c = {0};
	int threads = p->threads > 0 ? p->threads : hg_ncpu();
	size_t n = 0;
	if (events_open(&x, &c, ps, p, err) || events_chunks(&x, &c, threads, &n, err) ||
	    events_probe(&x, c.pos, c.size, c.next_line, err)) {
		for (size_t i = 0; i < n; i++) /* made by events_chunks when it succeeded */
			echunk_free(&x.chunks[i]);
		free(x.chunks);
		hg_csv_close(&c);
		return -1;
	}
	prog->total = c.size;
	prog->label = "events";
	hg_parallel_for(threads, n, echunk_parse, &x);
	hg_progress_end(prog);
	events_merge(ev, x.chunks, n, ps->n, threads);
	free(x.chunks);
	hg_csv_close(&c);
	assert(ev->counts.read == ev->counts.accepted + ev->counts.quarantined);
	return 0;
}

void hg_events_free(hg_events *ev)
{
	free(ev->off);
	free(ev->date);
	free(ev->code);
	free(ev->value);
	free(ev->setting);
	hg_dict_free(&ev->codes);
	hg_buf_free(&ev->quar.csv);
	memset(ev, 0, sizeof *ev);
}
