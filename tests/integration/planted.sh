# Files climit writes as root, in a sticky directory others can write to (/tmp), where another
# user planted a link or a file first. climit behaves as fs.protected_symlinks=1 and
# protected_regular=1 would, whatever the host's settings: such a link is never followed and such
# a file never written, with one line naming the path and its owner, exit 125. Every writer is
# tried: --record, top --record, export -o, plot -o, top --prometheus-file, --report-file.

# Run a command as nobody (the other user).
_as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

# A sticky world-writable directory like /tmp, and a recording to export and plot.
_sticky() {
	local d; d=$(mktemp -d /tmp/climit-test-sticky.XXXXXX) || return 1
	chmod 1777 "$d"
	echo "$d"
}

# Writer W with output PATH: prints climit's stderr; exit status climit's.
_write_with() {
	local w=$1 path=$2 rec=$3
	case $w in
	record) "$CLIMIT" --name climit-test-plant --record "$path" -- touch "$rec.ran" 2>&1 >/dev/null ;;
	top-record) "$CLIMIT" top -b -n 1 --record "$path" 2>&1 >/dev/null ;;
	export) "$CLIMIT" export "$rec" -o "$path" 2>&1 >/dev/null ;;
	plot) "$CLIMIT" plot "$rec" -o "$path" 2>&1 >/dev/null ;;
	prometheus) "$CLIMIT" top -b -n 1 --prometheus-file "$path" 2>&1 >/dev/null ;;
	report-file) "$CLIMIT" --name climit-test-plant --report-file "$path" -- touch "$rec.ran" 2>&1 >/dev/null ;;
	esac
}
_opt_of() {
	case $1 in record | top-record) echo --record ;; export | plot) echo -o ;; prometheus) echo --prometheus-file ;;
	report-file) echo --report-file ;; esac
}
PLANT_WRITERS="record top-record export plot prometheus report-file"

_planted_setup() { # sets d, rec, secret
	command -v setpriv >/dev/null || { skip "setpriv (util-linux) not installed"; return 1; }
	id nobody >/dev/null 2>&1 || { skip "no user nobody to plant files"; return 1; }
	d=$(_sticky) || { fail "no temporary directory"; return 1; }
	rec=$(mktemp /tmp/climit-test-rec.XXXXXX) && rm -f "$rec"
	"$CLIMIT" --name climit-test-plantrec --record "$rec" --record-interval 20ms -- sleep 0.2 2>/dev/null ||
		{ fail "cannot record"; return 1; }
	secret=$(mktemp /root/climit-test-secret.XXXXXX) || { fail "no secret file"; return 1; }
	echo SECRET >"$secret"; chmod 600 "$secret"
}
_planted_cleanup() { rm -rf "$d" "$rec" "$rec.ran" "$secret" /tmp/climit-test-dangling-*; }

# A link planted by nobody: to a root-only file, dangling (it would choose a file root creates),
# to a device. Each writer refuses it, names the path and the owner, and writes nothing.
test_planted_links_are_never_followed() {
	local d rec secret bad="" w kind out rc path
	_planted_setup || return
	for w in $PLANT_WRITERS; do
		for kind in secret dangling device; do
			path=$d/out-$w-$kind; [ "$w" = plot ] && path=$path.png
			case $kind in
			secret) _as_nobody ln -s "$secret" "$path" ;;
			dangling) _as_nobody ln -s "/tmp/climit-test-dangling-$w" "$path" ;;
			device) _as_nobody ln -s /dev/null "$path" ;;
			esac
			out=$(_write_with "$w" "$path" "$rec"); rc=$?
			local want="climit: $(_opt_of "$w"): \"$path\": a symbolic link of nobody (uid 65534) in a sticky directory others can write to: not followed"
			[ "$rc" = 125 ] && [ "$out" = "$want" ] || bad+=" [$w via $kind link: $rc '$out']"
			[ -L "$path" ] || bad+=" [$w: the $kind link was replaced]"
		done
		[ "$(cat "$secret")" = SECRET ] && [ "$(stat -c %a "$secret")" = 600 ] || bad+=" [$w changed the root-only file]"
		[ ! -e "/tmp/climit-test-dangling-$w" ] || bad+=" [$w created the dangling link's file]"
		[ -c /dev/null ] || bad+=" [$w replaced /dev/null]"
		echo SECRET >"$secret"
	done
	[ ! -e "$rec.ran" ] || bad+=" [record: the command ran]"
	local left; left=$(ls -A "$d" | grep -v '^out-' || true)
	[ -z "$left" ] || bad+=" [left in the directory: $left]"
	[ -z "$(cg_leftovers climit-test-plant)" ] || bad+=" [group left]"
	_planted_cleanup
	[ -z "$bad" ] && pass || fail "$bad"
}

