/*
 * board.h: the board report (`healthgap report`): one self-contained HTML
 * page (inline SVG and CSS, a print stylesheet, no external assets or
 * scripts) from a results directory written by `healthgap run`
 * (metadata.json, indicators.json, inequalities.json, monitoring.json): an
 * executive summary of gaps and progress against objectives, one page per
 * indicator (SII chart, SPC charts of the value and of the SII with icons,
 * ethnic group gaps, practice funnel), then methods and data quality.
 * The objectives file, when given, drives targets, polarity and assurance.
 * Every page carries the run's status marking (SYNTHETIC DATA or
 * OFFICIAL-SENSITIVE and the area's name; report/labels.h).
 */
#ifndef HG_BOARD_H
#define HG_BOARD_H

#include "core/error.h"
#include "core/str.h"
#include "analysis/analysis.h"

typedef struct hg_board_opts {
	const char *results_dir;
	const hg_objectives *obj;  /* may be NULL: the run's targets and directions are used */
	const char *title;         /* NULL: a default */
	const char *area_name;     /* NULL: the run's (metadata.json data_status) */
	const char *scenarios_dir; /* NULL: no "case for acting" page (board_case.c) */
} hg_board_opts;

int hg_board_render(const hg_board_opts *o, hg_buf *html, hg_err *err);
/* board_case.c: "the case for acting" page from the scenario.json files of dir (one folder
 * per scenario, `healthgap scenario --out dir`), appended to b. */
int hg_board_case(hg_buf *b, const char *dir, hg_err *err);
/* board_seg.c: the "Population segments" page from the published rows (indicators.json's
 * rows, a json_t array; metadata.json, a json_t object), appended to b; nothing when they
 * hold no segmentation. */
void hg_board_segments(hg_buf *b, void *rows, void *meta);

#endif
