/*
 * store.h: the columnar snapshot store.
 *
 * A store is a directory holding numbered, immutable snapshots:
 *
 *   STORE/CURRENT            the name of the current snapshot ("snap-000003")
 *   STORE/snap-000003/       one snapshot: manifest.json + column files
 *   STORE/.tmp-*             a snapshot being written (ignored by readers)
 *
 * A snapshot is written completely into a temporary directory, every file
 * fsynced, renamed to its final name, and only then published by atomically
 * replacing CURRENT. A crash at any point leaves the previous snapshot
 * current, whole and verifiable.
 *
 * Person columns are arrays indexed by person (0..n_persons-1). Events are
 * sorted by person, then date; ev_off[p]..ev_off[p+1] is person p's range, so
 * a contiguous range of persons owns a contiguous range of events (how a
 * store is split for distributed runs). A snapshot made by `ingest --append`
 * keeps its parent's event files (hard links) and adds the batch's as a new
 * segment (files "seg1.event.*", manifest "event_segments"); open merges the
 * segments person by person, by date (an older segment's events first on one
 * date), into memory, so readers see one sorted table. Strings (codes, LSOAs, practices,
 * person pseudonyms) live in string tables. Every file is mapped read-only;
 * the manifest records its size, element type and BLAKE2b-256 checksum.
 */
#ifndef HG_STORE_H
#define HG_STORE_H

#include "core/arena.h"
#include "core/date.h"
#include "core/fs.h"
#include "core/dict.h"
#include "core/error.h"
#include "store/schema.h"

#include <stddef.h>
#include <stdint.h>

#define HG_STORE_FORMAT_VERSION 1
#define HG_MAX_FLAGS            64
#define HG_NONE32               UINT32_MAX
#define HG_MAX_SEGMENTS         64 /* event segments of a snapshot: 1 + appends since a full ingest */

enum hg_sex { HG_SEX_UNKNOWN = 0, HG_SEX_MALE = 1, HG_SEX_FEMALE = 2, HG_SEX_INDET = 9 };

enum hg_ethgroup {
	HG_ETH_WHITE = 0,
	HG_ETH_MIXED,
	HG_ETH_ASIAN,
	HG_ETH_BLACK,
	HG_ETH_OTHER,
	HG_ETH_NOT_STATED,
	HG_ETH_N
};

enum hg_setting {
	HG_SET_GP = 0,
	HG_SET_RX,
	HG_SET_AE,
	HG_SET_APC,
	HG_SET_OP,
	HG_SET_MH,
	HG_SET_MAT,
	HG_SET_CANCER,
	HG_SET_N
};

/* An appointment's outcome (NHS Data Dictionary ATTENDED OR DID NOT ATTEND, grouped):
 * 0 not known, then attended, did not attend, cancelled by the patient, cancelled or
 * postponed by the provider. Names as the language and appointments.csv write them. */
enum hg_outcome {
	HG_OUT_UNKNOWN = 0,
	HG_OUT_ATTENDED,
	HG_OUT_DNA,
	HG_OUT_CANCELLED_PATIENT,
	HG_OUT_CANCELLED_PROVIDER,
	HG_OUT_N
};
/* An appointment's attendance type: 0 not known, first, follow-up. */
enum hg_attendance { HG_ATT_UNKNOWN = 0, HG_ATT_FIRST, HG_ATT_FOLLOW_UP, HG_ATT_N };

extern const char *const hg_setting_names[HG_SET_N];
extern const char *const hg_outcome_names[HG_OUT_N];
extern const char *const hg_attendance_names[HG_ATT_N];
extern const char *const hg_ethgroup_names[HG_ETH_N];
/* The detailed ethnic categories (breakdown ethnicity_detailed): 18 NHS categories,
 * then Not stated (Z) and Not known (99, X, or none recorded). */
#define HG_ETHD_N          20
#define HG_ETHD_NOT_STATED 18
#define HG_ETHD_NOT_KNOWN  19
extern const char *const hg_ethd_names[HG_ETHD_N];
/* Setting from its name ("gp", "rx", ...), or -1. */
int hg_setting_parse(const char *s, size_t n);

/* A read-only table of strings: string i is data + off[i], NUL-terminated. */
typedef struct hg_strtab {
	uint32_t n;
	const uint32_t *off;
	const char *data;
} hg_strtab;

static inline const char *hg_strtab_get(const hg_strtab *t, uint32_t i)
{
	return t->data + t->off[i];
}

typedef struct hg_store_map hg_store_map;

