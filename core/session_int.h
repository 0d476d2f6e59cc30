/* Shared by the session's files; not for callers. */
#ifndef CORE_SESSION_INT_H
#define CORE_SESSION_INT_H

#include "core/session.h"

/* Whether the guard holds for this event. */
bool session__guard(const session_t *s, const session_event_t *ev, session_guard_t g);

/* Carries out an action, appending the commands it decides to cmds. */
void session__act(session_t *s, const session_event_t *ev, session_action_t a, session_cmd_t *cmds, size_t *n);

/* Whether some way to pay is healthy in these health bits. */
bool session__serving(unsigned health);

#endif
