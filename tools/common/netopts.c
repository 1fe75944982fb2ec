/*
 * Parsing and checking the interface options (see netopts.h).  Pure host
 * code: nothing here calls the kernel.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "netopts.h"
#include "toolutil.h"

const char netopts_usage[] =
"Interface options (each may be repeated, except --forward):\n"
"  --if NAME,tap=TAP[,mac=XX:XX:XX:XX:XX:XX][,mtu=N][,busypoll=USEC]\n"
"      [,offload=on|off]\n"
"                      create interface NAME (virt0, virt1, ...) on the host\n"
"                      tap device TAP, which is created if absent (needs root\n"
"                      or CAP_NET_ADMIN); mac: a unicast address (default\n"
"                      random); mtu: 68..65535 (default 1500)\n"
"  --addr NAME,A.B.C.D/LEN\n"
"                      add an IPv4 address to NAME and bring NAME up\n"
"  --route DEST,GW     add a route; DEST is \"default\" or A.B.C.D/LEN, GW a\n"
"                      next hop on the subnet of an --addr\n"
"  --pcap NAME,FILE    capture every frame of NAME into the pcap file FILE\n"
"  --fault NAME,SPEC   inject faults into NAME's traffic; SPEC is a list of\n"
"                      drop=R,dup=R,reorder=R,corrupt=R (R: a fraction 0..1\n"
"                      or a percentage like 1%), seed=N, dir=in|out|both;\n"
"                      \"none\" turns faults off\n"
"  --forward           forward IPv4 between the interfaces\n"
"File system option (may be repeated):\n"
"  --mount FSTYPE,IMAGE,MOUNTPOINT[,ro]\n"
"                      mount the disk image IMAGE (a host file) at MOUNTPOINT\n"
"                      in the rump kernel, made if missing; FSTYPE is a file\n"
"                      system type (ext2fs) or auto (detected from the\n"
"                      image); ro: the image is never written\n";

int
netopts_seterr(struct netopts *no, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(no->err, sizeof(no->err), fmt, ap);
	va_end(ap);
	return -1;
}

void
netopts_init(struct netopts *no)
{
	memset(no, 0, sizeof(*no));
}

bool
netopts_isopt(int opt)
{
	return opt >= NETOPT_IF && opt <= NETOPT_MOUNT;
}

struct netopts_if *
netopts_findif(struct netopts *no, const char *name)
{
	int i;

	for (i = 0; i < no->nifs; i++)
		if (strcmp(no->ifs[i].name, name) == 0)
			return &no->ifs[i];
	return NULL;
}

/*
 * Takes the interface name at the start of arg (up to the first comma)
 * into name: a driver name and a unit number, "virt0".
 */
static int
take_ifname(struct netopts *no, const char *opt, const char *arg,
    char name[NETOPTS_NAMELEN])
{
	size_t n = tool_field_len(arg), i = 0;

	if (n == 0)
		return netopts_seterr(no, "%s: missing interface name in '%s'", opt, arg);
	if (n >= NETOPTS_NAMELEN)
		return netopts_seterr(no, "%s: interface name '%.*s' is too long "
		    "(at most %d characters)", opt, (int)n, arg,
		    NETOPTS_NAMELEN - 1);
	while (i < n && arg[i] >= 'a' && arg[i] <= 'z')
		i++;
	if (i == 0 || i == n)
		goto bad;
	while (i < n && arg[i] >= '0' && arg[i] <= '9')
		i++;
	if (i != n)
		goto bad;
	memcpy(name, arg, n);
	name[n] = '\0';
	return 0;
bad:
	return netopts_seterr(no, "%s: bad interface name '%.*s': expected a driver "
	    "name and a unit number, like virt0", opt, (int)n, arg);
}

