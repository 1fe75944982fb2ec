/*
 * A system call whose component is not linked fails with ENOSYS.
 *
 * Linked with librump alone (CORE_ONLY_TESTS in mk/tests.mk): every
 * rump_sys_* wrapper lives in librump, but a call's handler enters the
 * system call table only when the component implementing it initialises.
 * Without librumpnet the socket calls, without librumpvfs the file calls,
 * have no handler; the core's own calls work as ever.
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "apitest.h"

#define assert_enosys(call) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, ENOSYS);				\
} while (0)

static void
socket_without_the_network_component_is_enosys(void **state)
{
	(void)state;
	assert_enosys(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
}

static void
every_socket_call_without_the_network_component_is_enosys(void **state)
{
	struct sockaddr sa = { .sa_family = AF_INET };
	socklen_t len = sizeof(sa);
	char buf[4] = "abc";
	int one = 1;

	(void)state;
	assert_enosys(rump_sys_bind(0, &sa, len));
	assert_enosys(rump_sys_connect(0, &sa, len));
	assert_enosys(rump_sys_listen(0, 1));
	assert_enosys(rump_sys_accept(0, &sa, &len));
	assert_enosys(rump_sys_accept4(0, &sa, &len, 0));
	assert_enosys(rump_sys_sendto(0, buf, 1, 0, &sa, len));
	assert_enosys(rump_sys_recvfrom(0, buf, 1, 0, &sa, &len));
	assert_enosys(rump_sys_send(0, buf, 1, 0));
	assert_enosys(rump_sys_recv(0, buf, 1, 0));
	assert_enosys(rump_sys_shutdown(0, SHUT_RDWR));
	assert_enosys(rump_sys_setsockopt(0, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)));
	assert_enosys(rump_sys_getsockopt(0, SOL_SOCKET, SO_REUSEADDR, &one,
	    &len));
	assert_enosys(rump_sys_getsockname(0, &sa, &len));
	assert_enosys(rump_sys_getpeername(0, &sa, &len));
}

static void
file_system_calls_without_the_vfs_component_are_enosys(void **state)
{
	struct stat sb;

	(void)state;
	assert_enosys(rump_sys_open("/", O_RDONLY, 0));
	assert_enosys(rump_sys_stat("/", &sb));
	assert_enosys(rump_sys_mkdir("/d", 0755));
	assert_enosys(rump_sys_mount("none", "/", "rumpfs", 0, NULL));
}

static void
core_calls_work_without_the_network_component(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_getpid(), 1);
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(socket_without_the_network_component_is_enosys),
		leak_test(every_socket_call_without_the_network_component_is_enosys),
		leak_test(file_system_calls_without_the_vfs_component_are_enosys),
		leak_test(core_calls_work_without_the_network_component),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
