/*
 * lexer.c: turns pack source text into tokens. Comments run from '#' to the
 * end of the line; newlines are plain white space. Literals: numbers
 * (12, 0.5), strings ("..." with \" and \\), dates (2024-03-31).
 * Also formats compiler-style diagnostics (hg_lang_error).
 */
#include "lang/ast.h"

#include "core/date.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hg_lang_error(hg_err *err, const hg_src *src, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* find the line */
	const char *p = src->text, *end = src->text + src->len;
	for (int l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	const char *e = p;
	while (e < end && *e != '\n' && *e != '\r')
		e++;
	char caret[256];
	int n = 0;
	for (int i = 1; i < col && n < (int)sizeof caret - 2; i++)
		caret[n++] = (p + i - 1 < e && p[i - 1] == '\t') ? '\t' : ' ';
	caret[n++] = '^';
	caret[n] = 0;
	int len = (int)(e - p);
	if (len > 300)
		len = 300;
	int at;
	const char *name = hg_src_where(src, line, &at);
	return hg_err_set(err, HG_EINPUT, "%s:%d:%d: error: %s\n%.*s\n%s", name, at, col, msg, len,
	                  p, caret);
}

const hg_src_part *hg_src_part_of(const hg_src *src, int line)
{
	for (int i = 0; i < src->nparts; i++)
		if (line >= src->parts[i].first &&
		    line < src->parts[i].first + src->parts[i].nlines)
			return &src->parts[i];
	return NULL;
}

const char *hg_src_where(const hg_src *src, int line, int *at)
{
	const hg_src_part *part = hg_src_part_of(src, line); /* an included file's own line */
	*at = part ? part->local + (line - part->first) : line;
	return part ? part->name : src->name;
}

void hg_lex_init(hg_lexer *lx, const hg_src *src)
{
	lx->src = src;
	lx->pos = 0;
	lx->line = 1;
	lx->col = 1;
}

const char *hg_tok_name(int kind)
{
	static const char *const names[] = {
	    "end of file", "name", "number", "string", "date", "'('",  "')'", "','",  "':'", "'+'",
	    "'-'",         "'*'",  "'/'",    "'&'",    "'='",  "'!='", "'<'", "'<='", "'>'", "'>='",
	};
	return kind >= 0 && kind <= T_GE ? names[kind] : "token";
}

static int lx_peek(const hg_lexer *lx, size_t off)
{
	size_t i = lx->pos + off;
	return i < lx->src->len ? (unsigned char)lx->src->text[i] : 0;
}

static void lx_adv(hg_lexer *lx)
{
	if (lx->src->text[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static void lx_skip_space(hg_lexer *lx)
{
	for (;;) {
		int c = lx_peek(lx, 0);
		if (c == '#') {
			while (lx_peek(lx, 0) && lx_peek(lx, 0) != '\n')
				lx_adv(lx);
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			lx_adv(lx);
		} else {
			return;
		}
	}
}

/* A date literal is exactly DDDD-DD-DD not followed by a name character. */
static int lx_is_date(const hg_lexer *lx)
{
	static const char pat[] = "9999-99-99";
	for (int i = 0; i < 10; i++) {
		int c = lx_peek(lx, (size_t)i);
		if (pat[i] == '9' ? !isdigit(c) : c != '-')
			return 0;
	}
	int c = lx_peek(lx, 10);
	return !(isalnum(c) || c == '_' || c == '.');
}

static int lx_number(hg_lexer *lx, hg_tok *t, hg_err *err)
{
	const char *s = lx->src->text + lx->pos;
	if (lx_is_date(lx)) {
		hg_date d;
		if (hg_date_parse(s, 10, 0, &d, NULL) != 0)
			return hg_lang_error(err, lx->src, t->line, t->col,
			                     "invalid date '%.10s' (expected YYYY-MM-DD)", s);
		t->kind = T_DATE;
		t->date = d;
		for (int i = 0; i < 10; i++)
			lx_adv(lx);
		return 0;
	}
	char *end;
	t->num = strtod(s, &end);
	size_t n = (size_t)(end - s);
	if (isalpha((unsigned char)*end) || *end == '_')
		return hg_lang_error(err, lx->src, t->line, t->col,
		                     "invalid number (put a space between a number and a word)");
	t->kind = T_NUMBER;
	for (size_t i = 0; i < n; i++)
		lx_adv(lx);
	return 0;
}

static int lx_string(hg_lexer *lx, hg_tok *t, hg_err *err)
{
	lx_adv(lx); /* opening quote */
	for (;;) {
		int c = lx_peek(lx, 0);
		if (c == 0 || c == '\n')
			return hg_lang_error(err, lx->src, t->line, t->col,
			                     "unterminated string (expected '\"')");
		if (c == '"')
			break;
		if (c == '\\' && lx_peek(lx, 1))
			lx_adv(lx);
		lx_adv(lx);
	}
	lx_adv(lx);
	t->kind = T_STRING;
	return 0;
}

static int lx_punct(hg_lexer *lx, hg_tok *t, hg_err *err)
{
	int c = lx_peek(lx, 0), c1 = lx_peek(lx, 1);
	int two = 0;
	switch (c) {
	case '(':
		t->kind = T_LPAREN;
		break;
	case ')':
		t->kind = T_RPAREN;
		break;
	case ',':
		t->kind = T_COMMA;
		break;
	case ':':
		t->kind = T_COLON;
		break;
	case '+':
		t->kind = T_PLUS;
		break;
	case '-':
		t->kind = T_MINUS;
		break;
	case '*':
		t->kind = T_STAR;
		break;
	case '/':
		t->kind = T_SLASH;
		break;
	case '&':
		t->kind = T_AMP;
		break;
	case '=':
		t->kind = T_EQ;
		two = c1 == '=';
		break;
	case '!':
		if (c1 != '=')
			return hg_lang_error(err, lx->src, t->line, t->col,
			                     "unexpected '!' (use 'not', or '!=' for not equal)");
		t->kind = T_NE;
		two = 1;
		break;
	case '<':
		t->kind = c1 == '=' ? T_LE : c1 == '>' ? T_NE : T_LT;
		two = c1 == '=' || c1 == '>';
		break;
	case '>':
		t->kind = c1 == '=' ? T_GE : T_GT;
		two = c1 == '=';
		break;
	default:
		if (c >= 32 && c < 127)
			return hg_lang_error(err, lx->src, t->line, t->col,
			                     "unexpected character '%c'", c);
		return hg_lang_error(err, lx->src, t->line, t->col,
		                     "unexpected byte 0x%02x outside a string", c);
	}
	lx_adv(lx);
	if (two)
		lx_adv(lx);
	return 0;
}

int hg_lex_next(hg_lexer *lx, hg_tok *t, hg_err *err)
{
	lx_skip_space(lx);
	memset(t, 0, sizeof *t);
	t->line = lx->line;
	t->col = lx->col;
	t->p = lx->src->text + lx->pos;
	int c = lx_peek(lx, 0);
	int rc = 0;
	if (c == 0) {
		t->kind = T_EOF;
	} else if (isalpha(c) || c == '_') {
		while (isalnum(lx_peek(lx, 0)) || lx_peek(lx, 0) == '_')
			lx_adv(lx);
		t->kind = T_IDENT;
	} else if (isdigit(c) || (c == '.' && isdigit(lx_peek(lx, 1)))) {
		rc = lx_number(lx, t, err);
	} else if (c == '"') {
		rc = lx_string(lx, t, err);
	} else {
		rc = lx_punct(lx, t, err);
	}
	t->n = (size_t)(lx->src->text + lx->pos - t->p);
	return rc;
}
