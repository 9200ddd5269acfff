/*
 * geo.c: the synthesiser's geography. Either a synthetic England-like layout
 * (equal LSOA counts per IMD decile, ~1,500 people per LSOA, codes E019xxxxx
 * outside the real range) or real LSOAs of chosen local authorities read from
 * the official IMD 2019 File 1 and the ONS mid-2019 single-year-of-age file.
 * Practices are built by walking LSOAs in code order (codes are allocated
 * geographically) so neighbouring LSOAs share practices and practices differ
 * in deprivation.
 */
#include "synth_int.h"

#include "core/csv.h"
#include "core/dict.h"
#include "core/fs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define HG_SY_PER_LSOA     1500.0
#define HG_SY_PER_PRACTICE 12500.0 /* ever registered over ten years: ~9,000 at a time */

const char hg_synth_default_areas[] = "E08000001,E08000002,E08000003,E08000004,E08000005,"
                                      "E08000006,E08000007,E08000008,E08000009,E08000010";

static const char imd_header[] =
    "\xEF\xBB\xBFLSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
    "Index of Multiple Deprivation (IMD) Decile\n";

/* England mid-2019 by five-year band (thousands, ONS; 90+ last) and male share. */
static const double band_pop[19] = {3300, 3500, 3300, 3100, 3500, 3800, 3800, 3700, 3500, 3800,
                                    3900, 3600, 3100, 2800, 2800, 2000, 1400, 850,  520};
static const double band_male[19] = {0.512, 0.512, 0.512, 0.512, 0.51, 0.505, 0.5,
                                     0.5,   0.5,   0.495, 0.495, 0.49, 0.49,  0.485,
                                     0.475, 0.46,  0.43,  0.38,  0.30};
/* Share aged 65+ per IMD decile: interpolates the ONS quintile figures
 * 13.4/15.8/19.2/21.4/22.4% (calibration.md) so quintile means match. */
static const double decile_65plus[10] = {0.125, 0.143, 0.152, 0.164, 0.185,
                                         0.199, 0.210, 0.218, 0.221, 0.227};

void hg_sy_decile_agesex(float out[HG_SY_CELLS], int decile)
{
	double base65 = 0, tot = 0, w[HG_SY_CELLS];
	for (int b = 0; b < 19; b++) {
		tot += band_pop[b];
		if (b >= 13)
			base65 += band_pop[b];
	}
	double s = decile_65plus[decile - 1], f65 = s / (base65 / tot),
	       fy = (1 - s) / (1 - base65 / tot);
	for (int a = 0; a < HG_SY_AGES; a++) {
		int b = a >= 90 ? 18 : a / 5;
		double per = a >= 90 ? band_pop[18] : band_pop[b] / 5.0;
		per *= a >= 65 ? f65 : fy;
		w[a] = per * band_male[b];
		w[HG_SY_AGES + a] = per * (1 - band_male[b]);
	}
	double c = 0, sum = 0;
	for (int i = 0; i < HG_SY_CELLS; i++)
		sum += w[i];
	for (int i = 0; i < HG_SY_CELLS; i++) {
		c += w[i] / sum;
		out[i] = (float)c;
	}
	out[HG_SY_CELLS - 1] = 1.0f;
}

static void geo_lads_synthetic(hg_sy_geo *g, size_t nlad)
{
	g->nlad = nlad;
	g->lad_code = hg_arena_alloc(&g->arena, nlad * sizeof *g->lad_code);
	g->lad_name = hg_arena_alloc(&g->arena, nlad * sizeof *g->lad_name);
	for (size_t i = 0; i < nlad; i++) {
		g->lad_code[i] = hg_arena_printf(&g->arena, "E08%06zu", 900001 + i);
		g->lad_name[i] = hg_arena_printf(&g->arena, "Synthetic LAD %02zu", i + 1);
	}
}

