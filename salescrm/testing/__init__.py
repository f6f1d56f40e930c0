"""Shared test support: helpers every app's tests may import (not a test module itself).

This package sits in the core layer and imports no app, so the tests of every app
(customers, visits, contracts, dashboards, demo, and the core's own) can import it
without crossing a layer. It is the one home of a helper more than one app's tests need:

- ``http``: checks on a test client's responses (``assert_sent_to_login``, ``inline_code``,
  ``messages_of``, ``html``, ``shown``, ``queries_for``, ``text_of``);
- ``time``: moments in Shanghai (``SHANGHAI``, ``at``, ``end_of``, ``ONE_MICROSECOND``)
  and in the current time zone (``local``);
- ``threads``: real concurrency, each job in its own thread and connection
  (``run_together``);
- ``jobs``: what a deadline job did (``told``, ``no_repeats``, ``reasons``) and two
  workers running it at once (``two_workers``);
- ``celery``: the Celery configuration for a while (``celery_conf``), the ``eager`` and
  ``eager_tasks`` fixtures, and real worker processes (``Worker``, ``database_url``,
  ``delete_queue``, ``wait_for``);
- ``mail``: a real SMTP server on 127.0.0.1 (the ``smtp_server`` fixture);
- ``browser``: logging in through the real login form, code included (``log_in``, ``enter_code``);
- ``mfa``: two-factor codes (``next_code``, ``code_at``) and a test client's session verified
  as the second sign-in step leaves it (``verify_session``);

Where the rest lives:

- **Personas** (salesperson, teammate, manager, the other team's people, director, front
  desk, administrator, ``client_for``) and the browser fixtures: the root ``conftest.py``.
  It also registers this package's fixture modules (``celery``, ``mail``) as plugins, so
  a test names ``eager`` or ``smtp_server`` without importing it.
- **Builders** of an app's objects: ``<app>/tests/factories.py`` (users and teams:
  ``salescrm/tests/factories.py``). A builder goes through the app's services, so every
  state it makes is one the app itself could reach. One builder per thing, with
  parameters for the variants; a shorthand for one kind of test calls the builder
  (``visits.tests.factories.make_slip_for`` calls ``make_slip``).
- **Helpers of one app's tests** (its URLs, its constants, checks on its models): beside
  those tests, in a ``helpers.py`` or ``conftest.py`` of their folder.

A test module never imports another test module: what two of them share belongs here,
in a factories module, or in a helpers module. Nothing here imports an app; a helper
that needs an app's models stays with that app's tests.
"""
