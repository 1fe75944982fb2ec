/*
 * Booting a kernel with sockin when the host has no descriptor to give:
 * sockin's epoll instance and eventfd are the boot's lasting descriptors.
 * The boot runs in a child process, whose descriptor limit is its own and
 * which boots once; the parent never boots, so no test here is wrapped
 * in leak_test.
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apitest.h"

enum { CHILD_OK, CHILD_NOT_EMFILE, CHILD_FD_LEFT, CHILD_HOST };

/* The lowest descriptor free after closing all but stdin, stdout, stderr. */
static int
lowest_free_fd(void)
{
	int fd;

	for (fd = 3; fd < 1024; fd++)
		(void)close(fd);
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	(void)close(fd);
	return fd;
}

static int
boot_with_one_descriptor(void)
{
	struct rlimit all, one;
	int fd = lowest_free_fd();

	if (fd == -1 || getrlimit(RLIMIT_NOFILE, &all) != 0)
		return CHILD_HOST;
	/* Room for the epoll instance, none for the eventfd. */
	one = (struct rlimit){ (rlim_t)fd + 1, all.rlim_max };
	if (setrlimit(RLIMIT_NOFILE, &one) != 0)
		return CHILD_HOST;
	if (rump_init() != EMFILE)
		return CHILD_NOT_EMFILE;
	/* The epoll instance was closed: its descriptor is free again. */
	if (open("/dev/null", O_RDONLY | O_CLOEXEC) != fd)
		return CHILD_FD_LEFT;
	/* Free for exit's work (a coverage build writes its counts). */
	(void)close(fd);
	return CHILD_OK;
}

/*
 * A boot fails with the host's EMFILE, as a host program's socket()
 * would, and what sockin had taken goes back to the host.
 */
static void
a_boot_without_host_descriptors_fails_with_emfile_and_leaves_none_open(
    void **state)
{
	int status;
	pid_t pid;

	(void)state;
	assert_true((pid = fork()) != -1);
	if (pid == 0)
		exit(boot_with_one_descriptor());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), CHILD_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    a_boot_without_host_descriptors_fails_with_emfile_and_leaves_none_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
