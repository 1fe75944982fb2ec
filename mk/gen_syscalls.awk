# Generates the system-call glue from syscalls.master.
#
#   awk -v out=pubh      -f gen_syscalls.awk syscalls.master  > rump_syscalls.h
#   awk -v out=argsh     -f gen_syscalls.awk syscalls.master  > syscallargs.h
#   awk -v out=wrappers  -f gen_syscalls.awk syscalls.master  > rump_syscalls.c
#   awk -v out=sysent -v comp=NAME -f gen_syscalls.awk syscalls.master > NAME_sysent.c
#   awk -v out=rpctab    -f gen_syscalls.awk syscalls.master  > rump_rpc_calls.h
#   awk -v out=client    -f gen_syscalls.awk syscalls.master  > rumpclient_syscalls.c
#   awk -v out=server    -f gen_syscalls.awk syscalls.master  > rumpserver_dispatch.c
#
# The last three are the remote calls: the description of every argument
# (from the bracketed annotation after each pointer argument's name), the
# client's rump_sys_* stubs that hand their arguments to the marshaller,
# and the server's switch that calls the kernel's rump_sys_* with the
# decoded arguments.
#
# Each line of the table: number, component, prototype ("type name(args)"),
# or "pubinclude <h>" / "kerninclude "h"": a header the public prototypes or
# the kernel's argument structures include.  Structures the prototypes name
# are declared ahead in both headers.

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# Splits one "type name [annotation]" argument into argtype[i],
# argname[i] and argann[i] (the annotation without its brackets, or "").
function parsearg(i, a,    n) {
	a = trim(a)
	argann[i] = ""
	if (match(a, /\[[^]]*\]$/)) {
		argann[i] = trim(substr(a, RSTART + 1, RLENGTH - 2))
		a = trim(substr(a, 1, RSTART - 1))
	}
	if (!match(a, /[A-Za-z_][A-Za-z0-9_]*$/)) {
		printf("%s:%d: bad argument '%s'\n", FILENAME, FNR, a) > "/dev/stderr"
		exit 1
	}
	argname[i] = substr(a, RSTART)
	argtype[i] = trim(substr(a, 1, RSTART - 1))
	if (argtype[i] == "") {
		printf("%s:%d: argument '%s' has no name\n", FILENAME, FNR, a) > "/dev/stderr"
		exit 1
	}
}

BEGIN {
	n = 0
	src = "librump/rumpkern/syscalls.master"
}

/^;/ || /^[ \t]*$/ { next }

$1 == "pubinclude" || $1 == "kerninclude" || $1 == "rpcinclude" {
	if (NF != 2) {
		printf("%s:%d: bad include line\n", FILENAME, FNR) > "/dev/stderr"
		exit 1
	}
	if ($1 == "pubinclude")
		pubinc[++npubinc] = $2
	else if ($1 == "kerninclude")
		kerninc[++nkerninc] = $2
	else
		rpcinc[++nrpcinc] = $2
	next
}

# Remembers every "struct NAME" in a type, for the forward declarations.
function notestructs(type,    t, s) {
	t = type
	while (match(t, /struct[ \t]+[A-Za-z_][A-Za-z0-9_]*/)) {
		s = substr(t, RSTART, RLENGTH)
		sub(/[ \t]+/, " ", s)
		structs[s] = 1
		t = substr(t, RSTART + RLENGTH)
	}
}

