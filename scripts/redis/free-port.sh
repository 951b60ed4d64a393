#!/bin/bash
# free-port.sh -- print a free TCP port on 127.0.0.1 (asks the kernel: bind :0).
#
# usage: PORT=$(scripts/redis/free-port.sh)
#
# The port is free when printed; another process could take it before you
# bind it (start.sh with PORT=auto retries on "address in use").
set -euo pipefail
exec /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
'
