import { useCallback, useEffect, useState } from 'react';
import {
  type ApiKeyView,
  adminRequest,
  type UsageGroupBy,
  type UsageReport,
  usagePath,
} from '../state/admin-api.js';
import { type AnswerError, describeError } from '../state/answer-error.js';
import { USAGE_RANGES, type UsageRange } from '../state/usage-series.js';

export interface UsageData {
  byModel: UsageReport;
  byKey: UsageReport;
  /** Key id → name, for the "by key" charts. */
  keyNames: Record<string, string>;
  window: { from: number; to: number };
}

export interface UsageState {
  data: UsageData | null;
  loading: boolean;
  error: AnswerError | null;
  reload: () => void;
}

/** The usage reports for a time range, grouped by model and by key, from the admin API. */
export function useUsageReport(gatewayURL: string, adminKey: string, range: UsageRange): UsageState {
  const [data, setData] = useState<UsageData | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<AnswerError | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!adminKey) {
      setData(null);
      setError(null);
      return;
    }
    let cancelled = false;
    const to = Date.now();
    const { ms, bucket } = USAGE_RANGES[range];
    const from = to - ms;
    const report = (groupBy: UsageGroupBy) =>
      adminRequest<UsageReport>(gatewayURL, adminKey, usagePath({ groupBy, bucket, from }));
    setLoading(true);
    Promise.all([
      report('model'),
      report('key'),
      adminRequest<{ data: ApiKeyView[] }>(gatewayURL, adminKey, '/admin/keys'),
    ])
      .then(([byModel, byKey, keys]) => {
        if (cancelled) return;
        const keyNames: Record<string, string> = {};
        for (const key of keys.data) keyNames[key.id] = `${key.name} (${key.prefix}…)`;
        setData({ byModel, byKey, keyNames, window: { from, to } });
        setError(null);
      })
      .catch((caught: unknown) => {
        if (!cancelled) setError(describeError(caught));
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [gatewayURL, adminKey, range, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, loading, error, reload };
}
