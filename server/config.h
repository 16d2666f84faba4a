/* config.h - deskd configuration from defaults, a file, the environment and the command line. */
#ifndef DESKD_CONFIG_H
#define DESKD_CONFIG_H

#include <stdbool.h>

struct config {
	char *listen;   /* "host:port" */
	char *db;       /* libpq connection string; "" uses libpq's PG* environment defaults */
	char *log_file; /* NULL: stderr */
	int log_level;  /* enum log_level */
	int db_pool;    /* pool connections */
	int max_sessions;
	bool demo; /* load demo data into an empty database */
};

void config_defaults(struct config *cfg);
/* Read "key = value" lines; returns -1 with a message on stderr on error. */
int config_load_file(struct config *cfg, const char *path);
/* DESKD_DB, DESKD_LISTEN, DESKD_LOG_LEVEL, DESKD_DB_POOL. */
int config_load_env(struct config *cfg);
/* Apply one setting by its file key; returns -1 if the key or value is invalid. */
int config_set(struct config *cfg, const char *key, const char *value);
void config_free(struct config *cfg);

#endif
