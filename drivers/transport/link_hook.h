/* A hook around each request and its answer on a link: whoever opens a
 * driver may be told just before a request goes out and just after its
 * answer came (or did not), so it can share the wire with other programs
 * (the engine's bus lock, docs/collector.md "Bus priority"). It carries no
 * rule of its own; a zeroed hook does nothing. */
#ifndef DRIVERS_TRANSPORT_LINK_HOOK_H
#define DRIVERS_TRANSPORT_LINK_HOOK_H

typedef struct link_hook {
    void (*before)(void *ctx); /* a request is about to go out */
    void (*after)(void *ctx);  /* its exchange is over, answered or not */
    void *ctx;
} link_hook_t;

/* Calls h->before if there is one. */
static inline void link_hook_before(const link_hook_t *h)
{
    if (h->before)
        h->before(h->ctx);
}

/* Calls h->after if there is one. */
static inline void link_hook_after(const link_hook_t *h)
{
    if (h->after)
        h->after(h->ctx);
}

#endif
