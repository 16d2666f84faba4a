/* config.c - deskd settings: defaults, then a file, then the environment, then flags. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "proto.h"
#include "util.h"

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = xasprintf("127.0.0.1:%d", PROTO_DEFAULT_PORT);
	cfg->db = xstrdup("");
	cfg->log_level = LOG_INFO;
	cfg->db_pool = 8;
	cfg->max_sessions = 1000;
}

static int set_int(int *out, const char *value, int min, int max)
{
	int64_t v;

	if (parse_i64(value, &v) != 0 || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static void set_str(char **out, const char *value)
{
	free(*out);
	*out = xstrdup(value);
}

int config_set(struct config *cfg, const char *key, const char *value)
{
	if (strcmp(key, "listen") == 0) {
		set_str(&cfg->listen, value);
	} else if (strcmp(key, "db") == 0) {
		set_str(&cfg->db, value);
	} else if (strcmp(key, "log_file") == 0) {
		set_str(&cfg->log_file, value);
	} else if (strcmp(key, "log_level") == 0) {
		int l = log_parse_level(value);
		if (l < 0)
			return -1;
		cfg->log_level = l;
	} else if (strcmp(key, "db_pool") == 0) {
		return set_int(&cfg->db_pool, value, 1, 64);
	} else if (strcmp(key, "max_sessions") == 0) {
		return set_int(&cfg->max_sessions, value, 1, 100000);
	} else if (strcmp(key, "demo") == 0) {
		cfg->demo = strcmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
		            strcmp(value, "yes") == 0;
	} else {
		return -1;
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int config_load_file(struct config *cfg, const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[4096];
	int lineno = 0, rc = 0;

	if (fp == NULL) {
		fprintf(stderr, "deskd: cannot open config %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *s = trim(line), *eq;
		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			fprintf(stderr, "deskd: %s:%d: expected key = value\n", path, lineno);
			rc = -1;
			continue;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		size_t vl = strlen(value);
		/* Allow quoting so connection strings with spaces read naturally. */
		if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
			value[vl - 1] = '\0';
			value++;
		}
		if (config_set(cfg, key, value) != 0) {
			fprintf(stderr, "deskd: %s:%d: invalid setting '%s'\n", path, lineno, key);
			rc = -1;
		}
	}
	fclose(fp);
	return rc;
}

int config_load_env(struct config *cfg)
{
	static const struct {
		const char *env, *key;
	} vars[] = {
	    {"DESKD_DB", "db"},
	    {"DESKD_LISTEN", "listen"},
	    {"DESKD_LOG_LEVEL", "log_level"},
	    {"DESKD_DB_POOL", "db_pool"},
	};
	int rc = 0;

	for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
		const char *v = getenv(vars[i].env);
		if (v != NULL && config_set(cfg, vars[i].key, v) != 0) {
			fprintf(stderr, "deskd: invalid value in %s\n", vars[i].env);
			rc = -1;
		}
	}
	return rc;
}

void config_free(struct config *cfg)
{
	free(cfg->listen);
	free(cfg->db);
	free(cfg->log_file);
}
