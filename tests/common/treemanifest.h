/*
 * A tree's manifest: one line per entry below a directory (its path, mode,
 * link count, size, a hash of its contents, a symlink's target), sorted,
 * so that two trees are compared whole and the first difference printed.
 * The trees are reached through an ops table: the host's calls (a model
 * tree the test builds beside the image, what debugfs rdump made) or the
 * rump kernel's (an image mounted).  Directory sizes and times are left
 * out: they differ between file systems by design; lost+found at the
 * top is left out, since only one side has it.
 */
#ifndef TESTS_TREEMANIFEST_H
#define TESTS_TREEMANIFEST_H

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apitest.h"

struct tm_ops {
	int (*tm_lstat)(const char *path, struct stat *sb);
	/* Read-only, not following a symlink, not waiting; -1 on failure. */
	int (*tm_open)(const char *path);
	int (*tm_fstat)(int fd, struct stat *sb);
	ssize_t (*tm_read)(int fd, void *buf, size_t len);
	int (*tm_close)(int fd);
	ssize_t (*tm_readlink)(const char *path, char *buf, size_t len);
	/* Every name in directory path but . and ..: fn(arg, name). */
	int (*tm_list)(const char *path,
	    void (*fn)(void *arg, const char *name), void *arg);
};

struct manifest {
	char **m_lines;
	size_t m_n, m_cap;
};

#define TM_NLINK	0x01	/* compare link counts (rdump loses them) */

#define TM_OPENFLAGS	(O_RDONLY | O_NOFOLLOW | O_NONBLOCK)

static inline int
tm_host_open(const char *path)
{
	return open(path, TM_OPENFLAGS);
}

static inline int
tm_host_list(const char *path, void (*fn)(void *, const char *), void *arg)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			fn(arg, e->d_name);
	closedir(d);
	return 0;
}

static const struct tm_ops tm_host = {
	.tm_lstat = lstat,
	.tm_open = tm_host_open,
	.tm_fstat = fstat,
	.tm_read = read,
	.tm_close = close,
	.tm_readlink = readlink,
	.tm_list = tm_host_list,
};

static inline int
tm_rump_open(const char *path)
{
	return rump_sys_open(path, TM_OPENFLAGS, 0);
}

static inline int
tm_rump_list(const char *path, void (*fn)(void *, const char *), void *arg)
{
	char buf[8192];
	int fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	ssize_t len;

	if (fd < 0)
		return -1;
	while ((len = rump_sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < len;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			if (strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0)
				fn(arg, d->d_name);
			off += d->d_reclen;
		}
	}
	rump_sys_close(fd);
	return len == 0 ? 0 : -1;
}

static const struct tm_ops tm_rump = {
	.tm_lstat = rump_sys_lstat,
	.tm_open = tm_rump_open,
	.tm_fstat = rump_sys_fstat,
	.tm_read = rump_sys_read,
	.tm_close = rump_sys_close,
	.tm_readlink = rump_sys_readlink,
	.tm_list = tm_rump_list,
};

/* buf = a SEP b, which must fit. */
static inline void
tm_join(char *buf, size_t len, const char *a, const char *sep, const char *b)
{
	if (snprintf(buf, len, "%s%s%s", a, sep, b) >= (int)len)
		fail_msg("path too long: %s%s%s", a, sep, b);
}

static inline void
tm_add(struct manifest *m, const char *line)
{
	if (m->m_n == m->m_cap) {
		m->m_cap = m->m_cap == 0 ? 256 : 2 * m->m_cap;
		m->m_lines = realloc(m->m_lines, m->m_cap * sizeof(char *));
		assert_non_null(m->m_lines);
	}
	m->m_lines[m->m_n] = strdup(line);
	assert_non_null(m->m_lines[m->m_n]);
	m->m_n++;
}

