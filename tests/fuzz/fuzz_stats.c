/*
 * fuzz_stats.c: libFuzzer target for `healthgap stats METHOD` (src/cli/
 * cmd_stats.c, the CSV adapters src/cli/stats_*.c and the statistics under
 * them in src/stats). The input's first line is the command line after
 * "stats", words split at spaces ("funnel-limits --numerator x --statistic
 * rate"); the rest is the input CSV. It runs through hg_cmd_stats as the
 * command does (option parsing, the table, the method's handler, the output
 * CSV), reading and writing files in the scratch directory. A usage or input
 * error is an answer; a crash, hang or leak is a finding.
 */
#include "cli/cli.h"
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64

static struct {
	char in[HG_PATH_MAX], out[HG_PATH_MAX];
} fz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	hg_fuzz_path(fz.in, sizeof fz.in, hg_fuzz_scratch(), "in.csv");
	hg_fuzz_path(fz.out, sizeof fz.out, hg_fuzz_scratch(), "out.csv");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t head = nl ? (size_t)(nl - (const char *)data) : size;
	size_t body = nl ? head + 1 : size;
	hg_fuzz_write(fz.in, data + body, size - body);
	/* argv: "stats", the words of the first line, then --input and --output */
	char *line = malloc(head + 1);
	memcpy(line, data, head);
	line[head] = 0;
	char *argv[MAX_WORDS + 6];
	int argc = 0;
	argv[argc++] = "stats";
	char *save = NULL;
	for (char *w = strtok_r(line, " ", &save); w && argc < MAX_WORDS;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	char in_opt[HG_PATH_MAX + 16], out_opt[HG_PATH_MAX + 16];
	snprintf(in_opt, sizeof in_opt, "--input=%s", fz.in);
	snprintf(out_opt, sizeof out_opt, "--output=%s", fz.out);
	argv[argc++] = in_opt;
	argv[argc++] = out_opt;
	argv[argc] = NULL;
	hg_cmd_stats(argc, argv);
	free(line);
	return 0;
}