/* Deciles in blocks of up to five neighbouring LSOAs, block order shuffled. */
static void geo_synthetic_deciles(hg_sy_geo *g, uint64_t seed)
{
	size_t n = g->nlsoa, per = n / 10, nb = 0;
	int *blocks = hg_xmalloc((n + 10) * sizeof *blocks); /* decile * 8 + size */
	for (int d = 1; d <= 10; d++)
		for (size_t k = 0; k < per; k += 5)
			blocks[nb++] = d * 8 + (int)(per - k < 5 ? per - k : 5);
	hg_rng r;
	hg_rng_seed(&r, seed, 0, 0x6E0);
	for (size_t i = nb; i > 1; i--) {
		size_t j = hg_rng_below(&r, i);
		int t = blocks[i - 1];
		blocks[i - 1] = blocks[j];
		blocks[j] = t;
	}
	size_t k = 0, seen[11] = {0};
	for (size_t b = 0; b < nb; b++)
		for (int j = 0; j < blocks[b] % 8; j++, k++) {
			int d = blocks[b] / 8;
			g->lsoa[k].decile = d;
			/* ranks spread evenly through the decile's national range */
			g->lsoa[k].rank =
			    (int)((d - 1) * 3284.4) + 1 + (int)(seen[d]++ * (3284.0 / (double)per));
		}
	free(blocks);
}

static int geo_synthetic(hg_sy_geo *g, const hg_synth_params *p)
{
	size_t n = (size_t)llround((double)p->people / HG_SY_PER_LSOA / 10.0) * 10;
	if (n < 10)
		n = 10;
	if (n > 32840)
		n = 32840;
	g->synthetic = 1;
	g->nlsoa = n;
	g->lsoa = hg_arena_calloc(&g->arena, n * sizeof *g->lsoa);
	size_t nlad = n / 150 ? n / 150 : 1;
	geo_lads_synthetic(g, nlad);
	for (int d = 1; d <= 10; d++)
		hg_sy_decile_agesex(g->decile_agesex[d - 1], d);
	geo_synthetic_deciles(g, p->seed);
	for (size_t i = 0; i < n; i++) {
		hg_sy_lsoa *l = &g->lsoa[i];
		snprintf(l->code, sizeof l->code, "E019%05zu", i + 1);
		l->name = hg_arena_printf(&g->arena, "Synthetic LSOA %04zu", i + 1);
		l->lad = (uint32_t)(i * nlad / n);
		l->pop = 1.0;
		l->agesex = g->decile_agesex[l->decile - 1];
	}
	return 0;
}

/* "29,199" -> 29199 */
static int parse_rank(hg_sv s)
{
	int v = 0;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] >= '0' && s.p[i] <= '9')
			v = v * 10 + (s.p[i] - '0');
	return v;
}

static int area_wanted(const char *areas, hg_sv lad)
{
	size_t len = lad.n;
	for (const char *a = areas; *a;) {
		const char *e = strchr(a, ',');
		size_t n = e ? (size_t)(e - a) : strlen(a);
		if (n == len && !memcmp(a, lad.p, n))
			return 1;
		if (!e)
			break;
		a = e + 1;
	}
	return 0;
}

static uint32_t geo_lad_id(hg_sy_geo *g, hg_dict *lads, hg_sv code, hg_sv name, size_t *cap)
{
	int ins = 0;
	uint32_t id = hg_dict_intern(lads, code.p, code.n, &ins);
	if (ins) {
		if (g->nlad == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			g->lad_code = hg_xrealloc(g->lad_code, *cap * sizeof *g->lad_code);
			g->lad_name = hg_xrealloc(g->lad_name, *cap * sizeof *g->lad_name);
		}
		g->lad_code[g->nlad] = hg_arena_strndup(&g->arena, code.p, code.n);
		g->lad_name[g->nlad] = hg_arena_strndup(&g->arena, name.p, name.n);
		g->nlad++;
	}
	return id;
}

