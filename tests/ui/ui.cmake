# The resident's session, as a pure table.
kiosk_cmocka_test(session SOURCES ui/test_session.c LIBS kiosk_core)
