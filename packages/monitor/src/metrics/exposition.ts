import { Counter, Gauge, Registry } from 'prom-client';
import { HaError } from '@ha/core';
import { metricCatalog, type MetricSample } from './catalog.js';

/**
 * Renders samples in the Prometheus text format with prom-client, one
 * registry per instance (no global state: two monitors in one process each
 * have their own). Samples are set fresh on every render.
 */
export class MetricsExposition {
  private readonly registry = new Registry();
  private readonly families = new Map<string, Gauge | Counter>();
  private rendering: Promise<unknown> = Promise.resolve();

  constructor() {
    for (const [name, family] of Object.entries(metricCatalog)) {
      const options = { name, help: family.help, labelNames: [...family.labels], registers: [this.registry] };
      this.families.set(name, family.type === 'counter' ? new Counter(options) : new Gauge(options));
    }
  }

  /** The `Content-Type` of `render()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of these samples (renders one at a time: a scrape never sees another's values). */
  render(samples: readonly MetricSample[]): Promise<string> {
    const run = this.rendering.then(() => {
      for (const family of this.families.values()) family.reset();
      for (const sample of samples) {
        const family = this.families.get(sample.name);
        if (!family) throw new HaError('VALIDATION_ERROR', `metric ${sample.name} is not in the catalog`);
        const labels = sample.labels ?? {};
        if (family instanceof Counter) family.inc(labels, sample.value);
        else family.set(labels, sample.value);
      }
      return this.registry.metrics();
    });
    this.rendering = run.catch(() => undefined);
    return run;
  }
}
