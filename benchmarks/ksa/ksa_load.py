#!/usr/bin/python3
"""Load driver reproducing how the system we port (StarlingX distcloud) uses
keystoneauth1 against a Keystone, for comparison with Keystone.Auth.

usage (Debian's /usr/bin/python3; python3-keystoneauth1 is a Debian package,
installed by scripts/keystone/install.sh):

  /usr/bin/python3 benchmarks/ksa/ksa_load.py --auth-url http://127.0.0.1:PORT/v3 \\
      --username admin --password secret --project admin \\
      --workers 8 --seconds 3 --keystone-dir DIR [--scenario cold]
  ... --workers 8 --seconds 6 --rotate-at 3 --keystone-dir DIR   # rotate

What it reproduces (keystoneauth facts and the distcloud cache being ported):
  * one process-wide token cache keyed by the auth URL ONLY (not by user or
    scope), shared by every worker of the process;
  * a cached token is used while it expires later than now + 300 s + random
    0..160 s (distcloud's early renewal);
  * no single flight: concurrent misses each POST a token;
  * invalidate (keystoneauth calls it on a 401) pops the auth URL's entry
    unconditionally, even when another worker already put a newer token
    there (a late 401 throws the newer token away).
  Workers are threads; each has its own keystoneauth Session and its own
  v3.Password plugin (subclass with the cache above), as distcloud workers
  do. All workers start together (barrier), so on a cold cache every one
  of them fetches its own token. Each worker does authenticated
  GET <identity public endpoint from the catalog>/projects in a loop
  (endpoint_filter service_type=identity interface=public) for --seconds.
  On 401 keystoneauth invalidates, re-authenticates and resends once.

Scenarios:
  cold      (default) empty cache when the clock starts
  sustained cache primed with one token before the clock starts: the
            steady state (expect 0 token POSTs)
  rotate    cold, and at --rotate-at seconds runs
            scripts/keystone/invalidate-all-keys.sh --keystone-dir
            (every issued token dies; the server is not restarted)
            (--rotate-at alone implies --scenario rotate)

Token POSTs are counted independently of the client, from the uwsgi access
log DIR/log/uwsgi.log (lines with "POST /v3/auth/tokens", read from the
byte offset at start to the end after all workers stopped). Without
--keystone-dir, token_posts is null (client_token_posts still counts the
POSTs the client made).

Output: ONE JSON object on stdout (progress/errors on stderr), keys:
  scenario workers seconds calls failed token_posts rps p50_ms p99_ms
  plus: client_token_posts cache_hits elapsed_s status_counts errors
  (first few) and for rotate: rotate_at rotate_s token_posts_after_rotate
  failed_after_rotate.
Bounded: the run stops after --seconds (+ at most --timeout for a call in
flight); the auth URL must be on the loopback (127.0.0.0/8, localhost, ::1).
"""
import argparse
import collections
import datetime
import ipaddress
import json
import logging
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
INVALIDATE = os.path.join(REPO_ROOT, 'scripts', 'keystone',
                          'invalidate-all-keys.sh')
EF = {'service_type': 'identity', 'interface': 'public'}
POST_MARK = b'POST /v3/auth/tokens'


class Stats(object):
    """Client-side counters shared by all workers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.token_posts = 0  # POSTs the client made (cache misses)
        self.cache_hits = 0


STATS = Stats()


class DistcloudCachedPassword(v3.Password):
    """v3.Password with distcloud's process-wide cache keyed by auth URL."""

    _CACHE = {}  # auth_url -> AccessInfo; shared by every instance
    _CACHE_LOCK = threading.Lock()
    RENEW_BASE_S = 300
    RENEW_JITTER_S = 160

    def _usable(self, auth_ref):
        expires = getattr(auth_ref, 'expires', None)
        if expires is None:  # malformed: treat as expired
            return False
        margin = self.RENEW_BASE_S + random.uniform(0, self.RENEW_JITTER_S)
        now = datetime.datetime.now(datetime.timezone.utc)
        return expires > now + datetime.timedelta(seconds=margin)

    def get_auth_ref(self, session, **kwargs):
        with self._CACHE_LOCK:
            cached = self._CACHE.get(self.auth_url)
        if cached is not None and self._usable(cached):
            with STATS.lock:
                STATS.cache_hits += 1
            return cached
        # miss: no single flight, every concurrent misser POSTs its own token
        with STATS.lock:
            STATS.token_posts += 1
        auth_ref = super(DistcloudCachedPassword, self).get_auth_ref(
            session, **kwargs)
        with self._CACHE_LOCK:
            self._CACHE[self.auth_url] = auth_ref
        return auth_ref

    def invalidate(self):
        # distcloud: pop whatever is cached for this URL, no comparison
        with self._CACHE_LOCK:
            self._CACHE.pop(self.auth_url, None)
        return super(DistcloudCachedPassword, self).invalidate()


