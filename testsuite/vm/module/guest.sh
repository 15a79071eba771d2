#!/bin/sh
# guest.sh - the VM side of testsuite/vm/module/run-tests (busybox sh).
#
#   sh /t/guest.sh	with /t/ko/NAME.ko, /t/plan, /t/stpcheck
#
# Each line of /t/plan is "NAME MODE ARG [PARAM...]":
#   wait   -      start, read trace and errors until EOF (the script ends
#                 itself; ARG unused)
#   exit   SECS   start, read, write "exit" after SECS seconds; the size of
#                 the trace read so far is noted half way (trace.mid)
#   late   -      start first (begin probes done), only then read
#   check  -      stpcheck DIR does the starting, reading and stopping
#   cycles N      N times: load, start, read, exit after 0.05 s, unload
#   unload -      load+unload; load, start, unload with no reader nor exit
#   unread -      start, wait until done without reading errors, unload
#   pair   NAME2  NAME and NAME2 loaded and running at the same time
#                 (results NAME.pair, NAME2.pair)
# Functions use local (busybox ash has it).  Results go to /tmp/res/NAME[.i]/FILE and are printed at the end as
# "@@@ NAME/FILE nl=0|1", the content, "@@@." (nl=0: no final newline).
. "${0%/*}/guest-lib.sh"
D=/sys/kernel/debug/stapc
R=/tmp/res
TMO=60
mkdir -p $R

load() {	# NAME RESDIR PARAM...
	local n=$1 r=$2
	shift 2
	mkdir -p $r
	insmod /t/ko/$n.ko "$@" > $r/insmod 2>&1
	echo $? >> $r/insmod
	cat $D/$n/control > $r/ctl0 2>&1
}

readers() {	# NAME RESDIR
	timeout -s TERM $TMO cat $D/$1/trace > $2/trace 2> $2/trace.err &
	TP=$!
	timeout -s TERM $TMO cat $D/$1/errors > $2/errors 2> $2/errors.err &
	EP=$!
}

finish() {	# NAME RESDIR: wait for EOF, status, unload
	wait $TP
	echo $? > $2/trace.rc
	wait $EP
	echo $? > $2/errors.rc
	cat $D/$1/control > $2/ctl
	rmmod $1 > $2/rmmod 2>&1
	echo $? >> $2/rmmod
	[ -e $D/$1 ] && echo "debugfs dir left" >> $2/rmmod
}

wait_done() {	# NAME: poll the status for up to 10 s
	local i=0
	while [ $i -lt 200 ]; do
		grep -q 'state=done' $D/$1/control && return 0
		usleep 50000
		i=$((i + 1))
	done
	return 1
}

run_one() {	# NAME MODE ARG PARAM...
	local n=$1 mode=$2 arg=$3 r i half tp1 ep1
	shift 3
	r=$R/$n
	case $mode in
	wait)
		load $n $r "$@"
		readers $n $r
		echo start > $D/$n/control
		finish $n $r
		;;
	exit)
		load $n $r "$@"
		readers $n $r
		echo start > $D/$n/control
		half=$(awk "BEGIN { print $arg / 2 }")
		sleep $half
		wc -c < $r/trace > $r/trace.mid
		sleep $half
		echo exit > $D/$n/control
		finish $n $r
		;;
	late)
		load $n $r "$@"
		echo start > $D/$n/control
		readers $n $r
		finish $n $r
		;;
	check)
		load $n $r "$@"
		/t/stpcheck $D/$n > $r/stpcheck 2>&1
		echo $? >> $r/stpcheck
		cat $D/$n/control > $r/ctl
		rmmod $n > $r/rmmod 2>&1
		echo $? >> $r/rmmod
		;;
	cycles)
		i=1
		while [ $i -le $arg ]; do
			load $n $r.$i "$@"
			readers $n $r.$i
			echo start > $D/$n/control
			usleep 50000
			echo exit > $D/$n/control
			finish $n $r.$i
			i=$((i + 1))
		done
		;;
	unload)
		load $n $r.never "$@"
		rmmod $n > $r.never/rmmod 2>&1
		echo $? >> $r.never/rmmod
		load $n $r.running "$@"
		echo start > $D/$n/control
		usleep 200000
		cat $D/$n/control > $r.running/ctl
		rmmod $n > $r.running/rmmod 2>&1
		echo $? >> $r.running/rmmod
		[ -e $D/$n ] && echo "debugfs dir left" >> $r.running/rmmod
		;;
	unread)
		load $n $r "$@"
		echo start > $D/$n/control
		wait_done $n
		echo $? > $r/done.rc
		cat $D/$n/control > $r/ctl
		rmmod $n > $r/rmmod 2>&1
		echo $? >> $r/rmmod
		;;
	pair)
		load $n $r.pair "$@"
		load $arg $R/$arg.pair
		readers $n $r.pair
		tp1=$TP ep1=$EP
		readers $arg $R/$arg.pair
		echo start > $D/$n/control
		echo start > $D/$arg/control
		usleep 300000
		echo exit > $D/$arg/control
		echo exit > $D/$n/control
		finish $arg $R/$arg.pair
		TP=$tp1 EP=$ep1
		finish $n $r.pair
		;;
	esac
}

while read -r name mode arg params; do
	[ -z "$name" ] && continue
	# shellcheck disable=SC2086
	run_one $name $mode $arg $params
done < /t/plan

dmesg > $R/dmesg.txt
grep -E 'BUG|Oops|WARNING|general protection|Call Trace' $R/dmesg.txt > $R/dmesg.bad
ls /sys/kernel/debug/stapc > $R/stapc.ls 2>&1

print_results $R
