/*
 * status.c: the status marking of every output (status.h).
 */
#include "engine/status.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

void hg_data_status_from_manifest(const void *manifest, const char *area_override,
                                  hg_data_status *s)
{
	json_t *m = (json_t *)manifest;
	memset(s, 0, sizeof *s);
	json_t *imd = m ? json_object_get(m, "imd") : NULL;
	/* synthetic geography (synth without --reference) or a synthetic population */
	s->synthetic = json_is_true(json_object_get(imd, "synthetic")) ||
	               json_is_true(json_object_get(m, "synthetic_population"));
	const char *v = json_string_value(json_object_get(imd, "version"));
	snprintf(s->imd, sizeof s->imd, "%s", v ? v : "none");
	const char *a = json_string_value(json_object_get(m, "area_name"));
	if (area_override && area_override[0])
		a = area_override;
	snprintf(s->area, sizeof s->area, "%s", a ? a : "");
}

void *hg_data_status_json(const hg_data_status *s)
{
	json_t *j = json_object();
	json_object_set_new(j, "synthetic", json_boolean(s->synthetic));
	json_object_set_new(j, "area_name", s->area[0] ? json_string(s->area) : json_null());
	json_object_set_new(j, "imd_version", json_string(s->imd));
	json_object_set_new(j, "marking", json_string(hg_data_status_marking(s)));
	return j;
}

void hg_data_status_from_json(const void *json, hg_data_status *s)
{
	json_t *j = (json_t *)json;
	memset(s, 0, sizeof *s);
	s->synthetic = json_is_true(json_object_get(j, "synthetic"));
	const char *a = json_string_value(json_object_get(j, "area_name"));
	const char *v = json_string_value(json_object_get(j, "imd_version"));
	snprintf(s->area, sizeof s->area, "%s", a ? a : "");
	snprintf(s->imd, sizeof s->imd, "%s", v ? v : "none");
}

const char *hg_data_status_marking(const hg_data_status *s)
{
	return s->synthetic ? "SYNTHETIC DATA" : "OFFICIAL-SENSITIVE";
}

void hg_data_status_line(const hg_data_status *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", hg_data_status_marking(s), s->area[0] ? " - " : "", s->area,
	         s->synthetic ? " - a synthetic population: no real people" : "");
}

void hg_data_status_xlsx_header(void *sheet, const hg_data_status *s)
{
	char line[300], header[640];
	hg_data_status_line(s, line, sizeof line);
	size_t o = (size_t)snprintf(header, sizeof header, "&C");
	for (const char *p = line; *p && o + 3 < sizeof header; p++) {
		if (*p == '&') /* Excel header codes start with & */
			header[o++] = '&';
		header[o++] = *p;
	}
	header[o] = 0;
	worksheet_set_header(sheet, header);
}

void *hg_data_status_xlsx_named(void *workbook, void *data_sheet, const hg_data_status *s,
                                const char *name, const char *const *lines)
{
	char line[300];
	hg_data_status_line(s, line, sizeof line);
	hg_data_status_xlsx_header(data_sheet, s);
	lxw_worksheet *ws = workbook_add_worksheet(workbook, name);
	lxw_format *bold = workbook_add_format(workbook);
	format_set_bold(bold);
	worksheet_write_string(ws, 0, 0, line, bold);
	for (lxw_row_t r = 0; lines && lines[r]; r++)
		worksheet_write_string(ws, r + 2, 0, lines[r], NULL);
	worksheet_set_column(ws, 0, 0, 100, NULL);
	hg_data_status_xlsx_header(ws, s);
	return ws;
}

void *hg_data_status_xlsx(void *workbook, void *data_sheet, const hg_data_status *s,
                          const char *const *lines)
{
	return hg_data_status_xlsx_named(workbook, data_sheet, s, "about", lines);
}

int hg_area_name_check(const char *name, hg_err *err)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 100)
		return hg_err_set(
		    err, HG_EUSAGE,
		    "--area-name must be 1 to 100 characters (e.g. \"NHS Example ICB\"), "
		    "got %zu",
		    n);
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)name[k] < 0x20 || name[k] == 0x7f)
			return hg_err_set(
			    err, HG_EUSAGE,
			    "--area-name must not contain control characters (byte %zu)", k + 1);
	return 0;
}
