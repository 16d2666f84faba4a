/* listener.c - accept TCP connections and hand each to a new session. */
#include "listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "session.h"

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                      int socklen, void *arg)
{
	struct server *srv = arg;
	char host[INET6_ADDRSTRLEN] = "?", peer[80];
	int port = 0;

	if (sa->sa_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
	}
	snprintf(peer, sizeof(peer), "%s:%d", host, port);
	evutil_make_socket_nonblocking(fd);
	/* Replies go out as soon as they are written. With Nagle's algorithm on, the tail of a
	 * reply longer than one segment waited for the console's delayed ACK: 40 ms more on a
	 * 40 KB ticket list (docs/benchmarks.md). deskd already writes each reply whole. */
	int one = 1;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		log_warn("%s: cannot set TCP_NODELAY: %s", peer, strerror(errno));
	session_accept(srv, fd, peer);
}

static void error_cb(struct evconnlistener *l, void *arg)
{
	int err = EVUTIL_SOCKET_ERROR();

	/* EMFILE and friends are transient: log and keep listening. */
	log_error("accept failed: %s", evutil_socket_error_to_string(err));
}

int listener_start(struct server *srv)
{
	struct sockaddr_storage ss;
	int sslen = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(srv->cfg->listen, (struct sockaddr *)&ss, &sslen) != 0) {
		log_error("invalid listen address '%s' (expected host:port)", srv->cfg->listen);
		return -1;
	}
	srv->listener = evconnlistener_new_bind(srv->base, accept_cb, srv,
	                                        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
	                                        (struct sockaddr *)&ss, sslen);
	if (srv->listener == NULL) {
		log_error("cannot listen on %s: %s", srv->cfg->listen, strerror(errno));
		return -1;
	}
	evconnlistener_set_error_cb(srv->listener, error_cb);
	log_info("listening on %s", srv->cfg->listen);
	return 0;
}

void listener_stop(struct server *srv)
{
	if (srv->listener != NULL)
		evconnlistener_free(srv->listener);
	srv->listener = NULL;
}