static int geo_read_imd(hg_sy_geo *g, const char *path, const char *areas, hg_err *err)
{
	hg_csv c;
	if (hg_csv_open(&c, path, err))
		return -1;
	size_t lcap = 0, lcap_lad = 0;
	hg_dict lads;
	hg_dict_init(&lads);
	hg_csv_next(&c); /* header */
	while (hg_csv_next(&c)) {
		if (c.nfields < 6 || !area_wanted(areas, hg_csv_field(&c, 2)))
			continue;
		HG_GROW(g->lsoa, g->nlsoa, lcap);
		hg_sy_lsoa *l = &g->lsoa[g->nlsoa++];
		memset(l, 0, sizeof *l);
		hg_sv code = hg_csv_field(&c, 0), name = hg_csv_field(&c, 1);
		snprintf(l->code, sizeof l->code, "%.*s", (int)code.n, code.p);
		l->name = hg_arena_strndup(&g->arena, name.p, name.n);
		l->lad = geo_lad_id(g, &lads, hg_csv_field(&c, 2), hg_csv_field(&c, 3), &lcap_lad);
		l->rank = parse_rank(hg_csv_field(&c, 4));
		l->decile = (int)parse_rank(hg_csv_field(&c, 5));
		if (l->decile < 1 || l->decile > 10)
			l->decile = 5;
	}
	hg_csv_close(&c);
	hg_dict_free(&lads);
	/* move the LAD tables into the arena so hg_sy_geo_free has one owner */
	const char **lc = hg_arena_alloc(&g->arena, (g->nlad + 1) * sizeof *lc);
	const char **ln = hg_arena_alloc(&g->arena, (g->nlad + 1) * sizeof *ln);
	if (g->nlad) {
		memcpy(lc, g->lad_code, g->nlad * sizeof *lc);
		memcpy(ln, g->lad_name, g->nlad * sizeof *ln);
	}
	free(g->lad_code);
	free(g->lad_name);
	g->lad_code = lc;
	g->lad_name = ln;
	hg_sy_lsoa *ls = hg_arena_alloc(&g->arena, (g->nlsoa + 1) * sizeof *ls);
	if (g->nlsoa)
		memcpy(ls, g->lsoa, g->nlsoa * sizeof *ls);
	free(g->lsoa);
	g->lsoa = ls;
	if (!g->nlsoa)
		return hg_err_set(err, HG_EUSAGE, "%s: no LSOAs in the local authorities '%s'",
		                  path, areas);
	return 0;
}

static int gz_read_all(const char *path, hg_buf *b, hg_err *err)
{
	gzFile f = gzopen(path, "rb");
	if (!f)
		return hg_err_set(err, HG_EIO, "%s: cannot open", path);
	for (;;) {
		hg_buf_reserve(b, 1 << 20);
		int n = gzread(f, b->p + b->n, 1 << 20);
		if (n < 0) {
			gzclose(f);
			return hg_err_set(err, HG_EIO, "%s: bad gzip data", path);
		}
		if (n == 0)
			break;
		b->n += (size_t)n;
	}
	gzclose(f);
	return 0;
}

typedef struct {
	int lsoa, sex, age[HG_SY_AGES];
} hg_pop_cols;

static int pop_header(hg_csv *c, hg_pop_cols *pc, const char *path, hg_err *err)
{
	pc->lsoa = hg_csv_col(c, "lsoa_code");
	pc->sex = hg_csv_col(c, "gender");
	for (int a = 0; a < HG_SY_AGES; a++) {
		char name[16];
		snprintf(name, sizeof name, a == 90 ? "age90plus" : "age%d", a);
		pc->age[a] = hg_csv_col(c, name);
		if (pc->age[a] < 0)
			return hg_err_set(err, HG_EINPUT, "%s: no column %s", path, name);
	}
	if (pc->lsoa < 0 || pc->sex < 0)
		return hg_err_set(err, HG_EINPUT, "%s: no lsoa_code or gender column", path);
	return 0;
}

static void pop_finish(hg_sy_geo *g, double *counts)
{
	for (size_t i = 0; i < g->nlsoa; i++) {
		double *w = counts + i * HG_SY_CELLS, tot = 0, c = 0;
		for (int k = 0; k < HG_SY_CELLS; k++)
			tot += w[k];
		if (tot <= 0) { /* no ONS row: fall back to the decile structure */
			g->lsoa[i].pop = HG_SY_PER_LSOA;
			g->lsoa[i].agesex = g->decile_agesex[g->lsoa[i].decile - 1];
			continue;
		}
		float *cum = hg_arena_alloc(&g->arena, HG_SY_CELLS * sizeof *cum);
		for (int k = 0; k < HG_SY_CELLS; k++) {
			c += w[k] / tot;
			cum[k] = (float)c;
		}
		cum[HG_SY_CELLS - 1] = 1.0f;
		g->lsoa[i].pop = tot;
		g->lsoa[i].agesex = cum;
	}
}

