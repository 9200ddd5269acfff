/*
 * labels.c: human labels for codes (labels.h). Numbers in words use
 * hg_fmt_value (svg.h), so a gap reads as the charts and tables show it.
 */
#include "report/labels.h"

#include "analysis/analysis.h"
#include "report/svg.h"
#include "stats/funnel.h"
#include "stats/spc.h"

#include <assert.h>
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

/* ---- breakdowns and categories ---- */

/* "IMD 2019" from "IMD2019"; "" when there is no IMD. */
static void imd_words(const char *v, char *buf, size_t size)
{
	if (v && !strncmp(v, "IMD", 3) && isdigit((unsigned char)v[3]))
		snprintf(buf, size, " (IMD %s)", v + 3);
	else
		buf[0] = 0;
}

/* One dimension of a breakdown name. */
static void bd_one(const char *part, size_t len, const char *imd, int lower, char *buf, size_t size)
{
	static const char *const names[][2] = {{"imd_quintile", "Deprivation quintile"},
	                                       {"imd_decile", "Deprivation decile"},
	                                       {"ethnicity", "Ethnic group"},
	                                       {"ethnicity_detailed", "Ethnic category"},
	                                       {"pcn", "Primary care network"},
	                                       {"sub_icb", "Sub-ICB location (place)"},
	                                       {"local_authority", "Local authority"},
	                                       {"msoa", "Neighbourhood (MSOA)"},
	                                       {"imd_quintile_local",
	                                        "Local deprivation quintile (ranked within this "
	                                        "area)"},
	                                       {"sex", "Sex"},
	                                       {"age_band", "Age band (years)"},
	                                       {"practice", "GP practice"},
	                                       {"all", "Whole area"}};
	char iv[32];
	for (size_t k = 0; k < sizeof names / sizeof *names; k++)
		if (strlen(names[k][0]) == len && !strncmp(part, names[k][0], len)) {
			imd_words(imd, iv, sizeof iv);
			snprintf(buf, size, "%s%s", names[k][1],
			         !strncmp(part, "imd_", 4) ? iv : "");
			if (lower && buf[0] && strncmp(part, "imd_", 4))
				buf[0] = (char)tolower((unsigned char)buf[0]);
			return;
		}
	/* flag_NAME: a PLUS group ("flag_learning_disability" -> "Learning disability") */
	const char *w = len > 5 && !strncmp(part, "flag_", 5) ? part + 5 : part;
	size_t wn = len - (size_t)(w - part), o = 0;
	for (size_t k = 0; k < wn && o + 1 < size; k++)
		buf[o++] = w[k] == '_' ? ' ' : w[k];
	buf[o] = 0;
	if (buf[0] && !lower)
		buf[0] = (char)toupper((unsigned char)buf[0]);
	if (w != part)
		snprintf(buf + o, size - o, " (PLUS group)");
}

void hg_label_breakdown(const char *name, const char *imd_version, char *buf, size_t size)
{
	const char *x = name ? strstr(name, " x ") : NULL;
	if (!name) {
		snprintf(buf, size, "-");
		return;
	}
	if (!x) {
		bd_one(name, strlen(name), imd_version, 0, buf, size);
		return;
	}
	char a[160], b[160];
	bd_one(name, (size_t)(x - name), imd_version, 0, a, sizeof a);
	bd_one(x + 3, strlen(x + 3), imd_version, 1, b, sizeof b);
	snprintf(buf, size, "%s by %s", a, b);
}

static void cat_one(const char *bd, size_t bn, const char *cat, size_t cn, char *buf, size_t size)
{
	int q = bn == 12 && !strncmp(bd, "imd_quintile", 12) ? 5
	        : bn == 10 && !strncmp(bd, "imd_decile", 10) ? 10
	                                                     : 0;
	int last = q == 5 ? cn == 1 && cat[0] == '5' : cn == 2 && !strncmp(cat, "10", 2);
	if (q && cn == 1 && cat[0] == '1')
		snprintf(buf, size, "1 (most deprived)");
	else if (q && last)
		snprintf(buf, size, "%d (least deprived)", q);
	else if (bn == 3 && !strncasecmp(bd, "all", 3) && cn == 3 && !strncmp(cat, "All", 3))
		snprintf(buf, size, "Whole area"); /* "All" is the whole-area row and measure */
	else if (cn == 6 && !strncmp(cat, "target", 6))
		snprintf(buf, size, "the target");
	else
		snprintf(buf, size, "%.*s", (int)cn, cat);
}