/* A Linux network device name, as the kernel's dev_valid_name() takes it. */
static int
check_tapname(struct netopts *no, const char *ifname, const char *tap,
    size_t n)
{
	size_t i;

	if (n == 0)
		return netopts_seterr(no, "--if %s: empty tap name in tap=", ifname);
	if (n >= NETOPTS_NAMELEN)
		return netopts_seterr(no, "--if %s: tap name '%.*s' is too long "
		    "(at most %d characters)", ifname, (int)n, tap,
		    NETOPTS_NAMELEN - 1);
	if ((n == 1 && tap[0] == '.') || (n == 2 && tap[0] == '.' && tap[1] == '.'))
		return netopts_seterr(no, "--if %s: '%.*s' is not a valid tap name",
		    ifname, (int)n, tap);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tap[i];

		if (c <= ' ' || c >= 0x7f || c == '/' || c == ':' || c == '%')
			return netopts_seterr(no, "--if %s: tap name '%.*s' contains "
			    "'%c'; use letters, digits, '-', '_' or '.'",
			    ifname, (int)n, tap, c > ' ' && c < 0x7f ? c : '?');
	}
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_mac(struct netopts *no, const char *ifname, const char *s, size_t n,
    uint8_t mac[6])
{
	size_t i;

	if (n != 17)
		goto bad;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (mac[0] & 1)
		return netopts_seterr(no, "--if %s: MAC %.*s is a multicast address "
		    "(the low bit of the first byte is set); use one like "
		    "02:00:00:00:00:01", ifname, (int)n, s);
	if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
		return netopts_seterr(no, "--if %s: MAC 00:00:00:00:00:00 is not a "
		    "usable address", ifname);
	return 0;
bad:
	return netopts_seterr(no, "--if %s: malformed MAC '%.*s': expected six "
	    "two-digit hex bytes like 02:00:00:00:00:01", ifname, (int)n, s);
}

