/* Private to librumpnet: what its files share with each other. */
#ifndef RUMPNET_PRIVATE_H
#define RUMPNET_PRIVATE_H

int if_loop_attach(void);
void if_loop_detach(void);
int domain_init(void);
void domain_fini(void);
/* "net.interfaces" (if_sysctl.c). */
void if_sysctl_init(void);
void if_sysctl_fini(void);

#endif