void hg_label_category(const char *breakdown, const char *cat, char *buf, size_t size)
{
	if (!cat || !breakdown) {
		snprintf(buf, size, "%s", cat ? cat : "");
		return;
	}
	/* a group named with its breakdown ("imd_quintile 5": a practice's reference) */
	const char *sp = strchr(cat, ' ');
	if (sp && (!strncmp(cat, "imd_quintile ", 13) || !strncmp(cat, "imd_decile ", 11))) {
		char q[64];
		cat_one(cat, (size_t)(sp - cat), sp + 1, strlen(sp + 1), q, sizeof q);
		snprintf(buf, size, "deprivation %s %s", cat[4] == 'q' ? "quintile" : "decile", q);
		return;
	}
	const char *x = strstr(breakdown, " x "), *sep = strstr(cat, " / ");
	if (!x || !sep) {
		cat_one(breakdown, strlen(breakdown), cat, strlen(cat), buf, size);
		return;
	}
	char a[128], b[128];
	cat_one(breakdown, (size_t)(x - breakdown), cat, (size_t)(sep - cat), a, sizeof a);
	cat_one(x + 3, strlen(x + 3), sep + 3, strlen(sep + 3), b, sizeof b);
	snprintf(buf, size, "%s / %s", a, b);
}

/* ---- units ---- */

/* 1000 -> "1,000" */
static void per_words(double per, char *buf, size_t size)
{
	hg_fmt_tick(per, 1, buf, size);
}

void hg_label_unit(const hg_indicator *ind, char *buf, size_t size)
{
	char per[32];
	per_words(ind->per, per, sizeof per);
	switch (ind->type) {
	case HG_IND_PROPORTION: /* of what it counts: people, pathways or appointments */
		if (ind->per == 100)
			snprintf(buf, size, "%% of %s", hg_unit_kind_names[ind->unit]);
		else
			snprintf(buf, size, "per %s %s", per, hg_unit_kind_names[ind->unit]);
		return;
	case HG_IND_RATE:
		if (ind->pop == HG_POP_PERSON_TIME)
			snprintf(buf, size, "per %s person-years", per);
		else
			snprintf(buf, size, "per %s people per year", per);
		return;
	case HG_IND_DSR:
		snprintf(buf, size, "per %s per year, age-standardised", per);
		return;
	case HG_IND_MEAN:
		if (ind->per != 1)
			snprintf(buf, size, "per %s people", per);
		else
			buf[0] = 0;
		return;
	case HG_IND_PERCENTILE:
		buf[0] = 0;
		return;
	case HG_IND_COUNT:
		snprintf(buf, size, "%s", hg_unit_kind_names[ind->unit]);
		return;
	default:
		snprintf(buf, size, "years");
		return;
	}
}

void hg_label_axis(const hg_indicator *ind, char *buf, size_t size)
{
	if (ind->type == HG_IND_LE) {
		snprintf(buf, size, "Life expectancy (years)");
		return;
	}
	if (ind->type == HG_IND_MEAN && ind->per == 1) { /* else its unit: "Per 1000 people" */
		snprintf(buf, size, "Mean");
		return;
	}
	if (ind->type == HG_IND_PERCENTILE) {
		snprintf(buf, size, "Percentile %.15g", ind->pct);
		return;
	}
	hg_label_unit(ind, buf, size);
	buf[0] = (char)toupper((unsigned char)buf[0]);
}

void hg_label_measure(const hg_indicator *ind, char *buf, size_t size)
{
	static const char *const names[HG_IND_N] = {
	    "Proportion", "Crude rate", "Directly standardised rate",
	    "Mean",       "Count",      "Life expectancy at birth",
	    "Percentile"};
	char unit[96];
	hg_label_unit(ind, unit, sizeof unit);
	const char *name = ind->type >= 0 && ind->type < HG_IND_N ? names[ind->type] : "Value";
	if (unit[0])
		snprintf(buf, size, "%s (%s)", name, unit);
	else
		snprintf(buf, size, "%s", name);
}

const char *hg_label_counted(const hg_indicator *ind, int capital)
{
	static const char *const cap[3] = {"People", "Pathways", "Appointments"};
	assert(ind->unit >= 0 && ind->unit < 3);
	return capital ? cap[ind->unit] : hg_unit_kind_names[ind->unit];
}

void hg_label_diff_unit(const hg_indicator *ind, char *buf, size_t size)
{
	if (ind->type == HG_IND_PROPORTION && ind->per == 100)
		snprintf(buf, size, "percentage points");
	else
		hg_label_unit(ind, buf, size);
}

void hg_label_ind_stub(hg_indicator *ind, const char *measure, double per, const char *population)
{
	memset(ind, 0, sizeof *ind);
	ind->type = HG_IND_MEAN; /* unknown measures read as plain numbers */
	for (int t = 0; measure && t < HG_IND_N; t++)
		if (!strcmp(measure, hg_ind_type_names[t]))
			ind->type = t;
	ind->per = isfinite(per) && per > 0 ? per : 1;
	ind->pop = population && !strcmp(population, "person_time") ? HG_POP_PERSON_TIME
	           : population && !strcmp(population, "residents") ? HG_POP_RESIDENTS
	                                                            : HG_POP_MID;
}