static int geo_read_pop(hg_sy_geo *g, const char *path, hg_err *err)
{
	hg_buf b = {0};
	if (gz_read_all(path, &b, err)) {
		hg_buf_free(&b);
		return -1;
	}
	hg_dict idx;
	hg_dict_init(&idx);
	for (size_t i = 0; i < g->nlsoa; i++)
		hg_dict_intern(&idx, g->lsoa[i].code, strlen(g->lsoa[i].code), NULL);
	double *counts = hg_xcalloc(g->nlsoa * HG_SY_CELLS, sizeof *counts);
	hg_csv c;
	hg_csv_open_mem(&c, path, b.p, b.n, 1);
	hg_pop_cols pc = {0};
	int rc = hg_csv_next(&c) ? pop_header(&c, &pc, path, err)
	                         : hg_err_set(err, HG_EINPUT, "%s: empty", path);
	while (!rc && hg_csv_next(&c)) {
		hg_sv code = hg_csv_field(&c, pc.lsoa), sex = hg_csv_field(&c, pc.sex);
		uint32_t id = hg_dict_find(&idx, code.p, code.n);
		if (id == HG_DICT_MISSING || !sex.n)
			continue;
		double *w = counts + (size_t)id * HG_SY_CELLS + (sex.p[0] == 'f' ? HG_SY_AGES : 0);
		for (int a = 0; a < HG_SY_AGES; a++) {
			int64_t v = 0;
			if (!hg_parse_int64(hg_csv_field(&c, pc.age[a]), &v) && v > 0)
				w[a] += (double)v;
		}
	}
	hg_csv_close(&c);
	if (!rc)
		pop_finish(g, counts);
	free(counts);
	hg_dict_free(&idx);
	hg_buf_free(&b);
	return rc;
}