static int
parse_if(struct netopts *no, const char *arg)
{
	char name[NETOPTS_NAMELEN];
	struct netopts_if *ifp;
	const char *p, *params;
	bool has_tap = false, has_mtu = false, has_busypoll = false;
	bool has_offload = false;
	int i;

	if (take_ifname(no, "--if", arg, name) != 0)
		return -1;
	params = arg + strlen(name);
	if (*params == ',')
		params++;
	if (*params == '\0')
		return netopts_seterr(no, "--if %s: missing tap=TAP: expected "
		    "--if %s,tap=TAP[,mac=XX:XX:XX:XX:XX:XX][,mtu=N]", name, name);
	if (netopts_findif(no, name) != NULL)
		return netopts_seterr(no, "--if %s: interface given twice", name);
	if (no->nifs == NETOPTS_MAXIF)
		return netopts_seterr(no, "--if %s: too many interfaces (at most %d)",
		    name, NETOPTS_MAXIF);
	if (strlen(params) >= NETOPTS_PARAMLEN)
		return netopts_seterr(no, "--if %s: options too long (at most %d "
		    "characters)", name, NETOPTS_PARAMLEN - 1);

	ifp = &no->ifs[no->nifs];
	memset(ifp, 0, sizeof(*ifp));
	for (p = params;; p++) {
		size_t n = tool_field_len(p), klen;
		const char *eq = memchr(p, '=', n), *val;

		if (n == 0)
			return netopts_seterr(no, "--if %s: empty option in '%s'", name,
			    params);
		if (eq == NULL)
			return netopts_seterr(no, "--if %s: option '%.*s' needs a value "
			    "(tap=TAP, mac=XX:XX:XX:XX:XX:XX, mtu=N, "
			    "busypoll=USEC or offload=on|off)", name,
			    (int)n, p);
		klen = (size_t)(eq - p);
		val = eq + 1;
		if (klen == 3 && memcmp(p, "tap", 3) == 0) {
			if (has_tap)
				return netopts_seterr(no, "--if %s: tap= given twice",
				    name);
			if (check_tapname(no, name, val, n - 4) != 0)
				return -1;
			memcpy(ifp->tap, val, n - 4);
			ifp->tap[n - 4] = '\0';
			has_tap = true;
		} else if (klen == 3 && memcmp(p, "mac", 3) == 0) {
			if (ifp->has_mac)
				return netopts_seterr(no, "--if %s: mac= given twice",
				    name);
			if (parse_mac(no, name, val, n - 4, ifp->mac) != 0)
				return -1;
			ifp->has_mac = true;
		} else if (klen == 3 && memcmp(p, "mtu", 3) == 0) {
			char num[16];
			long v;

			if (has_mtu)
				return netopts_seterr(no, "--if %s: mtu= given twice",
				    name);
			snprintf(num, sizeof(num), "%.*s", (int)(n - 4), val);
			if (n - 4 >= sizeof(num) ||
			    tool_parse_long(num, 68, 65535, &v) != 0 ||
			    num[0] == '-')
				return netopts_seterr(no, "--if %s: bad MTU '%.*s': "
				    "expected a number from 68 to 65535", name,
				    (int)(n - 4), val);
			ifp->mtu = (int)v;
			has_mtu = true;
		} else if (klen == 8 && memcmp(p, "busypoll", 8) == 0) {
			char num[16];
			long v;

			if (has_busypoll)
				return netopts_seterr(no, "--if %s: busypoll= given twice",
				    name);
			snprintf(num, sizeof(num), "%.*s", (int)(n - 9), val);
			if (n - 9 >= sizeof(num) ||
			    tool_parse_long(num, 0, 10000000, &v) != 0 ||
			    num[0] == '-')
				return netopts_seterr(no, "--if %s: bad busypoll '%.*s': "
				    "expected microseconds from 0 to 10000000",
				    name, (int)(n - 9), val);
			has_busypoll = true;
		} else if (klen == 7 && memcmp(p, "offload", 7) == 0) {
			if (has_offload)
				return netopts_seterr(no, "--if %s: offload= given "
				    "twice", name);
			if (!(n - 8 == 2 && memcmp(val, "on", 2) == 0) &&
			    !(n - 8 == 3 && memcmp(val, "off", 3) == 0))
				return netopts_seterr(no, "--if %s: bad offload "
				    "'%.*s': expected on or off", name,
				    (int)(n - 8), val);
			has_offload = true;
		} else {
			return netopts_seterr(no, "--if %s: unknown option '%.*s' "
			    "(known: tap, mac, mtu, busypoll, offload)", name,
			    (int)klen, p);
		}
		p += n;
		if (*p == '\0')
			break;
	}
	if (!has_tap)
		return netopts_seterr(no, "--if %s: missing tap=TAP: expected "
		    "--if %s,tap=TAP[,mac=XX:XX:XX:XX:XX:XX][,mtu=N]", name, name);
	for (i = 0; i < no->nifs; i++)
		if (strcmp(no->ifs[i].tap, ifp->tap) == 0)
			return netopts_seterr(no, "--if %s: tap %s is already used by "
			    "%s", name, ifp->tap, no->ifs[i].name);
	strcpy(ifp->name, name);
	strcpy(ifp->params, params);
	no->nifs++;
	return 0;
}

/*
 * Parses "A.B.C.D/LEN" (prefix required) or, with plen NULL, "A.B.C.D";
 * what says what the text is for the messages.
 */
static int
parse_cidr(struct netopts *no, const char *opt, const char *what,
    const char *s, uint32_t *addr, int *plen, int minlen)
{
	const char *slash = strchr(s, '/');
	char a[16];
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	long v;

	if (n >= sizeof(a))
		goto badaddr;
	memcpy(a, s, n);
	a[n] = '\0';
	if (tool_parse_ipv4(a, addr) != 0)
		goto badaddr;
	if (plen == NULL) {
		if (slash != NULL)
			return netopts_seterr(no, "%s: %s '%s' takes no prefix length",
			    opt, what, s);
		return 0;
	}
	if (slash == NULL)
		return netopts_seterr(no, "%s: missing prefix length in '%s': expected "
		    "A.B.C.D/LEN, like %s/24", opt, s, a);
	if (slash[1] == '-' || tool_parse_long(slash + 1, minlen, 32, &v) != 0)
		return netopts_seterr(no, "%s: bad prefix length '%s' in '%s': expected "
		    "%d..32", opt, slash + 1, s, minlen);
	*plen = (int)v;
	return 0;
badaddr:
	return netopts_seterr(no, "%s: malformed %s '%.*s': expected A.B.C.D with "
	    "each part 0..255", opt, what, (int)n, s);
}