const char *hg_label_population_code(const hg_indicator *ind)
{
	return hg_pop_kind_names[ind->pop];
}

/* ---- polarity, direction, gaps ---- */

const char *hg_label_polarity(int polarity)
{
	return polarity > 0   ? "Higher is better"
	       : polarity < 0 ? "Lower is better"
	                      : "No preferred direction";
}

int hg_label_judge(int change_sign, int polarity)
{
	if (!change_sign || !polarity)
		return 0;
	return (change_sign > 0) == (polarity > 0) ? 1 : -1;
}

double hg_label_sii_shown(double sii)
{
	return -sii;
}

void hg_label_diff(const hg_indicator *ind, double d, int brief, char *buf, size_t size)
{
	if (!isfinite(d)) {
		snprintf(buf, size, "not available");
		return;
	}
	if (fabs(d) < 0.05) {
		snprintf(buf, size, "about the same");
		return;
	}
	char v[32], unit[64];
	hg_fmt_value(fabs(d), v, sizeof v);
	hg_label_diff_unit(ind, unit, sizeof unit);
	if (ind->type == HG_IND_COUNT) { /* whole numbers of people (pathways...): "25 more" */
		hg_fmt_tick(round(fabs(d)), 1, v, sizeof v);
		snprintf(buf, size, "%s %s%s%s", v, d < 0 ? "fewer" : "more", brief ? "" : " ",
		         brief ? "" : unit);
		return;
	}
	if (brief && ind->type != HG_IND_LE)
		snprintf(unit, sizeof unit, "%s",
		         ind->type == HG_IND_PROPORTION && ind->per == 100 ? "points" : "");
	const char *word =
	    ind->type == HG_IND_LE ? (d < 0 ? "shorter" : "longer") : (d < 0 ? "lower" : "higher");
	snprintf(buf, size, "%s%s%s %s", v, unit[0] && unit[0] != '%' ? " " : "", unit, word);
}

void hg_label_diff_ci(const hg_indicator *ind, double lo, double hi, char *buf, size_t size)
{
	if (!isfinite(lo) || !isfinite(hi)) {
		buf[0] = 0;
		return;
	}
	char a[96], b[96], v[32];
	if (lo * hi > 0) { /* one side of zero: "9.1 to 14.5 lower" */
		if (ind->type == HG_IND_COUNT)
			hg_fmt_tick(round(fmin(fabs(lo), fabs(hi))), 1, v, sizeof v);
		else
			hg_fmt_value(fmin(fabs(lo), fabs(hi)), v, sizeof v);
		hg_label_diff(ind, lo > 0 ? fmax(lo, hi) : fmin(lo, hi), 1, b, sizeof b);
		snprintf(buf, size, "95%% CI %s to %s", v, b);
		return;
	}
	hg_label_diff(ind, lo, 1, a, sizeof a);
	hg_label_diff(ind, hi, 1, b, sizeof b);
	snprintf(buf, size, "95%% CI %s to %s", a, b);
}

void hg_label_gap(const hg_indicator *ind, double gap, int deciles, char *buf, size_t size)
{
	char d[128];
	const char *group = deciles ? "tenth" : "fifth";
	hg_label_diff(ind, gap, 0, d, sizeof d);
	if (!isfinite(gap))
		snprintf(buf, size, "gap not available");
	else if (fabs(gap) < 0.05)
		snprintf(buf, size, "most deprived %s about the same as the least deprived %s",
		         group, group);
	else
		snprintf(buf, size, "most deprived %s %s than the least deprived %s", group, d,
		         group);
}

void hg_label_sii(const hg_indicator *ind, double sii, char *buf, size_t size)
{
	char d[128];
	double shown = hg_label_sii_shown(sii);
	hg_label_diff(ind, shown, 0, d, sizeof d);
	if (!isfinite(sii))
		snprintf(buf, size, "slope index not available");
	else if (fabs(shown) < 0.05)
		snprintf(buf, size,
		         "no gradient: both ends of the deprivation scale about the same");
	else
		snprintf(buf, size,
		         "most deprived end of the gradient %s than the least deprived end", d);
}

/* ---- statistical process control and comparisons ---- */

const char *hg_label_variation(int variation)
{
	switch (variation) {
	case HG_SPC_VAR_COMMON:
		return "Common cause variation";
	case HG_SPC_VAR_IMPROVEMENT_HIGH:
		return "Special cause: improvement (higher)";
	case HG_SPC_VAR_IMPROVEMENT_LOW:
		return "Special cause: improvement (lower)";
	case HG_SPC_VAR_CONCERN_HIGH:
		return "Special cause: concern (higher)";
	case HG_SPC_VAR_CONCERN_LOW:
		return "Special cause: concern (lower)";
	case HG_SPC_VAR_NEUTRAL_HIGH:
		return "Special cause: higher (no preferred direction)";
	case HG_SPC_VAR_NEUTRAL_LOW:
		return "Special cause: lower (no preferred direction)";
	default:
		return "Not charted";
	}
}