# A regular file (or FIFO) planted by nobody: not written in place, not replaced (its owner
# would read what climit wrote, or lose the file), not truncated.
test_planted_files_are_never_written() {
	local d rec secret bad="" w out rc path
	_planted_setup || return
	for w in $PLANT_WRITERS; do
		path=$d/theirs-$w; [ "$w" = plot ] && path=$path.png
		_as_nobody sh -c "echo theirs >'$path'"
		out=$(_write_with "$w" "$path" "$rec"); rc=$?
		local want="climit: $(_opt_of "$w"): \"$path\": a file of nobody (uid 65534) in a sticky directory others can write to: not written"
		[ "$rc" = 125 ] && [ "$out" = "$want" ] || bad+=" [$w: $rc '$out']"
		[ "$(cat "$path")" = theirs ] && [ "$(stat -c %U "$path")" = nobody ] || bad+=" [$w wrote their file: $(stat -c %U "$path") $(head -c 20 "$path")]"
	done
	_as_nobody mkfifo "$d/fifo"
	out=$(timeout 10 "$CLIMIT" export "$rec" -o "$d/fifo" 2>&1); rc=$?
	[ "$rc" = 125 ] && [[ $out == *"a FIFO of nobody"*"not written" ]] || bad+=" [export into their FIFO: $rc '$out']"
	# A directory on the way that is their link: not followed either.
	mkdir -m 700 /root/climit-test-dir.$$ && _as_nobody ln -s /root/climit-test-dir.$$ "$d/sub"
	out=$("$CLIMIT" export "$rec" -o "$d/sub/x.csv" 2>&1); rc=$?
	[ "$rc" = 125 ] && [[ $out == "climit: -o: \"$d/sub/x.csv\": a symbolic link of nobody"* ]] || bad+=" [through their directory link: $rc '$out']"
	[ ! -e /root/climit-test-dir.$$/x.csv ] || bad+=" [wrote through their directory link]"
	rm -rf /root/climit-test-dir.$$
	[ ! -e "$rec.ran" ] || bad+=" [record: the command ran]"
	local left; left=$(ls -A "$d" | grep -vE '^(theirs-|fifo$|sub$)' || true)
	[ -z "$left" ] || bad+=" [left in the directory: $left]"
	_planted_cleanup
	[ -z "$bad" ] && pass || fail "$bad"
}

# What must keep working in the same directory: a new file, a file of one's own (replaced), a link
# of one's own (its file written, the link kept; a dangling one of one's own makes its file), and
# standard output.
test_planted_rules_keep_the_ordinary_cases() {
	local d rec secret bad="" w out rc path
	_planted_setup || return
	for w in $PLANT_WRITERS; do
		local x=""; [ "$w" = plot ] && x=.png
		out=$(_write_with "$w" "$d/new-$w$x" "$rec"); rc=$?
		[ "$rc" = 0 ] && [ -s "$d/new-$w$x" ] && [ "$(stat -c %U "$d/new-$w$x")" = root ] || bad+=" [$w new file: $rc '$out']"
		echo mine >"$d/mine-$w$x"
		out=$(_write_with "$w" "$d/mine-$w$x" "$rec"); rc=$?
		if [ "$w" = report-file ]; then # appended to
			[ "$rc" = 0 ] && [ "$(head -1 "$d/mine-$w$x")" = mine ] && tail -1 "$d/mine-$w$x" | jq -e '.exit_status == 0' >/dev/null ||
				bad+=" [$w own file: $rc '$out' $(cat "$d/mine-$w$x")]"
		else
			[ "$rc" = 0 ] && [ "$(head -c 4 "$d/mine-$w$x")" != mine ] && [ -s "$d/mine-$w$x" ] || bad+=" [$w own file: $rc '$out']"
		fi
		ln -s "real-$w$x" "$d/link-$w$x"
		out=$(_write_with "$w" "$d/link-$w$x" "$rec"); rc=$?
		[ "$rc" = 0 ] && [ -L "$d/link-$w$x" ] && [ -s "$d/real-$w$x" ] || bad+=" [$w own dangling link: $rc '$out' $(ls -l "$d" | tr '\n' ' ')]"
		out=$(_write_with "$w" "$d/link-$w$x" "$rec"); rc=$?
		[ "$rc" = 0 ] && [ -L "$d/link-$w$x" ] && [ -s "$d/real-$w$x" ] || bad+=" [$w own link: $rc '$out']"
		rm -f "$rec.ran"
	done
	# A link of root's own to a file of root's own elsewhere (the owner of the link counts).
	ln -s "$secret" "$d/to-secret"
	"$CLIMIT" export "$rec" -o "$d/to-secret" 2>/dev/null || bad+=" [own link to own file refused]"
	[ "$(head -c 2 "$secret")" = "t," ] || bad+=" [own link to own file not written]"
	out=$("$CLIMIT" export "$rec" | head -1)
	[[ $out == t,* ]] || bad+=" [standard output: '$out']"
	local left; left=$(ls -A "$d" | grep -vE '^(new-|mine-|link-|real-|to-secret)' || true)
	[ -z "$left" ] || bad+=" [left in the directory: $left]"
	_planted_cleanup
	[ -z "$bad" ] && pass || fail "$bad"
}