/* Refuses addresses no interface or gateway can have. */
static int
check_unicast(struct netopts *no, const char *opt, const char *what,
    uint32_t a)
{
	char buf[16];

	tool_format_ipv4(a, buf);
	if (a == 0)
		return netopts_seterr(no, "%s: %s 0.0.0.0 is not a usable address", opt,
		    what);
	if ((a >> 24) == 127)
		return netopts_seterr(no, "%s: %s %s is a loopback address", opt, what,
		    buf);
	if ((a >> 28) == 0xe)
		return netopts_seterr(no, "%s: %s %s is a multicast address", opt, what,
		    buf);
	if ((a >> 28) == 0xf)
		return netopts_seterr(no, "%s: %s %s is a reserved or broadcast "
		    "address", opt, what, buf);
	return 0;
}

static int
parse_addr(struct netopts *no, const char *arg)
{
	struct netopts_addr *ad;
	char opt[NETOPTS_NAMELEN + 8], name[NETOPTS_NAMELEN], net[16];
	uint32_t a, mask;
	int plen, i;

	if (strchr(arg, ',') == NULL)
		return netopts_seterr(no, "--addr: expected NAME,A.B.C.D/LEN, got '%s'",
		    arg);
	if (take_ifname(no, "--addr", arg, name) != 0)
		return -1;
	snprintf(opt, sizeof(opt), "--addr %s", name);
	if (parse_cidr(no, opt, "address", arg + strlen(name) + 1, &a, &plen,
	    1) != 0 || check_unicast(no, opt, "address", a) != 0)
		return -1;
	mask = tool_prefix_mask(plen);
	if (plen <= 30 && (a & ~mask) == 0)
		return netopts_seterr(no, "%s: %s is the network address of %s/%d; "
		    "use a host address", opt, arg + strlen(name) + 1,
		    tool_format_ipv4(a & mask, net), plen);
	if (plen <= 30 && (a & ~mask) == ~mask)
		return netopts_seterr(no, "%s: %s is the broadcast address of %s/%d; "
		    "use a host address", opt, arg + strlen(name) + 1,
		    tool_format_ipv4(a & mask, net), plen);
	for (i = 0; i < no->naddrs; i++)
		if (no->addrs[i].addr == a)
			return netopts_seterr(no, "%s: address %s is already given to "
			    "%s", opt, tool_format_ipv4(a, net),
			    no->addrs[i].ifname);
	if (no->naddrs == NETOPTS_MAXADDR)
		return netopts_seterr(no, "%s: too many addresses (at most %d)", opt,
		    NETOPTS_MAXADDR);
	ad = &no->addrs[no->naddrs++];
	memset(ad, 0, sizeof(*ad));
	ad->ifidx = -1;
	strcpy(ad->ifname, name);
	ad->addr = a;
	ad->plen = plen;
	return 0;
}

static int
parse_route(struct netopts *no, const char *arg)
{
	struct netopts_route *rt;
	const char *comma = strchr(arg, ',');
	char opt[32], dst[24], buf[16];
	size_t n;
	int i;

	if (comma == NULL)
		return netopts_seterr(no, "--route: expected DEST,GW (DEST: default or "
		    "A.B.C.D/LEN), got '%s'", arg);
	n = (size_t)(comma - arg);
	if (n == 0 || n >= sizeof(dst))
		return netopts_seterr(no, "--route: bad destination '%.*s': expected "
		    "default or A.B.C.D/LEN", (int)n, arg);
	memcpy(dst, arg, n);
	dst[n] = '\0';
	snprintf(opt, sizeof(opt), "--route %s", dst);
	if (no->nroutes == NETOPTS_MAXROUTE)
		return netopts_seterr(no, "%s: too many routes (at most %d)", opt,
		    NETOPTS_MAXROUTE);
	rt = &no->routes[no->nroutes];
	memset(rt, 0, sizeof(*rt));
	if (strcmp(dst, "default") == 0) {
		rt->isdefault = true;
	} else {
		if (strchr(dst, '/') == NULL)
			return netopts_seterr(no, "--route: bad destination '%s': "
			    "expected default or A.B.C.D/LEN", dst);
		if (parse_cidr(no, opt, "destination", dst, &rt->dst, &rt->plen,
		    0) != 0)
			return -1;
		if ((rt->dst & ~tool_prefix_mask(rt->plen)) != 0)
			return netopts_seterr(no, "%s: destination has host bits set; "
			    "the network is %s/%d", opt,
			    tool_format_ipv4(rt->dst & tool_prefix_mask(rt->plen),
			    buf), rt->plen);
	}
	if (comma[1] == '\0')
		return netopts_seterr(no, "%s: missing gateway: expected %s,GW", opt,
		    dst);
	if (parse_cidr(no, opt, "gateway", comma + 1, &rt->gw, NULL, 0) != 0 ||
	    check_unicast(no, opt, "gateway", rt->gw) != 0)
		return -1;
	for (i = 0; i < no->nroutes; i++) {
		const struct netopts_route *o = &no->routes[i];

		if (o->isdefault == rt->isdefault &&
		    (rt->isdefault || (o->dst == rt->dst && o->plen == rt->plen)))
			return netopts_seterr(no, "%s: route given twice", opt);
	}
	no->nroutes++;
	return 0;
}

