#!/bin/sh
# Stands in for `docker build` in tests/template.rs: prints what the docker
# client prints for a documented failure, then fails as it does.
case "$1" in
  rate-limit)
    echo "Step 1/3 : FROM node:20"
    echo "toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit" >&2
    ;;
  tls-port)
    echo "Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?" >&2
    ;;
  *)
    echo "usage: $0 rate-limit|tls-port" >&2
    ;;
esac
exit 1
