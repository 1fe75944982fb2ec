/*
 * The remote build of the API tests (RUMP_TEST_REMOTE): the same tests
 * linked with librumpclient, making their calls in a rump_server this
 * fixture starts for the program (on a unix socket in a fresh directory)
 * and stops at the end.  The server's exit status is the leak check: it
 * fails if kernel memory is still in use at its shutdown, after every
 * client process ended.  The server dies with the test program
 * (PR_SET_PDEATHSIG), also when the program is killed.
 *
 * What only a program with the kernel linked in has (its counters, its
 * process switching, its memory statistics) a test skips with
 * SKIP_ON_REMOTE; a call of it that a test reaches anyway fails the test.
 *
 * A program that needs the server started with options of its own defines
 * REMOTETEST_SERVER_OPTS before including this: the extra arguments, each
 * followed by a comma ("--max-channels", "1",).
 */
#ifndef TESTS_REMOTETEST_H
#define TESTS_REMOTETEST_H

#include <signal.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define SKIP_ON_REMOTE(why) do {					\
	print_message("skipped on remote: %s\n", why);			\
	skip();								\
} while (0)

static inline int
remotetest_unavailable(const char *what)
{
	fail_msg("%s: not available to a remote client (SKIP_ON_REMOTE)", what);
	return ENOSYS;
}

#define rump_kstat_get(n, v)	((void)(n), *(v) = 0, remotetest_unavailable("rump_kstat_get"))
#define rump_kmem_stat(t, s)	((void)(t), memset((s), 0, sizeof(*(s))), \
	remotetest_unavailable("rump_kmem_stat"))
#define rump_lwproc_rfork(f)	((void)(f), remotetest_unavailable("rump_lwproc_rfork"))
#define rump_lwproc_releaselwp() remotetest_unavailable("rump_lwproc_releaselwp")

#ifndef REMOTETEST_SERVER_OPTS
#define REMOTETEST_SERVER_OPTS
#endif

/* libgcov's, in a COVERAGE=1 build only. */
extern void __gcov_dump(void) __attribute__((weak));

/*
 * Ends a forked child of a test with status: _exit, so that nothing of
 * its parent's (cmocka, stdio buffers, the sanitizers' exit checks) runs
 * twice, but with its line counts written in a coverage build.
 */
static inline void __attribute__((noreturn))
remotetest_child_exit(int status)
{
	if (__gcov_dump != NULL)
		__gcov_dump();
	_exit(status);
}

static pid_t remotetest_server = -1;
static int remotetest_out = -1;		/* the server's stdout */
static char remotetest_dir[] = "/tmp/rumpremote.XXXXXX";
static char remotetest_url[128];

/* Reads the server's output until the line that says it is up. */
static inline int
remotetest_wait_up(void)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1) {
		n = read(remotetest_out, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "rump_server: up:") != NULL)
			return 0;
	}
	return -1;
}

static inline void
remotetest_exec(int out)
{
	const char *build = getenv("RUMP_TEST_BUILD");
	char prog[4096];

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	dup2(out, 1);
	snprintf(prog, sizeof(prog), "%s/bin/rump_server",
	    build != NULL ? build : "build");
	execl(prog, prog, "--listen", remotetest_url, REMOTETEST_SERVER_OPTS
	    (char *)NULL);
	fprintf(stderr, "cannot run %s: %s\n", prog, strerror(errno));
	_exit(127);
}

static inline int
remotetest_start(void)
{
	int fds[2];

	/* Open to all: the socket's own mode is what keeps others out. */
	if (mkdtemp(remotetest_dir) == NULL || chmod(remotetest_dir, 0755) != 0 ||
	    pipe(fds) != 0)
		return errno;
	snprintf(remotetest_url, sizeof(remotetest_url), "unix://%s/sock",
	    remotetest_dir);
	remotetest_server = fork();
	if (remotetest_server == 0)
		remotetest_exec(fds[1]);
	close(fds[1]);
	remotetest_out = fds[0];
	if (remotetest_server < 0 || remotetest_wait_up() != 0) {
		fprintf(stderr, "rump_server did not come up\n");
		return EIO;
	}
	setenv("RUMP_SERVER", remotetest_url, 1);
	return 0;
}

/*
 * Stops the server's process for a while (SIGSTOP), so that a client's
 * request stays unanswered, and lets it go on: 0 once it is stopped or
 * running again.  remotetest_stop() lets a server that is still stopped
 * go on, so a test that fails in between does not hang.
 */
/* How many shared-memory channels this client has mapped, or -1. */
static inline int
remotetest_channels_mapped(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "rumpclient-channel") != NULL)
			n++;
	fclose(f);
	return n;
}

static inline int
remotetest_pause(void)
{
	int status;

	if (kill(remotetest_server, SIGSTOP) != 0 ||
	    waitpid(remotetest_server, &status, WUNTRACED) != remotetest_server)
		return -1;
	return WIFSTOPPED(status) ? 0 : -1;
}

static inline int
remotetest_resume(void)
{
	int status;

	if (kill(remotetest_server, SIGCONT) != 0 ||
	    waitpid(remotetest_server, &status, WCONTINUED) != remotetest_server)
		return -1;
	return WIFCONTINUED(status) ? 0 : -1;
}

/* Stops the server: 0 if it shut down cleanly, with no memory in use. */
static inline int
remotetest_stop(void)
{
	char buf[4096], path[256];
	int status;

	if (remotetest_server > 0) {
		kill(remotetest_server, SIGTERM);
		kill(remotetest_server, SIGCONT);
		while (read(remotetest_out, buf, sizeof(buf)) > 0)
			continue;
		if (waitpid(remotetest_server, &status, 0) < 0)
			status = -1;
		snprintf(path, sizeof(path), "%s/sock", remotetest_dir);
		unlink(path);
		rmdir(remotetest_dir);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "rump_server did not shut down cleanly "
			    "(status %#x)\n", status);
			return EIO;
		}
	}
	return 0;
}

#endif
