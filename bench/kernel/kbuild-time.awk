# kbuild-time.awk - where a cold `stap -p4` spends its time, from
#   strace -f -ttt -q -s 300 -e trace=execve -o FILE stap -p4 -m MOD ...
# (awk -v mod=MOD -f kbuild-time.awk FILE).  A process's time is from its
# first execve to its exit; make runs everything serially, so the
# categories add up; "make itself" is what is left of the outer make.
$3 ~ /^execve\(/ {
	if (!($1 in start))
		start[$1] = $2
	cmd[$1] = $0
	next
}
$3 == "+++" && $4 == "exited" { stop[$1] = $2 }
END {
	for (p in start) {
		if (!(p in stop))
			continue
		c = cmd[p]
		d = stop[p] - start[p]
		match(c, /execve\("[^"]*"/)
		path = substr(c, RSTART + 8, RLENGTH - 9)
		n = path
		sub(/.*\//, "", n)
		if (n == "stap") {
			if (d > stap) stap = d
			continue
		}
		if (n == "make") {
			if (d > make) make = d
			nmake++
			continue
		}
		if (n ~ /^([a-z0-9_]+-linux-gnu-)?(gcc|cc)(-[0-9.]+)?$/) {
			if (index(c, "/" mod ".mod.c\""))
				k = "gcc " mod ".mod.c (modinfo, from modpost)"
			else if (index(c, "/" mod ".c\""))
				k = "gcc " mod ".c (the script + runtime)"
			else
				k = "gcc option probes (cc-option etc.)"
		} else if (n == "ld")
			k = "ld"
		else if (n ~ /^modpost/)
			k = "modpost"
		else if (n == "objtool")
			k = "objtool"
		else
			continue
		t[k] += d
		cnt[k]++
	}
	W = 48
	printf "    %-*s %6.0f ms\n", W, "stap -p4 in all", stap * 1000
	printf "    %-*s %6.0f ms\n", W, "  passes 1-3, cache, copying (not make)", (stap - make) * 1000
	printf "    %-*s %6.0f ms  (%d make processes)\n", W, "  make -C KDIR M=... modules", make * 1000, nmake
	order[1] = "gcc " mod ".c (the script + runtime)"
	order[2] = "gcc option probes (cc-option etc.)"
	order[3] = "gcc " mod ".mod.c (modinfo, from modpost)"
	order[4] = "modpost"
	order[5] = "objtool"
	order[6] = "ld"
	sum = 0
	for (i = 1; i <= 6; i++) {
		k = order[i]
		if (!(k in t))
			continue
		printf "    %-*s %6.0f ms  (%d run%s)\n", W, "    " k, t[k] * 1000, cnt[k], (cnt[k] > 1 ? "s" : "")
		sum += t[k]
	}
	printf "    %-*s %6.0f ms\n", W, "    make itself: Makefiles, shells, rest", (make - sum) * 1000
}
