import type { Model } from '@switchyard/protocol';

/**
 * A fixed model list (an adapter's `models` setting) in the wire shape of `GET /v1/models`: an id
 * becomes `{ id, object: 'model', created: 0, owned_by: ownedBy }`, a `Model` is kept as given.
 */
export function staticModels(models: ReadonlyArray<string | Model>, ownedBy: string): Model[] {
  return models.map((model) =>
    typeof model === 'string' ? { id: model, object: 'model', created: 0, owned_by: ownedBy } : model,
  );
}
