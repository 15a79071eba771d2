#!/bin/sh
# guest.sh - the VM side of testsuite/vm/staprun/run-tests (busybox sh).
#
#   sh /t/guest.sh TREE
#
# TREE (the same absolute path as on the host) holds translator/stap,
# staprun/staprun, runtime/, tapset/, cache/ (a module cache filled by
# stap -p4 on the host) and local.stp / local.cmd (the one-liner and the
# -c command of the local pass 5 test); /t/ko/sr_NAME.ko are the modules.
# Everything runs through the real staprun.  Results go to /tmp/res/NAME
# and are printed at the end as "@@@ NAME nl=0|1", the content, "@@@."
# (nl=0: no final newline); big outputs are reduced to sizes and sums here.
. "${0%/*}/guest-lib.sh"
TREE=$1
K=/t/ko
R=/tmp/res
SR=$TREE/staprun/staprun
mkdir -p $R

# Records the status of the last command into FILE: rc_to FILE
rc_to() {
	echo $? > "$1"
}

echo "$(nproc)" > $R/ncpus
uname -r > $R/uname

# ---- 1. SIGINT, SIGTERM, SIGHUP run the end probes ----
# busybox timeout execs the command in its own process (a child watches),
# so $! is staprun itself: recorded as comm to be sure.
for sig in INT TERM HUP; do
	d=$R/sig.$sig
	mkdir -p $d
	timeout -s KILL 60 $SR $K/sr_sig.ko > $d/out 2> $d/err &
	p=$!
	wait_for $d/out '^begin'
	echo $? > $d/started
	usleep 300000
	cat /proc/$p/comm > $d/comm 2>&1
	kill -$sig $p
	wait $p
	rc_to $d/rc
	loaded sr_sig > $d/module
done

# ---- 2. -o FILE ----
d=$R/ofile
mkdir -p $d
timeout -s KILL 60 $SR -o $d/file $K/sr_ofile.ko > $d/stdout 2> $d/err
rc_to $d/rc

# ---- 3. -c CMD and -x PID set target() ----
d=$R/tgtc
mkdir -p $d
t0=$(date +%s)
timeout -s INT 30 $SR -c 'dd if=/dev/zero of=/dev/null bs=1 count=300' \
	$K/sr_tgtc.ko > $d/out 2> $d/err
rc_to $d/rc
echo $(($(date +%s) - t0)) > $d/secs
loaded sr_tgtc > $d/module

d=$R/tgtx
mkdir -p $d
rm -f /tmp/x.go
sh -c 'while [ ! -e /tmp/x.go ]; do usleep 20000; done
	exec dd if=/dev/zero of=/dev/null bs=1 count=77 2>/dev/null' &
xp=$!
echo $xp > $d/pid
timeout -s INT 30 $SR -x $xp $K/sr_tgtx.ko > $d/out 2> $d/err &
p=$!
wait_for $d/out '^target'
touch /tmp/x.go
wait $p
rc_to $d/rc
wait $xp

# ---- 4. output lost under a flood (-b 1, nobody reading the pipe) ----
# The reader of staprun's stdout waits until dd is done, so staprun blocks
# on the full pipe and the 1 MB ring overflows while dd reads.
d=$R/flood
mkdir -p $d
rm -f /tmp/flood.done
{
	timeout -s INT 60 $SR -b 1 \
		-c 'dd if=/dev/zero of=/dev/null bs=1 count=5000 2>/dev/null; echo > /tmp/flood.done' \
		$K/sr_flood.ko 2> $d/err
	echo $? > $d/rc
} | {
	i=0
	while [ ! -e /tmp/flood.done ] && [ $i -lt 600 ]; do
		usleep 50000
		i=$((i + 1))
	done
	cat > /tmp/flood.out
}
wc -c < /tmp/flood.out > $d/bytes
awk 'length($0) != 999' /tmp/flood.out | wc -l > $d/badlines
rm -f /tmp/flood.out

# ---- 5. -b MB: 3 MB printed by a begin probe before anything reads ----
for b in 4 default 1; do
	d=$R/bigbuf.$b
	mkdir -p $d
	if [ $b = default ]; then opt=; else opt="-b $b"; fi
	# shellcheck disable=SC2086
	timeout -s INT 60 $SR $opt $K/sr_bigbuf.ko > /tmp/big.out 2> $d/err
	rc_to $d/rc
	wc -c < /tmp/big.out > $d/bytes
	awk 'length($0) != 999' /tmp/big.out | wc -l > $d/badlines
	md5sum < /tmp/big.out | cut -d' ' -f1 > $d/md5
	rm -f /tmp/big.out
done

# ---- 6. 20 load/unload cycles of a kprobe module while dd hammers read() ----
d=$R/cycles
mkdir -p $d
dd if=/dev/zero of=/dev/null bs=1 count=100000000 2>/dev/null &
ddp=$!
usleep 200000
i=1
while [ $i -le 20 ]; do
	timeout -s KILL 60 $SR $K/sr_cycle.ko > $d/out 2> $d/err.$i
	rc=$?
	echo "$i rc=$rc out=$(cat $d/out | tr '\n' ' ')module=$(loaded sr_cycle)" >> $d/log
	i=$((i + 1))
done
if kill -0 $ddp 2>/dev/null; then echo alive > $d/dd; else echo gone > $d/dd; fi
kill $ddp
wait $ddp 2>/dev/null
cat $d/err.* > $d/err 2>/dev/null
rm -f $d/err.* $d/out

# ---- 7. timer rates ----
d=$R/timers
mkdir -p $d
timeout -s INT 60 $SR $K/sr_timers.ko > $d/out 2> $d/err
rc_to $d/rc

d=$R/profile
mkdir -p $d
if [ -e $K/sr_profile.ko ]; then
	timeout -s INT 60 $SR -c 'exec dd if=/dev/zero of=/dev/null bs=1 count=100000000 2>/dev/null' \
		$K/sr_profile.ko > $d/out 2> $d/err
	rc_to $d/rc
fi

# ---- 8. gettimeofday_* against date ----
d=$R/gtod
mkdir -p $d
date +%s > $d/before
timeout -s INT 30 $SR -c 'exec dd if=/dev/zero of=/dev/null bs=1 count=3 2>/dev/null' \
	$K/sr_gtod.ko > $d/out 2> $d/err
rc_to $d/rc
date +%s > $d/after

# ---- 9. plain stap (no --vm): pass 5 on this kernel from the cache ----
d=$R/local
mkdir -p $d
if [ -x $TREE/translator/stap ]; then
	XDG_CACHE_HOME=$TREE/cache timeout -s INT 120 $TREE/translator/stap -v \
		-c "$(cat $TREE/local.cmd)" -e "$(cat $TREE/local.stp)" > $d/out 2> $d/err
	rc_to $d/rc
fi
cut -d' ' -f1 /proc/modules | grep -E '^(sr_|stap_)' > $R/modules.left

dmesg > $R/dmesg.txt
grep -E 'BUG:|Oops|WARNING:|general protection|Call Trace' $R/dmesg.txt > $R/dmesg.bad

print_results $R
