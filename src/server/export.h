/*
 * export.h: published rows as JSON, CSV and XLSX with the columns of
 * indicators.csv (indicator_id ... note). Suppressed rows have empty/null
 * numbers. Used by the API and the downloads, so what is shown is what is
 * downloaded.
 */
#ifndef HG_SRV_EXPORT_H
#define HG_SRV_EXPORT_H

#include "core/str.h"
#include "server/rescache.h"

#include <jansson.h>

json_t *hg_export_json(const hg_pub_rows *p);
void hg_export_csv(const hg_pub_rows *p, hg_buf *out);
/* XLSX bytes into out, via a temporary file in tmpdir. */
int hg_export_xlsx(const hg_pub_rows *p, const char *tmpdir, hg_buf *out, hg_err *err);

#endif
