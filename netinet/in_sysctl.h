/*
 * netinet's sysctl names (in_sysctl.c, tcp_sysctl.c, in_pcb_sysctl.c),
 * registered by netinet_init() without softnet_lock held.
 */
#ifndef NETINET_IN_SYSCTL_H
#define NETINET_IN_SYSCTL_H

void in_sysctl_init(void);
void in_sysctl_fini(void);
void tcp_sysctl_init(void);
void tcp_sysctl_fini(void);
void in_pcb_sysctl_init(void);
void in_pcb_sysctl_fini(void);

#endif
