#!/bin/sh
# work.sh - the workload of testsuite/vm/procfs (busybox sh, inside the
# VM, as pf_files.ko's staprun -c command): reads and writes its files
# under /proc/systemtap/pf_files/, each result into $1/NAME.
R=$1
D=/proc/systemtap/pf_files
cd $D || exit 1

# modes (stat %a) of every file and directory
for f in value dir dir/big dir/sub dir/sub/deep command ro count self; do
	echo "$f $(stat -c %a $f)"
done > $R/modes.out
# the value round-trips
cat value > $R/value1.out
echo hello > value
cat value > $R/value2.out
printf 'two words' > value
cat value > $R/value3.out
# a value longer than MAXSTRINGLEN, built with .= under maxsize(2000)
cat dir/big > $R/big.out
cat dir/sub/deep > $R/deep.out
# each read from offset 0 runs the probe again
cat count > $R/count.out
cat count >> $R/count.out
cat count >> $R/count.out
# $value read back in a .read probe
cat self > $R/self.out
# a write of 1200 bytes: pieces of at most MAXSTRINGLEN-1
head -c 1200 /dev/zero | tr '\0' x > command
echo stop > command
# writing a file without a .write probe, reading one without .read
if echo x > ro 2> /dev/null; then echo wrote; else echo refused; fi > $R/rowrite.out
if cat command > /dev/null 2>&1; then echo read; else echo refused; fi > $R/woread.out
ls $D | sort > $R/ls.out
