/*
 * fields.c: the CSV field writers every synthetic row is made of (person
 * ids, dates, codes, values, settings), shared by the persons.csv rows
 * (person.c), the events.csv rows (clinical.c) and their corrupt copies
 * (corrupt.c), so those files call it and never each other for a field.
 */
#include "synth_int.h"

void hg_sy_format_id(const hg_sy_model *m, uint64_t index, char s[HG_SY_ID_LEN])
{
	uint64_t v =
	    (uint64_t)(((unsigned __int128)index * m->id_mul + m->id_add) % 10000000000ULL);
	s[0] = 'P';
	for (int i = 10; i >= 1; i--, v /= 10)
		s[i] = (char)('0' + v % 10);
}

void hg_sy_put_id(const hg_sy_model *m, uint64_t index, hg_buf *b)
{
	char s[HG_SY_ID_LEN];
	hg_sy_format_id(m, index, s);
	hg_buf_put(b, s, HG_SY_ID_LEN);
}

void hg_sy_put_date(const hg_sy_model *m, hg_date d, hg_buf *b)
{
	if (d == HG_DATE_NONE)
		return;
	if (d >= m->date_lo && d <= m->date_hi) {
		hg_buf_put(b, m->datestr[d - m->date_lo], 10);
		return;
	}
	char s[11];
	hg_buf_puts(b, hg_date_format(d, s));
}

static const char *const hg_settings[8] = {"gp", "rx", "ae", "apc", "op", "mh", "mat", "cancer"};

const char *hg_sy_setting_name(int s)
{
	return hg_settings[s];
}

void hg_sy_put_code(const hg_sy_model *m, int list, int idx, hg_buf *b)
{
	size_t n = m->codes->n[list];
	size_t i = (size_t)idx % n;
	hg_buf_put(b, m->codes->code[list][i], m->codes->len[list][i]);
}

void hg_sy_put_value(int32_t v10, hg_buf *b)
{
	if (v10 == HG_SY_NOVAL)
		return;
	char s[24];
	int n = 0;
	int32_t whole = v10 / 10, frac = v10 % 10;
	char t[16];
	int k = 0;
	do {
		t[k++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	while (k)
		s[n++] = t[--k];
	if (frac) {
		s[n++] = '.';
		s[n++] = (char)('0' + frac);
	}
	hg_buf_put(b, s, (size_t)n);
}
