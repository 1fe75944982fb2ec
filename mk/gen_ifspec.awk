# Generates the public wrappers of a component's interface table (.ifspec).
#
#   awk -v out=pubh  -v comp=NAME -f gen_ifspec.awk NAME.ifspec > NAME_if_pub.h
#   awk -v out=privh -v comp=NAME -f gen_ifspec.awk NAME.ifspec > NAME_if_priv.h
#   awk -v out=wrappers -v comp=NAME -f gen_ifspec.awk NAME.ifspec > NAME_if_wrappers.c
#
# Each line: return type | name | arguments ("void" or "type name, ..."),
# or "pubinclude <h>" / "kerninclude "h"": a header declaring the types the
# arguments name, for programs (included unless RUMP_KERNEL is defined:
# kernel code, and tests compiled as kernel code, have the kernel's own
# declarations of those types and must not meet the host's) or for the
# kernel's private prototypes.
# rump_<name>() takes a virtual CPU, calls rumppriv_<name>() and returns its
# value.  One returning int returns ENOSYS when the kernel is not running;
# one marked "any" is called directly then.

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

BEGIN { FS = "|"; n = 0; npub = 0; nkern = 0 }

/^;/ || /^[ \t]*$/ { next }

/^(pub|kern)include[ \t]/ {
	split($0, inc, /[ \t]+/)
	if (inc[1] == "pubinclude")
		pubinc[++npub] = inc[2]
	else
		kerninc[++nkern] = inc[2]
	next
}

{
	if (NF != 3 && !(NF == 4 && trim($4) == "any")) {
		printf("%s:%d: want 3 columns separated by '|' and maybe \"any\"\n", \
		    FILENAME, FNR) > "/dev/stderr"
		exit 1
	}
	n++
	ret[n] = trim($1)
	name[n] = trim($2)
	args[n] = trim($3)
	any[n] = NF == 4
	# The names alone, for the call.
	names = ""
	if (args[n] != "void") {
		na = split(args[n], parts, ",")
		for (i = 1; i <= na; i++) {
			a = trim(parts[i])
			if (!match(a, /[A-Za-z_][A-Za-z0-9_]*$/)) {
				printf("%s:%d: bad argument '%s'\n", FILENAME, FNR, a) > "/dev/stderr"
				exit 1
			}
			names = names (i > 1 ? ", " : "") substr(a, RSTART)
		}
	}
	callargs[n] = names
	src = FILENAME
}

function banner() {
	print "/* DO NOT EDIT: generated from " src " by mk/gen_ifspec.awk. */"
}

END {
	guard = toupper(comp) "_IF_" toupper(out) "_H"
	if (out == "pubh" || out == "privh") {
		prefix = out == "pubh" ? "rump_" : "rumppriv_"
		banner()
		print "#ifndef " guard
		print "#define " guard
		print ""
		print "#include <rump/rumpdefs.h>"
		if (out == "pubh" && npub > 0) {
			print "#ifndef RUMP_KERNEL"
			for (k = 1; k <= npub; k++)
				print "#include " pubinc[k]
			print "#endif"
		}
		if (out == "privh")
			for (k = 1; k <= nkern; k++)
				print "#include " kerninc[k]
		print ""
		for (k = 1; k <= n; k++)
			print ret[k] " " prefix name[k] "(" args[k] ");"
		print ""
		print "#endif"
	} else if (out == "wrappers") {
		banner()
		# The kernel's types first: the public header includes none.
		print "#include \"rumpkern/rump_private.h\""
		print "#include \"" comp "_if_priv.h\""
		print "#include <rump/" comp "_if_pub.h>"
		for (k = 1; k <= n; k++) {
			print ""
			print ret[k]
			print "rump_" name[k] "(" args[k] ")"
			print "{"
			if (ret[k] != "void")
				print "\t" ret[k] " rv;"
			print ""
			if (any[k] && ret[k] == "void") {
				print "\tif (!kernel_running()) {"
				print "\t\trumppriv_" name[k] "(" callargs[k] ");"
				print "\t\treturn;"
				print "\t}"
				print "\trump_schedule();"
			} else if (any[k]) {
				print "\tif (!kernel_running())"
				print "\t\treturn rumppriv_" name[k] "(" callargs[k] ");"
				print "\trump_schedule();"
			} else if (ret[k] == "int") {
				# An errno return refuses politely without a kernel.
				print "\tif ((rv = rumppriv_enter()) != 0)"
				print "\t\treturn rv;"
			} else {
				print "\trump_schedule();"
			}
			if (ret[k] != "void")
				print "\trv = rumppriv_" name[k] "(" callargs[k] ");"
			else
				print "\trumppriv_" name[k] "(" callargs[k] ");"
			print "\trump_unschedule();"
			if (ret[k] != "void")
				print "\treturn rv;"
			print "}"
		}
	} else {
		print "gen_ifspec.awk: out must be pubh, privh or wrappers" > "/dev/stderr"
		exit 1
	}
}