{
	num = $1
	component = $2
	line = $0
	sub(/^[ \t]*[0-9]+[ \t]+[a-z]+[ \t]+/, "", line)
	if (!match(line, /[A-Za-z_][A-Za-z0-9_]*\(/)) {
		printf("%s:%d: cannot parse '%s'\n", FILENAME, FNR, $0) > "/dev/stderr"
		exit 1
	}
	rettype = trim(substr(line, 1, RSTART - 1))
	name = substr(line, RSTART, RLENGTH - 1)
	args = substr(line, RSTART + RLENGTH)
	sub(/\)[ \t]*$/, "", args)
	if (name in seen || num in seennum) {
		printf("%s:%d: duplicate call %s/%s\n", FILENAME, FNR, name, num) > "/dev/stderr"
		exit 1
	}
	seen[name] = 1
	seennum[num] = 1
	n++
	c_num[n] = num
	c_comp[n] = component
	c_ret[n] = rettype
	c_name[n] = name
	nargs = 0
	if (trim(args) != "void") {
		nargs = split(args, parts, ",")
		for (i = 1; i <= nargs; i++) {
			parsearg(i, parts[i])
			c_atype[n, i] = argtype[i]
			c_aname[n, i] = argname[i]
			c_aann[n, i] = argann[i]
			if ((argtype[i] ~ /\*$/) != (argann[i] != "")) {
				printf("%s:%d: %s: a pointer argument, and only a pointer, " \
				    "carries an annotation\n", FILENAME, FNR,
				    argname[i]) > "/dev/stderr"
				exit 1
			}
		}
	}
	if (nargs > 6) {
		printf("%s:%d: more than 6 arguments\n", FILENAME, FNR) > "/dev/stderr"
		exit 1
	}
	c_nargs[n] = nargs
	notestructs(rettype)
	for (i = 1; i <= nargs; i++)
		notestructs(argtype[i])
	if (num + 0 > maxnum)
		maxnum = num + 0
}

# "type name", or "type *name" when the type ends in a star.
function decl(type, name) {
	return type (type ~ /\*$/ ? "" : " ") name
}

function proto(k, prefix,    s, i) {
	s = c_ret[k] " " prefix c_name[k] "("
	if (c_nargs[k] == 0)
		return s "void)"
	for (i = 1; i <= c_nargs[k]; i++)
		s = s (i > 1 ? ", " : "") decl(c_atype[k, i], c_aname[k, i])
	return s ")"
}

# The include lines of one kind, then the structure declarations, sorted.
function preamble(inc, ninc,    i, k, m, names, t) {
	for (i = 1; i <= ninc; i++)
		print "#include " inc[i]
	print ""
	m = 0
	for (k in structs)
		names[++m] = k
	for (i = 2; i <= m; i++)
		for (k = i; k > 1 && names[k - 1] > names[k]; k--) {
			t = names[k]; names[k] = names[k - 1]; names[k - 1] = t
		}
	for (i = 1; i <= m; i++)
		print names[i] ";"
}

function banner() {
	print "/* DO NOT EDIT: generated from " src " by mk/gen_syscalls.awk. */"
}

# ---- remote calls ---------------------------------------------------------

function rpcerr(k, msg) {
	printf("%s: %s: %s\n", src, c_name[k], msg) > "/dev/stderr"
	exit 1
}

# The pointed-to type of a pointer type: "const struct stat *" is "struct stat".
function pointee(type,    t) {
	t = type
	sub(/\*$/, "", t)
	sub(/^const[ \t]+/, "", t)
	return trim(t)
}

# The index (from 0) of call k's argument named nm.
function argindex(k, nm,    i) {
	for (i = 1; i <= c_nargs[k]; i++)
		if (c_aname[k, i] == nm)
			return i - 1
	rpcerr(k, "an annotation names '" nm "', which is no argument")
}

function sizeofpointee(k, i,    t) {
	t = pointee(c_atype[k, i])
	if (t == "void" || t == "char")
		rpcerr(k, c_aname[k, i] ": sizeof of '" t "' says nothing")
	return "sizeof(" t ")"
}

