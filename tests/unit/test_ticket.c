/* test_ticket.c - the ticket vocabulary and the default priority matrix agree with
 * sql/001_schema.sql (its CHECK lists and priority_matrix rows, copied here by hand: a change
 * on either side must be made on both). */
#include <limits.h>
#include <stddef.h>

#include "check.h"
#include "ticket.h"
#include "util.h"

/* tickets.type CHECK list */
static const char *const sql_types[] = {"incident", "service_request", "information_request",
                                        "problem"};
/* tickets.status CHECK list */
static const char *const sql_statuses[] = {"new",      "open",   "pending",  "on_hold",
                                           "resolved", "closed", "cancelled"};
/* tickets.channel CHECK list */
static const char *const sql_channels[] = {"phone", "email", "walk_in", "portal", "chat"};
/* agents.role CHECK list */
static const char *const sql_roles[] = {"l1", "l2", "supervisor", "admin"};

/* INSERT INTO priority_matrix VALUES (impact, urgency, priority) */
static const int sql_matrix[][3] = {
    {1, 1, 1}, {1, 2, 2}, {1, 3, 3}, {2, 1, 2}, {2, 2, 3},
    {2, 3, 4}, {3, 1, 3}, {3, 2, 4}, {3, 3, 4},
};

static size_t table_len(const char *const *t)
{
	size_t n = 0;

	while (t[n] != NULL)
		n++;
	return n;
}

/* names[] must equal want[0..n) in order, be NULL-terminated right after, and every entry must
 * be found by name_index at its own position. */
static void check_table(const char *label, const char *const *names, const char *const *want,
                        size_t n, int enum_count)
{
	CHECKF(table_len(names) == n, "%s: %zu names, schema has %zu", label, table_len(names), n);
	CHECKF((size_t)enum_count == n, "%s: enum count %d, schema has %zu", label, enum_count, n);
	for (size_t i = 0; i < n && names[i] != NULL; i++) {
		CHECKF(strcmp(names[i], want[i]) == 0, "%s[%zu] = \"%s\", schema has \"%s\"", label,
		       i, names[i], want[i]);
		CHECKF(name_index(names, want[i]) == (int)i,
		       "name_index(%s, \"%s\") = %d, want %zu", label, want[i],
		       name_index(names, want[i]), i);
		/* Wire names pass args_enum (1..64 chars) and are plain lower-case identifiers. */
		size_t len = strlen(names[i]);
		CHECKF(len >= 1 && len <= 64 &&
		           strspn(names[i], "abcdefghijklmnopqrstuvwxyz0123456789_") == len,
		       "%s[%zu] = \"%s\" is not a wire identifier", label, i, names[i]);
	}
}

static void test_names_match_schema(void)
{
	check_table("ticket_type_names", ticket_type_names, sql_types, ARRAY_LEN(sql_types),
	            TT_COUNT);
	check_table("ticket_status_names", ticket_status_names, sql_statuses,
	            ARRAY_LEN(sql_statuses), TS_COUNT);
	check_table("ticket_channel_names", ticket_channel_names, sql_channels,
	            ARRAY_LEN(sql_channels), TC_COUNT);
	check_table("agent_role_names", agent_role_names, sql_roles, ARRAY_LEN(sql_roles),
	            ROLE_COUNT);
}

static void test_enum_positions(void)
{
	/* The enums index the tables: spot-check that each enumerator names the right word. */
	CHECK_STREQ(ticket_type_names[TT_INCIDENT], "incident");
	CHECK_STREQ(ticket_type_names[TT_PROBLEM], "problem");
	CHECK_STREQ(ticket_status_names[TS_NEW], "new");
	CHECK_STREQ(ticket_status_names[TS_ON_HOLD], "on_hold");
	CHECK_STREQ(ticket_status_names[TS_CANCELLED], "cancelled");
	CHECK_STREQ(ticket_channel_names[TC_WALK_IN], "walk_in");
	CHECK_STREQ(ticket_channel_names[TC_CHAT], "chat");
	CHECK_STREQ(agent_role_names[ROLE_SUPERVISOR], "supervisor");
	CHECK_STREQ(agent_role_names[ROLE_ADMIN], "admin");
}

static void test_labels_parallel(void)
{
	/* Display tables are indexed by the same enums, so they must be exactly as long. */
	CHECK_EQ_INT(table_len(ticket_status_short), TS_COUNT);
	CHECK_EQ_INT(table_len(ticket_type_labels), TT_COUNT);
	CHECK_STREQ(ticket_status_short[TS_PENDING], "Pend");
	CHECK_STREQ(ticket_type_labels[TT_SERVICE_REQUEST], "Service request");
	for (int i = 0; i < TS_COUNT && ticket_status_short[i] != NULL; i++)
		CHECKF(strlen(ticket_status_short[i]) <= 4,
		       "ticket_status_short[%d] = \"%s\" is wider than 4", i,
		       ticket_status_short[i]);
}

static void test_name_index_unknown(void)
{
	CHECK_EQ_INT(name_index(ticket_status_names, ""), -1);
	CHECK_EQ_INT(name_index(ticket_status_names, "New"), -1); /* case matters */
	CHECK_EQ_INT(name_index(ticket_status_names, "ope"), -1); /* no prefix match */
	CHECK_EQ_INT(name_index(ticket_status_names, "open "), -1);
	CHECK_EQ_INT(name_index(ticket_status_names, "incident"), -1);
	CHECK_EQ_INT(name_index(agent_role_names, "l3"), -1);
	CHECK_EQ_INT(name_index(ticket_channel_names, "walk-in"), -1);
}

static void test_priority_matrix(void)
{
	int seen[4][4] = {{0}};

	for (size_t i = 0; i < ARRAY_LEN(sql_matrix); i++) {
		int impact = sql_matrix[i][0], urgency = sql_matrix[i][1], want = sql_matrix[i][2];
		CHECKF(priority_default(impact, urgency) == want,
		       "priority_default(%d, %d) = %d, schema has %d", impact, urgency,
		       priority_default(impact, urgency), want);
		seen[impact][urgency]++;
	}
	/* The copied rows cover each of the 9 cells once. */
	for (int impact = 1; impact <= 3; impact++)
		for (int urgency = 1; urgency <= 3; urgency++)
			CHECKF(seen[impact][urgency] == 1, "cell (%d, %d) listed %d times", impact,
			       urgency, seen[impact][urgency]);
}

static void test_priority_out_of_range(void)
{
	/* Like desk_priority() in SQL, a cell outside the matrix falls back to 4. */
	static const int bad[][2] = {
	    {0, 1},
	    {1, 0},
	    {4, 1},
	    {1, 4},
	    {0, 0},
	    {-1, 2},
	    {2, -1},
	    {4, 4},
	    {INT_MIN, 1},
	    {1, INT_MIN},
	    {INT_MAX, 1},
	    {1, INT_MAX},
	    {INT_MIN, INT_MAX},
	};

	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		CHECKF(priority_default(bad[i][0], bad[i][1]) == 4,
		       "priority_default(%d, %d) = %d, want 4", bad[i][0], bad[i][1],
		       priority_default(bad[i][0], bad[i][1]));
}

int main(void)
{
	RUN(test_names_match_schema);
	RUN(test_enum_positions);
	RUN(test_labels_parallel);
	RUN(test_name_index_unknown);
	RUN(test_priority_matrix);
	RUN(test_priority_out_of_range);
	return check_done();
}
