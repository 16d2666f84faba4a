/* log.c - levelled, timestamped logging. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static enum log_level cur_level = LOG_INFO;
static FILE *log_fp;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level log_get_level(void)
{
	return cur_level;
}

int log_parse_level(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

void log_set_file(const char *path)
{
	if (log_fp != NULL)
		fclose(log_fp);
	log_fp = path != NULL ? fopen(path, "a") : NULL;
	if (log_fp != NULL)
		setvbuf(log_fp, NULL, _IOLBF, 0);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	FILE *fp = log_fp != NULL ? log_fp : stderr;
	struct timeval tv;
	struct tm tm;
	char stamp[32];
	va_list ap;

	if (level > cur_level)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(fp, "%s.%03ld %-5s ", stamp, (long)tv.tv_usec / 1000, level_names[level]);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
}