# The initialiser of argument i's struct rump_rpc_arg (rpc_wire.h).
function rpcarg(k, i,    w, nw, kind, sz, j) {
	if (c_aann[k, i] == "")
		return "{ RUMP_RPC_SCALAR, 0, 0, 0 }"
	nw = split(c_aann[k, i], w, /[ \t]+/)
	if (nw == 1 && (w[1] == "str" || w[1] == "msgin" || w[1] == "msgout"))
		return "{ RUMP_RPC_" toupper(w[1]) ", 0, 0, 0 }"
	if (nw == 2 && (w[1] == "iovin" || w[1] == "iovout" || w[1] == "ioctl"))
		return "{ RUMP_RPC_" toupper(w[1]) ", RUMP_RPC_SZ_ARG, " \
		    argindex(k, w[2]) ", 1 }"
	if (nw != 2 || (w[1] != "in" && w[1] != "out" && w[1] != "inout"))
		rpcerr(k, "bad annotation [" c_aann[k, i] "]")
	kind = "RUMP_RPC_" toupper(w[1])
	sz = w[2]
	if (sz == "sizeof")
		return "{ " kind ", RUMP_RPC_SZ_FIXED, 0, " sizeofpointee(k, i) " }"
	if (sz ~ /^[0-9]+\*sizeof$/) {
		sub(/\*sizeof$/, "", sz)
		return "{ " kind ", RUMP_RPC_SZ_FIXED, 0, " sz " * " \
		    sizeofpointee(k, i) " }"
	}
	if (sz ~ /^[A-Za-z_][A-Za-z0-9_]*\*sizeof$/) {
		sub(/\*sizeof$/, "", sz)
		return "{ " kind ", RUMP_RPC_SZ_ARG, " argindex(k, sz) ", " \
		    sizeofpointee(k, i) " }"
	}
	if (sz ~ /^\*[A-Za-z_][A-Za-z0-9_]*$/) {
		j = argindex(k, substr(sz, 2))
		if (c_aann[k, j + 1] != "inout sizeof")
			rpcerr(k, sz ": the length must be an [inout sizeof] argument")
		return "{ " kind ", RUMP_RPC_SZ_DEREF, " j ", " \
		    sizeofpointee(k, j + 1) " }"
	}
	if (sz ~ /^[A-Za-z_][A-Za-z0-9_]*$/)
		return "{ " kind ", RUMP_RPC_SZ_ARG, " argindex(k, sz) ", 1 }"
	rpcerr(k, "bad size '" sz "'")
}

function rpctab(    k, i) {
	banner()
	print "#ifndef RUMP_RPC_CALLS_H"
	print "#define RUMP_RPC_CALLS_H"
	print ""
	for (i = 1; i <= nrpcinc; i++)
		print "#include " rpcinc[i]
	print ""
	print "#define RUMP_RPC_NSYS " maxnum + 1
	print ""
	print "static const struct rump_rpc_call rump_rpc_calls[RUMP_RPC_NSYS] = {"
	for (k = 1; k <= n; k++) {
		printf("\t[%d] = { \"%s\", %d, %s, {", c_num[k], c_name[k],
		    c_nargs[k], c_ret[k] == "ssize_t" ? "true" : "false")
		for (i = 1; i <= c_nargs[k]; i++)
			printf("%s\n\t\t%s", i > 1 ? "," : "", rpcarg(k, i))
		print " } },"
	}
	print "};"
	print ""
	print "#endif"
}

function ispointer(k, i) {
	return c_atype[k, i] ~ /\*$/
}

# Each rump_sys_* of the client: its arguments into the two arrays the
# marshaller reads, numbers in a[], pointers in p[].
function rpcclient(    k, i) {
	banner()
	print "#include <stdint.h>"
	print "#include <rump/rump_syscalls.h>"
	print ""
	print "#include \"rumpclient_private.h\""
	for (k = 1; k <= n; k++) {
		print ""
		print proto(k, "rump_sys_")
		print "{"
		print "\tint64_t a[RUMP_RPC_MAXARGS] = { 0 };"
		print "\tvoid *p[RUMP_RPC_MAXARGS] = { NULL };"
		print ""
		for (i = 1; i <= c_nargs[k]; i++)
			if (ispointer(k, i))
				print "\tp[" i - 1 "] = (void *)(uintptr_t)" c_aname[k, i] ";"
			else
				print "\ta[" i - 1 "] = (int64_t)" c_aname[k, i] ";"
		print "\treturn (" c_ret[k] ")rump_client_syscall(" c_num[k] ", a, p);"
		print "}"
	}
}

# The server's switch: the decoded arguments to the kernel's rump_sys_*.
function rpcserver(    k, i, s) {
	banner()
	print "#include <errno.h>"
	print "#include <stdint.h>"
	print "#include <rump/rump.h>"
	print ""
	print "#include \"rumpserver_private.h\""
	print ""
	print "long"
	print "rump_server_dispatch(unsigned int sysnum, const int64_t *a, void *const *p)"
	print "{"
	print "\tswitch (sysnum) {"
	for (k = 1; k <= n; k++) {
		s = ""
		for (i = 1; i <= c_nargs[k]; i++)
			s = s (i > 1 ? ", " : "") "(" c_atype[k, i] ")" \
			    (ispointer(k, i) ? "p" : "a") "[" i - 1 "]"
		print "\tcase " c_num[k] ":"
		print "\t\treturn (long)rump_sys_" c_name[k] "(" s ");"
	}
	print "\tdefault:"
	print "\t\terrno = ENOSYS;"
	print "\t\treturn -1;"
	print "\t}"
	print "}"
}

