/* The C peer of bench/http_compare.sh: a plain libmicrohttpd server answering GET /json with the
 * same small JSON document as bench_http_server, from one thread (its own epoll loop), the response
 * made once and reused - libmicrohttpd's fastest path.
 *   bench_http_mhd_server PORT */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct MHD_Response* json;
static struct MHD_Response* not_found;

static enum MHD_Result answer(void* cls, struct MHD_Connection* c, const char* url, const char* method,
                              const char* version, const char* upload, size_t* upload_size, void** state) {
  static int seen;
  (void)cls; (void)version; (void)upload; (void)upload_size;
  /* libmicrohttpd's protocol: the first call only announces the request; answering in it makes
   * libmicrohttpd close the connection afterwards (no keep-alive), so the answer goes in the second. */
  if (*state != &seen) {
    *state = &seen;
    return MHD_YES;
  }
  if (strcmp(method, "GET") != 0) return MHD_NO;
  if (strcmp(url, "/json") == 0) return MHD_queue_response(c, MHD_HTTP_OK, json);
  return MHD_queue_response(c, MHD_HTTP_NOT_FOUND, not_found);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: bench_http_mhd_server PORT\n");
    return 2;
  }
  static const char body[] = "{\"message\":\"Hello, World!\"}";
  json = MHD_create_response_from_buffer(sizeof body - 1, (void*)body, MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(json, "Content-Type", "application/json");
  not_found = MHD_create_response_from_buffer(0, (void*)"", MHD_RESPMEM_PERSISTENT);
  struct MHD_Daemon* d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)atoi(argv[1]),
                                          NULL, NULL, &answer, NULL, MHD_OPTION_CONNECTION_LIMIT, 1024u,
                                          MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "bench_http_mhd_server: cannot start on port %s\n", argv[1]);
    return 1;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sig;
  sigwait(&set, &sig);
  MHD_stop_daemon(d);
  return 0;
}
