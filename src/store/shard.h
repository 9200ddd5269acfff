/*
 * shard.h: sharded stores (docs/scale.md "Sharded stores"). `healthgap shard
 * STORE --shards N --out DIR` splits a store's current snapshot by person into
 * N ordinary stores, DIR/shard-0000 .. DIR/shard-NNNN, each one a whole,
 * verifiable snapshot holding a contiguous range of the persons (in the
 * store's order) with their events, pathways, appointments, registration and
 * address periods and sealed NHS numbers, and every dictionary and reference
 * table (codes, LSOAs, practices, places, specialties, providers) whole and
 * byte for byte the same. DIR/shards.json, written last and atomically, lists
 * the shards (directory, snapshot, manifest hash, first person, counts), the
 * dictionaries' checksums, the source snapshot and the checksum of
 * DIR/code_events.u64 (the source's events per code, for run's codelist
 * coverage); a directory without it is not a sharded store.
 *
 * Why the dictionaries are whole in every shard: a pack compiled against any
 * shard is then the same program (the same ids, categories and cells), so the
 * cells of the shards' passes add up, bit for bit, to those of one pass over
 * the source store (engine.h "Exact accumulation"), and `mpirun -np N run`
 * gives each rank its own shards without any rank mapping the whole store.
 */
#ifndef HG_STORE_SHARD_H
#define HG_STORE_SHARD_H

#include "store/store.h"

#define HG_SHARDS_FILE        "shards.json"
#define HG_SHARDS_CODE_EVENTS "code_events.u64"
#define HG_SHARDS_MAX         100000   /* shard-NNNN names; far more than any cluster's ranks */
#define HG_SHARDS_SOURCE      "source" /* ingest --shards: the source store kept in DIR/source */

typedef struct hg_shards {
	int n;
	char (*dir)[HG_PATH_MAX];  /* each shard's listed snapshot: DIR/shard-NNNN/snap-NNNNNN */
	char (*manifest)[65];      /* each shard's manifest hash, as listed */
	uint64_t *first, *persons; /* each shard's first person (of the source) and count */
	uint64_t n_persons, n_events;
	char source_snapshot[64], source_manifest[65]; /* the snapshot split */
	/* events per code of the whole (DIR/code_events.u64, checksummed in shards.json): what
	   run's codelist coverage reports, as for the source, without reading every shard */
	uint64_t *code_events;
	uint32_t n_codes;
	char code_events_file[96]; /* its name in dir (code_events.u64 but after a resplit) */
} hg_shards;

/* Is dir a sharded store (has shards.json)? */
int hg_shards_is(const char *dir);
/* Read and check dir/shards.json (the shards tile the persons in order). */
int hg_shards_open(hg_shards *s, const char *dir, hg_err *err);
void hg_shards_free(hg_shards *s);
/* Shard k of s opened (every check of hg_store_open) and matched to its listing. */
int hg_shards_open_one(const hg_shards *s, int k, hg_store *st, hg_err *err);
/* Verify a sharded store: each shard as hg_store_verify does, its manifest hash against
 * shards.json, its dictionaries' checksums against the listed ones; and the source store
 * ingest --shards keeps (dir/source), when it holds the snapshot split, likewise and against
 * shards.json's source manifest hash. n_files: files checked. */
int hg_shards_verify(const char *dir, int *n_files, hg_err *err);
/* Split st into n shards under out (a directory that must not exist, or be empty).
 * shards.json names the source store as source_label (NULL: st->root, as opened). */
int hg_shards_split(const hg_store *st, int n, const char *out, const char *source_label,
                    hg_err *err);

/*
 * `ingest --shards N --store DIR` (docs/scale.md "Ingesting into shards") builds the whole
 * sharded store, its source store (DIR/source) and its shards, in a staging directory
 * beside DIR (PARENT/.NAME.shards-tmp) and renames it to DIR in one step: DIR is either as
 * it was (absent or empty) or the whole, checked sharded store; a kill -9 at any point
 * leaves at most the staging directory, which the next ingest --shards into DIR removes.
 */
/* Check out (absent or an empty directory), remove a stale staging directory and create
 * it afresh; staging receives its path. */
int hg_shards_stage(const char *out, char staging[HG_PATH_MAX], hg_err *err);
/* Make the staging directory's sharded store out (fsync, one rename, fsync). */
int hg_shards_publish(const char *staging, const char *out, hg_err *err);
/*
 * Split st (the source store's new snapshot, after `ingest --append` over a sharded store
 * made by ingest --shards) again into the sharded store dir, with its number of shards and
 * the same rule: each shard store gets a new snapshot, unpublished; the events per code a
 * new file; then shards.json is replaced atomically (the one step that makes the new split
 * the sharded store's: a kill before it leaves the old split whole); then each shard's
 * CURRENT follows and the old snapshots are removed.
 */
int hg_shards_resplit(const hg_store *st, const char *dir, const char *source_label, hg_err *err);
/* Before an append over the sharded store dir: make the source store's CURRENT (dir/source)
 * the snapshot shards.json was split from when it is behind it (a kill came between the
 * resplit's shards.json and the source's CURRENT). */
int hg_shards_source_sync(const char *dir, hg_err *err);

#endif
