/*
 * The VFS component: the vnode cache, the buffer cache and its sync
 * thread, host files as devices, the root file system (rumpfs at /) and
 * the file system calls.  File systems are components of their own,
 * at level RUMP_COMPONENT_FS, and register their types with vfs_register.
 */
#include "rumpkern/component.h"
#include "rumpkern/syscall.h"
#include "rumpvfs/buf.h"
#include "rumpvfs/namecache.h"
#include "rumpvfs/vfs_etfs.h"
#include "rumpvfs/vfs_private.h"

extern const struct sysent_init vfs_sysent[];

static int
vfs_init(void)
{
	int error;

	pnbuf_init();
	vfs_fifo_init();
	namecache_init();
	vcache_init();
	error = bufcache_init();
	if (error != 0)
		goto fail_vcache;
	etfs_init();
	vfs_mountroot();
	error = syscall_establish(vfs_sysent);
	if (error != 0)
		goto fail_root;
	return 0;
fail_root:
	vfs_unmountall();
	etfs_fini();
	bufcache_fini();
fail_vcache:
	vcache_fini();
	namecache_fini();
	vfs_fifo_fini();
	pnbuf_fini();
	return error;
}

static void
vfs_fini(void)
{
	syscall_disestablish(vfs_sysent);
	vfs_unmountall();
	etfs_fini();
	bufcache_fini();
	vcache_fini();
	namecache_fini();
	vfs_fifo_fini();
	pnbuf_fini();
}

RUMP_COMPONENT(vfs_component, "vfs", RUMP_COMPONENT_VFS, vfs_init, vfs_fini)
