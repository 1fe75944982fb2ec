/* Splitting fsconsole command lines into commands and words. */
#include <stdlib.h>
#include <string.h>

#include "fscmd.h"

/* A parse in progress: the word being built and the command it joins. */
struct fscmd_state {
	struct fscmd_list *l;
	char *word;		/* NULL: between words */
	size_t wlen, wcap;
	struct fscmd cur;
};

static int
fscmd_putc(struct fscmd_state *s, char c)
{
	char *w;

	if (s->wlen + 2 > s->wcap) {
		s->wcap = s->wcap ? s->wcap * 2 : 32;
		if ((w = realloc(s->word, s->wcap)) == NULL)
			return -1;
		s->word = w;
	}
	s->word[s->wlen++] = c;
	s->word[s->wlen] = '\0';
	return 0;
}

/* Starts a word (it may stay empty: ''). */
static int
fscmd_begin(struct fscmd_state *s)
{
	if (s->word != NULL)
		return 0;
	if ((s->word = malloc(32)) == NULL)
		return -1;
	s->word[0] = '\0';
	s->wlen = 0;
	s->wcap = 32;
	return 0;
}

static int
fscmd_endword(struct fscmd_state *s)
{
	char **argv;

	if (s->word == NULL)
		return 0;
	argv = realloc(s->cur.argv, (size_t)(s->cur.argc + 2) * sizeof(*argv));
	if (argv == NULL)
		return -1;
	argv[s->cur.argc++] = s->word;
	argv[s->cur.argc] = NULL;
	s->cur.argv = argv;
	s->word = NULL;
	return 0;
}

static int
fscmd_endcmd(struct fscmd_state *s)
{
	struct fscmd *c;

	if (fscmd_endword(s) != 0)
		return -1;
	if (s->cur.argc == 0)
		return 0;
	c = realloc(s->l->cmds, (s->l->n + 1) * sizeof(*c));
	if (c == NULL)
		return -1;
	c[s->l->n++] = s->cur;
	s->l->cmds = c;
	s->cur.argc = 0;
	s->cur.argv = NULL;
	return 0;
}

/* A quoted part from just after the opening quote q; p is advanced. */
static int
fscmd_quoted(struct fscmd_state *s, const char **p, char q, const char **err)
{
	const char *c = *p;

	for (; *c != q; c++) {
		if (*c == '\0') {
			*err = q == '\'' ? "unterminated '" : "unterminated \"";
			return -1;
		}
		if (q == '"' && *c == '\\' && (c[1] == '"' || c[1] == '\\'))
			c++;
		if (fscmd_putc(s, *c) != 0) {
			*err = "out of memory";
			return -1;
		}
	}
	*p = c + 1;
	return 0;
}

static int
fscmd_scan(struct fscmd_state *s, const char *p, const char **err)
{
	*err = "out of memory";
	while (*p != '\0') {
		char c = *p++;

		if (c == ';' || c == '\n') {
			if (fscmd_endcmd(s) != 0)
				return -1;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			if (fscmd_endword(s) != 0)
				return -1;
		} else if (c == '#' && s->word == NULL) {
			p += strcspn(p, "\n");
		} else if (fscmd_begin(s) != 0) {
			return -1;
		} else if (c == '\'' || c == '"') {
			if (fscmd_quoted(s, &p, c, err) != 0)
				return -1;
		} else {
			/* A trailing backslash stands for itself. */
			if (c == '\\' && *p != '\0')
				c = *p++;
			if (fscmd_putc(s, c) != 0)
				return -1;
		}
	}
	return fscmd_endcmd(s);
}

int
fscmd_parse(const char *line, struct fscmd_list *l, const char **err)
{
	struct fscmd_state s = { .l = l };

	l->n = 0;
	l->cmds = NULL;
	if (fscmd_scan(&s, line, err) == 0)
		return 0;
	free(s.word);
	for (int i = 0; i < s.cur.argc; i++)
		free(s.cur.argv[i]);
	free(s.cur.argv);
	fscmd_list_free(l);
	return -1;
}

void
fscmd_list_free(struct fscmd_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (int j = 0; j < l->cmds[i].argc; j++)
			free(l->cmds[i].argv[j]);
		free(l->cmds[i].argv);
	}
	free(l->cmds);
	l->n = 0;
	l->cmds = NULL;
}
