/*
 * quarantine.c: building quarantine CSVs, the first failing row of each
 * reason as the terminal shows it (and the early stop that uses it), and
 * drawing the progress bar.
 */
#include "ingest_int.h"

#include <stdio.h>
#include <string.h>

void hg_quarantine_add(hg_quarantine *q, uint64_t line, const char *field, enum hg_reject why,
                       const char *detail, const char *rec, size_t rec_len)
{
	char reason[512];
	snprintf(reason, sizeof reason, "%s%s%s", hg_reject_names[why], detail ? ": " : "",
	         detail ? detail : "");
	hg_buf_printf(&q->csv, "%llu,", (unsigned long long)line);
	hg_csv_put_field(&q->csv, field, strlen(field));
	hg_buf_putc(&q->csv, ',');
	hg_csv_put_field(&q->csv, reason, strlen(reason));
	hg_buf_putc(&q->csv, ',');
	hg_csv_put_field(&q->csv, rec, rec_len);
	hg_buf_putc(&q->csv, '\n');
	q->n++;
	q->by_reason[why]++;
}

void hg_quarantine_add_masked(hg_quarantine *q, const hg_csv *c, int mask, const char *field,
                              enum hg_reject why, const char *detail)
{
	if (mask < 0 || (size_t)mask >= c->nfields) {
		/* the identifier column is absent from this record: it cannot leak */
		hg_quarantine_add(q, c->line, field, why, detail, c->rec, c->rec_len);
		return;
	}
	hg_buf rec = {0};
	for (size_t i = 0; i < c->nfields; i++) {
		if (i)
			hg_buf_putc(&rec, ',');
		if ((int)i == mask)
			hg_buf_puts(&rec, c->fields[i].n ? "**********" : "");
		else
			hg_csv_put_field(&rec, c->fields[i].p, c->fields[i].n);
	}
	hg_quarantine_add(q, c->line, field, why, detail, rec.p ? rec.p : "", rec.n);
	hg_buf_free(&rec);
}

void hg_quarantine_first(hg_quarantine *q, enum hg_reject why, uint64_t line, const char *field,
                         hg_sv value, int allow_month)
{
	hg_first *f = &q->first[why];
	if (q->by_reason[why] || f->line)
		return;
	f->line = line;
	f->field = field;
	f->shown = value.p != NULL;
	f->allow_month = allow_month;
	size_t n = value.n > 40 ? 40 : value.n, k = 0;
	/* cut before a character, not inside one; control bytes would garble the terminal */
	while (n < value.n && n && ((unsigned char)value.p[n] & 0xC0) == 0x80)
		n--;
	for (size_t i = 0; i < n; i++)
		f->value[k++] =
		    (unsigned char)value.p[i] < 0x20 || value.p[i] == 0x7f ? '?' : value.p[i];
	if (value.n > n)
		k += (size_t)snprintf(f->value + k, sizeof f->value - k, "...");
	f->value[k] = 0;
}

void hg_quarantine_merge_firsts(hg_quarantine *dst, const hg_quarantine *src)
{
	for (int r = 0; r < HG_REJ_N; r++)
		if (!dst->first[r].line && src->first[r].line)
			dst->first[r] = src->first[r];
}

void hg_first_describe(const hg_quarantine *q, enum hg_reject why, const hg_datefmt *df, char *buf,
                       size_t cap)
{
	const hg_first *f = &q->first[why];
	char expect[400];
	if (why == HG_REJ_DATE_INVALID)
		hg_datefmt_expect(df, (hg_sv){f->value, strlen(f->value)}, f->allow_month, expect,
		                  sizeof expect);
	else
		snprintf(expect, sizeof expect, "expected %s", hg_reject_expected[why]);
	if (f->shown)
		snprintf(buf, cap, "line %llu, %s: '%s'; %s", (unsigned long long)f->line, f->field,
		         f->value, expect);
	else
		snprintf(buf, cap, "line %llu, %s; %s", (unsigned long long)f->line, f->field,
		         expect);
}

int hg_early_stop(const char *path, uint64_t rows, const hg_quarantine *q, enum hg_reject why,
                  const hg_datefmt *df, hg_err *err)
{
	char first[600];
	hg_first_describe(q, why, df, first, sizeof first);
	char which[64];
	if (rows == 1)
		snprintf(which, sizeof which, "its only row fails");
	else if (rows < HG_EARLY_ROWS)
		snprintf(which, sizeof which, "all %llu rows fail the same rule",
		         (unsigned long long)rows);
	else
		snprintf(which, sizeof which, "the first %d,%03d rows all fail the same rule",
		         HG_EARLY_ROWS / 1000, HG_EARLY_ROWS % 1000);
	return hg_err_set(err, HG_EINPUT,
	                  "%s: %s, so ingest stopped and wrote nothing: %s (first at %s)", path,
	                  which, hg_reject_names[why], first);
}

void hg_progress_tick(hg_progress *p, uint64_t bytes, int draw)
{
	if (!p || !p->on)
		return;
	uint64_t done = atomic_fetch_add(&p->done, bytes) + bytes;
	if (!draw || !p->total)
		return;
	int pct = (int)(done * 100 / p->total);
	if (pct > 100)
		pct = 100;
	if (pct == p->last_pct)
		return;
	p->last_pct = pct;
	char bar[41];
	int fill = pct * 40 / 100;
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = 0;
	fprintf(stderr, "\r%-12s [%s] %3d%%", p->label, bar, pct);
	fflush(stderr);
}

void hg_progress_end(hg_progress *p)
{
	if (p && p->on) {
		fprintf(stderr, "\r%-60s\r", "");
		fflush(stderr);
	}
}
