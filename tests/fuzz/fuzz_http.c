/*
 * fuzz_http.c: libFuzzer target for the dashboard's request handling
 * (src/server: libmicrohttpd's parser, the router, the API, the pages, the
 * login and session code, the downloads, the audit log). The server runs in
 * this process (hg_server_start on a free port of 127.0.0.1, one HTTP thread)
 * over the fixture store and pack; each input is raw bytes sent on a new
 * connection (one request, or several pipelined); a second request made
 * after it must be answered (see exchange).
 *
 * To get past the login, four users exist (viewer, analyst, practice Y00001,
 * admin), each with a live session; in the input "@S1@".."@S4@" become their
 * session tokens and "@C1@".."@C4@" their CSRF tokens (seeds carry them in
 * Cookie and X-CSRF-Token headers and csrf form fields). A session that an
 * input ended (a logout) is made again before the next input.
 */
#include "core/str.h"
#include "fuzz.h"
#include "server/auth.h"
#include "server/db.h"
#include "server/server.h"
#include "server/session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NUSERS   4
#define PASSWORD "fuzzing password 1"

static const struct {
	const char *name;
	int role;
	const char *practice;
} users[NUSERS] = {{"viewer", HG_ROLE_VIEWER, NULL},
                   {"analyst", HG_ROLE_ANALYST, NULL},
                   {"practice", HG_ROLE_PRACTICE, "Y00001"},
                   {"admin", HG_ROLE_ADMIN, NULL}};

static struct {
	hg_srv *srv;
	int port;
	hg_db db; /* a second connection to the server's database, for the sessions */
	hg_session_cfg scfg;
	char token[NUSERS][HG_TOKEN_HEX], csrf[NUSERS][HG_TOKEN_HEX];
	char verbose;
} fz;

/* Make user i (again, if an input removed it) and a new session for it. */
static void make_session(int i)
{
	hg_err err = {0};
	hg_user u;
	int found = hg_user_get(&fz.db, users[i].name, &u, &err);
	if (found == 0) {
		if (hg_user_add(&fz.db, users[i].name, users[i].role, users[i].practice, PASSWORD,
		                &err))
			hg_fuzz_fail("adding user %s: %s", users[i].name, err.msg);
		found = hg_user_get(&fz.db, users[i].name, &u, &err);
	}
	if (found != 1)
		hg_fuzz_fail("user %s: %s", users[i].name, err.msg);
	if (hg_session_create(&fz.db, &u, fz.token[i], fz.csrf[i], &err))
		hg_fuzz_fail("session for %s: %s", users[i].name, err.msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = hg_fuzz_scratch();
	static char store[HG_PATH_MAX], data_dir[HG_PATH_MAX], pack[HG_PATH_MAX];
	hg_fuzz_path(store, sizeof store, dir, "store");
	hg_fuzz_path(data_dir, sizeof data_dir, dir, "server-data");
	hg_fuzz_path(pack, sizeof pack, hg_fuzz_data(), "pack.hg");
	hg_fuzz_make_store(store);
	hg_err err = {0};
	if (hg_db_open(&fz.db, data_dir, &err))
		hg_fuzz_fail("%s", err.msg);
	hg_server_opts o = {.store = store,
	                    .pack = pack,
	                    .data_dir = data_dir,
	                    .port = 0,
	                    .sdc_k = 5,
	                    .threads = 1,
	                    .engine_threads = 1,
	                    .conn_timeout = 2,
	                    /* the four sessions make every request: no 429 after 300 a minute */
	                    .rate_limit = 100000000};
	hg_server_defaults(&o);
	fz.scfg = (hg_session_cfg){o.idle_timeout, o.session_lifetime};
	if (hg_server_start(&fz.srv, &o, &err))
		hg_fuzz_fail("starting the server: %s", err.msg);
	fz.port = hg_server_port(fz.srv);
	for (int i = 0; i < NUSERS; i++)
		make_session(i);
	fz.verbose = getenv("HG_FUZZ_VERBOSE") != NULL;
	return 0;
}

/* The input with the placeholders replaced by the live tokens. */
static void expand(const uint8_t *data, size_t size, hg_buf *out)
{
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '@' && i + 3 < size && (data[i + 1] == 'S' || data[i + 1] == 'C') &&
		    data[i + 2] >= '1' && data[i + 2] <= '0' + NUSERS && data[i + 3] == '@') {
			int u = data[i + 2] - '1';
			hg_buf_puts(out, data[i + 1] == 'S' ? fz.token[u] : fz.csrf[u]);
			i += 3;
		} else {
			hg_buf_putc(out, (char)data[i]);
		}
	}
}

static int connect_server(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)fz.port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int tries = 0; tries < 100; tries++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			hg_fuzz_fail("socket: %s", strerror(errno));
		struct timeval tv = {.tv_sec = 10};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
			return fd;
		close(fd);
		usleep(10000); /* out of local ports for a moment: wait for some to free */
	}
	hg_fuzz_fail("cannot connect to the server on port %d", fz.port);
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k <= 0)
			return; /* the server may close early (a bad request) */
		p += k;
		n -= (size_t)k;
	}
}

/* Read what is there (flags MSG_DONTWAIT) or to the end; 1 if the read timed out. */
static int drain(int fd, int flags)
{
	char buf[65536];
	ssize_t k;
	while ((k = recv(fd, buf, sizeof buf, flags)) > 0)
		if (fz.verbose)
			fwrite(buf, 1, (size_t)k, stderr);
	return k < 0 && !(flags & MSG_DONTWAIT) && (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* Close with a reset, so the server lets the connection go at once. */
static void close_now(int fd)
{
	struct linger l = {.l_onoff = 1, .l_linger = 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

/*
 * Send the input on one connection; then a small request on a second that asks
 * the server to close. libmicrohttpd 0.9.75 waits for the idle timeout after a
 * client's half-close instead of ending the connection, so the input's
 * connection cannot be read to its end. The server runs one thread, so by the
 * time the second answer is back the input has been handled: it is the barrier
 * between inputs, and the check that the server still answers.
 */
static void exchange(const hg_buf *req)
{
	int fd = connect_server();
	send_all(fd, req->p, req->n);
	shutdown(fd, SHUT_WR);
	static const char probe[] =
	    "GET /assets/favicon.svg HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	int pfd = connect_server();
	send_all(pfd, probe, sizeof probe - 1);
	if (drain(pfd, 0))
		hg_fuzz_fail("the server did not answer within 10 seconds");
	close(pfd);
	drain(fd, MSG_DONTWAIT);
	close_now(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int i = 0; i < NUSERS; i++) {
		hg_session s;
		if (hg_session_get(&fz.db, &fz.scfg, fz.token[i], &s) != 1)
			make_session(i);
	}
	hg_buf req = {0};
	expand(data, size, &req);
	exchange(&req);
	hg_buf_free(&req);
	return 0;
}
