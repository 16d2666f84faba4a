/* test_ticket.c - the ticket vocabulary and the default priority matrix agree with
 * sql/001_schema.sql (its CHECK lists and priority_matrix rows), and the status transition
 * table with sql/002_lifecycle.sql (its status_transitions rows), all copied here by hand: a
 * change on either side must be made on both. The role permission matrix is checked against
 * the one documented in common/ticket.c. */
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

/* INSERT INTO status_transitions VALUES (from_status, to_status), sql/002_lifecycle.sql */
static const char *const sql_transitions[][2] = {
    {"new", "open"},          {"new", "pending"},   {"new", "on_hold"},     {"new", "resolved"},
    {"new", "cancelled"},     {"open", "pending"},  {"open", "on_hold"},    {"open", "resolved"},
    {"open", "cancelled"},    {"pending", "open"},  {"pending", "on_hold"}, {"pending", "resolved"},
    {"pending", "cancelled"}, {"on_hold", "open"},  {"on_hold", "pending"}, {"on_hold", "resolved"},
    {"on_hold", "cancelled"}, {"resolved", "open"}, {"resolved", "closed"},
};

static void test_transitions_match_schema(void)
{
	bool want[TS_COUNT][TS_COUNT] = {{false}};
	int pairs = 0;

	for (size_t i = 0; i < ARRAY_LEN(sql_transitions); i++) {
		int from = name_index(ticket_status_names, sql_transitions[i][0]);
		int to = name_index(ticket_status_names, sql_transitions[i][1]);
		if (!CHECKF(from >= 0 && to >= 0, "transition row %zu (%s -> %s) names no status",
		            i, sql_transitions[i][0], sql_transitions[i][1]))
			continue;
		CHECKF(!want[from][to], "transition %s -> %s listed twice", sql_transitions[i][0],
		       sql_transitions[i][1]);
		want[from][to] = true;
	}
	/* Every one of the 7 x 7 pairs, the 19 listed ones allowed and the 30 others not. */
	for (int from = 0; from < TS_COUNT; from++) {
		for (int to = 0; to < TS_COUNT; to++) {
			CHECKF(ticket_transition_allowed(from, to) == want[from][to],
			       "ticket_transition_allowed(%s, %s) = %d, schema says %d",
			       ticket_status_names[from], ticket_status_names[to],
			       ticket_transition_allowed(from, to), want[from][to]);
			pairs++;
		}
	}
	CHECK_EQ_INT(pairs, 49);
	CHECK_EQ_INT(ARRAY_LEN(sql_transitions), 19);
}

static void test_transitions_rules(void)
{
	/* The lifecycle the schema's rows spell out, stated directly. */
	for (int s = 0; s < TS_COUNT; s++) {
		CHECKF(!ticket_transition_allowed(s, s), "%s -> itself is allowed",
		       ticket_status_names[s]);
		CHECKF(!ticket_transition_allowed(s, TS_NEW), "%s -> new is allowed",
		       ticket_status_names[s]);
		CHECKF(!ticket_transition_allowed(TS_CLOSED, s), "closed -> %s is allowed",
		       ticket_status_names[s]);
		CHECKF(!ticket_transition_allowed(TS_CANCELLED, s), "cancelled -> %s is allowed",
		       ticket_status_names[s]);
		/* Only a resolved ticket closes. */
		CHECKF(ticket_transition_allowed(s, TS_CLOSED) == (s == TS_RESOLVED),
		       "%s -> closed is %s", ticket_status_names[s],
		       ticket_transition_allowed(s, TS_CLOSED) ? "allowed" : "refused");
	}
	CHECK(ticket_transition_allowed(TS_RESOLVED, TS_OPEN));       /* reopen */
	CHECK(!ticket_transition_allowed(TS_RESOLVED, TS_CANCELLED)); /* resolved is done */
	CHECK(!ticket_transition_allowed(TS_NEW, TS_CLOSED));
}