/* The places a breakdown can be by (docs/data-model.md "Places"): PCN and sub-ICB are
 * a practice's, local authority and MSOA an LSOA's. */
enum hg_place_kind { HG_PLACE_PCN, HG_PLACE_SUBICB, HG_PLACE_LA, HG_PLACE_MSOA, HG_PLACE_N };

/* One kind of place, built at open from the snapshot's lookups (places.c). */
typedef struct hg_place_dim {
	uint32_t n;   /* distinct places (codes), in code order */
	uint32_t *of; /* per practice (PCN, sub-ICB) or per LSOA (LA, MSOA): place, HG_NONE32 */
	char **label; /* per place: "NAME (CODE)", or CODE when no name is known */
	hg_arena arena;
} hg_place_dim;

typedef struct hg_store {
	char root[HG_PATH_MAX];    /* the store directory */
	char snapdir[HG_PATH_MAX]; /* the open snapshot */
	char snapshot[64];         /* its name */
	uint64_t n_persons, n_events;
	char imd_version[32];   /* "IMD2019", "IMD2025" or "none" */
	char manifest_hash[65]; /* BLAKE2b-256 of manifest.json: identifies the data */
	hg_date extract_date;

	/* person columns */
	hg_strtab person_ids; /* pseudonyms */
	const hg_date *dob;
	const uint8_t *dob_month_only;    /* 1 when only YYYY-MM was given */
	const uint8_t *sex;               /* enum hg_sex */
	const uint8_t *eth_cat;           /* NHS category letter, '9' for 99, 0 for blank */
	const uint8_t *eth_group;         /* enum hg_ethgroup */
	const uint32_t *lsoa;             /* index into lsoas, HG_NONE32 if unknown */
	const uint8_t *imd_decile;        /* 1 (most deprived)..10, 0 unknown */
	const uint8_t *imd_quintile;      /* 1..5, 0 unknown */
	const uint32_t *practice;         /* index into practices, HG_NONE32 if none */
	const hg_date *reg_from, *reg_to; /* HG_DATE_NONE: not registered / still registered */
	const hg_date *dod;               /* HG_DATE_NONE: alive */
	const uint64_t *flags;            /* bit i = flag_names[i] */
	const unsigned char *reid; /* HG_REID_BYTES per person (store/reid.h), or NULL: none */

	/* events, sorted by person then date */
	const uint64_t *ev_off; /* n_persons + 1 */
	const hg_date *ev_date;
	const uint32_t *ev_code; /* index into codes */
	const float *ev_value;   /* NaN when none */
	const uint8_t *ev_setting;

	/* referral-to-treatment pathways, sorted by person then clock start (docs/data-model.md,
	   pathways.csv); all empty in a snapshot without the unit tables (has_units 0) */
	int has_units;
	uint64_t n_pathways, n_appts;
	const uint64_t *pw_off;                     /* n_persons + 1 */
	const hg_date *pw_start, *pw_stop;          /* stop HG_DATE_NONE: open at the extract */
	const uint32_t *pw_specialty, *pw_provider; /* HG_NONE32: not known */
	const uint8_t *pw_priority;                 /* 0 not known, 1-4 (P1-P4) */
	const uint8_t *pw_removal;                  /* 0 none or not known, RTT status 30-36 */
	/* appointments, sorted by person then date */
	const uint64_t *ap_off; /* n_persons + 1 */
	const hg_date *ap_date;
	const uint8_t *ap_setting; /* HG_SET_OP or HG_SET_GP */
	const uint32_t *ap_specialty, *ap_provider;
	const uint8_t *ap_type;    /* enum hg_attendance */
	const uint8_t *ap_outcome; /* enum hg_outcome */
	hg_strtab specialties, providers;
	uint64_t *no_units; /* zero offsets standing in for the unit tables' when absent */

	/* dictionaries and reference data */
	hg_strtab codes, lsoas, practices;
	const uint8_t *lsoa_decile;              /* per LSOA in lsoas, 0 if not in the IMD file */
	hg_strtab practice_pcn, practice_subicb; /* per practice, "" if no lookup */
	/* the place tables (HG_TABLE_PLACES), all empty in a snapshot from before them */
	int has_places;
	hg_strtab practice_name, pcn_name, subicb_name; /* per practice, "" if not known */
	hg_strtab lsoa_la, lsoa_la_name, lsoa_msoa, lsoa_msoa_name; /* per LSOA, "" if not */
	const uint8_t *lsoa_local_q; /* per LSOA: 1..5 ranked within the store's LSOAs, 0 */
	uint8_t *no_places;          /* zeros standing in for lsoa_local_q when absent */

	/* as-at histories (HG_TABLE_HISTORY): each person's registration and address periods,
	   sorted by start, not overlapping; a person with none has persons.csv's values */
	int has_history;
	uint64_t n_regs, n_addrs;
	const uint64_t *rg_off, *ad_off;                  /* n_persons + 1 */
	const hg_date *rg_from, *rg_to, *ad_from, *ad_to; /* to: last day, HG_DATE_NONE open */
	const uint32_t *rg_practice, *ad_lsoa;
	uint64_t *no_history; /* zero offsets standing in when absent */
	hg_place_dim place[HG_PLACE_N];
	uint32_t n_flags;
	char flag_names[HG_MAX_FLAGS][64];
	hg_dict code_index; /* code string -> id, built at open */

	hg_store_map *maps;
	size_t n_maps, cap_maps; /* files mapped, and room for them */
	void *manifest;          /* json_t * */
	int n_segments;          /* event segments (1, or 1 + appends: store.h above) */
	void *ev_mem;            /* the merged events of several segments (owned), or NULL */
} hg_store;

