/*
 * fs.h: files. Read-only mapping of whole files, atomic writes (write to a
 * temporary name, fsync, rename, fsync the directory), directory helpers and
 * BLAKE2b-256 content hashes (libsodium; `b2sum -l 256` gives the same hex).
 */
#ifndef HG_FS_H
#define HG_FS_H

/*
 * Path lengths, one rule: every command-line argument is at most HG_ARG_MAX
 * bytes (main.c refuses a longer one with an error), and every buffer that
 * holds a path is HG_PATH_MAX bytes, room for an argument joined with the
 * longest names the program appends (a directory entry, a snapshot, a
 * codelist path from a pack, which check.c limits to HG_ARG_MAX too). So no
 * path is ever cut short without an error.
 */
#define HG_ARG_MAX  1024
#define HG_PATH_MAX 4096

#include "error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct hg_map {
	void *data;
	size_t size;
	int mapped; /* 1 = mmap, 0 = malloc (standard input, empty files) */
} hg_map;

int hg_map_file(hg_map *m, const char *path, hg_err *err);
void hg_unmap(hg_map *m);

/* Create a directory and its parents (mode 0750). */
int hg_mkdir_p(const char *path, hg_err *err);
int hg_fsync_dir(const char *path, hg_err *err);
/* Remove a directory tree (used for abandoned temporary snapshots). */
int hg_rm_rf(const char *path);
int hg_path_exists(const char *path);
int hg_is_dir(const char *path);

/* Write a whole buffer to path atomically (path.tmp, fsync, rename). */
/* Read a secret key file (at most cap bytes) through one descriptor, so nothing changes
 * between the checks and the read: a regular file (a FIFO would block, or feed any key;
 * it is opened without waiting), mode 0600 (readable by its owner only). */
int hg_read_secret(const char *path, char *buf, size_t cap, size_t *n, hg_err *err);
int hg_write_file_atomic(const char *path, const void *data, size_t n, hg_err *err);
/* Write a buffer to a new file (no rename), fsync it. */
int hg_write_file(const char *path, const void *data, size_t n, hg_err *err);
/* Read a whole small file into a NUL-terminated malloc'd buffer. */
char *hg_read_file(const char *path, size_t *len, hg_err *err);

/* BLAKE2b-256 of bytes / of a file, as 64 lowercase hex digits + NUL. */
void hg_hash_hex(const void *p, size_t n, char out[65]);
int hg_hash_file_hex(const char *path, char out[65], hg_err *err);

/* A buffered output file that reports errors when closed. */
typedef struct hg_out {
	FILE *f;
	char path[1024];
	int failed;
} hg_out;
int hg_out_open(hg_out *o, const char *path, hg_err *err);
void hg_out_write(hg_out *o, const void *p, size_t n);
int hg_out_close(hg_out *o, int do_fsync, hg_err *err);

#endif
