/*
 * ethnic.c: the one mapping from an NHS ethnic category (as persons.csv and
 * the store write it) to its ONS group (enum hg_ethgroup). Ingest uses it to
 * validate and group each person; the store's open-time check uses it to
 * confirm every stored group matches its category. Its own file so that
 * neither store.c nor store_check.c calls the other for it. Also the detailed
 * categories (breakdown ethnicity_detailed), the same letters in their order.
 */
#include "store/store.h"

#include <string.h>

/* The detailed categories in the order of their groups (the NHS Data Dictionary's
 * ETHNIC CATEGORY letters, T and W from the 2021 census), then Not stated (Z) and
 * Not known (99, X, or nothing recorded). */
static const char hg_ethd_letters[HG_ETHD_N] = "ABCTDEFGHJKLMNPRSWZ";
const char *const hg_ethd_names[HG_ETHD_N] = {
    "White: British",
    "White: Irish",
    "White: Any other White background",
    "White: Gypsy or Irish Traveller",
    "Mixed: White and Black Caribbean",
    "Mixed: White and Black African",
    "Mixed: White and Asian",
    "Mixed: Any other mixed background",
    "Asian: Indian",
    "Asian: Pakistani",
    "Asian: Bangladeshi",
    "Asian: Any other Asian background",
    "Black: Caribbean",
    "Black: African",
    "Black: Any other Black background",
    "Other: Chinese",
    "Other: Any other ethnic group",
    "Other: Arab",
    "Not stated",
    "Not known",
};

int hg_eth_detailed_of(uint8_t cat)
{
	const char *p = cat ? memchr(hg_ethd_letters, cat, HG_ETHD_N - 1) : NULL;
	if (p)
		return (int)(p - hg_ethd_letters);
	return cat == 0 || cat == '9' || cat == 'X' ? HG_ETHD_NOT_KNOWN : -1;
}

/* Ethnic category (as stored) -> ONS group, -1 for a byte that is none. The 2001
 * census's groups: Chinese (R) and Arab (W) in Other, Traveller (T) in White. */
int hg_eth_group_of(uint8_t cat)
{
	static const char *const groups[HG_ETH_N] = {"ABCT", "DEFG", "HJKL", "MNP", "RSW", "Z9X"};
	if (cat == 0)
		return HG_ETH_NOT_STATED;
	for (int g = 0; g < HG_ETH_N; g++)
		if (strchr(groups[g], cat))
			return g;
	return -1;
}
