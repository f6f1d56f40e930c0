"""Real concurrency for tests: each job in its own thread, with its own database connection."""

import threading

from django.db import connection


def run_together(*jobs):
    """Run each job in its own thread (own connection); return results or exceptions."""
    results = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job()
        except Exception as error:  # collected for the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