static void test_transitions_out_of_range(void)
{
	static const int bad[] = {-1, TS_COUNT, TS_COUNT + 1, 100, INT_MIN, INT_MAX};

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		for (int s = 0; s < TS_COUNT; s++) {
			CHECKF(!ticket_transition_allowed(bad[i], s),
			       "ticket_transition_allowed(%d, %d) is true", bad[i], s);
			CHECKF(!ticket_transition_allowed(s, bad[i]),
			       "ticket_transition_allowed(%d, %d) is true", s, bad[i]);
		}
		for (size_t j = 0; j < ARRAY_LEN(bad); j++)
			CHECKF(!ticket_transition_allowed(bad[i], bad[j]),
			       "ticket_transition_allowed(%d, %d) is true", bad[i], bad[j]);
	}
}

/* The permission matrix of the lifecycle, as documented in common/ticket.c and
 * docs/lifecycle.md: administrators configure the desk and only read tickets; L2 may do
 * everything but assign tickets to others. Cells are named by enumerator, so permissions added
 * later do not shift them. */
#define DOC_PERMS PERM_COUNT
static const struct {
	int role;
	bool may[DOC_PERMS];
} doc_perms[] = {
    {ROLE_L1,
     {[PERM_TICKET_READ] = true,
      [PERM_TICKET_CREATE] = true,
      [PERM_TICKET_UPDATE] = true,
      [PERM_TICKET_TAKE] = true,
      [PERM_TICKET_ESCALATE] = true,
      [PERM_TICKET_ASSIGN] = true,
      [PERM_TICKET_COMMENT] = true,
      [PERM_TICKET_MERGE] = true,
      [PERM_REQUESTER_EDIT] = true}},
    {ROLE_L2,
     {[PERM_TICKET_READ] = true,
      [PERM_TICKET_CREATE] = true,
      [PERM_TICKET_UPDATE] = true,
      [PERM_TICKET_TAKE] = true,
      [PERM_TICKET_ESCALATE] = true,
      [PERM_TICKET_ASSIGN] = false,
      [PERM_TICKET_COMMENT] = true,
      [PERM_TICKET_MERGE] = true,
      [PERM_REQUESTER_EDIT] = true}},
    {ROLE_SUPERVISOR,
     {[PERM_TICKET_READ] = true,
      [PERM_TICKET_CREATE] = true,
      [PERM_TICKET_UPDATE] = true,
      [PERM_TICKET_TAKE] = true,
      [PERM_TICKET_ESCALATE] = true,
      [PERM_TICKET_ASSIGN] = true,
      [PERM_TICKET_COMMENT] = true,
      [PERM_TICKET_ACK] = true,
      [PERM_TICKET_MERGE] = true,
      [PERM_REQUESTER_EDIT] = true,
      [PERM_DASHBOARD] = true,
      [PERM_REPORT] = true}},
    {ROLE_ADMIN,
     {[PERM_TICKET_READ] = true,
      [PERM_TICKET_CREATE] = false,
      [PERM_TICKET_UPDATE] = false,
      [PERM_TICKET_TAKE] = false,
      [PERM_TICKET_ESCALATE] = false,
      [PERM_TICKET_ASSIGN] = false,
      [PERM_REQUESTER_EDIT] = true,
      [PERM_DASHBOARD] = true,
      [PERM_REPORT] = true,
      [PERM_CONFIGURE] = true}},
};