static int
parse_pcap(struct netopts *no, const char *arg)
{
	struct netopts_pcap *pc;
	char name[NETOPTS_NAMELEN];
	const char *path;
	int i;

	if (strchr(arg, ',') == NULL)
		return netopts_seterr(no, "--pcap: expected NAME,FILE, got '%s'", arg);
	if (take_ifname(no, "--pcap", arg, name) != 0)
		return -1;
	path = arg + strlen(name) + 1;
	if (*path == '\0')
		return netopts_seterr(no, "--pcap %s: missing file name: expected "
		    "--pcap %s,FILE", name, name);
	if (strlen(path) >= NETOPTS_PATHLEN)
		return netopts_seterr(no, "--pcap %s: file name too long", name);
	for (i = 0; i < no->npcaps; i++) {
		if (strcmp(no->pcaps[i].ifname, name) == 0)
			return netopts_seterr(no, "--pcap %s: interface given twice",
			    name);
		if (strcmp(no->pcaps[i].path, path) == 0)
			return netopts_seterr(no, "--pcap %s: file %s is already the "
			    "capture of %s", name, path, no->pcaps[i].ifname);
	}
	if (no->npcaps == NETOPTS_MAXIF)
		return netopts_seterr(no, "--pcap %s: too many captures (at most %d)",
		    name, NETOPTS_MAXIF);
	pc = &no->pcaps[no->npcaps++];
	memset(pc, 0, sizeof(*pc));
	pc->ifidx = -1;
	strcpy(pc->ifname, name);
	strcpy(pc->path, path);
	return 0;
}

/* A rate: a fraction 0..1 ("0.01") or a percentage 0..100 ("1%"). */
static bool
valid_rate(const char *v, size_t n)
{
	char buf[32];
	double d;
	bool pct = n > 0 && v[n - 1] == '%';

	if (pct)
		n--;
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return tool_parse_decimal(buf, 0, pct ? 100 : 1, &d) == 0;
}

