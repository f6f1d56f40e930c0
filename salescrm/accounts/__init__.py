"""Signing in: lockout after failed attempts, the second factor, password resets, the log.

- ``clients``: the client's address behind the proxy (one definition, used by all below);
- ``lockout``: django-axes' handler and the page a locked-out person sees;
- ``mfa``: who needs a second factor, enrolment, verification and the middleware;
- ``resets``: password reset requests, throttled, e-mailed by the worker;
- ``events``: the authentication log (``AuthEvent``), fed by the auth, axes and OTP hooks;
- ``redact``: keeps reset tokens out of every log line.
"""
