# Generates the vnode-operation glue from librump/rumpvfs/vnode_if.src.
#
#   awk -v out=h -f gen_vnodeif.awk vnode_if.src > vnode_if.h
#   awk -v out=c -f gen_vnodeif.awk vnode_if.src > vnode_if.c
#
# vnode_if.h: struct vop_<name>_args per operation, struct vnodeops (the
# vector a file system fills) and the VOP_<NAME>() prototypes.
# vnode_if.c: the VOP_<NAME>() dispatch functions.  Each packs its
# arguments, checks the locking contract ("#%" lines) on entry when
# VFS_DEBUG is on, calls the entry of the first vnode's vector (or returns
# EOPNOTSUPP when it is NULL) and checks the contract on return.

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

function fail(msg) {
	printf("%s:%d: %s\n", FILENAME, FNR, msg) > "/dev/stderr"
	failed = 1
	exit 1
}

BEGIN { nops = 0; inop = 0 }

/^vop_[a-z_]+ \{$/ {
	if (inop)
		fail("operation inside an operation")
	inop = 1
	nops++
	op[nops] = $1
	nargs[nops] = 0
	nlocks[nops] = 0
	next
}

inop && /^[ \t]*#%/ {
	line = trim($0)
	sub(/^#%[ \t]*/, "", line)
	if (split(line, f, /[ \t]+/) != 4)
		fail("want '#% ARG ENTRY OK ERR'")
	for (i = 2; i <= 4; i++)
		if (f[i] !~ /^[LEU-]$/)
			fail("lock state '" f[i] "' is not one of L E U -")
	k = ++nlocks[nops]
	lockarg[nops, k] = f[1]
	lockin[nops, k] = f[2]
	lockok[nops, k] = f[3]
	lockerr[nops, k] = f[4]
	next
}

inop && /^[ \t]*#/ { next }

inop && /^[ \t]*(IN|OUT|INOUT)[ \t]/ {
	line = trim($0)
	if (line !~ /;$/)
		fail("an argument ends with ';'")
	sub(/;$/, "", line)
	dir = line
	sub(/[ \t].*/, "", dir)
	sub(/^[A-Z]+[ \t]+/, "", line)
	if (!match(line, /[A-Za-z_][A-Za-z0-9_]*$/))
		fail("no argument name")
	k = ++nargs[nops]
	argname[nops, k] = substr(line, RSTART)
	argtype[nops, k] = trim(substr(line, 1, RSTART - 1))
	argdir[nops, k] = dir
	next
}

inop && /^};$/ {
	inop = 0
	if (nargs[nops] == 0 || argtype[nops, 1] != "struct vnode *")
		fail(op[nops] " must take a vnode first")
	for (k = 1; k <= nlocks[nops]; k++) {
		found = 0
		for (j = 1; j <= nargs[nops]; j++)
			if (argname[nops, j] == lockarg[nops, k])
				found = j
		if (!found)
			fail(op[nops] ": '#%' names no argument " lockarg[nops, k])
		if (argtype[nops, found] != "struct vnode *" &&
		    argtype[nops, found] != "struct vnode **")
			fail(op[nops] ": '#%' on " lockarg[nops, k] ", not a vnode")
		lockptr[nops, k] = argtype[nops, found] == "struct vnode **"
	}
	next
}

/^[ \t]*#/ || /^[ \t]*$/ { next }

{ fail("cannot parse: " $0) }

# The declaration of argument k of operation i, for a C parameter list.
function decl(i, k,    t) {
	t = argtype[i, k]
	return t (t ~ /\*$/ ? "" : " ") argname[i, k]
}

function params(i,    k, s) {
	s = ""
	for (k = 1; k <= nargs[i]; k++)
		s = s (k > 1 ? ", " : "") decl(i, k)
	return s
}

function upper_name(i) {
	return "VOP_" toupper(substr(op[i], 5))
}