/* FNV-1a over the rest of open file fd: 0 if it could not be read. */
static inline uint64_t
tm_hash(const struct tm_ops *ops, int fd)
{
	static char buf[1 << 16];
	uint64_t h = 0xcbf29ce484222325ULL;
	ssize_t n;

	while ((n = ops->tm_read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ (uint8_t)buf[i]) * 0x100000001b3ULL;
	return n == 0 ? h : 0;
}

struct tm_walk {
	const struct tm_ops *w_ops;
	struct manifest *w_m;
	const char *w_root;
	int w_flags;
	char **w_names;		/* one directory's names, to sort */
	size_t w_n, w_cap;
};

static void tm_entry(struct tm_walk *w, const char *rel);

static inline void
tm_collect(void *arg, const char *name)
{
	struct tm_walk *w = arg;

	if (w->w_n == w->w_cap) {
		w->w_cap = w->w_cap == 0 ? 64 : 2 * w->w_cap;
		w->w_names = realloc(w->w_names, w->w_cap * sizeof(char *));
		assert_non_null(w->w_names);
	}
	w->w_names[w->w_n] = strdup(name);
	assert_non_null(w->w_names[w->w_n]);
	w->w_n++;
}

/* Every entry of directory rel ("" for the root). */
static inline void
tm_dir(struct tm_walk *w, const char *rel)
{
	struct tm_walk sub = { w->w_ops, w->w_m, w->w_root, w->w_flags,
	    NULL, 0, 0 };
	char path[4096], child[4096];

	tm_join(path, sizeof(path), w->w_root, "/", rel);
	if (w->w_ops->tm_list(path, tm_collect, &sub) != 0) {
		snprintf(child, sizeof(child), "%s: unreadable directory", rel);
		tm_add(w->w_m, child);
	}
	for (size_t i = 0; i < sub.w_n; i++) {
		if (rel[0] == '\0' && strcmp(sub.w_names[i], "lost+found") == 0) {
			free(sub.w_names[i]);
			continue;
		}
		tm_join(child, sizeof(child), rel, rel[0] != '\0' ? "/" : "",
		    sub.w_names[i]);
		free(sub.w_names[i]);
		tm_entry(w, child);
	}
	free(sub.w_names);
}

/*
 * One entry, looked up once where it can be (the large directories of
 * the tests are searched linearly): opened, then its attributes and
 * contents through the descriptor; what cannot be opened (a symlink, a
 * FIFO) by lstat.
 */
static void
tm_entry(struct tm_walk *w, const char *rel)
{
	char path[4096], line[8192], target[4096] = "";
	unsigned long long hash = 0, size = 0;
	struct stat sb;
	int fd, error;
	ssize_t n;

	tm_join(path, sizeof(path), w->w_root, "/", rel);
	fd = w->w_ops->tm_open(path);
	error = fd >= 0 ? w->w_ops->tm_fstat(fd, &sb) :
	    w->w_ops->tm_lstat(path, &sb);
	if (error != 0) {
		snprintf(line, sizeof(line), "%s: stat: %s", rel,
		    strerror(errno));
		tm_add(w->w_m, line);
	} else if (S_ISREG(sb.st_mode)) {
		hash = fd >= 0 ? tm_hash(w->w_ops, fd) : 0;
		size = (unsigned long long)sb.st_size;
	} else if (S_ISLNK(sb.st_mode)) {
		n = w->w_ops->tm_readlink(path, target, sizeof(target) - 1);
		target[n >= 0 ? n : 0] = '\0';
		size = (unsigned long long)sb.st_size;
	}
	if (fd >= 0)
		w->w_ops->tm_close(fd);
	if (error != 0)
		return;
	snprintf(line, sizeof(line), "%s mode %o links %lu size %llu hash "
	    "%016llx -> %s", rel, (unsigned)sb.st_mode,
	    (w->w_flags & TM_NLINK) ? (unsigned long)sb.st_nlink : 0ul, size,
	    hash, target);
	tm_add(w->w_m, line);
	if (S_ISDIR(sb.st_mode))
		tm_dir(w, rel);
}

static inline int
tm_cmpline(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The manifest of the tree below root. */
static inline void
tm_build(const struct tm_ops *ops, const char *root, int flags,
    struct manifest *m)
{
	struct tm_walk w = { ops, m, root, flags, NULL, 0, 0 };

	memset(m, 0, sizeof(*m));
	tm_dir(&w, "");
	if (m->m_n > 1)
		qsort(m->m_lines, m->m_n, sizeof(char *), tm_cmpline);
}

static inline void
tm_free(struct manifest *m)
{
	for (size_t i = 0; i < m->m_n; i++)
		free(m->m_lines[i]);
	free(m->m_lines);
	memset(m, 0, sizeof(*m));
}

/* Equal manifests; else the first difference is printed. */
static inline bool
tm_equal(const struct manifest *want, const struct manifest *got)
{
	size_t i;

	for (i = 0; i < want->m_n && i < got->m_n; i++)
		if (strcmp(want->m_lines[i], got->m_lines[i]) != 0)
			break;
	if (i == want->m_n && i == got->m_n)
		return true;
	print_message("trees differ at entry %zu of %zu/%zu:\n  want %s\n"
	    "  got  %s\n", i, want->m_n, got->m_n,
	    i < want->m_n ? want->m_lines[i] : "(nothing)",
	    i < got->m_n ? got->m_lines[i] : "(nothing)");
	return false;
}

/* The trees below a (through ops a) and b (through ops b) are equal. */
static inline void
tm_assert_same(const struct tm_ops *oa, const char *a, const struct tm_ops *ob,
    const char *b, int flags)
{
	struct manifest ma, mb;
	bool same;

	tm_build(oa, a, flags, &ma);
	tm_build(ob, b, flags, &mb);
	same = tm_equal(&ma, &mb);
	tm_free(&ma);
	tm_free(&mb);
	assert_true(same);
}

#endif
