/*
 * fs.c: file mapping, atomic writes, hashing.
 */
#include "fs.h"
#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int hg_map_file(hg_map *m, const char *path, hg_err *err)
{
	memset(m, 0, sizeof *m);
	if (strcmp(path, "-") == 0) {
		size_t cap = 1 << 20, n = 0;
		char *p = hg_xmalloc(cap);
		size_t r;
		while ((r = fread(p + n, 1, cap - n, stdin)) > 0) {
			n += r;
			if (n == cap)
				p = hg_xrealloc(p, cap *= 2);
		}
		m->data = p;
		m->size = n;
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hg_err_set(err, HG_EIO, "%s: cannot open: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return hg_err_set(err, HG_EIO, "%s: not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		m->data = hg_xmalloc(1);
		return 0;
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return hg_err_set(err, HG_EIO, "%s: cannot map: %s", path, strerror(errno));
	madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
	m->data = p;
	m->size = (size_t)st.st_size;
	m->mapped = 1;
	return 0;
}

void hg_unmap(hg_map *m)
{
	if (m->mapped)
		munmap(m->data, m->size);
	else
		free(m->data);
	memset(m, 0, sizeof *m);
}

int hg_mkdir_p(const char *path, hg_err *err)
{
	char tmp[HG_PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0750) < 0 && errno != EEXIST)
				return hg_err_set(err, HG_EIO, "%s: cannot create directory: %s",
				                  tmp, strerror(errno));
			*p = '/';
		}
	}
	if (mkdir(tmp, 0750) < 0 && errno != EEXIST)
		return hg_err_set(err, HG_EIO, "%s: cannot create directory: %s", tmp,
		                  strerror(errno));
	return 0;
}

int hg_fsync_dir(const char *path, hg_err *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hg_err_set(err, HG_EIO, "%s: cannot open directory: %s", path,
		                  strerror(errno));
	int r = fsync(fd);
	close(fd);
	if (r < 0 && errno != EINVAL)
		return hg_err_set(err, HG_EIO, "%s: fsync failed: %s", path, strerror(errno));
	return 0;
}

int hg_rm_rf(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return unlink(path);
	struct dirent *e;
	char sub[HG_PATH_MAX];
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			hg_rm_rf(sub);
		else
			unlink(sub);
	}
	closedir(d);
	return rmdir(path);
}

int hg_path_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

int hg_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int hg_write_file(const char *path, const void *data, size_t n, hg_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return hg_err_set(err, HG_EIO, "%s: cannot create: %s", path, strerror(errno));
	const char *p = data;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return hg_err_set(err, HG_EIO, "%s: write failed: %s", path, strerror(e));
		}
		p += w;
		n -= (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		return hg_err_set(err, HG_EIO, "%s: cannot flush: %s", path, strerror(errno));
	return 0;
}

int hg_write_file_atomic(const char *path, const void *data, size_t n, hg_err *err)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	if (hg_write_file(tmp, data, n, err))
		return -1;
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return hg_err_set(err, HG_EIO, "%s: cannot rename into place: %s", path,
		                  strerror(e));
	}
	char dir[HG_PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		return hg_fsync_dir(dir[0] ? dir : "/", err);
	}
	return hg_fsync_dir(".", err);
}

char *hg_read_file(const char *path, size_t *len, hg_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		hg_err_set(err, HG_EIO, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0, r;
	char *p = hg_xmalloc(cap);
	while ((r = fread(p + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap)
			p = hg_xrealloc(p, cap *= 2);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(p);
		hg_err_set(err, HG_EIO, "%s: read failed", path);
		return NULL;
	}
	p[n] = 0;
	if (len)
		*len = n;
	return p;
}

static void hex(const unsigned char *h, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = x[h[i] >> 4];
		out[2 * i + 1] = x[h[i] & 15];
	}
	out[2 * n] = 0;
}

void hg_hash_hex(const void *p, size_t n, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, p, n, NULL, 0);
	hex(h, sizeof h, out);
}

int hg_hash_file_hex(const char *path, char out[65], hg_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hg_err_set(err, HG_EIO, "%s: cannot open: %s", path, strerror(errno));
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	size_t cap = 1 << 20;
	unsigned char *buf = hg_xmalloc(cap);
	ssize_t r;
	while ((r = read(fd, buf, cap)) > 0)
		crypto_generichash_update(&st, buf, (size_t)r);
	int e = errno;
	free(buf);
	close(fd);
	if (r < 0)
		return hg_err_set(err, HG_EIO, "%s: read failed: %s", path, strerror(e));
	unsigned char h[32];
	crypto_generichash_final(&st, h, sizeof h);
	hex(h, sizeof h, out);
	return 0;
}

int hg_out_open(hg_out *o, const char *path, hg_err *err)
{
	memset(o, 0, sizeof *o);
	snprintf(o->path, sizeof o->path, "%s", path);
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	/* 0640 like every other output (fopen would leave the umask's 0644) */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	o->f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!o->f) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return hg_err_set(err, HG_EIO, "%s: cannot create: %s", path, strerror(e));
	}
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

void hg_out_write(hg_out *o, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, o->f) != n)
		o->failed = 1;
}

int hg_out_close(hg_out *o, int do_fsync, hg_err *err)
{
	if (!o->f)
		return 0;
	int bad = o->failed || fflush(o->f) != 0;
	if (!bad && do_fsync && o->f != stdout)
		bad = fsync(fileno(o->f)) != 0;
	if (o->f != stdout)
		bad |= fclose(o->f) != 0;
	o->f = NULL;
	if (bad)
		return hg_err_set(err, HG_EIO, "%s: write failed: %s", o->path, strerror(errno));
	return 0;
}

/*
 * Read the key file through one descriptor, so nothing changes between the
 * checks and the read: a regular file (a FIFO would block ingest, or feed it
 * any key; O_NONBLOCK opens one without waiting for a writer), mode 0600, of
 * at most cap bytes.
 */
int hg_read_secret(const char *path, char *buf, size_t cap, size_t *n, hg_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return hg_err_set(err, HG_EIO, "%s: cannot read key file: %s", path,
		                  strerror(errno));
	struct stat st;
	ssize_t r = 0;
	int rc = 0;
	if (fstat(fd, &st) < 0)
		rc = hg_err_set(err, HG_EIO, "%s: cannot read key file: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = hg_err_set(
		    err, HG_EUSAGE,
		    "%s: the key file is not a regular file (a pipe or device); give the "
		    "file 'healthgap keygen' made",
		    path);
	else if (st.st_mode & 077)
		rc = hg_err_set(err, HG_EUSAGE,
		                "%s: key file is readable by group or others; chmod 600 it", path);
	else if ((r = read(fd, buf, cap)) < 0)
		rc = hg_err_set(err, HG_EIO, "%s: cannot read key file: %s", path, strerror(errno));
	close(fd);
	*n = r > 0 ? (size_t)r : 0;
	return rc;
}