def check_loopback(url):
    host = urllib.parse.urlsplit(url).hostname or ''
    if host == 'localhost':
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    sys.exit('ksa_load: refusing non-loopback auth URL %r' % url)


def log_offset(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def count_posts(path, offset):
    """POST /v3/auth/tokens lines in the uwsgi log from byte offset on."""
    if path is None or offset is None:
        return None
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            if f.tell() < offset:  # truncated (server restarted): count all
                offset = 0
            f.seek(offset)
            return sum(line.count(POST_MARK) for line in f)
    except OSError:
        return None


def percentile(sorted_vals, p):
    if not sorted_vals:
        return None
    k = max(0, min(len(sorted_vals) - 1,
                   int(round(p / 100.0 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


def main():
    ap = argparse.ArgumentParser(
        description='keystoneauth1 load driver (distcloud-like token cache)')
    ap.add_argument('--auth-url', required=True)
    ap.add_argument('--username', default='admin')
    ap.add_argument('--password', default='secret')
    ap.add_argument('--project', default='admin')
    ap.add_argument('--user-domain', default='Default')
    ap.add_argument('--project-domain', default='Default')
    ap.add_argument('--workers', type=int, default=8)
    ap.add_argument('--seconds', type=float, default=5.0)
    ap.add_argument('--scenario', choices=('cold', 'rotate', 'sustained'))
    ap.add_argument('--rotate-at', type=float)
    ap.add_argument('--rotate-mode', choices=('rotate', 'wipe'),
                    default='rotate',
                    help='invalidate-all-keys.sh mode (default rotate)')
    ap.add_argument('--keystone-dir',
                    help='DIR of scripts/keystone (uwsgi log, key repo)')
    ap.add_argument('--timeout', type=float, default=10.0,
                    help='per-request timeout in seconds (default 10)')
    a = ap.parse_args()

    scenario = a.scenario or ('rotate' if a.rotate_at is not None else 'cold')
    if scenario == 'rotate':
        if a.rotate_at is None:
            a.rotate_at = a.seconds / 2.0
        if not a.keystone_dir:
            ap.error('--scenario rotate needs --keystone-dir')
    if a.workers < 1 or a.seconds <= 0 or a.seconds > 3600:
        ap.error('--workers >= 1 and 0 < --seconds <= 3600')
    check_loopback(a.auth_url)
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)

    uwsgi_log = None
    if a.keystone_dir:
        uwsgi_log = os.path.join(a.keystone_dir, 'log', 'uwsgi.log')
        if not os.path.exists(uwsgi_log):
            sys.exit('ksa_load: no %s (server not started by start.sh?)'
                     % uwsgi_log)
    else:
        print('ksa_load: no --keystone-dir: token_posts will be null',
              file=sys.stderr)

    def make_plugin():
        return DistcloudCachedPassword(
            auth_url=a.auth_url, username=a.username, password=a.password,
            user_domain_name=a.user_domain, project_name=a.project,
            project_domain_name=a.project_domain)

    if scenario == 'sustained':
        # prime the process-wide cache (and check the credentials) before
        # the clock starts; this POST is not counted
        ks_session.Session(auth=make_plugin(),
                           timeout=a.timeout).get_token()
        time.sleep(0.2)  # let uwsgi write the access-log line
        STATS.token_posts = 0

    lat = [[] for _ in range(a.workers)]  # per worker: (t_end, ms, ok)
    status_counts = collections.Counter()
    errors = []
    err_lock = threading.Lock()
    start_barrier = threading.Barrier(a.workers + 1)
    t = {}

    def worker(i):
        sess = ks_session.Session(auth=make_plugin(), timeout=a.timeout)
        mine = lat[i]
        local_status = collections.Counter()
        start_barrier.wait()
        deadline = t['start'] + a.seconds
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            ok = False
            try:
                r = sess.get('/projects', endpoint_filter=EF,
                             raise_exc=False)
                local_status[r.status_code] += 1
                ok = r.status_code == 200
                if not ok and len(errors) < 10:
                    with err_lock:
                        errors.append('HTTP %d %s' % (r.status_code,
                                                      r.text[:120]))
            except Exception as e:  # connection errors, auth failures
                local_status[type(e).__name__] += 1
                if len(errors) < 10:
                    with err_lock:
                        errors.append('%s: %s' % (type(e).__name__,
                                                  str(e)[:160]))
            t1 = time.perf_counter()
            mine.append((t1, (t1 - t0) * 1000.0, ok))
        with err_lock:
            status_counts.update(local_status)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True,
                                name='w%d' % i) for i in range(a.workers)]
    for th in threads:
        th.start()

    off0 = log_offset(uwsgi_log) if uwsgi_log else None
    rot = {}

    def rotator():
        time.sleep(max(0.0, t['start'] + a.rotate_at - time.perf_counter()))
        rot['offset'] = log_offset(uwsgi_log)
        rot['t0'] = time.perf_counter()
        try:
            p = subprocess.run([INVALIDATE, a.keystone_dir, a.rotate_mode],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=120)
            rot['rc'] = p.returncode
            if p.returncode != 0:
                rot['err'] = p.stderr.decode(errors='replace')[-300:]
        except Exception as e:
            rot['rc'] = -1
            rot['err'] = str(e)
        rot['t1'] = time.perf_counter()

    t['start'] = time.perf_counter()
    start_barrier.wait()
    rth = None
    if scenario == 'rotate':
        rth = threading.Thread(target=rotator, daemon=True)
        rth.start()
    hard_end = t['start'] + a.seconds + a.timeout + 5
    for th in threads:
        th.join(max(0.0, hard_end - time.perf_counter()))
    elapsed = time.perf_counter() - t['start']
    if rth is not None:
        rth.join(130)
    stuck = sum(1 for th in threads if th.is_alive())
    time.sleep(0.3)  # uwsgi logs a request just after sending its response

    samples = [s for w in lat for s in w]
    ms = sorted(s[1] for s in samples)
    calls = len(samples)
    failed = sum(1 for s in samples if not s[2])
    out = collections.OrderedDict()
    out['scenario'] = scenario
    out['workers'] = a.workers
    out['seconds'] = a.seconds
    out['calls'] = calls
    out['failed'] = failed
    out['token_posts'] = count_posts(uwsgi_log, off0)
    out['rps'] = round(calls / elapsed, 1) if elapsed > 0 else None
    out['p50_ms'] = round(percentile(ms, 50), 2) if ms else None
    out['p99_ms'] = round(percentile(ms, 99), 2) if ms else None
    out['client_token_posts'] = STATS.token_posts
    out['cache_hits'] = STATS.cache_hits
    out['elapsed_s'] = round(elapsed, 3)
    out['status_counts'] = {str(k): v for k, v in status_counts.items()}
    if scenario == 'rotate':
        out['rotate_at'] = a.rotate_at
        out['rotate_mode'] = a.rotate_mode
        out['rotate_rc'] = rot.get('rc')
        if 't1' in rot:
            out['rotate_s'] = round(rot['t1'] - rot['t0'], 3)
            out['token_posts_after_rotate'] = count_posts(
                uwsgi_log, rot.get('offset'))
            out['failed_after_rotate'] = sum(
                1 for s in samples if not s[2] and s[0] >= rot['t0'])
        if rot.get('err'):
            out['rotate_error'] = rot['err']
    if stuck:
        out['stuck_workers'] = stuck
    if errors:
        out['errors'] = errors[:5]
    print(json.dumps(out))
    sys.stdout.flush()
    ok = not stuck and (scenario != 'rotate' or rot.get('rc') == 0)
    # daemon threads still blocked in a call are abandoned here
    os._exit(0 if ok else 1)


if __name__ == '__main__':
    main()
