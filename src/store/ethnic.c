/*
 * ethnic.c: the one mapping from an NHS ethnic category (as persons.csv and
 * the store write it) to its ONS group (enum hg_ethgroup). Ingest uses it to
 * validate and group each person; the store's open-time check uses it to
 * confirm every stored group matches its category. Its own file so that
 * neither store.c nor store_check.c calls the other for it.
 */
#include "store/store.h"

#include <string.h>

/* Ethnic category (as stored) -> ONS group, -1 for a byte that is none. */
int hg_eth_group_of(uint8_t cat)
{
	static const char *const groups[HG_ETH_N] = {"ABC", "DEFG", "HJKL", "MNP", "RS", "Z9"};
	if (cat == 0)
		return HG_ETH_NOT_STATED;
	for (int g = 0; g < HG_ETH_N; g++)
		if (strchr(groups[g], cat))
			return g;
	return -1;
}