END {
	if (out == "pubh") {
		banner()
		print "#ifndef RUMP_RUMP_SYSCALLS_H"
		print "#define RUMP_RUMP_SYSCALLS_H"
		print ""
		preamble(pubinc, npubinc)
		print ""
		print "#ifdef __cplusplus"
		print "extern \"C\" {"
		print "#endif"
		print ""
		for (k = 1; k <= n; k++)
			print proto(k, "rump_sys_") ";"
		print ""
		print "#ifdef __cplusplus"
		print "}"
		print "#endif"
		print ""
		print "#endif"
	} else if (out == "argsh") {
		banner()
		print "#ifndef RUMPKERN_SYSCALLARGS_H"
		print "#define RUMPKERN_SYSCALLARGS_H"
		print ""
		preamble(kerninc, nkerninc)
		print "struct lwp;"
		print ""
		print "#define SYS_MAXSYSCALL " maxnum + 1
		for (k = 1; k <= n; k++)
			print "#define SYS_" c_name[k] " " c_num[k]
		print ""
		for (k = 1; k <= n; k++) {
			print "struct sys_" c_name[k] "_args {"
			if (c_nargs[k] == 0)
				print "\tchar unused;"
			for (i = 1; i <= c_nargs[k]; i++)
				print "\t" decl(c_atype[k, i], c_aname[k, i]) ";"
			print "};"
			print "int sys_" c_name[k] "(struct lwp *l, const struct sys_" \
			    c_name[k] "_args *uap, long *retval);"
			print ""
		}
		print "#endif"
	} else if (out == "wrappers") {
		banner()
		print "#include \"rump/rumpuser.h\""
		print "#include \"rumpkern/kern.h\""
		print "#include \"rumpkern/syscall.h\""
		print "#include \"rumpkern/rump_private.h\""
		print "#include \"syscallargs.h\""
		for (k = 1; k <= n; k++) {
			print ""
			print proto(k, "rump_sys_") ";"
			print proto(k, "rump_sys_")
			print "{"
			print "\tstruct sys_" c_name[k] "_args args = {"
			for (i = 1; i <= c_nargs[k]; i++)
				print "\t\t." c_aname[k, i] " = " c_aname[k, i] ","
			print "\t};"
			print "\tlong retval = 0;"
			print "\tint error;"
			print ""
			print "\terror = rumppriv_enter();"
			print "\tif (error == 0) {"
			print "\t\terror = rumppriv_syscall(SYS_" c_name[k] ", &args, &retval);"
			print "\t\trump_unschedule();"
			print "\t}"
			print "\tif (error != 0) {"
			print "\t\trumpuser_seterrno(error);"
			print "\t\treturn -1;"
			print "\t}"
			print "\treturn (" c_ret[k] ")retval;"
			print "}"
		}
	} else if (out == "sysent") {
		banner()
		print "#include \"rumpkern/syscall.h\""
		print "#include \"syscallargs.h\""
		for (k = 1; k <= n; k++) {
			if (c_comp[k] != comp)
				continue
			print ""
			print "static int"
			print "sys_" c_name[k] "_thunk(struct lwp *l, const void *uap, long *retval)"
			print "{"
			print "\treturn sys_" c_name[k] "(l, uap, retval);"
			print "}"
		}
		print ""
		print "const struct sysent_init " comp "_sysent[] = {"
		for (k = 1; k <= n; k++)
			if (c_comp[k] == comp)
				print "\t{ SYS_" c_name[k] ", sys_" c_name[k] "_thunk },"
		print "\t{ 0, NULL },"
		print "};"
	} else if (out == "rpctab") {
		rpctab()
	} else if (out == "client") {
		rpcclient()
	} else if (out == "server") {
		rpcserver()
	} else {
		print "gen_syscalls.awk: out must be pubh, argsh, wrappers, sysent, " \
		    "rpctab, client or server" > "/dev/stderr"
		exit 1
	}
}
