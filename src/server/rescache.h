/*
 * rescache.h: the results a server publishes, computed once per store
 * snapshot and shared read-only by every request.
 *
 * hg_results_load opens the store's current snapshot, compiles the pack for
 * it, runs the engine and builds the published rows with disclosure control
 * (k >= 5 always: the server refuses k = 0), then indexes the rows by
 * indicator x period x breakdown and counts the registered population for
 * the Population page (counts are disclosure-controlled when queried).
 *
 * The query layer (hg_results_query, hg_results_population) is where roles
 * are enforced, so pages, the API and downloads cannot differ:
 *   viewer    every breakdown except those involving practice;
 *   analyst, admin   every breakdown;
 *   practice  the area-wide "all" row as a benchmark, and the rows of
 *             breakdowns involving practice whose practice is the user's own;
 *             the population of its own registered list only. The area's
 *             row of a period is a benchmark only where at least
 *             HG_AREA_MIN_PRACTICES practices are published for it (rows of
 *             the indicator's practice breakdown; without one, practices with
 *             registered patients): with two, the area minus one's own
 *             practice would be the other's figure. Below that the practice
 *             user gets no area row, area measure, area series or funnel
 *             for the period.
 * Raw (pre-control) counts never leave this module: hg_pub_row is the only
 * row type given out, and a suppressed row has every number NaN.
 */
#ifndef HG_SRV_RESCACHE_H
#define HG_SRV_RESCACHE_H

#include "analysis/publish.h"
#include "engine/engine.h"
#include "engine/pubrow.h"
#include "report/labels.h"
#include "server/auth.h"
#include "server/respcache.h"
#include "store/store.h"

#include <jansson.h>

typedef struct hg_pop_counts {
	uint32_t nprac;  /* store practices; slot nprac = the whole area */
	double *pyr;     /* [(slot * 6 + q) * 2 + sex][band]: q 0 unknown, 1..5 */
	double *eth;     /* [slot * HG_ETH_N + group] */
	double *tot;     /* [slot]: registered and alive at the extract date */
	double *imd_unk; /* [slot]: of whom IMD unknown */
	double *eth_unk; /* [slot]: of whom ethnicity not stated */
	hg_date as_at;   /* the extract date */
} hg_pop_counts;

typedef struct hg_results {
	hg_store st;
	hg_published pub; /* the published rows and their analysis (as `healthgap run`) */
	hg_program *pr;   /* = pub.pr */
	size_t **grp;     /* per indicator: per (period * nbds + bd) start index, then one past */
	hg_pop_counts pop;
	int sdc_k;
	char snapshot[64], manifest_hash[65], computed_at[32], imd_version[32];
	char pack_hash[65];
	double seconds;
	json_t *completeness;  /* the manifest's completeness object */
	hg_data_status status; /* SYNTHETIC DATA or OFFICIAL-SENSITIVE, the area: on every output */
	hg_respcache cache;    /* serialised API responses of these results */
	/* the inequality and monitoring analysis of t (engine/analysis.h, as `healthgap run`) */
	const hg_objectives *obj; /* the server's (outlives the results); may be empty */
	size_t **ineq_at; /* per indicator: [period] first measure row, [nperiods] one past */
	size_t *mon_at;   /* per indicator: first series row; [ninds] one past */
	hg_date wl_as_at; /* the date worklists are drawn up at (engine/wlout.h's default) */
	unsigned char **area_ok; /* per indicator, per period: HG_AREA_MIN_PRACTICES published */
} hg_results;

/* Practices an area figure must have behind it before a practice user sees it. */
#define HG_AREA_MIN_PRACTICES 3

/* Compute the results of pack over the store's current snapshot, and their analysis with
 * the objectives obj (kept by pointer: it must outlive the results); area_name (NULL: the
 * store's) names the area in the status marking; population (NULL: none) is the ONS
 * estimates file of `denominator: residents` indicators, as `run --population` takes it. */
int hg_results_load(hg_results **out, const hg_pack *pk, const char *store_dir, int sdc_k,
                    int threads, const hg_objectives *obj, const char *area_name,
                    const char *population, hg_err *err);
void hg_results_free(hg_results *r);

typedef struct hg_pub_rows {
	hg_pub_row *rows;
	size_t n, cap;
} hg_pub_rows;
void hg_pub_rows_free(hg_pub_rows *p);

enum { HG_Q_OK = 0, HG_Q_NOTFOUND = 404, HG_Q_FORBIDDEN = 403, HG_Q_BAD = 400 };

