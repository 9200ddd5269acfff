/*
 * ast.h: internals shared by the phases of the definition language (lexer,
 * parser, checker, compiler): tokens, the syntax tree, the parsed pack and
 * compiler-style diagnostics. Not for use outside src/lang and src/engine.
 */
#ifndef HG_LANG_AST_H
#define HG_LANG_AST_H

#include "core/arena.h"
#include "core/dict.h"
#include "core/error.h"
#include "lang/lang.h"
#include "lang/program.h"

#include <stddef.h>

/* Error propagation in the phases: a call that fails (non-zero) has already
 * reported; return -1 (TRY) or NULL (TRYN) from the caller. */
#define TRY(x)                                                                                     \
	do {                                                                                       \
		if ((x) != 0)                                                                      \
			return -1;                                                                 \
	} while (0)
#define TRYN(x)                                                                                    \
	do {                                                                                       \
		if ((x) != 0)                                                                      \
			return NULL;                                                               \
	} while (0)

/* ---- source and diagnostics ---- */

/* A run of lines of the text that came from one file (`include`, pack.c). */
typedef struct hg_src_part {
	int first, nlines; /* the text's lines first .. first + nlines - 1 */
	int local;         /* ... are that file's lines local .. */
	int file, parent;  /* the file (0: the pack's own) and the file that includes it */
	const char *name;  /* the file, as shown in messages */
	const char *dir;   /* an included file's directory (absolute); NULL for the pack's */
} hg_src_part;

typedef struct hg_src {
	const char *name; /* file name shown in messages */
	const char *text; /* NUL-terminated: the pack with every include expanded */
	size_t len;
	const char *dir;    /* directory that codelist paths are relative to */
	hg_src_part *parts; /* where each line came from (nparts 0: all from name) */
	int nparts;
} hg_src;

/* The part holding line `line` of src, or NULL when there are no includes. */
const hg_src_part *hg_src_part_of(const hg_src *src, int line);
/* The file that line of the combined text came from, and its own line there (*at). */
const char *hg_src_where(const hg_src *src, int line, int *at);