const char *hg_label_assurance(int assurance)
{
	switch (assurance) {
	case HG_SPC_ASSURE_PASS:
		return "Consistently passes the target";
	case HG_SPC_ASSURE_FAIL:
		return "Consistently fails the target";
	case HG_SPC_ASSURE_INCONSISTENT:
		return "Hit and miss: may or may not meet the target";
	default:
		return "No target";
	}
}

const char *hg_label_point_type(int point_type)
{
	switch (point_type) {
	case HG_SPC_PT_IMPROVEMENT:
		return "special cause: improvement";
	case HG_SPC_PT_CONCERN:
		return "special cause: concern";
	case HG_SPC_PT_NEUTRAL_HIGH:
		return "special cause: high";
	case HG_SPC_PT_NEUTRAL_LOW:
		return "special cause: low";
	default:
		return "common cause";
	}
}

int hg_label_mirror_variation(int v)
{
	switch (v) {
	case HG_SPC_VAR_IMPROVEMENT_HIGH:
		return HG_SPC_VAR_IMPROVEMENT_LOW;
	case HG_SPC_VAR_IMPROVEMENT_LOW:
		return HG_SPC_VAR_IMPROVEMENT_HIGH;
	case HG_SPC_VAR_CONCERN_HIGH:
		return HG_SPC_VAR_CONCERN_LOW;
	case HG_SPC_VAR_CONCERN_LOW:
		return HG_SPC_VAR_CONCERN_HIGH;
	case HG_SPC_VAR_NEUTRAL_HIGH:
		return HG_SPC_VAR_NEUTRAL_LOW;
	case HG_SPC_VAR_NEUTRAL_LOW:
		return HG_SPC_VAR_NEUTRAL_HIGH;
	default:
		return v;
	}
}

int hg_label_mirror_point_type(int pt)
{
	return pt == HG_SPC_PT_NEUTRAL_HIGH  ? HG_SPC_PT_NEUTRAL_LOW
	       : pt == HG_SPC_PT_NEUTRAL_LOW ? HG_SPC_PT_NEUTRAL_HIGH
	                                     : pt;
}

const char *hg_label_comparison(const char *code)
{
	static const char *const map[][2] = {{"better", "Better"},
	                                     {"worse", "Worse"},
	                                     {"similar", "Similar"},
	                                     {"higher", "Higher"},
	                                     {"lower", "Lower"},
	                                     {"not_compared", "Not compared"},
	                                     {"rises_with_affluence", "Rises with affluence"},
	                                     {"falls_with_affluence", "Falls with affluence"},
	                                     {"no_gradient", "No clear gradient"}};
	for (size_t k = 0; code && k < sizeof map / sizeof *map; k++)
		if (!strcmp(code, map[k][0]))
			return map[k][1];
	return code ? code : ""; /* already words, e.g. a funnel's "High (0.001)" */
}

const char *hg_label_funnel_sig(int sig)
{
	switch (sig) {
	case HG_FUNNEL_HIGH_001:
		return "High: above the 99.8% limit";
	case HG_FUNNEL_HIGH_025:
		return "High: above the 95% limit";
	case HG_FUNNEL_LOW_001:
		return "Low: below the 99.8% limit";
	case HG_FUNNEL_LOW_025:
		return "Low: below the 95% limit";
	case HG_FUNNEL_NOT_SIG:
		return "Within the limits";
	default:
		return "Not assessed (too few events)";
	}
}

/* ---- rows and notes ---- */

int hg_label_not_applicable(int suppressed, double num, double den, const char *note)
{
	if (suppressed)
		return 0;
	if (note && !strncmp(note, "not applicable", 14))
		return 1;
	return num == 0 && den == 0;
}

void hg_label_note(const char *note, char *buf, size_t size)
{
	static const char *const marks[][2] = {
	    {"[M]", "(an assumption not yet checked against a published source)"},
	    {"[S]", "(from a secondary source)"},
	    {"[V]", "(checked against the published source)"}};
	size_t o = 0;
	buf[0] = 0;
	for (const char *p = note ? note : ""; *p && o + 1 < size;) {
		size_t k = 0;
		while (k < 3 && strncmp(p, marks[k][0], 3))
			k++;
		if (k < 3) {
			o += (size_t)snprintf(buf + o, size - o, "%s", marks[k][1]);
			o = o < size ? o : size - 1;
			p += 3;
		} else {
			buf[o++] = *p++;
			buf[o] = 0;
		}
	}
}
