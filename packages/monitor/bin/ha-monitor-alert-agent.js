#!/usr/bin/env node
// Pacemaker's alert agent for ha-monitor: see src/pacemaker-alert/agent.ts. It has no
// dependencies, so it is not bundled: Pacemaker starts it once per event.
const { main } = await import('../dist/pacemaker-alert/agent.js');
await main();
