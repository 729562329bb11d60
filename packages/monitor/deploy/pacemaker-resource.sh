#!/bin/sh
# One monitor for the whole cluster, kept running on exactly one node by Pacemaker itself
# (no election of our own): ocf:heartbeat:anything runs it, restarts it, and moves it
# when its node fails. Run once, on any node, after installing ha-monitor on every node.
set -eu
pcs resource create ha-monitor ocf:heartbeat:anything \
  binfile=/usr/local/bin/ha-monitor \
  cmdline_options="--config /etc/ha-monitor/ha-monitor.ini" \
  pidfile=/run/ha-monitor.pid \
  logfile=/var/log/ha-monitor.log errlogfile=/var/log/ha-monitor.log \
  op monitor interval=10s timeout=20s \
  op start timeout=30s op stop timeout=30s
# Pacemaker's own events reach whichever node runs it: register the alert agent (cluster-wide).
ha-monitor pacemaker-alert install --socket /run/ha-monitor/pacemaker.sock