static int
parse_fault(struct netopts *no, const char *arg)
{
	static const char *const keys[] = {
		"drop", "dup", "reorder", "corrupt", "seed", "dir",
	};
	struct netopts_fault *ft;
	char name[NETOPTS_NAMELEN];
	const char *spec, *p;
	unsigned seen = 0;
	int i;

	if (strchr(arg, ',') == NULL)
		return netopts_seterr(no, "--fault: expected NAME,SPEC, got '%s'", arg);
	if (take_ifname(no, "--fault", arg, name) != 0)
		return -1;
	spec = arg + strlen(name) + 1;
	if (strlen(spec) >= NETOPTS_PARAMLEN)
		return netopts_seterr(no, "--fault %s: spec too long", name);
	for (i = 0; i < no->nfaults; i++)
		if (strcmp(no->faults[i].ifname, name) == 0)
			return netopts_seterr(no, "--fault %s: interface given twice",
			    name);
	if (*spec != '\0' && strcmp(spec, "none") != 0) {
		for (p = spec;; p++) {
			size_t n = tool_field_len(p), klen, vlen;
			const char *eq = memchr(p, '=', n), *val;
			unsigned k;

			if (n == 0)
				return netopts_seterr(no, "--fault %s: empty item in "
				    "'%s'", name, spec);
			if (eq == NULL)
				return netopts_seterr(no, "--fault %s: '%.*s' needs a "
				    "value (KEY=VALUE)", name, (int)n, p);
			klen = (size_t)(eq - p);
			val = eq + 1;
			vlen = n - klen - 1;
			for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
				if (strlen(keys[k]) == klen &&
				    memcmp(keys[k], p, klen) == 0)
					break;
			if (k == sizeof(keys) / sizeof(keys[0]))
				return netopts_seterr(no, "--fault %s: unknown fault "
				    "'%.*s' (known: drop, dup, reorder, "
				    "corrupt, seed, dir)", name, (int)klen, p);
			if (seen & (1u << k))
				return netopts_seterr(no, "--fault %s: %s= given twice",
				    name, keys[k]);
			seen |= 1u << k;
			if (k <= 3 && !valid_rate(val, vlen))
				return netopts_seterr(no, "--fault %s: bad rate '%.*s' "
				    "for %s: expected a fraction 0..1 or a "
				    "percentage like 1%%", name, (int)vlen, val,
				    keys[k]);
			if (k == 4) {
				char num[24];
				uint64_t seed;

				snprintf(num, sizeof(num), "%.*s", (int)vlen,
				    val);
				if (vlen >= sizeof(num) ||
				    tool_parse_u64(num, &seed) != 0)
					return netopts_seterr(no, "--fault %s: bad seed "
					    "'%.*s': expected a decimal number",
					    name, (int)vlen, val);
			}
			if (k == 5 && !((vlen == 2 && memcmp(val, "in", 2) == 0) ||
			    (vlen == 3 && memcmp(val, "out", 3) == 0) ||
			    (vlen == 4 && memcmp(val, "both", 4) == 0)))
				return netopts_seterr(no, "--fault %s: bad direction "
				    "'%.*s': expected in, out or both", name,
				    (int)vlen, val);
			p += n;
			if (*p == '\0')
				break;
		}
	}
	if (no->nfaults == NETOPTS_MAXIF)
		return netopts_seterr(no, "--fault %s: too many (at most %d)", name,
		    NETOPTS_MAXIF);
	ft = &no->faults[no->nfaults++];
	memset(ft, 0, sizeof(*ft));
	ft->ifidx = -1;
	strcpy(ft->ifname, name);
	strcpy(ft->spec, spec);
	return 0;
}

int
netopts_parse(struct netopts *no, int opt, const char *arg)
{
	no->err[0] = '\0';
	switch (opt) {
	case NETOPT_IF:
		return parse_if(no, arg);
	case NETOPT_ADDR:
		return parse_addr(no, arg);
	case NETOPT_ROUTE:
		return parse_route(no, arg);
	case NETOPT_PCAP:
		return parse_pcap(no, arg);
	case NETOPT_FAULT:
		return parse_fault(no, arg);
	case NETOPT_FORWARD:
		no->forward = true;
		return 0;
	case NETOPT_MOUNT:
		return netopts_mount_parse(no, arg);
	default:
		return netopts_seterr(no, "not an interface option (%d)", opt);
	}
}

static int
ifindex(struct netopts *no, const char *name)
{
	struct netopts_if *ifp = netopts_findif(no, name);

	return ifp != NULL ? (int)(ifp - no->ifs) : -1;
}

