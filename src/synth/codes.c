/*
 * codes.c: the code lists the synthesiser draws codes from. They are read at
 * run time from the project's packaged OpenCodelists-format CSVs (code,term),
 * so the synthetic data always uses exactly the codes the indicators look for.
 */
#include "synth_int.h"

#include "core/csv.h"
#include "core/fs.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const list_files[HG_SC_N] = {
    [HG_SC_HYP] = "hyp_cod.csv",
    [HG_SC_HYPRES] = "hypres_cod.csv",
    [HG_SC_SBP] = "sbp_cod.csv",
    [HG_SC_DBP] = "dbp_cod.csv",
    [HG_SC_DM1] = "dm_type1_cod.csv",
    [HG_SC_DM2] = "dm_type2_cod.csv",
    [HG_SC_COPD] = "copd_cod.csv",
    [HG_SC_AST] = "ast_cod.csv",
    [HG_SC_SMI] = "smi_cod.csv",
    [HG_SC_LD] = "ld_cod.csv",
    [HG_SC_SMOK] = "smok_cod.csv",
    [HG_SC_EXSMOK] = "exsmok_cod.csv",
    [HG_SC_NONSMOK] = "nonsmok_cod.csv",
    [HG_SC_FLU] = "flu_vacc.csv",
    [HG_SC_BMI] = "bmi_cod.csv",
    [HG_SC_CHOL] = "chol_cod.csv",
    [HG_SC_HBA1C] = "hba1c_cod.csv",
    [HG_SC_ALC] = "alc_cod.csv",
    [HG_SC_SABA] = "saba_dmd.csv",
    [HG_SC_AE] = "ae_attend.csv",
    [HG_SC_APPT] = "appt_attended.csv",
    [HG_SC_DNA] = "appt_dna.csv",
    [HG_SC_BIRTH] = "live_birth.csv",
    [HG_SC_TOOTH] = "tooth_extraction_opcs.csv",
    [HG_SC_CARIES] = "dental_caries_icd10.csv",
    [HG_SC_CANCER] = "cancer_icd10.csv",
    [HG_SC_EMERG] = "emergency_dx_icd10.csv",
    [HG_SC_ELECT] = "elective_dx_icd10.csv",
    [HG_SC_COPD_ADM] = "copd_exacerbation_icd10.csv",
    [HG_SC_AST_ADM] = "asthma_icd10.csv",
    [HG_SC_MH] = "mh_dx_icd10.csv",
    [HG_SC_OP] = "op_attend.csv",
};

static int synth_code_ok(hg_sv s)
{
	if (!s.n || s.n > 24)
		return 0;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] == ',' || s.p[i] == '"' || s.p[i] == '\n' || s.p[i] == '\r' ||
		    s.p[i] == ' ')
			return 0;
	return 1;
}

static int list_load(hg_sy_codes *c, int list, const char *dir, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, list_files[list]);
	hg_csv csv;
	if (hg_csv_open(&csv, path, err))
		return -1;
	int col = hg_csv_next(&csv) ? hg_csv_col(&csv, "code") : -1;
	if (col < 0) {
		hg_csv_close(&csv);
		return hg_err_set(err, HG_EINPUT, "%s: no 'code' column", path);
	}
	c->code[list] = hg_arena_alloc(&c->arena, 64 * sizeof(char *));
	while (hg_csv_next(&csv) && c->n[list] < 64) {
		hg_sv v = hg_sv_trim(hg_csv_field(&csv, col));
		if (!v.n)
			continue;
		if (!synth_code_ok(v)) {
			hg_err_set(err, HG_EINPUT, "%s:%llu: unusable code '%.*s'", path,
			           (unsigned long long)csv.line, (int)(v.n > 40 ? 40 : v.n), v.p);
			hg_csv_close(&csv);
			return -1;
		}
		c->len[list][c->n[list]] = (uint32_t)v.n;
		c->code[list][c->n[list]++] = hg_arena_strndup(&c->arena, v.p, v.n);
	}
	hg_csv_close(&csv);
	if (!c->n[list])
		return hg_err_set(err, HG_EINPUT, "%s: no codes", path);
	return 0;
}

/* Relative frequency of cancer sites by sex (CRUK incidence shares, rounded). */
static double site_weight(const char *code, int female)
{
	static const struct {
		const char *p;
		double m, f;
	} w[] = {{"C50", 0.2, 30},  {"C61", 26, 0},    {"C34", 13, 12},   {"C18", 6, 6},
	         {"C19", 1, 1},     {"C20", 4, 2.5},   {"C43", 4.5, 4.5}, {"C67", 3.5, 1.2},
	         {"C64", 4, 2.5},   {"C25", 3, 3},     {"C16", 2, 1},     {"C15", 3, 1.5},
	         {"C53", 0, 1.2},   {"C54", 0, 5},     {"C56", 0, 3.5},   {"C71", 1.5, 1},
	         {"C73", 0.5, 1.5}, {"C85", 4.5, 3.5}, {"C91", 2, 1.2},   {"C92", 1.3, 1},
	         {"C22", 2.2, 1},   {"C62", 1, 0}};
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (!strncmp(code, w[i].p, 3))
			return female ? w[i].f : w[i].m;
	return 1;
}

static void cancer_weights(hg_sy_codes *c)
{
	size_t n = c->n[HG_SC_CANCER];
	for (int s = 0; s < 2; s++) {
		double *w = hg_arena_alloc(&c->arena, n * sizeof *w), acc = 0;
		for (size_t i = 0; i < n; i++) {
			acc += site_weight(c->code[HG_SC_CANCER][i], s == 1);
			w[i] = acc;
		}
		if (acc <= 0)
			for (size_t i = 0; i < n; i++)
				w[i] = (double)(i + 1);
		c->cancer_w[s] = w;
	}
}

int hg_sy_codes_load(hg_sy_codes *c, const char *dir, hg_err *err)
{
	memset(c, 0, sizeof *c);
	hg_arena_init(&c->arena, 64 * 1024);
	if (!hg_is_dir(dir))
		return hg_err_set(err, HG_EUSAGE, "code list directory '%s' not found", dir);
	for (int l = 0; l < HG_SC_N; l++)
		if (list_load(c, l, dir, err))
			return hg_err_wrap(err, "loading code lists");
	cancer_weights(c);
	return 0;
}

void hg_sy_codes_free(hg_sy_codes *c)
{
	hg_arena_free(&c->arena);
	memset(c, 0, sizeof *c);
}

int hg_synth_find_codelists(char *out, size_t n, hg_err *err)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	static const char *const rel[] = {"/../packs/core20plus5/codelists",
	                                  "/../../packs/core20plus5/codelists",
	                                  "/../../../packs/core20plus5/codelists"};
	if (len > 0) {
		exe[len] = 0;
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(out, n, "%s%s", exe, rel[i]);
			if (hg_is_dir(out))
				return 0;
		}
	}
	return hg_err_set(err, HG_EUSAGE,
	                  "cannot find packs/core20plus5/codelists next to the executable (%s/..); "
	                  "give --codelists DIR",
	                  len > 0 ? exe : "?");
}