/* Format "file:line:col: error: msg\n<line>\n<caret>" into err; returns HG_EINPUT. */
int hg_lang_error(hg_err *err, const hg_src *src, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- tokens ---- */

enum hg_tok_kind {
	T_EOF = 0,
	T_IDENT,
	T_NUMBER,
	T_STRING,
	T_DATE,
	T_LPAREN,
	T_RPAREN,
	T_COMMA,
	T_COLON,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_AMP,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
};

typedef struct hg_tok {
	int kind;
	int line, col;
	const char *p; /* start in source */
	size_t n;
	double num; /* T_NUMBER */
	int date;   /* T_DATE: hg_date */
} hg_tok;

typedef struct hg_lexer {
	const hg_src *src;
	size_t pos;
	int line, col;
} hg_lexer;

void hg_lex_init(hg_lexer *lx, const hg_src *src);
/* Next token; returns HG_EINPUT (with a diagnostic) on a bad character or literal. */
int hg_lex_next(hg_lexer *lx, hg_tok *t, hg_err *err);
const char *hg_tok_name(int kind);

/* ---- syntax tree ---- */

enum hg_node_kind {
	N_NUM,       /* num */
	N_STR,       /* str */
	N_DATE,      /* num = day number */
	N_BOOL,      /* num = 0/1 */
	N_MISSING,   /* the missing value */
	N_DURATION,  /* num units of ival (U_DAYS, U_MONTHS) */
	N_NAME,      /* str: attribute, let or codelist */
	N_BINARY,    /* op, a, b */
	N_UNARY,     /* op, a */
	N_IF,        /* a then b else c */
	N_IN,        /* a in (args) */
	N_ISMISSING, /* a is missing; ival=1 for "is not missing" */
	N_CALL,      /* str(args) */
	N_QUERY,     /* event query: a = codelist expression, quals */
	N_CODES,     /* codes("x", "y") */
};

enum hg_unit { U_DAYS = 0, U_MONTHS = 1 };

enum hg_qual_kind {
	Q_EVER,    /* up to the period end (the default) */
	Q_LAST,    /* in last N units: (E - N, E] */
	Q_PERIOD,  /* in period: [period start, period end] */
	Q_BEFORE,  /* < a */
	Q_AFTER,   /* > a */
	Q_ON,      /* = a */
	Q_SINCE,   /* >= a */
	Q_UNTIL,   /* <= a */
	Q_BETWEEN, /* [a, b] */
	Q_SETTING, /* in setting names */
	Q_WHERE,   /* event predicate a */
	Q_PAIRED,  /* paired with codelist a (same day, with a value) */
};

typedef struct hg_node hg_node;

typedef struct hg_qual {
	int kind;
	int line, col;
	hg_node *a, *b;
	double n;
	int unit;
	unsigned settings; /* Q_SETTING: mask of enum hg_setting */
} hg_qual;

/* value types assigned by the checker */
enum hg_type {
	TY_NONE = 0,
	TY_NUM,
	TY_BOOL,
	TY_DATE,
	TY_DURATION,
	TY_STR, /* a string literal */
	TY_SEX, /* categorical attributes compared with string literals */
	TY_ETH,
	TY_PRACTICE,
	TY_SETTING, /* the event's setting, inside where */
	TY_CODESET,
	TY_MISSING, /* the literal missing: converts to any value type */
	TY_CATEG,   /* a segmentation or a score's bands: compared with its categories' names */
};

struct hg_node {
	int kind;
	int op; /* T_PLUS..T_GE, or KW_AND/KW_OR/KW_NOT/KW_AFTER/KW_BEFORE */
	int line, col;
	double num;
	int ival;
	const char *str;
	hg_node *a, *b, *c;
	hg_node **args;
	int nargs;
	hg_qual *quals;
	int nquals;
	/* set by the checker */
	int type;
	int sym;     /* N_NAME: attribute id, let index or codelist index; N_CALL: function id */
	int symkind; /* SYM_ATTR, SYM_LET, SYM_CODELIST, SYM_EVENT, SYM_UNIT */
	int codeset; /* N_QUERY / paired: index into pack codesets */
	int paired;  /* N_QUERY: codeset of Q_PAIRED or -1 */
	int paired_value; /* N_QUERY: the paired event must have a value */
};

/* keyword-operators stored in hg_node.op beyond the token kinds */
enum { KW_AND = 100, KW_OR, KW_NOT, KW_AFTER, KW_BEFORE };

enum hg_sym_kind { SYM_NONE = 0, SYM_ATTR, SYM_LET, SYM_CODELIST, SYM_EVENT, SYM_UNIT };

/* ---- declarations ---- */

typedef struct hg_let {
	const char *name;
	int line, col;
	hg_node *e;
	int type;
	int set; /* >= 0: a codelist declaration (index into sets), e its set expression */
	/* a categorical variable (type TY_CATEG): a segmentation (first true condition
	   wins, `otherwise` when none is) or a score's bands (e is the score) */
	const char *title;      /* a segmentation's or score's title, or NULL */
	int ncat;               /* its categories, in order */
	const char **cat_names; /* their names */
	hg_node **cat_cond;     /* segmentation: each one's condition, NULL for `otherwise` */
	double *cat_upto;       /* bands: the upper bound of each band but the last */
	int bands_of;           /* bands: the let of the score, else -1 */
} hg_let;

/* How a set is made (hg_codeset.op): a list of codes, every code, another
 * set, or a set operation (T_PLUS, T_MINUS, T_AMP) on sets l and r. Set
 * operations act on the store codes that each side matches (codelist.c). */
enum { HG_CS_LEAF = 0, HG_CS_ANY = 1, HG_CS_REF = 2 };

/* Coding systems a leaf can declare (`system NAME`) or a file header can name. */
enum hg_code_system {
	HG_CSYS_AUTO = 0, /* from the codes' shape */
	HG_CSYS_ICD10,
	HG_CSYS_OPCS4,
	HG_CSYS_SNOMEDCT,
	HG_CSYS_DMD,
	HG_CSYS_CTV3,
	HG_CSYS_READ,
	HG_CSYS_N
};

typedef struct hg_codeset {
	const char *name; /* NULL for anonymous sets built from an expression */
	int line, col;
	hg_dict codes;     /* a leaf's code strings as written (slots NULL otherwise) */
	char hash[65];     /* a leaf: BLAKE2b of the sorted codes (and "prefix" when so) */
	int op, l, r;      /* HG_CS_LEAF, HG_CS_ANY, HG_CS_REF (= set l), T_PLUS/T_MINUS/T_AMP */
	int system;        /* enum hg_code_system: declared, else named by the file's header */
	int prefix;        /* a leaf whose codes match event codes by prefix (classifications) */
	int built;         /* checked: op, l, r and codes are final */
	int in_query;      /* an anonymous set written inside an event query */
	const char *label; /* for messages: the name, "file.csv", codes(...), a + b */
	const char *file;  /* a leaf read from a file: the path read */
	int replaced;      /* that file came from --codelists DIR (1) or --codelist NAME=FILE (2) */
} hg_codeset;

typedef struct hg_period_spec {
	int set;
	int step;     /* months per step; 0 = one period for the whole range */
	int rolling;  /* months in a rolling window, 0 = not rolling */
	int from, to; /* hg_date */
} hg_period_spec;

typedef struct hg_ind_src {
	hg_indicator pub;
	hg_node *num, *den, *val;
	hg_node *pop;            /* population: (event indicators) */
	hg_node *ev;             /* events: a query (N_QUERY); NULL with `events: deaths` */
	int ages_line, ages_col; /* where `ages` was written, 0 if not */
	const char *trans_name;  /* `transitions of NAME`: the segmentation's name */
	int trans_line, trans_col;
	int line, col;
	hg_period_spec ps;
} hg_ind_src;

/* A worklist as written: the public part and its expressions. */
typedef struct hg_wl_src {
	hg_worklist pub;
	hg_node *who;
	const char *prio_name; /* `priority: NAME` */
	hg_period_spec ps;     /* the default periods where it is declared (its aggregate's) */
	int prio_line, prio_col;
	hg_node **reason_e, **column_e, **order_e; /* order_e[k] NULL for core20 and plus */
	int *closes_line, *closes_col;             /* where each `closes:` id was written */
	int line, col;
} hg_wl_src;

struct hg_pack {
	hg_arena arena;
	hg_src src;
	char *text; /* owned source text */
	char hash[65];
	hg_let *lets;
	int nlets, caplets;
	hg_codeset *sets;
	int nsets, capsets;
	hg_ind_src *inds;
	int ninds, capinds;
	hg_wl_src *wls;
	int nwls, capwls;
	hg_period_spec periods; /* pack default */
	char *flag_names[64];   /* flags referenced (flag_X -> "X") */
	int nflags;
	const struct hg_pack_opts *opts; /* while loading: where codelists come from, or NULL */
};

int hg_parse_pack(hg_pack *pk, hg_err *err);
int hg_check_pack(hg_pack *pk, hg_err *err);
/* ---- codelists (codelist.c) ---- */

/* Load an OpenCodelists-style CSV into set (path relative to dir unless absolute);
 * a set whose system is HG_CSYS_AUTO takes the system its code column names. */
int hg_codelist_load(hg_codeset *set, const char *dir, const char *path, hg_err *err);
/* A leaf is complete: decide prefix or exact matching and hash it. */
void hg_codeset_finish(hg_codeset *set);
/* `system NAME` -> enum hg_code_system, or -1. */
int hg_code_system_parse(const char *s, size_t n);
extern const char *const hg_code_system_names[HG_CSYS_N];
/* Words of a bitset over the store's code ids. */
size_t hg_codeset_words(const hg_store *st);
/* Set in bits (hg_codeset_words, zeroed) the store codes that leaf cs matches;
 * found (optional, cs->codes.n bytes) marks the list's codes that matched. */
void hg_codeset_match(const hg_codeset *cs, const hg_store *st, uint64_t *bits, uint8_t *found);
/* The same for any set of the pack (set operations included). */
void hg_codeset_bits(const hg_pack *pk, int set, const hg_store *st, uint64_t *bits);

/* ---- where a pack's codelists come from (pack.c, options in lang/codelists.h) ---- */

/* The file to read for `"path"` in a codelist expression: the file of that name in
 * --codelists DIR when there is one (*replaced = 1), else path relative to the
 * pack's directory (*replaced = 0). */
int hg_pack_codelist_path(const hg_pack *pk, const char *path, char *out, size_t cap, int *replaced,
                          hg_err *err);
/* The file that --codelist NAME=FILE gives for codelist name, or NULL. */
const char *hg_pack_codelist_sub(const hg_pack *pk, const char *name);

/* ---- literal vocabularies (vocab.c) ---- */

/* enum hg_sex of a sex literal ("male", "F", "9", any case), or -1. */
int hg_lang_sex_value(const char *s);
/* enum hg_ethgroup of an ethnic group literal ("Asian", any case), or -1. */
int hg_lang_eth_value(const char *s);
/* 0 when s is a valid literal for categorical type `type` (TY_SEX, TY_ETH,
 * TY_SETTING; practices are checked against a store), else -1 with msg set to
 * "unknown ethnic group \"Asain\" (did you mean \"Asian\"? expected ...)". */
int hg_lang_literal_check(int type, const char *s, char *msg, size_t cap);
/* The closest word of that vocabulary to s, for "did you mean", or NULL. */
const char *hg_lang_vocab_suggest(int type, const char *s);

/* Limits on periods (docs/language.md, "Periods"): an indicator has at most
 * HG_PERIODS_MAX periods and a pack at most HG_PACK_PERIODS_MAX distinct ones
 * (100 and 200 years of months). Each person is evaluated in every period, so a
 * range that runs for millennia is a typing error, not a request. */
#define HG_PERIODS_MAX      1200
#define HG_PACK_PERIODS_MAX 2400

/* Expand a period specification into periods (arena-allocated): 0, or -1 when
 * it would give more than HG_PERIODS_MAX periods (*n is then HG_PERIODS_MAX + 1
 * and nothing is allocated). */
int hg_period_expand(const hg_period_spec *ps, hg_arena *a, hg_period **out, int *n);
/* Number the n periods all[] in the order each is first seen: ix[i] is the
 * number of all[i], uniq[k] the period numbered k (uniq holds n). Equal periods
 * (same start and end) get the same number. O(n log n). Returns the count. */
int hg_periods_number(const hg_period *all, int n, int *ix, hg_period *uniq);

#endif
