/*
 * codes.c: the code lists the synthesiser draws codes from. They are read at
 * run time from the project's packaged OpenCodelists-format CSVs (code,term):
 * the Core20PLUS5 lists from the --codelists directory, the segmentation,
 * frailty and multimorbidity packs' lists from the packs beside it, so the
 * synthetic data always uses exactly the codes the indicators look for. Only
 * each list's first codes are read (at most 64; the new packs' lists put the
 * typical codes first and name how many to draw from).
 */
#include "synth_int.h"

#include "core/csv.h"
#include "core/fs.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Each list's file, the pack whose codelists/ holds it when it is not in the
 * directory given (NULL: only there, the Core20PLUS5 lists), and how many of
 * its first codes are drawn from (the lists put their typical codes first). */
typedef struct {
	const char *file, *pack;
	uint8_t pool;
} hg_list_def;

static const hg_list_def list_defs[HG_SC_N] = {
    [HG_SC_HYP] = {"hyp_cod.csv", NULL, 64},
    [HG_SC_HYPRES] = {"hypres_cod.csv", NULL, 64},
    [HG_SC_SBP] = {"sbp_cod.csv", NULL, 64},
    [HG_SC_DBP] = {"dbp_cod.csv", NULL, 64},
    [HG_SC_DM1] = {"dm_type1_cod.csv", NULL, 64},
    [HG_SC_DM2] = {"dm_type2_cod.csv", NULL, 64},
    [HG_SC_COPD] = {"copd_cod.csv", NULL, 64},
    [HG_SC_AST] = {"ast_cod.csv", NULL, 64},
    [HG_SC_SMI] = {"smi_cod.csv", NULL, 64},
    [HG_SC_LD] = {"ld_cod.csv", NULL, 64},
    [HG_SC_SMOK] = {"smok_cod.csv", NULL, 64},
    [HG_SC_EXSMOK] = {"exsmok_cod.csv", NULL, 64},
    [HG_SC_NONSMOK] = {"nonsmok_cod.csv", NULL, 64},
    [HG_SC_FLU] = {"flu_vacc.csv", NULL, 64},
    [HG_SC_BMI] = {"bmi_cod.csv", NULL, 64},
    [HG_SC_CHOL] = {"chol_cod.csv", NULL, 64},
    [HG_SC_HBA1C] = {"hba1c_cod.csv", NULL, 64},
    [HG_SC_ALC] = {"alc_cod.csv", NULL, 64},
    [HG_SC_SABA] = {"saba_dmd.csv", NULL, 64},
    [HG_SC_AE] = {"ae_attend.csv", NULL, 64},
    [HG_SC_APPT] = {"appt_attended.csv", NULL, 64},
    [HG_SC_DNA] = {"appt_dna.csv", NULL, 64},
    [HG_SC_BIRTH] = {"live_birth.csv", NULL, 64},
    [HG_SC_TOOTH] = {"tooth_extraction_opcs.csv", NULL, 64},
    [HG_SC_CARIES] = {"dental_caries_icd10.csv", NULL, 64},
    [HG_SC_CANCER] = {"cancer_icd10.csv", NULL, 64},
    [HG_SC_EMERG] = {"emergency_dx_icd10.csv", NULL, 64},
    [HG_SC_ELECT] = {"elective_dx_icd10.csv", NULL, 64},
    [HG_SC_COPD_ADM] = {"copd_exacerbation_icd10.csv", NULL, 64},
    [HG_SC_AST_ADM] = {"asthma_icd10.csv", NULL, 64},
    [HG_SC_MH] = {"mh_dx_icd10.csv", NULL, 64},
    [HG_SC_OP] = {"op_attend.csv", NULL, 64},
    [HG_SC_EFI_ACTIVITY] = {"efi_activity_limitation.csv", "frailty", 1},
    [HG_SC_EFI_ANAEMIA] = {"efi_anaemia.csv", "frailty", 1},
    [HG_SC_EFI_ARTHRITIS] = {"efi_arthritis.csv", "frailty", 2},
    [HG_SC_EFI_CARE] = {"efi_care_requirement.csv", "frailty", 2},
    [HG_SC_EFI_COGNITIVE] = {"efi_cognitive_problems.csv", "frailty", 1},
    [HG_SC_EFI_DIZZINESS] = {"efi_dizziness.csv", "frailty", 1},
    [HG_SC_EFI_DYSPNOEA] = {"efi_dyspnoea.csv", "frailty", 1},
    [HG_SC_EFI_FALLS] = {"efi_falls.csv", "frailty", 2},
    [HG_SC_EFI_FOOT] = {"efi_foot_problems.csv", "frailty", 1},
    [HG_SC_EFI_FRACTURE] = {"efi_fragility_fracture.csv", "frailty", 1},
    [HG_SC_EFI_HEARING] = {"efi_hearing_loss.csv", "frailty", 1},
    [HG_SC_EFI_VALVE] = {"efi_heart_valve_disease.csv", "frailty", 2},
    [HG_SC_EFI_HOUSEBOUND] = {"efi_housebound.csv", "frailty", 1},
    [HG_SC_EFI_HYPOTENSION] = {"efi_hypotension.csv", "frailty", 2},
    [HG_SC_EFI_MOBILITY] = {"efi_mobility_problems.csv", "frailty", 1},
    [HG_SC_EFI_OSTEOPOROSIS] = {"efi_osteoporosis.csv", "frailty", 1},
    [HG_SC_EFI_PARKINSONS] = {"efi_parkinsons.csv", "frailty", 2},
    [HG_SC_EFI_PEPTIC] = {"efi_peptic_ulcer.csv", "frailty", 1},
    [HG_SC_EFI_SKIN_ULCER] = {"efi_skin_ulcer.csv", "frailty", 2},
    [HG_SC_EFI_SLEEP] = {"efi_sleep_disturbance.csv", "frailty", 1},
    [HG_SC_EFI_SOCIAL] = {"efi_social_vulnerability.csv", "frailty", 1},
    [HG_SC_EFI_THYROID] = {"efi_thyroid_disorders.csv", "frailty", 1},
    [HG_SC_EFI_INCONTINENCE] = {"efi_urinary_incontinence.csv", "frailty", 1},
    [HG_SC_EFI_URINARY] = {"efi_urinary_system_disease.csv", "frailty", 2},
    [HG_SC_EFI_VISION] = {"efi_vision_problems.csv", "frailty", 1},
    [HG_SC_EFI_WEIGHT_LOSS] = {"efi_weight_loss.csv", "frailty", 1},
    [HG_SC_RX_ANTIHYP] = {"rx_antihypertensives.csv", "frailty", 4},
    [HG_SC_RX_STATIN] = {"rx_statins.csv", "frailty", 2},
    [HG_SC_RX_ANTITHROMB] = {"rx_antithrombotics.csv", "frailty", 3},
    [HG_SC_RX_PPI] = {"rx_ppi.csv", "frailty", 2},
    [HG_SC_RX_DIABETES] = {"rx_diabetes.csv", "frailty", 1},
    [HG_SC_RX_THYROID] = {"rx_levothyroxine.csv", "frailty", 2},
    [HG_SC_RX_BISPHOS] = {"rx_bisphosphonates.csv", "frailty", 1},
    [HG_SC_RX_DEMENTIA] = {"rx_anti_dementia.csv", "frailty", 1},
    [HG_SC_RX_LOOP] = {"rx_loop_diuretics.csv", "frailty", 1},
    [HG_SC_ALCOHOL] = {"multimorbidity_alcoholproblems.csv", "multimorbidity", 2},
    [HG_SC_ANXDEP] = {"multimorbidity_anxietydepression.csv", "multimorbidity", 2},
    [HG_SC_RX_ANXDEP] = {"multimorbidity_prescription_anxiolytics_anti_depressants.csv",
                         "multimorbidity", 6},
    [HG_SC_RX_ASTHMA] = {"rx_asthma.csv", "multimorbidity", 1},
    [HG_SC_AF] = {"multimorbidity_atrial-fibrillation.csv", "multimorbidity", 1},
    [HG_SC_EGFR] = {"egfr.csv", "multimorbidity", 1},
    [HG_SC_RX_LAXATIVE] = {"multimorbidity_prescription_chronic_constipation.csv", "multimorbidity",
                           3},
    [HG_SC_CHD] = {"multimorbidity_coronary-heart-disease.csv", "multimorbidity", 3},
    [HG_SC_DEMENTIA] = {"multimorbidity_dementia.csv", "multimorbidity", 3},
    [HG_SC_EPILEPSY] = {"multimorbidity_epilepsy.csv", "multimorbidity", 1},
    [HG_SC_RX_EPILEPSY] = {"multimorbidity_prescription_epilepsy.csv", "multimorbidity", 4},
    [HG_SC_HF] = {"multimorbidity_heart-failure.csv", "multimorbidity", 1},
    [HG_SC_IBS] = {"multimorbidity_irritable-bowel-syndrome.csv", "multimorbidity", 1},
    [HG_SC_RX_ANTISPASMODIC] = {"multimorbidity_prescription_anti_spasmodic.csv", "multimorbidity",
                                2},
    [HG_SC_RX_ANALGESIC] = {"multimorbidity_prescription_analgesics_opiods_not_migraine.csv",
                            "multimorbidity", 4},
    [HG_SC_RX_PAIN_AED] = {"multimorbidity_prescription_anti_epileptic_for_pain_only.csv",
                           "multimorbidity", 2},
    [HG_SC_RX_LITHIUM] = {"multimorbidity_prescription_schizophrenia_bipolar_disorder.csv",
                          "multimorbidity", 1},
    [HG_SC_CTD] = {"multimorbidity_connective-tissue-disorder.csv", "multimorbidity", 1},
    [HG_SC_STROKE] = {"multimorbidity_stroketransient-ischemic-attack.csv", "multimorbidity", 2},
    [HG_SC_MILDFRAIL] = {"mildfrail_cod.csv", "frailty", 1},
    [HG_SC_MODFRAIL] = {"modfrail_cod.csv", "frailty", 1},
    [HG_SC_SEVFRAIL] = {"sevfrail_cod.csv", "frailty", 1},
    [HG_SC_PALCARE] = {"palcare_cod.csv", "segmentation", 1},
    [HG_SC_SECONDARY] = {"secondary_cancer_icd10.csv", "segmentation", 3},
    [HG_SC_ESRF] = {"esrf_cod.csv", "segmentation", 2},
    [HG_SC_ESRF_ADM] = {"esrf_icd10.csv", "segmentation", 1},
    [HG_SC_LIVER_FAIL] = {"liver_failure_icd10.csv", "segmentation", 1},
    [HG_SC_HF_ADM] = {"heart_failure_icd10.csv", "segmentation", 1},
    [HG_SC_OXYGEN] = {"home_oxygen.csv", "segmentation", 1},
    [HG_SC_DISAB_PHYS] = {"disability_physical.csv", "segmentation", 1},
    [HG_SC_DISAB_SENS] = {"disability_sensory.csv", "segmentation", 2},
    [HG_SC_PREGNANCY] = {"pregnancy.csv", "segmentation", 1},
    [HG_SC_CKD] = {"ltc_ckd.csv", "segmentation", 3},
    [HG_SC_PAD] = {"ltc_pad.csv", "segmentation", 1},
    [HG_SC_ASTRES] = {"astres_cod.csv", "segmentation", 1},
    [HG_SC_AFRES] = {"afibres_cod.csv", "segmentation", 1},
    [HG_SC_COPDRES] = {"copdres_cod.csv", "segmentation", 1},
    [HG_SC_DMRES] = {"dmres_cod.csv", "segmentation", 1},
    [HG_SC_DIALYSIS] = {"dialysis_opcs4.csv", "segmentation", 2},
    [HG_SC_CANCER_GP] = {"multimorbidity_cancer.csv", "multimorbidity", 5},
    [HG_SC_CYP_RTCGM] = {"cyp_rtcgm.csv", "core20plus5-cyp", 1},
    [HG_SC_CYP_PUMP] = {"cyp_insulin_pump.csv", "core20plus5-cyp", 1},
    [HG_SC_CYP_ESN] = {"cyp_epilepsy_esn.csv", "core20plus5-cyp", 1},
    [HG_SC_CYP_AUTISM] = {"cyp_autism.csv", "core20plus5-cyp", 4},
    [HG_SC_CYP_LAC] = {"cyp_looked_after.csv", "core20plus5-cyp", 1},
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

/* Where a list is read from: DIR/FILE, else (for another pack's list)
 * DIR/../../PACK/codelists/FILE, the pack beside packs/core20plus5. DIR is an
 * argument (at most HG_ARG_MAX bytes), so both fit in HG_PATH_MAX. */
static int list_path(const hg_list_def *d, const char *dir, char *path, size_t n, hg_err *err)
{
	snprintf(path, n, "%s/%s", dir, d->file);
	if (!d->pack || hg_path_exists(path))
		return 0;
	char other[HG_PATH_MAX];
	snprintf(other, sizeof other, "%s/../../%s/codelists/%s", dir, d->pack, d->file);
	if (hg_path_exists(other)) {
		snprintf(path, n, "%s", other);
		return 0;
	}
	return hg_err_set(
	    err, HG_EUSAGE,
	    "code list %s not found: neither %s nor %s exists (the %s pack's lists are "
	    "read from packs/%s/codelists beside the --codelists directory, or from "
	    "that directory itself)",
	    d->file, path, other, d->pack, d->pack);
}

static int list_load(hg_sy_codes *c, int list, const char *dir, hg_err *err)
{
	const hg_list_def *d = &list_defs[list];
	char path[HG_PATH_MAX];
	if (list_path(d, dir, path, sizeof path, err))
		return -1;
	hg_csv csv;
	if (hg_csv_open(&csv, path, err))
		return -1;
	int col = hg_csv_next(&csv) ? hg_csv_col(&csv, "code") : -1;
	if (col < 0) {
		hg_csv_close(&csv);
		return hg_err_set(err, HG_EINPUT, "%s: no 'code' column", path);
	}
	c->code[list] = hg_arena_alloc(&c->arena, 64 * sizeof(char *));
	while (c->n[list] < d->pool && hg_csv_next(&csv)) {
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
		if (list_defs[l].file && list_load(c, l, dir, err)) /* no file: ethnicity.c's */
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