# Recordings are shared: plotting one runs nothing of it. gnuplot runs `backquoted` text inside
# double-quoted strings; the command, the labels and the output path are single-quoted data.
test_plot_runs_nothing_of_the_recording() {
	local d; d=$(_sticky) || { fail "no temporary directory"; return; }
	local mark=$d/ran-by-gnuplot
	"$CLIMIT" --name climit-test-plotq --record "$d/q.jsonl" --record-interval 20ms -- \
		sh -c ": \`touch $mark.1\` \$(touch $mark.2) \"it's\" @x; sleep 0.2" 2>/dev/null ||
		{ fail "cannot record"; rm -rf "$d"; return; }
	rm -f "$mark".*
	# (The output's name would run in gnuplot's directory: climit's, $d.)
	local out rc rc2 ok=1
	out=$(cd "$d" && "$CLIMIT" plot q.jsonl -o "q\`touch ran-by-gnuplot.4\`.svg" 2>&1); rc=$?
	out+=$(cd "$d" && "$CLIMIT" plot q.jsonl --title "\`touch $mark.3\`" -o t.svg 2>&1); rc2=$?
	local made; made=$(ls "$mark".* 2>/dev/null)
	grep -qF "touch $mark.1" "$d/q\`touch ran-by-gnuplot.4\`.svg" && grep -qF "touch $mark.3" "$d/t.svg" || ok=0
	rm -rf "$d"
	expect_eq "exit" "0 0" "$rc $rc2" || { echo "$out"; return; }
	[ -z "$made" ] || { fail "gnuplot ran a command of the recording: $made"; return; }
	[ "$ok" = 1 ] && pass || fail "the command's text is not in the chart"
}

# --overlay-keep DIR: the overlay's upper and work directories are named in the mount by path, so
# a DIR another user can write to (or owns) would let them plant a link there and have root's
# overlay write wherever it points. Refused before anything is made or mounted.
test_planted_overlay_keep_dir_is_refused() {
	command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 || { skip "no user nobody"; return; }
	local d bad="" out rc; d=$(_sticky) || { fail "no temporary directory"; return; }
	mkdir -m 755 "$d/root"
	out=$("$CLIMIT" --isolate --rootfs "$d/root" --overlay-keep "$d" -- true 2>&1); rc=$?
	[ "$rc" = 125 ] && [ "$out" = "climit: --overlay-keep: \"$d\": others can write to it (mode 1777): they could plant links in it" ] ||
		bad+=" [sticky dir: $rc '$out']"
	_as_nobody mkdir -m 755 "$d/theirs"
	out=$("$CLIMIT" --isolate --rootfs "$d/root" --overlay-keep "$d/theirs" -- true 2>&1); rc=$?
	[ "$rc" = 125 ] && [ "$out" = "climit: --overlay-keep: \"$d/theirs\": owned by uid 65534, not by you: its owner could plant links in it" ] ||
		bad+=" [their dir: $rc '$out']"
	mkdir -m 700 "$d/mine" && ln -s /root "$d/mine/upper"
	out=$("$CLIMIT" --isolate --rootfs "$d/root" --overlay-keep "$d/mine" -- true 2>&1); rc=$?
	[ "$rc" = 125 ] && [ "$out" = "climit: --overlay-keep: \"$d/mine/upper\": a symbolic link, not a directory of yours" ] ||
		bad+=" [a link as upper: $rc '$out']"
	[ ! -e "$d/theirs/upper" ] && [ ! -e "$d/mine/work" ] && [ ! -e "$d/work" ] || bad+=" [something was made]"
	grep -qF "$d" /proc/self/mountinfo && bad+=" [a mount was left]"
	rm -rf "$d"
	[ -z "$bad" ] && pass || fail "$bad"
}
