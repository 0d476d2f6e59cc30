/* Long polls without a thread each: a request with nothing to answer yet (a
 * QR order still pending) is parked, its connection suspended. One thread
 * wakes every parked request when something changes (s->changed) and at
 * least every TICK_MS (an order's expiry, the poll's own deadline); each
 * runs its handler again, which answers or parks once more. */
#include <time.h>
#include <unistd.h>

#include "backoffice/http/bo_http.h"

#define TICK_MS 200
#define DRAIN_MS 1000 /* at stop, how long woken polls may take to answer */

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
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += TICK_MS * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    bo_lock(s);
    pthread_cond_timedwait(&s->changed, &s->lock, &until);
    bo_unlock(s);
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
    if (pthread_create(&s->http->waker, NULL, waker, s) != 0)
        return kmsg_set(msg, K_EIO, "could not start the long-poll thread: out of memory or threads?");
    s->http->waker_running = true;
    return K_OK;
}

void bo__wait_stop(bo_server_t *s)
{
    bo_http_t *h = s->http;
    pthread_mutex_lock(&h->lock);
    h->closing = true;
    wake_all(h);
    pthread_mutex_unlock(&h->lock);
    if (!h->waker_running)
        return;
    bo_lock(s);
    pthread_cond_broadcast(&s->changed);
    bo_unlock(s);
    pthread_join(h->waker, NULL);
    h->waker_running = false;
    for (int ms = 0; ms < DRAIN_MS && atomic_load(&h->polls) > 0; ms += 10)
        usleep(10 * 1000);
}
