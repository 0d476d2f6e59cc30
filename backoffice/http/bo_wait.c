/* Long polls without a thread each: a request with nothing to answer yet (a
 * QR order still pending) is parked, its connection suspended. One thread
 * wakes every parked request when something changes (s->changed) and at
 * least every TICK_MS (an order's expiry, the poll's own deadline, a
 * change made by another process); each runs its handler again, which
 * answers or parks once more. On PostgreSQL a second thread listens for
 * the database's notices of changes made by any instance (docs/instances.md,
 * "Long polls") and wakes the first; the re-read is then a slow fallback. */
#include <time.h>
#include <unistd.h>

#include "backoffice/http/bo_http.h"
#include "base/log.h"

#define TICK_MS 200
#define FALLBACK_MS 1000 /* the tick when the database's notices wake the polls */
#define LISTEN_MS 250    /* how often the listener looks whether the server stops */
#define RETRY_MS 5000    /* a lost watch connection: the next try to open one */
#define DRAIN_MS 1000    /* at stop, how long woken polls may take to answer */

/* Resumes every parked connection (h->lock held). */
static void wake_all(bo_http_t *h)
{
    bo_parked_t *p = h->parked;
    h->parked = NULL;
    while (p) {
        bo_parked_t *next = p->next;
        p->next = NULL;
        MHD_resume_connection(p->conn);
        p = next;
    }
}

static void tick(bo_server_t *s)
{
    struct timespec until = bo_deadline(s->http->listener_running ? FALLBACK_MS : TICK_MS);
    bo_lock(s);
    if (!atomic_exchange(&s->http->nudged, false))
        pthread_cond_timedwait(&s->changed, &s->lock, &until);
    atomic_store(&s->http->nudged, false);
    bo_unlock(s);
}

/* Wakes the waker (a notice came): at once if it waits, else as soon as
 * it would wait again. */
static void nudge(bo_server_t *s)
{
    bo_lock(s);
    atomic_store(&s->http->nudged, true);
    pthread_cond_broadcast(&s->changed);
    bo_unlock(s);
}

/* A lost watch connection is opened again every RETRY_MS; the waker's
 * tick stays the slow one meanwhile (a change is still seen, later). */
static void reopen(bo_server_t *s, bo_http_t *h)
{
    kmsg_t msg = {{0}};
    LOG_W("backoffice", "the database's notices are lost: long polls re-read every %d ms until they are back",
          FALLBACK_MS);
    s->store.ops->watch_close(h->watch);
    h->watch = NULL;
    for (int ms = LISTEN_MS; !atomic_load(&h->listen_stop); ms += LISTEN_MS) {
        usleep(LISTEN_MS * 1000);
        void *w = NULL;
        if (ms % RETRY_MS == 0 && s->store.ops->watch_open(s->cfg.database, &w, &msg) == K_OK && w) {
            h->watch = w;
            LOG_I("backoffice", "listening for the database's notices again");
            nudge(s); /* what changed meanwhile */
            return;
        }
    }
}

static void *listener(void *arg)
{
    bo_server_t *s = arg;
    bo_http_t *h = s->http;
    while (!atomic_load(&h->listen_stop)) {
        int n = s->store.ops->watch_wait(h->watch, LISTEN_MS);
        if (n > 0) {
            atomic_fetch_add(&h->notices, n);
            nudge(s);
        } else if (n < 0) {
            reopen(s, h);
        }
    }
    return NULL;
}

static void *waker(void *arg)
{
    bo_server_t *s = arg;
    bo_http_t *h = s->http;
    for (bool closing = false; !closing;) {
        tick(s);
        pthread_mutex_lock(&h->lock);
        closing = h->closing;
        wake_all(h);
        pthread_mutex_unlock(&h->lock);
    }
    return NULL;
}

bool bo__wait_park(bo_http_t *h, bo_parked_t *p)
{
    pthread_mutex_lock(&h->lock);
    bool parked = !h->closing;
    if (parked) {
        MHD_suspend_connection(p->conn); /* before it is listed: only a suspended connection is resumed */
        p->next = h->parked;
        h->parked = p;
    }
    pthread_mutex_unlock(&h->lock);
    return parked;
}

kerr_t bo__wait_start(bo_server_t *s, kmsg_t *msg)
{
    bo_http_t *h = s->http;
    kerr_t rc = s->store.ops->watch_open(s->cfg.database, &h->watch, msg);
    h->listener_running = rc == K_OK && h->watch && pthread_create(&h->listener, NULL, listener, s) == 0;
    if (rc == K_OK && !h->listener_running) {
        s->store.ops->watch_close(h->watch);
        h->watch = NULL;
    }
    if (rc)
        return rc;
    if (h->watch)
        LOG_I("backoffice", "long polls wake on the database's notices (LISTEN bo_changed)");
    if (pthread_create(&h->waker, NULL, waker, s) != 0)
        return kmsg_set(msg, K_EIO, "could not start the long-poll thread: out of memory or threads?");
    h->waker_running = true;
    return K_OK;
}

void bo__wait_stop(bo_server_t *s)
{
    bo_http_t *h = s->http;
    pthread_mutex_lock(&h->lock);
    h->closing = true;
    wake_all(h);
    pthread_mutex_unlock(&h->lock);
    if (h->listener_running) {
        atomic_store(&h->listen_stop, true);
        pthread_join(h->listener, NULL);
    }
    if (h->watch)
        s->store.ops->watch_close(h->watch);
    h->watch = NULL;
    if (!h->waker_running)
        return;
    bo_lock(s);
    pthread_cond_broadcast(&s->changed);
    bo_unlock(s);
    pthread_join(h->waker, NULL);
    h->waker_running = false;
    h->listener_running = false;
    for (int ms = 0; ms < DRAIN_MS && atomic_load(&h->polls) > 0; ms += 10)
        usleep(10 * 1000);
}
