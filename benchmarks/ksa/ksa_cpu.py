#!/usr/bin/python3
"""Client CPU per call of keystoneauth1 on a real Keystone.

usage: ksa_cpu.py --calls 2000   (credentials from OS_*: source the Keystone's openrc)

Sequential authenticated GETs of the identity endpoint's /projects (from the
catalog), after 200 warm-up calls; prints one JSON line with the process CPU
time (user + system, this process only) divided by calls. The same
measurement as `Keystone.Auth.Fleet --cpu-per-call` (run-cpu-per-call.sh).
"""
import argparse
import json
import os
import resource
import time

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

EF = {'service_type': 'identity', 'interface': 'public'}


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--calls', type=int, default=2000)
    a = ap.parse_args()
    e = os.environ
    auth = v3.Password(auth_url=e['OS_AUTH_URL'], username=e['OS_USERNAME'], password=e['OS_PASSWORD'],
                       user_domain_name=e.get('OS_USER_DOMAIN_NAME', 'Default'),
                       project_name=e['OS_PROJECT_NAME'],
                       project_domain_name=e.get('OS_PROJECT_DOMAIN_NAME', 'Default'))
    sess = ks_session.Session(auth=auth)
    for _ in range(min(200, a.calls)):
        sess.get('/projects', endpoint_filter=EF).close()
    c0, w0 = cpu(), time.perf_counter()
    for _ in range(a.calls):
        sess.get('/projects', endpoint_filter=EF).close()
    c1, w1 = cpu(), time.perf_counter()
    print(json.dumps({'client': 'keystoneauth1 %s' % __import__('keystoneauth1').__version__ if hasattr(__import__('keystoneauth1'), '__version__') else 'keystoneauth1',
                      'settings': 'defaults', 'calls': a.calls,
                      'cpu_us_per_call': round((c1 - c0) / a.calls * 1e6, 1),
                      'wall_ms_per_call': round((w1 - w0) / a.calls * 1e3, 2)}))


if __name__ == '__main__':
    main()
