#!/bin/sh
# guest.sh - the VM side of bench/run-kernel-bench (busybox sh).
#
#   sh /b/guest.sh N BATCHES ROUNDS CONFIG...
#
# with /b/readloop, /b/staprun, /b/ko/stapc_hello.ko and /b/ko/NAME.ko.
# Each CONFIG is "A" (nothing loaded), "B" (stapc_hello.ko, a raw kprobe
# counting hits) or "X:NAME" (the stap module NAME.ko run by staprun).
# ROUNDS rounds, each running every CONFIG once in the order given, each
# run timing BATCHES batches of N one-byte reads.  Prints, per run,
#   T CONFIG ROUND NS	one line per batch
#   H CONFIG ROUND HITS	the probe's hits during the run (B, X)
#   O CONFIG ROUND LINE	staprun's output (X)
#   E CONFIG ROUND WHAT	something went wrong
D=/sys/kernel/debug/stapc
n=$1 batches=$2 rounds=$3
shift 3

timed() {	# CONFIG ROUND
	/b/readloop $n $batches > /tmp/rl 2>&1 || echo "E $1 $2 readloop failed: $(cat /tmp/rl)"
	sed -n "s/^ns /T $1 $2 /p" /tmp/rl
}

wait_running() {	# NAME
	local i=0
	while [ $i -lt 500 ]; do
		grep -q 'state=running' $D/$1/control 2>/dev/null && return 0
		usleep 20000
		i=$((i + 1))
	done
	return 1
}

r=1
while [ $r -le $rounds ]; do
	for cfg in "$@"; do
		case $cfg in
		A)
			timed A $r
			;;
		B)
			if ! insmod /b/ko/stapc_hello.ko > /tmp/ins 2>&1; then
				echo "E B $r insmod failed: $(cat /tmp/ins)"
				continue
			fi
			h0=$(cat /sys/module/stapc_hello/parameters/hits)
			timed B $r
			h1=$(cat /sys/module/stapc_hello/parameters/hits)
			echo "H B $r $((h1 - h0))"
			rmmod stapc_hello || echo "E B $r rmmod failed"
			;;
		*:*)
			c=${cfg%%:*} m=${cfg#*:}
			/b/staprun /b/ko/$m.ko > /tmp/out 2>&1 &
			pid=$!
			if ! wait_running $m; then
				echo "E $c $r $m never reached state=running"
				kill -TERM $pid
				wait $pid
				sed "s/^/O $c $r /" /tmp/out
				continue
			fi
			timed $c $r
			kill -INT $pid
			wait $pid
			rc=$?
			[ $rc = 0 ] || echo "E $c $r staprun exit status $rc"
			sed "s/^/O $c $r /" /tmp/out
			sed -n "s/^hits=/H $c $r /p" /tmp/out
			[ -e /sys/module/$m ] && echo "E $c $r $m still loaded"
			;;
		esac
	done
	r=$((r + 1))
done
echo "done"
