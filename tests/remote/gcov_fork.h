/*
 * Coverage builds of the remote tests only (mk/remote.mk, COVERAGE=1):
 * fork() through a pointer.  GCC replaces a direct call of fork() in
 * instrumented code by __gcov_fork(), which zeroes the child's counts as
 * fork returns, after librumpclient's pthread_atfork child handler ran;
 * through the pointer the child keeps them and writes them at its exit
 * (remotetest_child_exit()), so what the handler ran is counted.  The
 * parent's counts from before the fork are then written twice: the
 * lines run stay right, their counts are too high.
 */
#ifndef TESTS_REMOTE_GCOV_FORK_H
#define TESTS_REMOTE_GCOV_FORK_H

#include <unistd.h>

static pid_t (*volatile gcov_fork_ptr)(void) __attribute__((unused)) = fork;
#define fork()	gcov_fork_ptr()

#endif
