/* migrate.h - bring the database schema up to date at start-up. */
#ifndef DESKD_MIGRATE_H
#define DESKD_MIGRATE_H

#include <stdbool.h>

/* Apply the embedded sql/ migrations not yet recorded, then (demo) load demo data into an
 * empty database. Runs before the event loop starts, on its own blocking connection; refuses
 * a database whose schema is newer than this deskd. Returns 0 or -1 (logged). */
int migrate_run(const char *conninfo, bool demo);

/* The newest schema version this binary knows. */
int migrate_latest(void);

#endif
