/**
 * Puts the store together: restores the checkpoints, starts the retention sweep and the periodic
 * checkpoints; store.close() stops them and writes the final checkpoint.
 */
import { Checkpointer, type RestoreResult } from "./checkpoint.js";
import { MetricStore, type MetricStoreOptions } from "./store.js";

export interface OpenMetricStoreOptions extends MetricStoreOptions {
  /** Where checkpoints go; without it the store lives in memory only. */
  checkpointDir?: string;
  /** Seconds between checkpoints. Default 300. */
  checkpointIntervalSeconds?: number;
}

export interface OpenedMetricStore {
  store: MetricStore;
  checkpointer?: Checkpointer;
  restored?: RestoreResult;
}

export async function openMetricStore(options: OpenMetricStoreOptions): Promise<OpenedMetricStore> {
  const store = new MetricStore(options);
  const opened: OpenedMetricStore = { store };
  if (options.checkpointDir) {
    const checkpointer = new Checkpointer(store, { dir: options.checkpointDir, intervalSeconds: options.checkpointIntervalSeconds ?? 300 });
    opened.restored = await checkpointer.restore();
    checkpointer.start();
    store.onClose(() => checkpointer.close());
    opened.checkpointer = checkpointer;
  }
  store.applyRetention();
  store.startMaintenance();
  return opened;
}