/*
 * The population rules, one home for the engine, the language and the
 * dashboard (docs/data-model.md "Registered and alive"). Dates are days; a
 * person is "on" a date at the start of that day:
 *   registered on d: has a practice, registered_from <= d, and d <= registered_to
 *     and d <= date_of_death when those are known (death ends registration, so a
 *     person is registered on the day they die; no practice means not registered);
 *     with a registration history (registrations.csv), a period covers d instead;
 *   alive on d: no date of death before d (alive on the day they die, so a death
 *     on d counts as an event of someone in the population on d).
 */
/* The registration period of p covering d, or -1 (periods are sorted and disjoint). */
static inline int64_t hg_store_reg_period(const hg_store *s, uint64_t p, hg_date d)
{
	for (uint64_t k = s->rg_off[p]; k < s->rg_off[p + 1] && s->rg_from[k] <= d; k++)
		if (s->rg_to[k] == HG_DATE_NONE || d <= s->rg_to[k])
			return (int64_t)k;
	return -1;
}

static inline int hg_store_registered_on(const hg_store *s, uint64_t p, hg_date d)
{
	if (s->rg_off[p + 1] > s->rg_off[p]) /* a registration history: the period on d */
		return d <= s->dod[p] && hg_store_reg_period(s, p, d) >= 0;
	return s->practice[p] != HG_NONE32 && s->reg_from[p] != HG_DATE_NONE &&
	       s->reg_from[p] <= d && d <= s->reg_to[p] && d <= s->dod[p];
}

/* p's practice on d: the registration period's with a history, else persons.csv's
 * (whatever the date); HG_NONE32 when none. */
static inline uint32_t hg_store_practice_on(const hg_store *s, uint64_t p, hg_date d)
{
	if (s->rg_off[p + 1] == s->rg_off[p])
		return s->practice[p];
	int64_t k = hg_store_reg_period(s, p, d);
	return k < 0 ? HG_NONE32 : s->rg_practice[k];
}

/* p's LSOA on d: the address period's with a history, else persons.csv's. */
static inline uint32_t hg_store_lsoa_on(const hg_store *s, uint64_t p, hg_date d)
{
	if (s->ad_off[p + 1] == s->ad_off[p])
		return s->lsoa[p];
	for (uint64_t k = s->ad_off[p]; k < s->ad_off[p + 1] && s->ad_from[k] <= d; k++)
		if (s->ad_to[k] == HG_DATE_NONE || d <= s->ad_to[k])
			return s->ad_lsoa[k];
	return HG_NONE32;
}

/* Does p have a registration or address history (their place depends on the date)? */
static inline int hg_store_moves(const hg_store *s, uint64_t p)
{
	return s->rg_off[p + 1] > s->rg_off[p] || s->ad_off[p + 1] > s->ad_off[p];
}

static inline int hg_store_alive_on(const hg_store *s, uint64_t p, hg_date d)
{
	return d <= s->dod[p];
}

/*
 * Open the current snapshot of a store (or a snapshot directory itself).
 * Nothing is trusted: the manifest must match manifest.blake2b, every file
 * its size, and every value its column's rule (hg_store_check), so a damaged
 * snapshot is an HG_ECORRUPT error naming the file, the row and the fix, never
 * a crash later. Cost: one pass over the columns (see docs/data-model.md).
 */
int hg_store_open(hg_store *s, const char *dir, hg_err *err);
void hg_store_close(hg_store *s);
/*
 * Check every invariant the engine relies on, over the mapped columns of s
 * (the rules of schema.h, then those between columns); hg_store_open calls it.
 */
