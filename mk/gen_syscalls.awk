# Generates the system-call glue from syscalls.master.
#
#   awk -v out=pubh      -f gen_syscalls.awk syscalls.master  > rump_syscalls.h
#   awk -v out=argsh     -f gen_syscalls.awk syscalls.master  > syscallargs.h
#   awk -v out=wrappers  -f gen_syscalls.awk syscalls.master  > rump_syscalls.c
#   awk -v out=sysent -v comp=NAME -f gen_syscalls.awk syscalls.master > NAME_sysent.c
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

# Splits one "type name" argument into argtype[i] and argname[i].
function parsearg(i, a,    n) {
	a = trim(a)
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

$1 == "pubinclude" || $1 == "kerninclude" {
	if (NF != 2) {
		printf("%s:%d: bad include line\n", FILENAME, FNR) > "/dev/stderr"
		exit 1
	}
	if ($1 == "pubinclude")
		pubinc[++npubinc] = $2
	else
		kerninc[++nkerninc] = $2
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
		}
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
	} else {
		print "gen_syscalls.awk: out must be pubh, argsh, wrappers or sysent" > "/dev/stderr"
		exit 1
	}
}
