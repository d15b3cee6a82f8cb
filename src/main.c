/* argv -> subcommand: the commands are in src/cmd/ (one file each) and ui/ (top, ls, stats,
 * replay); this file only chooses. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>

#include "cli.h"
#include "cmds.h"
#include "ui.h"

int main(int argc, char **argv)
{
	/* A closed standard descriptor would be the next open's number: a counter file taken for
	 * "absent" at fd 0 (cgroup.c keeps 0 as "not opened"), or climit's own messages written
	 * into a cgroup file opened as fd 2. Each closed one becomes /dev/null, as sudo does. */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", O_RDWR) != fd)
			return 125;
	/* Shell completion asks `climit [CMD] --completion-helper` for CMD's options. */
	if (argc == 2 && strcmp(argv[1], "--completion-helper") == 0)
		return cli_complete(NULL, stdout) < 0;
	if (argc == 3 && strcmp(argv[2], "--completion-helper") == 0 && cli_complete(argv[1], stdout) == 0)
		return 0;
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "fit") == 0)
		return cmd_fit(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "sweep") == 0)
		return cmd_sweep(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "gc") == 0)
		return cmd_gc(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "export") == 0 || strcmp(argv[1], "plot") == 0))
		return cmd_recv(argv[1], argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "doctor") == 0)
		return cmd_doctor(argc - 1, argv + 1);
	static const char *const ctl_cmds[] = { "set", "kill", "freeze", "thaw", "wait", "attach" };
	for (size_t i = 0; argc >= 2 && i < sizeof ctl_cmds / sizeof ctl_cmds[0]; i++)
		if (strcmp(argv[1], ctl_cmds[i]) == 0)
			return cmd_ctl(ctl_cmds[i], argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "top") == 0)
		return cmd_top(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "ls") == 0)
		return cmd_ls(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "stats") == 0)
		return cmd_stats(argc - 1, argv + 1);
	return cmd_run(argc, argv);
}
