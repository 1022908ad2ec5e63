# SPDX-License-Identifier: GPL-2.0
# bash completion for tcpsm(8): commands, their options, state names,
# families and config keys. Installed as
# $(PREFIX)/share/bash-completion/completions/tcpsm.

_tcpsm_states="CLOSED LISTEN SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT"
_tcpsm_keys="closewait.count= closewait.age= closewait.window= synflood.raise= synflood.clear= synflood.duration="

_tcpsm()
{
	local cur prev words cword cmd opts i
	_init_completion -n = || return

	cmd=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "stats events top closewait listeners latency alerts exporter config help --help --version" -- "$cur"))
		return
	fi

	case $cmd in
	stats)		opts="--all-netns --json --help" ;;
	events)
		case $prev in
		-s | --state) COMPREPLY=($(compgen -W "$_tcpsm_states" -- "$cur")); return ;;
		-f | --family) COMPREPLY=($(compgen -W "inet inet6" -- "$cur")); return ;;
		-p | --port | -n | --count) return ;;
		esac
		opts="--all-netns --state --port --family -4 -6 --count --json --help" ;;
	top)
		case $prev in
		-d | --delay | -n | --iterations) return ;;
		esac
		opts="--delay --iterations --batch --ascii --time-in-state --help" ;;
	latency)
		case $prev in
		-s | --state) COMPREPLY=($(compgen -W "$_tcpsm_states" -- "$cur")); return ;;
		-p | --port) return ;;
		esac
		opts="--state --port --histogram --all-netns --json --help" ;;
	closewait | listeners)	opts="--all-netns --json --help" ;;
	exporter)
		case $prev in
		-l | --listen) return ;;
		esac
		opts="--listen --all-netns --help" ;;
	alerts)
		case $prev in
		-e | --exec) COMPREPLY=($(compgen -c -- "$cur")); return ;;
		esac
		opts="--all-netns --json --exec --help" ;;
	config)
		if [[ $prev == config ]]; then
			COMPREPLY=($(compgen -W "get set --help" -- "$cur"))
			return
		fi
		if [[ " ${words[*]} " == *" set "* ]]; then
			compopt -o nospace
			COMPREPLY=($(compgen -W "$_tcpsm_keys" -- "$cur"))
			return
		fi
		opts="--json --help" ;;
	help)
		COMPREPLY=($(compgen -W "stats events top closewait listeners latency alerts exporter config" -- "$cur"))
		return ;;
	*)	return ;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _tcpsm tcpsm