static void test_role_may_matrix(void)
{
	int cells = 0, roles_seen = 0;

	CHECK_EQ_INT(ARRAY_LEN(doc_perms), ROLE_COUNT);
	for (size_t r = 0; r < ARRAY_LEN(doc_perms); r++) {
		int role = doc_perms[r].role;
		roles_seen |= 1 << role;
		for (int p = 0; p < DOC_PERMS; p++) {
			CHECKF(role_may(role, (enum perm)p) == doc_perms[r].may[p],
			       "role_may(%s, %s) = %d, documented %d", agent_role_names[role],
			       perm_names[p], role_may(role, (enum perm)p), doc_perms[r].may[p]);
			cells++;
		}
	}
	CHECK_EQ_INT(cells, 4 * 13);
	CHECK_EQ_INT(roles_seen, (1 << ROLE_COUNT) - 1);
	CHECK_EQ_INT(ROLE_COUNT, 4);
	/* The six lifecycle permissions come first, in the matrix's column order. */
	CHECK_EQ_INT(PERM_TICKET_READ, 0);
	CHECK_EQ_INT(PERM_TICKET_CREATE, 1);
	CHECK_EQ_INT(PERM_TICKET_UPDATE, 2);
	CHECK_EQ_INT(PERM_TICKET_TAKE, 3);
	CHECK_EQ_INT(PERM_TICKET_ESCALATE, 4);
	CHECK_EQ_INT(PERM_TICKET_ASSIGN, 5);
	CHECK(PERM_COUNT >= DOC_PERMS);
	/* Spelled out: the cells that deny. */
	CHECK(!role_may(ROLE_ADMIN, PERM_TICKET_CREATE));
	CHECK(!role_may(ROLE_ADMIN, PERM_TICKET_UPDATE));
	CHECK(!role_may(ROLE_ADMIN, PERM_TICKET_TAKE));
	CHECK(!role_may(ROLE_ADMIN, PERM_TICKET_ESCALATE));
	CHECK(!role_may(ROLE_ADMIN, PERM_TICKET_ASSIGN));
	CHECK(!role_may(ROLE_L2, PERM_TICKET_ASSIGN));
	CHECK(!role_may(ROLE_L1, PERM_TICKET_ACK));
	CHECK(!role_may(ROLE_L2, PERM_TICKET_ACK));
	CHECK(!role_may(ROLE_ADMIN, PERM_TICKET_ACK));
	CHECK(!role_may(ROLE_ADMIN, PERM_TICKET_COMMENT));
	CHECK(!role_may(ROLE_ADMIN, PERM_TICKET_MERGE));
	CHECK(role_may(ROLE_ADMIN, PERM_TICKET_READ));
}

static void test_role_may_edges(void)
{
	static const int bad_roles[] = {-1, ROLE_COUNT, ROLE_COUNT + 1, INT_MIN, INT_MAX};
	static const int bad_perms[] = {PERM_COUNT, PERM_COUNT + 1, -2, INT_MIN, INT_MAX};

	/* PERM_NONE: what every logged-in agent may do. */
	for (int role = 0; role < ROLE_COUNT; role++)
		CHECKF(role_may(role, PERM_NONE), "role_may(%s, PERM_NONE) is false",
		       agent_role_names[role]);
	for (size_t i = 0; i < ARRAY_LEN(bad_roles); i++)
		for (int p = 0; p < PERM_COUNT; p++)
			CHECKF(!role_may(bad_roles[i], (enum perm)p), "role_may(%d, %s) is true",
			       bad_roles[i], perm_names[p]);
	for (int role = 0; role < ROLE_COUNT; role++)
		for (size_t i = 0; i < ARRAY_LEN(bad_perms); i++)
			CHECKF(!role_may(role, (enum perm)bad_perms[i]), "role_may(%s, %d) is true",
			       agent_role_names[role], bad_perms[i]);
	/* One name per permission, for the forbidden message. */
	CHECK_EQ_INT(table_len(perm_names), PERM_COUNT);
}

int main(void)
{
	RUN(test_names_match_schema);
	RUN(test_enum_positions);
	RUN(test_labels_parallel);
	RUN(test_name_index_unknown);
	RUN(test_priority_matrix);
	RUN(test_priority_out_of_range);
	RUN(test_transitions_match_schema);
	RUN(test_transitions_rules);
	RUN(test_transitions_out_of_range);
	RUN(test_role_may_matrix);
	RUN(test_role_may_edges);
	return check_done();
}
