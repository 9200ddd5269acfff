/*
 * omop_map.c: the OMOP CDM mapping tables (issue 15, part 5), one home for
 * both directions: gender concepts to sex codes, race concepts to NHS ethnic
 * categories, visit concepts to settings, and the event tables' columns.
 * docs/omop.md lists the same tables; a change here is a change there.
 *
 * Race: the NHS Ethnic Category source concepts (700385-700391 for A-G,
 * 700362-700369 for H-R, OHDSI's "NHS Ethnic Category" vocabulary) give
 * the category exactly; the standard race concepts only as far as they can
 * (Indian, Pakistani, Bangladeshi, Chinese, African exactly; the broad White,
 * Asian and Black races as "any other" of their group). The standard concept
 * written for each category is the one the public Oxford OMOP data mapper
 * uses for NHS data (D-G Mixed as White, as OHDSI's forum advised it).
 */
#include "omop_int.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

const hg_omop_evtab hg_omop_evtabs[HG_OMOP_NEVTABS] = {
    {"condition_occurrence", "condition_occurrence_id", "condition_concept_id",
     "condition_start_date", NULL, "condition_source_value", "condition_type_concept_id",
     HG_SET_GP},
    {"drug_exposure", "drug_exposure_id", "drug_concept_id", "drug_exposure_start_date", NULL,
     "drug_source_value", "drug_type_concept_id", HG_SET_RX},
    {"procedure_occurrence", "procedure_occurrence_id", "procedure_concept_id", "procedure_date",
     NULL, "procedure_source_value", "procedure_type_concept_id", HG_SET_GP},
    {"measurement", "measurement_id", "measurement_concept_id", "measurement_date",
     "value_as_number", "measurement_source_value", "measurement_type_concept_id", HG_SET_GP},
    {"observation", "observation_id", "observation_concept_id", "observation_date",
     "value_as_number", "observation_source_value", "observation_type_concept_id", HG_SET_GP},
};

static const struct {
	int64_t concept;
	const char *sex;
} gender_map[] = {{8507, "1"}, {8532, "2"}, {8570, "9"}, {8551, "0"}};

const char *hg_omop_sex_of(int64_t concept)
{
	for (size_t k = 0; k < sizeof gender_map / sizeof gender_map[0]; k++)
		if (gender_map[k].concept == concept)
			return gender_map[k].sex;
	return NULL;
}

int64_t hg_omop_gender_of(int sex)
{
	switch (sex) {
	case HG_SEX_MALE:
		return 8507;
	case HG_SEX_FEMALE:
		return 8532;
	case HG_SEX_INDET:
		return 8570;
	case HG_SEX_UNKNOWN:
		return 8551;
	}
	return 0; /* blank */
}

/* Each NHS category: the standard race concept written for it, and its source concept. */
static const struct {
	const char *cat;
	int64_t race, source;
} race_map[] = {
    {"A", 8527, 700385},     {"B", 8527, 700386},     {"C", 8527, 700387},
    {"D", 8527, 700388},     {"E", 8527, 700389},     {"F", 8527, 700390},
    {"G", 8527, 700391},     {"H", 38003574, 700362}, {"J", 38003589, 700363},
    {"K", 38003575, 700364}, {"L", 8515, 700365},     {"M", 38003598, 700366},
    {"N", 38003600, 700367}, {"P", 38003598, 700368}, {"R", 38003579, 700369},
};

/* Standard race concepts read back: the exact ones, then each broad race's "any other". */
static const struct {
	int64_t race;
	const char *cat;
} race_read[] = {{38003574, "H"}, {38003589, "J"}, {38003575, "K"},
                 {38003579, "R"}, {38003600, "N"}, {38003598, "P"},
                 {8527, "C"},     {8515, "L"},     {8516, "P"}};

const char *hg_omop_eth_of_race(int64_t race)
{
	for (size_t k = 0; k < sizeof race_read / sizeof race_read[0]; k++)
		if (race_read[k].race == race)
			return race_read[k].cat;
	return NULL;
}

const char *hg_omop_eth_of_source_concept(int64_t source)
{
	for (size_t k = 0; k < sizeof race_map / sizeof race_map[0]; k++)
		if (race_map[k].source == source)
			return race_map[k].cat;
	return NULL;
}

