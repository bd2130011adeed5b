import type { Client } from '@switchyard/client';
import { useCallback, useEffect, useState } from 'react';
import { type AnswerError, describeError } from '../state/answer-error.js';

export interface ModelsState {
  models: string[];
  loading: boolean;
  error: AnswerError | null;
  reload: () => void;
}

/**
 * The gateway's models (`GET /v1/models`), loaded again whenever the client changes; none, and no
 * request, until there is a key to send (`enabled`).
 */
export function useModels(client: Client, enabled: boolean): ModelsState {
  const [models, setModels] = useState<string[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<AnswerError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    if (!enabled) {
      setModels([]);
      setError(null);
      setLoading(false);
      return;
    }
    setLoading(true);
    client.models
      .list({ signal: controller.signal })
      .then((list) => {
        setModels(list.data.map((model) => model.id).sort((a, b) => a.localeCompare(b)));
        setError(null);
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(describeError(caught));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [client, enabled, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { models, loading, error, reload };
}