typedef struct hg_query_spec {
	const char *indicator; /* id */
	const char *breakdown; /* NULL/"" = every breakdown the role may see */
	const char *period;    /* NULL/"" or "latest", "all", or a period end YYYY-MM-DD */
} hg_query_spec;

/* Rows visible to u; returns HG_Q_* and a reason in err for non-OK results. */
int hg_results_query(const hg_results *r, const hg_user *u, const hg_query_spec *q,
                     hg_pub_rows *out, hg_err *err);

/* Indicator index by id, or -1. */
int hg_results_find(const hg_results *r, const char *id);
/* May u see breakdown b of indicator i at all? */
int hg_results_bd_allowed(const hg_results *r, const hg_user *u, int i, int b);
/* May u see the category cat of breakdown b (the practice role: its own practice only)? */
int hg_results_cat_allowed(const hg_results *r, const hg_user *u, int i, int b, const char *cat);
/* May u see the area's figures of indicator i in period j (see the practice role above)? */
int hg_results_area_visible(const hg_results *r, const hg_user *u, int i, int j);
/* Resolve a period parameter (latest, all, a period's start or end) into [*j0, *j1). */
int hg_results_periods(const hg_indicator *ind, const char *p, int *j0, int *j1, hg_err *err);

/*
 * The analysis of one indicator visible to u (resanalysis.c), with the same role rules as
 * the rows: a measure or series is visible when its breakdown is ("All" is the area-wide
 * row) and, for the practice role, its category is the user's practice. So a viewer gets
 * no practice measure and no funnel; a practice user gets the area's value series, its own
 * practice's measures and the funnel's limits with its own point only; analysts and admins
 * get everything. Only published rows went into the analysis, so nothing here comes from
 * a suppressed cell. Pointers point into r; free the arrays with hg_an_view_free.
 */
typedef struct hg_an_view {
	int i, j0, j1; /* indicator; measures of periods [j0, j1) */
	int polarity;  /* enum hg_polarity of the indicator (objectives) */
	const hg_ineq_row **ineq;
	size_t nineq;
	const hg_mon_row **mon; /* rows of each visible series, series after series */
	size_t nmon;
	const hg_funnel_chart *funnel; /* NULL: none in these periods, or not for this role */
	const hg_funnel_dot **dots;    /* the funnel's points u may see */
	size_t ndots;
} hg_an_view;

int hg_results_analysis(const hg_results *r, const hg_user *u, const char *id, const char *period,
                        hg_an_view *v, hg_err *err);
void hg_an_view_free(hg_an_view *v);
/* The first visible row of a measure (breakdown NULL: any) in v, or NULL. */
const hg_ineq_row *hg_an_find(const hg_an_view *v, const char *measure, const char *bd,
                              const char *cat);
/* Rows of series name in v (*n of them), or NULL. */
const hg_mon_row *const *hg_an_series(const hg_an_view *v, const char *name, size_t *n);

/*
 * A benchmark for a practice user (docs/security.md "Practice benchmarks"): the pooled value of
 * a group of OTHER practices (codes; the user's own is never counted) for indicator i in period
 * j, from their published rows only (rounded counts; suppressed rows left out): the sum of the
 * numerators over the sum of the denominators, times the indicator's multiplier. Only for
 * proportions and crude rates (a standardised rate or life expectancy cannot be pooled from
 * published cells). NaN, and *used < HG_PEER_MIN_PRACTICES, when fewer than that many of the
 * group have a published row: a smaller pool would let a practice work out another's figure.
 * *used: the practices pooled.
 */
#define HG_PEER_MIN_PRACTICES 3
double hg_results_peer_value(const hg_results *r, const hg_user *u, int i, int j,
                             const char *const *codes, size_t n, size_t *used);
/* Practices like u's own: the n practices of the store (not u's) whose registered population
 * has the nearest share living in the most deprived fifth of neighbourhoods (IMD quintile 1),
 * into codes[0..n); returns how many; *share: u's practice's share (%), NaN if unknown. */
size_t hg_results_similar_practices(const hg_results *r, const hg_user *u, const char **codes,
                                    size_t n, double *share);

/* The part of a cache key that stands for what u may see: "all", "noprac" or "p:CODE". */
void hg_results_scope(const hg_user *u, char *buf, size_t size);

/* The population (JSON, disclosure-controlled) visible to u. */
json_t *hg_results_population(const hg_results *r, const hg_user *u);

#endif