int hg_store_check(const hg_store *s, hg_err *err);
/*
 * Verify a store's current snapshot (or a snapshot directory): first the
 * manifest against its checksum and every listed file against the manifest's
 * BLAKE2b-256, reading bytes only; then, when all match, open it (every check
 * above). Lists every bad file in err. n_files and snapshot (the name) may be
 * NULL.
 */
int hg_store_verify(const char *dir, int *n_files, char snapshot[64], hg_err *err);
/* The append chain of a store's current snapshot (manifest "lineage"): each parent still
 * in the store has the manifest recorded and the checksums of the files kept from it.
 * links: parents checked; first: the oldest snapshot named ("" without lineage). */
int hg_store_verify_chain(const char *dir, int *links, char first[64], hg_err *err);
/* Resolve STORE/CURRENT (or accept a snapshot dir) into path. */
int hg_store_resolve(const char *dir, char *path, size_t cap, hg_err *err);
/* The mapped data of schema column c (HG_COL_*), as its type in hg_store_cols (NULL when
 * its table is absent): the one map from the schema to the store's fields. */
const void *hg_store_col(const hg_store *s, int c);
/* The string tables of s in the order of enum hg_strs (schema.h). */
void hg_store_strtabs(hg_store *s, hg_strtab *tabs[HG_STR_N]);
/* A practice's name (practices.csv's practice_name, a place table) by its code: "" when the
 * store has no name for it (a snapshot from before the place tables) or no such practice. */
const char *hg_store_practice_name(const hg_store *s, const char *code);
/* The index of a practice code in s->practices, or -1 when the store has no such practice. */
long hg_store_practice_find(const hg_store *s, const char *code);
/* The ONS group (enum hg_ethgroup) of a stored ethnic category (0 blank, '9'
 * for 99, a category letter), or -1 when the byte is no category. */
int hg_eth_group_of(uint8_t cat);
/* The detailed category (0 .. HG_ETHD_N - 1) of a stored ethnic category, or -1. */
int hg_eth_detailed_of(uint8_t cat);

/* Build s->place from the lookups (places.c; hg_store_open calls it). */
void hg_store_places_build(hg_store *s);
void hg_store_places_free(hg_store *s);
/* Person p's place of a kind, or HG_NONE32 when not known. */
uint32_t hg_store_place_of(const hg_store *s, int kind, uint64_t p);

/* ---- writing a snapshot ---- */

typedef struct hg_store_writer {
	char root[HG_PATH_MAX];
	char tmpdir[HG_PATH_MAX];
	char final_name[64];
	void *files; /* json_t * object: name -> {bytes, type, rows, blake2b256} */
} hg_store_writer;

/* Start a new snapshot in root (created if absent); removes stale temporaries. */
int hg_store_begin(hg_store_writer *w, const char *root, hg_err *err);
/* Write one column/array file into the snapshot and record its checksum. */
int hg_store_put(hg_store_writer *w, const char *name, const char *type, uint64_t rows,
                 const void *data, size_t bytes, hg_err *err);
/* Write a string table (count, offsets, bytes) from n strings. */
int hg_store_put_strings(hg_store_writer *w, const char *name, const char *const *strs, uint32_t n,
                         hg_err *err);
/* Write an auxiliary file (e.g. quarantine CSV) that is checksummed but not a column. */
int hg_store_put_file(hg_store_writer *w, const char *name, const void *data, size_t bytes,
                      hg_err *err);
/* Finish: write manifest (manifest is a json_t* object; "files" is added), fsync,
 * rename into place; publish it as CURRENT when publish is set. Frees nothing of
 * the caller's. On success snap_name receives the snapshot's name. */
int hg_store_commit(hg_store_writer *w, void *manifest, int publish, char snap_name[64],
                    hg_err *err);
/* Put file name of the snapshot directory srcdir into the new snapshot as a hard link
 * (no copy), recorded with entry, its record in srcdir's manifest (json_t *): for an
 * append's unchanged files. */
int hg_store_link(hg_store_writer *w, const char *srcdir, const char *name, const void *entry,
                  hg_err *err);
/* The file name of event column c (HG_COL_EV_*) in segment k: "event.date.i32" for k 0,
 * "seg2.event.date.i32" for k 2. */
void hg_store_seg_file(int c, int k, char *buf, size_t cap);
/* Abandon a snapshot being written (removes the temporary directory). */
void hg_store_abort(hg_store_writer *w);

#endif
