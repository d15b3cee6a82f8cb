/* Test helper: prints its real/effective/saved/fs uids and gids and its effective capability
 * mask, one line: "uid R E S F gid R E S F capeff HEX". Made setuid-root by the isolation tests
 * to show that --uid cannot be undone by a setuid binary. */
#include <stdio.h>
#include <string.h>

int main(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256], uid[256] = "", gid[256] = "", cap[256] = "";
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "Uid:", 4) == 0)
			snprintf(uid, sizeof uid, "%s", line + 5);
		else if (strncmp(line, "Gid:", 4) == 0)
			snprintf(gid, sizeof gid, "%s", line + 5);
		else if (strncmp(line, "CapEff:", 7) == 0)
			snprintf(cap, sizeof cap, "%s", line + 8);
	}
	for (char *p = uid; *p; p++)
		if (*p == '\t')
			*p = ' ';
	for (char *p = gid; *p; p++)
		if (*p == '\t')
			*p = ' ';
	printf("uid %s gid %s capeff %s\n", uid, gid, cap);
	return 0;
}
