/*
 * quarantine.c: building quarantine CSVs and drawing the progress bar.
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