int
netopts_check(struct netopts *no)
{
	char gw[16];
	int i, j;

	no->err[0] = '\0';
	if (netopts_hostnet && (no->nifs != 0 || no->naddrs != 0 ||
	    no->nroutes != 0 || no->npcaps != 0 || no->nfaults != 0 ||
	    no->forward))
		return netopts_seterr(no, "interface options (--if, --addr, "
		    "--route, --pcap, --fault, --forward) do not apply: this "
		    "program uses the host's own network (sockin); --bind ADDR "
		    "chooses a local address");
	for (i = 0; i < no->naddrs; i++) {
		struct netopts_addr *ad = &no->addrs[i];

		ad->ifidx = ifindex(no, ad->ifname);
		if (ad->ifidx < 0)
			return netopts_seterr(no, "--addr: no interface %s; create it "
			    "with --if", ad->ifname);
	}
	for (i = 0; i < no->npcaps; i++) {
		struct netopts_pcap *pc = &no->pcaps[i];

		pc->ifidx = ifindex(no, pc->ifname);
		if (pc->ifidx < 0)
			return netopts_seterr(no, "--pcap: no interface %s; create it "
			    "with --if", pc->ifname);
	}
	for (i = 0; i < no->nfaults; i++) {
		struct netopts_fault *ft = &no->faults[i];

		ft->ifidx = ifindex(no, ft->ifname);
		if (ft->ifidx < 0)
			return netopts_seterr(no, "--fault: no interface %s; create it "
			    "with --if", ft->ifname);
	}
	for (i = 0; i < no->nroutes; i++) {
		const struct netopts_route *rt = &no->routes[i];
		char dst[24];
		bool onlink = false;

		if (rt->isdefault)
			strcpy(dst, "default");
		else
			snprintf(dst, sizeof(dst), "%s/%d",
			    tool_format_ipv4(rt->dst, gw), rt->plen);
		tool_format_ipv4(rt->gw, gw);
		for (j = 0; j < no->naddrs; j++) {
			const struct netopts_addr *ad = &no->addrs[j];
			uint32_t mask = tool_prefix_mask(ad->plen);

			if (ad->addr == rt->gw)
				return netopts_seterr(no, "--route %s: gateway %s is "
				    "this host's own address (on %s)", dst, gw,
				    ad->ifname);
			if ((ad->addr & mask) == (rt->gw & mask))
				onlink = true;
		}
		if (!onlink)
			return netopts_seterr(no, "--route %s: gateway %s is not on the "
			    "subnet of any --addr", dst, gw);
	}
	if (no->forward && no->nifs < 2)
		return netopts_seterr(no, "--forward: needs at least two interfaces "
		    "(--if)");
	return 0;
}

static void
append(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

void
netopts_describe(const struct netopts *no, char *buf, size_t len)
{
	char a[16];
	size_t off = 0;
	int i, j;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < no->nifs; i++) {
		const struct netopts_if *ifp = &no->ifs[i];

		append(buf, len, &off, "%s%s", i > 0 ? "; " : "", ifp->name);
		for (j = 0; j < no->naddrs; j++)
			if (strcmp(no->addrs[j].ifname, ifp->name) == 0)
				append(buf, len, &off, " %s/%d",
				    tool_format_ipv4(no->addrs[j].addr, a),
				    no->addrs[j].plen);
		append(buf, len, &off, " tap=%s", ifp->tap);
		if (ifp->has_mac)
			append(buf, len, &off,
			    " mac=%02x:%02x:%02x:%02x:%02x:%02x", ifp->mac[0],
			    ifp->mac[1], ifp->mac[2], ifp->mac[3], ifp->mac[4],
			    ifp->mac[5]);
		if (ifp->mtu != 0)
			append(buf, len, &off, " mtu=%d", ifp->mtu);
		for (j = 0; j < no->npcaps; j++)
			if (strcmp(no->pcaps[j].ifname, ifp->name) == 0)
				append(buf, len, &off, " pcap=%s",
				    no->pcaps[j].path);
		for (j = 0; j < no->nfaults; j++)
			if (strcmp(no->faults[j].ifname, ifp->name) == 0)
				append(buf, len, &off, " fault=%s",
				    no->faults[j].spec[0] != '\0' ?
				    no->faults[j].spec : "none");
	}
	for (i = 0; i < no->nroutes; i++) {
		const struct netopts_route *rt = &no->routes[i];

		if (rt->isdefault)
			append(buf, len, &off, "; default");
		else
			append(buf, len, &off, "; %s/%d",
			    tool_format_ipv4(rt->dst, a), rt->plen);
		append(buf, len, &off, " via %s", tool_format_ipv4(rt->gw, a));
	}
	if (no->forward)
		append(buf, len, &off, "; forwarding");
}
