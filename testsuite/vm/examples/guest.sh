#!/bin/sh
# guest.sh - the VM side of testsuite/vm/examples/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN
#
# /t/ko/ex_NAME.ko are the examples' modules.  Each runs through the real
# staprun with a workload (-c); its stdout, stderr and exit status go to
# /tmp/res/NAME.{out,err,rc}, printed at the end as "@@@ NAME.x", the
# content, "@@@." for the host to check.
. "${0%/*}/guest-lib.sh"
SR=$1
K=/t/ko
R=/tmp/res
mkdir -p $R
ip link set lo up

run() {	# NAME CMD [KO]: staprun -c CMD on ex_KO.ko (KO: NAME), at most 90 s
	[ -f $K/ex_${3:-$1}.ko ] || return
	timeout -s INT 90 $SR -c "$2" $K/ex_${3:-$1}.ko > $R/$1.out 2> $R/$1.err
	echo $? > $R/$1.rc
}

mkdir -p /tmp/data
echo "hello, file" > /tmp/data/hello.txt
ls -i /tmp/data/hello.txt > $R/hello.ino

run tcp_handshake "exec sh /t/tcpwl.sh"
run nettop "exec sh /t/tcpwl.sh"
run socket_summary "exec sh /t/tcpwl.sh"
run iotop "exec dd if=/dev/zero of=/dev/null bs=1024 count=300 2>/dev/null"
run disk_latency_none "exec cat /tmp/data/hello.txt > /dev/null" disk_latency
[ -f /t/brd.ko ] && insmod /t/brd.ko rd_nr=1 rd_size=1024
run disk_latency "dd if=/dev/zero of=/dev/ram0 bs=4k count=32 oflag=direct 2>/dev/null; dd if=/dev/ram0 of=/dev/null bs=4k count=48 iflag=direct 2>/dev/null"
run pagefault_hist "exec ls -R /t > /dev/null"
run pagefault_alias "exec ls /t > /dev/null"
run sigmon 'exec sh -c "sleep 5 & usleep 300000; kill -TERM \$!; wait"'
run proc_lifetime 'exec sh -c "ls / > /dev/null; exit 3"'
run kmalloc_top 'exec sh -c "for i in 1 2 3; do ls / > /dev/null; done"'
run mmap_trace "exec ls / > /dev/null"
run file_opens "exec cat /tmp/data/hello.txt > /dev/null"
run task_state "exec sleep 1"
# the kernel's own trace of kmem:kmalloc alongside, for vm.kmalloc's
# caller_function and gfp_flag_name: "FUNCTION FLAGS" of sh processes
TR=/sys/kernel/debug/tracing
echo 1 > $TR/events/kmem/kmalloc/enable 2>/dev/null
run aliases "exec sh /t/aliaswl.sh"
echo 0 > $TR/events/kmem/kmalloc/enable 2>/dev/null
sed -n 's/^ *sh-[0-9]* .* call_site=\([^+ ]*\)[+ ].* gfp_flags=\([^ ]*\).*/\1 \2/p' $TR/trace | sort -u > $R/kmtrace.out
ls -i /tmp/data/copy.txt > $R/copy.ino
# the seed notes' vfs examples; the timer.s(3) ones need the workload to
# outlive their first report
DD500='dd if=/dev/zero of=/dev/null bs=1 count=500 2>/dev/null'
run vfs_read_stats "exec dd if=/dev/zero of=/dev/null bs=512 count=100 2>/dev/null"
run vfs_reads_top10 "exec sh -c '$DD500; sleep 4'"
run vfs_read_count_pid "exec sh -c '$DD500; sleep 4'"
run device_multi_index "exec sh -c 'echo hi > /tmp/data/x; sleep 4'"
run read_performed "exec sleep 10"
run vfs_read_write_count "exec sh -c '$DD500; sleep 6'"
run vfs_reads_foreach "exec sh -c '$DD500; sleep 4'"
run vfs_reads_kb "exec sh -c 'dd if=/dev/zero of=/dev/null bs=1 count=1500 2>/dev/null; sleep 4'"
run vfs_reads_totals "exec sh -c '$DD500; sleep 4'"
# stderr closed: dd's report fails before reaching vfs_write
run vfs_write_extractors "exec sh -c 'dd if=/dev/zero of=/dev/null bs=100 count=7 2>&-; sleep 6'"
run vfs_read_parms "exec sleep 1"
# the examples with no workload of their own (general/ and the rest)
run assoc_array "exec true"
run loops "exec true"
run probe_and_function "exec sleep 3"
run timer_hello "exec sleep 6"
# busybox cat uses sendfile: dd's four read()s (12 bytes, bs=4) reach vfs_read
run function_args "exec sh -c 'dd if=/tmp/data/hello.txt of=/dev/null bs=4 2>/dev/null; sleep 3'"
run jiffies_hz "exec sleep 15"
run irq_count "exec sh -c 'for i in 1 2 3; do echo irq-count > /dev/console; done; sleep 6'"
run vfs_reads_delete "exec sh -c '$DD500; sleep 7'"
run vfs_reads_stapio "exec sleep 20"
run vfs_read_parms_deep "exec sleep 1"
run vfs_read_parms_struct "exec sleep 1"
run thread_times "exec sleep 3"
run ext3_functions "exec sh -c 'echo tmpfs > /tmp/data/shm.txt'"
run socket_functions "exec sh -c 'sh /t/tcpwl.sh; sleep 6'"
run tcp_packet_check "exec sh /t/tcpwl.sh"

# the flight recorder: loaded and left running, three processes exit,
# then staprun -A shows what the buffer kept; Ctrl-C (SIGINT) ends it
if [ -f $K/ex_flight_recorder.ko ]; then
	$SR -L $K/ex_flight_recorder.ko > $R/flight_L.out 2> $R/flight_L.err
	echo $? > $R/flight_L.rc
	for i in 1 2 3; do sh -c 'echo $$; exit 3' >> $R/flight_pids.out; done
	timeout -s KILL 60 $SR -A ex_flight_recorder > $R/flight_recorder.out \
		2> $R/flight_recorder.err &
	p=$!
	sleep 1
	kill -INT $p
	wait $p
	echo $? > $R/flight_recorder.rc
	grep -c '^ex_flight_recorder ' /proc/modules > $R/flight_left.out
fi

print_results $R
