/*
 * stats_b.h: `healthgap stats` handlers for the part-B methods: SII/RII,
 * funnel plots, concentration index and PAR (stats_inequality.c), and XmR,
 * p'- and u'-charts (stats_spc.c). Each has the hg_stats_handler signature.
 */
#ifndef HG_CLI_STATS_B_H
#define HG_CLI_STATS_B_H

#include "cli/stats_cmd.h"

int hg_stats_cmd_sii(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_funnel_limits(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_funnel_significance(const hg_stats_args *a, hg_table *in, hg_tab_out *out,
                                     hg_err *err);
int hg_stats_cmd_funnel_points(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_concentration_index(const hg_stats_args *a, hg_table *in, hg_tab_out *out,
                                     hg_err *err);
int hg_stats_cmd_par(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_spc(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_p_chart(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_u_chart(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);

/* Sort a group's rows by a quantile column: numerically when every cell is a number, else
 * by bytes (R sorts character labels so "10" < "2", quirk Q6). */
void hg_stats_sort_by_col(const hg_table *t, int col, size_t *rows, size_t n);
/* R's as.character() of a whole number: "1e+05" when shorter (quirk Q4). */
void hg_stats_r_number(double v, char *buf, size_t size);

#endif