static int lsoa_cmp(const void *a, const void *b)
{
	const hg_sy_lsoa *x = a, *y = b;
	if (x->lad != y->lad)
		return x->lad < y->lad ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int geo_reference(hg_sy_geo *g, const hg_synth_params *p, hg_err *err)
{
	const char *areas = p->areas && *p->areas ? p->areas : hg_synth_default_areas;
	char path[HG_PATH_MAX];
	for (int d = 1; d <= 10; d++)
		hg_sy_decile_agesex(g->decile_agesex[d - 1], d);
	snprintf(path, sizeof path, "%s/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv",
	         p->reference_dir);
	if (geo_read_imd(g, path, areas, err))
		return -1;
	qsort(g->lsoa, g->nlsoa, sizeof *g->lsoa, lsoa_cmp);
	snprintf(path, sizeof path, "%s/population/ons_mid2019_lsoa11_syoa_by_sex_wide.csv.gz",
	         p->reference_dir);
	return geo_read_pop(g, path, err);
}

/* Practices: consecutive LSOAs (in LAD, code order) share a home practice. */
static void geo_practices(hg_sy_geo *g, const hg_synth_params *p)
{
	size_t np = (size_t)llround((double)p->people / HG_SY_PER_PRACTICE);
	if (np < 1)
		np = 1;
	if (np > 99999)
		np = 99999;
	g->nprac = np;
	g->prac = hg_arena_calloc(&g->arena, np * sizeof *g->prac);
	double tot = 0, c = 0;
	for (size_t i = 0; i < g->nlsoa; i++)
		tot += g->lsoa[i].pop;
	g->cum = hg_arena_alloc(&g->arena, g->nlsoa * sizeof *g->cum);
	for (size_t i = 0; i < g->nlsoa; i++) {
		double mid = (c + g->lsoa[i].pop / 2) / tot;
		c += g->lsoa[i].pop;
		g->cum[i] = c / tot;
		size_t k = (size_t)(mid * (double)np);
		g->lsoa[i].practice = (uint32_t)(k < np ? k : np - 1);
	}
	g->cum[g->nlsoa - 1] = 1.0;
	for (size_t k = 0; k < np; k++) {
		snprintf(g->prac[k].code, sizeof g->prac[k].code, "Y%05zu", k + 1);
		g->prac[k].pcn = (uint32_t)(k / 5);
	}
	for (size_t i = g->nlsoa; i-- > 0;)
		g->prac[g->lsoa[i].practice].lad = g->lsoa[i].lad;
}

int hg_sy_geo_build(hg_sy_geo *g, const hg_synth_params *p, hg_err *err)
{
	memset(g, 0, sizeof *g);
	hg_arena_init(&g->arena, 1 << 20);
	int rc = p->reference_dir ? geo_reference(g, p, err) : geo_synthetic(g, p);
	if (rc)
		return rc;
	geo_practices(g, p);
	return 0;
}

void hg_sy_geo_free(hg_sy_geo *g)
{
	hg_arena_free(&g->arena);
	memset(g, 0, sizeof *g);
}

static void put_rank(hg_buf *b, int rank)
{
	if (rank >= 1000)
		hg_buf_printf(b, "\"%d,%03d\"", rank / 1000, rank % 1000);
	else
		hg_buf_printf(b, "%d", rank);
}

static int geo_write_imd(const hg_sy_geo *g, const char *out_dir, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/reference/imd2019", out_dir);
	if (hg_mkdir_p(path, err))
		return -1;
	hg_buf b = {0};
	hg_buf_puts(&b, imd_header);
	for (size_t i = 0; i < g->nlsoa; i++) {
		const hg_sy_lsoa *l = &g->lsoa[i];
		hg_buf_printf(&b, "%s,%s,%s,%s,", l->code, l->name, g->lad_code[l->lad],
		              g->lad_name[l->lad]);
		put_rank(&b, l->rank);
		hg_buf_printf(&b, ",%d\n", l->decile);
	}
	snprintf(path, sizeof path,
	         "%s/reference/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv",
	         out_dir);
	int rc = hg_write_file_atomic(path, b.p, b.n, err);
	hg_buf_free(&b);
	if (rc)
		return rc;
	static const char marker[] =
	    "This reference directory was written by `healthgap synth` without --reference.\n"
	    "The IMD 2019 lookup in imd2019/ is SYNTHETIC: LSOA codes E019xxxxx lie outside\n"
	    "the real range (E01000001-E01033768), local authorities E08900xxx are invented,\n"
	    "and ranks and deciles follow the national distribution (equal LSOA counts per\n"
	    "decile). It has the official File 1 layout so that ingest reads it unchanged.\n"
	    "practices.csv lists the synthetic practices (Y-codes), PCNs and sub-ICBs;\n"
	    "lsoa_lookup.csv groups the LSOAs into synthetic MSOAs (E029xxxxx).\n"
	    "Never use these files for real analysis.\n";
	snprintf(path, sizeof path, "%s/reference/SYNTHETIC", out_dir);
	return hg_write_file_atomic(path, marker, sizeof marker - 1, err);
}

static int geo_write_practices(const hg_sy_geo *g, const char *out_dir, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/reference", out_dir);
	if (hg_mkdir_p(path, err))
		return -1;
	hg_buf b = {0};
	hg_buf_puts(&b,
	            "practice_code,practice_name,pcn_code,pcn_name,sub_icb_code,sub_icb_name\n");
	for (size_t k = 0; k < g->nprac; k++) {
		const hg_sy_practice *pr = &g->prac[k];
		hg_buf_printf(&b, "%s,Synthetic Practice %05zu,U%05u,Synthetic PCN %04u,%s,",
		              pr->code, k + 1, 90000 + pr->pcn, pr->pcn + 1, g->lad_code[pr->lad]);
		char name[256];
		snprintf(name, sizeof name, "%s (synthetic sub-ICB)", g->lad_name[pr->lad]);
		hg_csv_put_field(&b, name, strlen(name));
		hg_buf_putc(&b, '\n');
	}
	snprintf(path, sizeof path, "%s/reference/practices.csv", out_dir);
	int rc = hg_write_file_atomic(path, b.p, b.n, err);
	hg_buf_free(&b);
	return rc;
}

/* The synthetic LSOA lookup (ONS column names): consecutive LSOAs of a local authority
 * make up an MSOA of up to five, as MSOAs hold four to six LSOAs. */
static int geo_write_lookup(const hg_sy_geo *g, const char *out_dir, hg_err *err)
{
	hg_buf b = {0};
	hg_buf_puts(&b, "LSOA11CD,MSOA11CD,MSOA11NM,LAD19CD,LAD19NM\n");
	unsigned msoa = 0, in = 0;
	for (size_t i = 0; i < g->nlsoa; i++) {
		const hg_sy_lsoa *l = &g->lsoa[i];
		if (i && (in == 5 || g->lsoa[i - 1].lad != l->lad)) {
			msoa++;
			in = 0;
		}
		in++;
		hg_buf_printf(&b, "%s,E029%05u,Synthetic MSOA %04u,%s,", l->code, msoa + 1,
		              msoa + 1, g->lad_code[l->lad]);
		hg_csv_put_field(&b, g->lad_name[l->lad], strlen(g->lad_name[l->lad]));
		hg_buf_putc(&b, '\n');
	}
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/reference/lsoa_lookup.csv", out_dir);
	int rc = hg_write_file_atomic(path, b.p, b.n, err);
	hg_buf_free(&b);
	return rc;
}

int hg_sy_geo_write(const hg_sy_geo *g, const char *out_dir, hg_err *err)
{
	if (g->synthetic && (geo_write_imd(g, out_dir, err) || geo_write_lookup(g, out_dir, err)))
		return -1;
	return geo_write_practices(g, out_dir, err);
}
