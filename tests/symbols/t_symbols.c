/*
 * The libraries define no global symbol outside the rump_*, rumpuser_*
 * and rumpns_* name spaces (and ukfs_*, libukfs's own), so a program may
 * define its own kmem_alloc or ip_input next to the kernel.  Checked with nm on every library of the
 * build; tests/run.sh passes the build directory in RUMP_TEST_BUILD.
 *
 * This test reads files; it does not boot a kernel, so there is no kernel
 * memory for leak_test() to check.
 */
#include <glob.h>
#include <stdbool.h>

#include "apitest.h"

/*
 * Symbols a linker defines in a shared object by itself, whatever the
 * objects in it: the init/fini entry points and the section boundary
 * markers of GNU ld and gold.  (Current GNU ld keeps all of them local;
 * older ones export them.)
 */
static const char *const linker_symbols[] = {
	"_init", "_fini", "__bss_start", "_edata", "_end",
};

/*
 * AddressSanitizer (gcc) defines an "ODR indicator" beside every global
 * variable it instruments, named after the variable: it is checked as the
 * variable's own name.
 */
#define ASAN_ODR_PREFIX	"__odr_asan."

static bool
allowed(const char *name)
{
	static const char *const prefixes[] = {
		"rump_", "rumpuser_", "rumpns_", "ukfs_",
	};

	if (strncmp(name, ASAN_ODR_PREFIX, strlen(ASAN_ODR_PREFIX)) == 0)
		name += strlen(ASAN_ODR_PREFIX);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static bool
linker_symbol(const char *name)
{
	for (size_t i = 0; i < sizeof(linker_symbols) / sizeof(linker_symbols[0]);
	    i++)
		if (strcmp(name, linker_symbols[i]) == 0)
			return true;
	return false;
}

static const char *
build_dir(void)
{
	const char *dir = getenv("RUMP_TEST_BUILD");

	return dir != NULL ? dir : "build";
}

/*
 * Runs nm with the given options on one file and counts the defined
 * globals outside the name spaces, printing each.  *nsyms counts all.
 */
static int
offenders(const char *path, const char *opts, bool shared, int *nsyms)
{
	const char *nm = getenv("NM") != NULL ? getenv("NM") : "nm";
	char cmd[4096], line[1024];
	int bad = 0, status;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s %s --format=posix '%s'", nm, opts, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char name[512], type[8];

		/* "name type value size"; archives add "lib.a[obj.o]:" lines. */
		if (sscanf(line, "%511s %7s", name, type) != 2 ||
		    name[strlen(name) - 1] == ':')
			continue;
		(*nsyms)++;
		if (allowed(name) || (shared && linker_symbol(name)))
			continue;
		print_message("%s: %s (%s)\n", path, name, type);
		bad++;
	}
	status = pclose(f);
	assert_int_equal(status, 0);
	return bad;
}

/* Checks every library in build/lib matching pattern; returns how many. */
static int
check_libraries(const char *pattern, const char *opts, bool shared)
{
	char path[4096];
	glob_t g;
	int bad = 0, nsyms = 0, nlibs;

	snprintf(path, sizeof(path), "%s/lib/%s", build_dir(), pattern);
	assert_int_equal(glob(path, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++)
		bad += offenders(g.gl_pathv[i], opts, shared, &nsyms);
	nlibs = (int)g.gl_pathc;
	globfree(&g);
	print_message("%d libraries, %d global symbols\n", nlibs, nsyms);
	assert_true(nsyms > 0);
	assert_int_equal(bad, 0);
	return nlibs;
}

static void
static_libraries_define_only_prefixed_globals(void **state)
{
	(void)state;
	assert_true(check_libraries("*.a", "-g --defined-only", false) >= 2);
}

static void
shared_libraries_export_only_prefixed_symbols(void **state)
{
	(void)state;
	assert_true(check_libraries("*.so.[0-9]*", "-D --defined-only", true) >= 2);
}

/* True if the library defines the global name. */
static bool
defines(const char *lib, const char *name)
{
	char cmd[4096], line[1024];
	bool found = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s -g --defined-only --format=posix '%s/lib/%s'",
	    getenv("NM") != NULL ? getenv("NM") : "nm", build_dir(), lib);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char sym[512];

		if (sscanf(line, "%511s", sym) == 1 && strcmp(sym, name) == 0)
			found = true;
	}
	assert_int_equal(pclose(f), 0);
	return found;
}

static void
kernel_names_are_renamed_and_public_names_kept(void **state)
{
	(void)state;
	assert_true(defines("librump.a", "rumpns_kmem_alloc"));
	assert_false(defines("librump.a", "kmem_alloc"));
	assert_true(defines("librump.a", "rumpns_sys_read"));
	assert_true(defines("librump.a", "rump_sys_read"));
	assert_true(defines("librump.a", "rump_init"));
	assert_true(defines("librumpuser.a", "rumpuser_malloc"));
	assert_true(defines("librump.so", "rumpns_kmem_alloc"));
	assert_false(defines("librump.so", "kmem_alloc"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(static_libraries_define_only_prefixed_globals),
		cmocka_unit_test(shared_libraries_export_only_prefixed_symbols),
		cmocka_unit_test(kernel_names_are_renamed_and_public_names_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