# A contract check of one vnode in state st ("-" checks nothing).
function check(i, k, st, when,    v) {
	if (st == "-")
		return
	v = lockarg[i, k]
	if (lockptr[i, k])
		printf("\t\tif (%s != NULL)\n\t\t\tvop_lockcheck(*%s, '%s', \"%s\", \"%s\", \"%s\");\n", \
		    v, v, st, upper_name(i), v, when)
	else
		printf("\t\tvop_lockcheck(%s, '%s', \"%s\", \"%s\", \"%s\");\n", \
		    v, st, upper_name(i), v, when)
}

function gen_h(    i, k) {
	print "#ifndef RUMPVFS_VNODE_IF_H"
	print "#define RUMPVFS_VNODE_IF_H"
	print ""
	print "struct vnode;"
	print "struct componentname;"
	print "struct vattr;"
	print "struct uio;"
	print "struct buf;"
	print ""
	for (i = 1; i <= nops; i++) {
		printf("struct %s_args {\n", op[i])
		for (k = 1; k <= nargs[i]; k++) {
			t = argtype[i, k]
			printf("\t%s%sa_%s;\t/* %s */\n", t, t ~ /\*$/ ? "" : " ", \
			    argname[i, k], argdir[i, k])
		}
		print "};"
		print ""
	}
	print "/* The operations vector a file system fills; NULL: EOPNOTSUPP. */"
	print "struct vnodeops {"
	for (i = 1; i <= nops; i++)
		printf("\tint (*%s)(struct %s_args *);\n", op[i], op[i])
	print "};"
	print ""
	printf("#define VNODEOP_COUNT\t%d\n", nops)
	print "extern const char *const vnodeop_names[VNODEOP_COUNT];"
	print ""
	for (i = 1; i <= nops; i++)
		printf("int %s(%s);\n", upper_name(i), params(i))
	print ""
	print "#endif"
}

function gen_c(    i, k) {
	print "#include \"rumpvfs/vnode.h\""
	print ""
	print "const char *const vnodeop_names[VNODEOP_COUNT] = {"
	for (i = 1; i <= nops; i++)
		printf("\t\"%s\",\n", op[i])
	print "};"
	for (i = 1; i <= nops; i++) {
		print ""
		print "int"
		printf("%s(%s)\n", upper_name(i), params(i))
		print "{"
		printf("\tstruct %s_args a = {\n", op[i])
		for (k = 1; k <= nargs[i]; k++)
			printf("\t\t.a_%s = %s,\n", argname[i, k], argname[i, k])
		print "\t};"
		print "\tint error;"
		print ""
		if (nlocks[i] > 0) {
			print "\tif (VFS_DEBUG) {"
			for (k = 1; k <= nlocks[i]; k++)
				if (!lockptr[i, k])
					check(i, k, lockin[i, k], "entry")
			print "\t}"
		}
		printf("\tif (%s->v_op->%s == NULL)\n", argname[i, 1], op[i])
		print "\t\treturn EOPNOTSUPP;"
		printf("\terror = %s->v_op->%s(&a);\n", argname[i, 1], op[i])
		if (nlocks[i] > 0) {
			print "\tif (VFS_DEBUG && error == 0) {"
			for (k = 1; k <= nlocks[i]; k++)
				check(i, k, lockok[i, k], "success")
			print "\t} else if (VFS_DEBUG) {"
			for (k = 1; k <= nlocks[i]; k++)
				if (!lockptr[i, k])
					check(i, k, lockerr[i, k], "error")
			print "\t}"
		}
		print "\treturn error;"
		print "}"
	}
}

END {
	if (failed)
		exit 1
	if (inop)
		fail("unterminated operation")
	printf("/* DO NOT EDIT: generated from vnode_if.src by mk/gen_vnodeif.awk. */\n\n")
	if (out == "h")
		gen_h()
	else if (out == "c")
		gen_c()
	else
		fail("out must be h or c")
}
