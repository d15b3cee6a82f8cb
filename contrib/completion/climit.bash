# bash completion for climit(1). Installed as share/bash-completion/completions/climit.
_climit() {
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
	fi
	local sub="" i
	# The subcommand, if any, is the first word; after "--" (or the command) climit is done.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--) _climit_command $((i + 1)); return ;;
		run|top|ls|stats|gc|set|kill|freeze|thaw|wait|attach|doctor|export|plot|replay|fit|sweep) [ $i = 1 ] && sub=${words[i]} ;;
		esac
	done
	if [ "$sub" = fit ] || [ "$sub" = sweep ]; then
		case $prev in
		--emit) COMPREPLY=($(compgen -W "climit systemd kubernetes docker slurm" -- "$cur")); return ;;
		--plot) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--record) COMPREPLY=($(compgen -d -- "$cur")); return ;;
		--prepare) COMPREPLY=($(compgen -c -- "$cur")); return ;;
		--slowdown|--runs|--margin|--budget|--timeout) return ;;
		--cpu|-c) [ "$sub" = sweep ] && { COMPREPLY=($(compgen -W "25%,50%,100%,200%" -- "$cur")); return; } ;;
		--mem|-m) [ "$sub" = sweep ] && { COMPREPLY=($(compgen -W "64M,128M,256M,512M" -- "$cur")); return; } ;;
		--pids|-p) [ "$sub" = sweep ] && { COMPREPLY=($(compgen -W "10,100,1000" -- "$cur")); return; } ;;
		esac
		if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$(_climit_opts "$sub")" -- "$cur"))
		else COMPREPLY=($(compgen -c -- "$cur")); fi
		return
	fi
	if [[ $cur == --report=* ]]; then COMPREPLY=($(compgen -W "--report=text --report=json" -- "$cur")); return; fi
	if [ "$prev" = = ] && [ "${words[cword-2]}" = --report ]; then COMPREPLY=($(compgen -W "text json" -- "$cur")); return; fi
	case $prev in
	--mem|--mem-high|--swap) COMPREPLY=($(compgen -W "64M 100M 256M 512M 1G 2G max" -- "$cur")); return ;;
	--pids) COMPREPLY=($(compgen -W "50 100 1000 max" -- "$cur")); return ;;
	--cpu) COMPREPLY=($(compgen -W "25% 50% 100% 150% 1.5 max" -- "$cur")); return ;;
	--cpu-weight|--name|--timeout|--hostname|--env|--delay|-d|--iterations|-n|--prometheus|--speed|--title) return ;;
	--record-interval) COMPREPLY=($(compgen -W "10ms 50ms 100ms 1s" -- "$cur")); return ;;
	--record|--replay|--report-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--format|-f) COMPREPLY=($(compgen -W "csv json openmetrics" -- "$cur")); return ;;
	--output|-o) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--size) COMPREPLY=($(compgen -W "1200x900 900x600 1600x1200" -- "$cur")); return ;;
	--cpus) COMPREPLY=($(compgen -W "0 0-$(($(nproc 2>/dev/null || echo 1) - 1))" -- "$cur")); return ;;
	--ns) COMPREPLY=($(compgen -W "pid mount uts ipc net cgroup user pid,mount,uts,ipc,net,cgroup" -- "$cur")); return ;;
	--cap-drop|--cap-add)
		COMPREPLY=($(compgen -W "all chown dac_override fowner fsetid kill setgid setuid setpcap net_bind_service
			net_raw net_admin sys_chroot sys_admin sys_ptrace sys_nice sys_resource mknod audit_write setfcap" -- "$cur"))
		return ;;
	--rootfs|--overlay-keep|--cwd) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--rootfs-tar|--prometheus-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	# [WHERE=]RATE: the WHERE is a path or a block device.
	--io-read-bps|--io-write-bps|--io-read-iops|--io-write-iops|--io-weight)
		compopt -o nospace 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--uid) COMPREPLY=($(compgen -u -- "$cur")); return ;;
	--gid) COMPREPLY=($(compgen -g -- "$cur")); return ;;
	--seccomp) COMPREPLY=($(compgen -W "default unconfined" -- "$cur") $(compgen -f -X '!*.json' -- "$cur")); return ;;
	--seccomp-allow|--seccomp-deny) return ;;
	--parent) return ;;
	--pid) COMPREPLY=($(compgen -W "$(ps -eo pid= 2>/dev/null)" -- "$cur")); return ;;
	--signal|-s) COMPREPLY=($(compgen -W "TERM KILL HUP INT QUIT USR1 USR2 STOP CONT" -- "$cur")); return ;;
	--cgroup-manager) COMPREPLY=($(compgen -W "auto systemd cgroupfs" -- "$cur")); return ;;
	esac
	local opts; opts=$(_climit_opts "$sub")
	case $sub in
	stats|set|kill|freeze|thaw|wait|attach)
		# Words after the subcommand that are not options: the first is the container.
		local n=0
		for ((i = 2; i < cword; i++)); do
			[[ ${words[i]} == -* ]] || [[ ${words[i-1]} == --@(mem|mem-high|swap|pids|cpu|cpu-weight|cpus|io-*|signal|timeout|delay|parent) ]] || n=$((n + 1))
		done
		if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		elif [ $n = 0 ]; then COMPREPLY=($(compgen -W "$(_climit_names)" -- "$cur"))
		elif [ "$sub" = kill ]; then COMPREPLY=($(compgen -W "TERM KILL HUP INT QUIT USR1 USR2 STOP CONT" -- "$cur"))
		elif [ "$sub" = attach ]; then COMPREPLY=($(compgen -W "$(ps -eo pid= 2>/dev/null)" -- "$cur")); fi ;;
	export|plot|replay)
		if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		else COMPREPLY=($(compgen -f -X '!*.jsonl' -- "$cur") $(compgen -d -- "$cur")); fi ;;
	top|ls|gc|doctor) COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
	*)
		if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		elif [ "$cword" = 1 ]; then COMPREPLY=($(compgen -W "run top ls stats gc set kill freeze thaw wait attach doctor export plot replay fit sweep" -- "$cur") $(compgen -c -- "$cur"))
		else COMPREPLY=($(compgen -c -- "$cur")); fi ;;
	esac
}
# SUB's options (none: climit run's), from the climit being completed.
_climit_opts() {
	local climit=${COMP_WORDS[0]}
	[ "$climit" = climit ] || [ -x "$climit" ] || climit=climit
	if [ -z "$1" ] || [ "$1" = run ]; then "$climit" --completion-helper 2>/dev/null
	else "$climit" "$1" --completion-helper 2>/dev/null; fi
}
# The running containers: the records of root's or this user's climits.
_climit_names() {
	local dir=${CLIMIT_RUNTIME_DIR:-}
	if [ -z "$dir" ]; then
		if [ "$(id -u)" = 0 ]; then dir=/run/climit; else dir=${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/climit; fi
	fi
	ls "$dir" 2>/dev/null
}
# After "--": complete the workload's command, then its arguments as files.
_climit_command() {
	local start=$1
	if [ "$COMP_CWORD" -eq "$start" ]; then COMPREPLY=($(compgen -c -- "${COMP_WORDS[COMP_CWORD]}"))
	else COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")); fi
}
complete -F _climit climit
