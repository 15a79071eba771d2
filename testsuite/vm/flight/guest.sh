#!/bin/sh
# guest.sh - the VM side of testsuite/vm/flight/run-tests (busybox sh).
#
#   sh /t/guest.sh TREE
#
# /t/ko/fl_NAME.ko are the modules; TREE holds translator/stap,
# staprun/staprun, runtime/, tapset/ and cache/ (filled by stap -p4 on the
# host for the stap -F tests).  Results go to /tmp/res/NAME and are printed
# at the end as "@@@ NAME nl=0|1", the content, "@@@."; numbered output is
# reduced here by lines() to one summary line.
. "${0%/*}/guest-lib.sh"
TREE=$1
K=/t/ko
R=/tmp/res
SR=$TREE/staprun/staprun
DFS=/sys/kernel/debug/stapc
mkdir -p $R

wait_file() {	# FILE: poll for up to 60 s for it to exist
	local i=0
	while [ $i -lt 1200 ]; do
		[ -e "$1" ] && return 0
		usleep 50000
		i=$((i + 1))
	done
	return 1
}

wait_gone() {	# PID (not a child): poll for up to 30 s
	local i=0
	while [ $i -lt 600 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		usleep 50000
		i=$((i + 1))
	done
	return 1
}

# lines FILE...: the numbered lines ("%08d %240d", 250 bytes with the
# newline) of the files in order, and the END line, summed up as
#   lines L gap G skip S bad B first F last P endn E ends C
# gap: numbers missing before a file's first line (from 1 for the first
# file); skip: numbers missing within a file (output lost while attached);
# bad: a line of another form, a repeated or decreasing number.
lines() {
	awk '
	FNR == 1 { newfile = 1 }
	/^END / { endn = $2; ends++; next }
	{
		# $2: busybox awk reads 00000008 as (bad) octal
		if (length($0) != 249 || $2 !~ /^[1-9][0-9]*$/ ||
		    sprintf("%08d", $2) != $1) {
			bad++; next
		}
		n = $2 + 0
		if (!L) first = n
		want = L ? prev + 1 : 1
		if (n > want && newfile) gap += n - want
		else if (n > want) skip += n - want
		else if (n < want) bad++
		newfile = 0; prev = n; L++
	}
	END { printf "lines %d gap %d skip %d bad %d first %d last %d endn %d ends %d\n",
		L, gap, skip, bad, first, prev, endn, ends }' "$@"
}

status() {	# MODULE: its control file's status line
	cat $DFS/$1/control 2>&1
}

uname -r > $R/uname

# ---- 1. the in-memory flight recorder: -L, then -A/SIGQUIT x 10 ----
d=$R/rec
mkdir -p $d
$SR -L -b 1 $K/fl_rec.ko > $d/L.out 2> $d/L.err
echo $? > $d/L.rc
status fl_rec > $d/L.status
sleep 5				# ~2 MB printed into 1 MB
i=1
while [ $i -le 10 ]; do
	timeout -s KILL 60 $SR -A fl_rec > $d/out.$i 2> $d/err.$i &
	p=$!
	wait_for $d/out.$i '^0'
	if [ $i = 1 ]; then
		# A second staprun cannot attach, nor -d unload it meanwhile.
		$SR -A fl_rec > $d/second.out 2> $d/second.err
		echo $? > $d/second.rc
		$SR -d fl_rec > $d/dbusy.out 2> $d/dbusy.err
		echo $? > $d/dbusy.rc
		status fl_rec > $d/attached.status
	fi
	usleep 300000
	kill -QUIT $p
	wait $p
	echo "$i $?" >> $d/cycles.rc
	# Odd cycles stay away long enough for the buffer to overflow.
	if [ $((i % 2)) = 1 ]; then sleep 3; else usleep 300000; fi
	i=$((i + 1))
done
status fl_rec > $d/detached.status
loaded fl_rec > $d/module.detached
timeout -s KILL 60 $SR -A fl_rec > $d/out.final 2> $d/err.final &
p=$!
wait_for $d/out.final '^0'
usleep 300000
kill -INT $p
wait $p
echo $? > $d/final.rc
loaded fl_rec > $d/module
lines $d/out.1 $d/out.2 $d/out.3 $d/out.4 $d/out.5 $d/out.6 $d/out.7 \
	$d/out.8 $d/out.9 $d/out.10 $d/out.final > $d/lines
wc -c < $d/out.1 > $d/bytes.1
cat $d/err.* > $d/errs
grep -c '^To reconnect, type "staprun -A fl_rec"$' $d/errs > $d/reconnects
rm -f $d/out.*

# ---- 2. SIGKILL of an attached staprun; -A takes over, -d cleans up ----
d=$R/kill
mkdir -p $d
timeout -s KILL 60 $SR $K/fl_kill.ko > $d/out1 2> $d/err1 &
p=$!
wait_for $d/out1 '^0'
kill -KILL $p
wait $p
sleep 1
status fl_kill > $d/status1
loaded fl_kill > $d/module1
timeout -s KILL 60 $SR -A fl_kill > $d/out2 2> $d/err2 &
p=$!
wait_for $d/out2 '^0'
usleep 300000
kill -INT $p
wait $p
echo $? > $d/rc2
loaded fl_kill > $d/module2
lines $d/out2 > $d/lines2

timeout -s KILL 60 $SR $K/fl_kill.ko > $d/out3 2> $d/err3 &
p=$!
wait_for $d/out3 '^0'
kill -KILL $p
wait $p
usleep 500000
$SR -d fl_kill > $d/dout 2> $d/derr
echo $? > $d/drc
loaded fl_kill > $d/module3
rm -f $d/out1 $d/out3

# ---- 3. -L twice, -d '*' ----
d=$R/dall
mkdir -p $d
$SR -L $K/fl_l1.ko 2> $d/l1.err; echo $? > $d/l1.rc
$SR -L $K/fl_l2.ko 2> $d/l2.err; echo $? > $d/l2.rc
$SR -L $K/fl_l1.ko 2> $d/again.err; echo $? > $d/again.rc
echo "$(loaded fl_l1) $(loaded fl_l2)" > $d/before
$SR -d '*' > $d/out 2> $d/err; echo $? > $d/rc
echo "$(loaded fl_l1) $(loaded fl_l2)" > $d/after
$SR -d fl_l1 > $d/none.out 2> $d/none.err; echo $? > $d/none.rc

# ---- 4. file mode: -D -o FILE -S 1,3, SIGUSR2, SIGTERM ----
d=$R/file
mkdir -p $d/f
$SR -D -o $d/f/out -S 1,3 $K/fl_file.ko > $d/pid 2> $d/err
echo $? > $d/rc
p=$(cat $d/pid)
cat /proc/$p/comm > $d/comm 2>&1
wait_file $d/f/out.3
usleep 200000
kill -USR2 $p
wait_file $d/f/out.4
usleep 300000
kill -TERM $p
wait_gone $p
echo $? > $d/gone
loaded fl_file > $d/module
(cd $d/f && ls) > $d/files
for f in $d/f/out.*; do
	echo "${f##*/} $(wc -c < $f) $(lines $f)"
done > $d/sizes
lines $d/f/out.2 $d/f/out.3 $d/f/out.4 > $d/lines
rm -rf $d/f

# SIGUSR2 with a slow script in the foreground
d=$R/usr2
mkdir -p $d/f
timeout -s KILL 60 $SR -o $d/f/u -S 1,2 $K/fl_slow.ko > $d/out 2> $d/err &
p=$!
wait_for $d/f/u.0 '^0'
kill -USR2 $p
wait_for $d/f/u.1 '^0'
kill -USR2 $p
wait_for $d/f/u.2 '^0'
kill -INT $p
wait $p
echo $? > $d/rc
(cd $d/f && ls) > $d/files
lines $d/f/u.1 $d/f/u.2 > $d/lines
rm -rf $d/f

# ---- 5. stap -F: in memory, then -o FILE (strftime) in the background ----
d=$R/stapF
mkdir -p $d
if [ -x $TREE/translator/stap ]; then
	XDG_CACHE_HOME=$TREE/cache timeout -s KILL 120 $TREE/translator/stap -F \
		-m fl_stap -e "$(cat $TREE/stap.stp)" > $d/out 2> $d/err
	echo $? > $d/rc
	loaded fl_stap > $d/module1
	sleep 1
	timeout -s KILL 60 $SR -A fl_stap > $d/aout 2> $d/aerr &
	p=$!
	wait_for $d/aout '^0'
	kill -INT $p
	wait $p
	echo $? > $d/arc
	loaded fl_stap > $d/module2
	lines $d/aout > $d/alines
	rm -f $d/aout

	mkdir -p $d/f
	XDG_CACHE_HOME=$TREE/cache timeout -s KILL 120 $TREE/translator/stap -F \
		-o "$d/f/sf-%Y" -S 1,2 -m fl_stap -e "$(cat $TREE/stap.stp)" \
		> $d/bout 2> $d/berr
	echo $? > $d/brc
	p=$(tail -1 $d/bout)
	wait_for $d/f/sf-$(date +%Y).0 '^0'
	usleep 300000
	kill -TERM $p
	wait_gone $p
	echo $? > $d/bgone
	loaded fl_stap > $d/module3
	(cd $d/f && ls) > $d/bfiles
	lines $d/f/sf-* > $d/blines
	rm -rf $d/f
fi

cut -d' ' -f1 /proc/modules | grep -E '^fl_' > $R/modules.left
dmesg > $R/dmesg.txt
grep -E 'BUG:|Oops|WARNING:|general protection|Call Trace' $R/dmesg.txt > $R/dmesg.bad
# (but for the kernel's taint notes on the first out-of-tree module)
grep -E 'fl_|stapc' $R/dmesg.txt | grep -vE 'taints kernel|module verification failed' > $R/dmesg.fl
rm -f $R/dmesg.txt

print_results $R