void hg_omop_race_of(hg_sv cat, int64_t *race, int64_t *source)
{
	*race = *source = 0;
	for (size_t k = 0; k < sizeof race_map / sizeof race_map[0]; k++)
		if (hg_sv_eq_nocase(cat, race_map[k].cat)) {
			*race = race_map[k].race;
			*source = race_map[k].source;
		}
}

/* Visit concepts read as settings. The first row of each setting is what is written. */
static const struct {
	int64_t visit;
	int setting;
} visit_map[] = {
    {581477, HG_SET_GP},   /* Office Visit */
    {581458, HG_SET_RX},   /* Pharmacy visit */
    {9203, HG_SET_AE},     /* Emergency Room Visit */
    {9201, HG_SET_APC},    /* Inpatient Visit */
    {9202, HG_SET_OP},     /* Outpatient Visit */
    {262, HG_SET_APC},     /* Emergency Room and Inpatient Visit */
    {8717, HG_SET_APC},    /* Inpatient Hospital */
    {8870, HG_SET_AE},     /* Emergency Room - Hospital */
    {8756, HG_SET_OP},     /* Outpatient Hospital */
    {38004207, HG_SET_OP}, /* Ambulatory Clinic / Center */
    {581476, HG_SET_GP},   /* Home Visit */
    {5083, HG_SET_GP},     /* Telehealth */
    {32036, HG_SET_GP},    /* Laboratory Visit */
};

int hg_omop_setting_of_visit(int64_t visit)
{
	for (size_t k = 0; k < sizeof visit_map / sizeof visit_map[0]; k++)
		if (visit_map[k].visit == visit)
			return visit_map[k].setting;
	return -1;
}

int64_t hg_omop_visit_of_setting(int setting)
{
	/* mental health, maternity and cancer have no visit concept of their own: the visit's
	 * source value names them (docs/omop.md) */
	if (setting == HG_SET_MH || setting == HG_SET_CANCER)
		return 9202;
	if (setting == HG_SET_MAT)
		return 9201;
	for (size_t k = 0; k < sizeof visit_map / sizeof visit_map[0]; k++)
		if (visit_map[k].setting == setting)
			return visit_map[k].visit;
	return 0;
}

int hg_omop_int(hg_sv s, int64_t *out)
{
	s = hg_sv_trim(s);
	if (s.n > 2 && s.p[s.n - 2] == '.' && s.p[s.n - 1] == '0')
		s.n -= 2;
	return hg_parse_int64(s, out);
}

/* ---- output ---- */

int hg_omop_out_open(hg_omop_out *w, const char *path, hg_err *err)
{
	memset(w, 0, sizeof *w);
	return hg_out_open(&w->o, path, err);
}

void hg_omop_out_header(hg_omop_out *w, const char *const *cols)
{
	for (size_t k = 0; cols[k]; k++)
		hg_omop_out_str(w, cols[k]);
	hg_omop_out_end(w);
}

void hg_omop_out_field(hg_omop_out *w, hg_sv v)
{
	if (w->nf++)
		hg_buf_putc(&w->b, ',');
	hg_csv_put_field(&w->b, v.p, v.n);
}

void hg_omop_out_str(hg_omop_out *w, const char *s)
{
	hg_omop_out_field(w, hg_sv_from(s ? s : ""));
}

void hg_omop_out_int(hg_omop_out *w, int64_t v)
{
	if (w->nf++)
		hg_buf_putc(&w->b, ',');
	hg_buf_printf(&w->b, "%lld", (long long)v);
}

static void out_flush(hg_omop_out *w, size_t at_least)
{
	if (w->b.n >= at_least) {
		hg_out_write(&w->o, w->b.p, w->b.n);
		w->b.n = 0;
	}
}

void hg_omop_out_end(hg_omop_out *w)
{
	hg_buf_putc(&w->b, '\n');
	w->nf = 0;
	w->line++;
	out_flush(w, 1 << 16);
}

void hg_omop_out_pad(hg_omop_out *w, uint64_t line)
{
	while (w->line + 1 < line) {
		hg_buf_putc(&w->b, '\n');
		w->line++;
	}
}

int hg_omop_out_close(hg_omop_out *w, hg_err *err)
{
	out_flush(w, 1);
	hg_buf_free(&w->b);
	return hg_out_close(&w->o, 0, err);
}
